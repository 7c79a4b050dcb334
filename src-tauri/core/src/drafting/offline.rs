//! The structured summary from the record alone: every record section of a template filled on
//! this computer, AI sections left for the attorney. Works with no provider and no network.

use super::document::{body, fill};
use super::provenance::{NoteUsed, Provenance};
use super::record::{MatterRecord, NoteSelection};
use super::templates::{Template, TemplateOrigin};
use crate::Result;
use crate::audit::os_user;
use crate::store::{Draft, DraftOrigin, NewDraft, Store};

/// Fills `template` from matter `matter_id`'s record and stores the result as a draft pending
/// review.
pub fn offline_draft(
    store: &mut Store,
    template: &Template,
    matter_id: i64,
    selection: &NoteSelection,
) -> Result<Draft> {
    let started_at = jiff::Timestamp::now().to_string();
    let record = MatterRecord::read(store, matter_id, selection)?;
    let filled = fill(template, &record)?;
    let text = body(&filled, &record.matter.title, None);
    let mut provenance = provenance_of(template, &record, filled.missing, started_at);
    provenance.finished_at = Some(jiff::Timestamp::now().to_string());
    store.create_draft(&NewDraft {
        matter_id,
        title: &format!("{}: {}", template.title, record.matter.title),
        origin: DraftOrigin::Record,
        body: &text,
        provenance: &provenance,
    })
}

/// Provenance of a draft made from `record` by `template`, before any AI part.
pub(crate) fn provenance_of(
    template: &Template,
    record: &MatterRecord,
    missing: Vec<String>,
    started_at: String,
) -> Provenance {
    Provenance {
        template: template.name.clone(),
        template_version: template.version,
        template_origin: match &template.origin {
            TemplateOrigin::BuiltIn => "built-in".into(),
            TemplateOrigin::Firm(path) => path.display().to_string(),
        },
        matter_id: record.matter.id,
        client_id: record.client.id,
        notes: record
            .notes
            .iter()
            .map(|n| NoteUsed {
                id: n.id,
                revision: n.revision,
                title: n.title.clone(),
            })
            .collect(),
        missing,
        started_at,
        finished_at: None,
        user: os_user(),
        ai: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drafting::document::{LEFT_FOR_THE_ATTORNEY, presented};
    use crate::drafting::templates::Templates;
    use crate::store::test_support::store as temp_store;
    use crate::store::{DraftStatus, NewContact, NewMatter, NewNote, SearchFilter};

    #[test]
    fn an_offline_summary_is_stored_pending_review_and_presented_with_its_provenance() {
        let (_dir, mut store) = temp_store();
        let client = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        let matter = store
            .create_matter(&NewMatter::new(client, "Naturalization"))
            .unwrap();
        let note = store
            .create_note(&NewNote::new(
                matter,
                "Intake",
                "Lawful permanent resident since 2019",
            ))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let templates = Templates::load(dir.path()).unwrap();
        let template = templates.get("case-summary").unwrap();
        let draft = offline_draft(&mut store, template, matter, &NoteSelection::All).unwrap();
        assert_eq!(draft.status, DraftStatus::PendingReview);
        assert_eq!(draft.origin, DraftOrigin::Record);
        assert_eq!(draft.version, 1);
        assert!(draft.body.starts_with("# Case summary: Naturalization\n"));
        assert!(draft.body.contains("## Facts\n\n") && draft.body.contains(LEFT_FOR_THE_ATTORNEY));
        assert_eq!(draft.provenance.notes[0].id, note.id);
        assert!(draft.provenance.ai.is_none());
        let shown = presented(&draft);
        assert!(shown.starts_with(
            "> Filled from the record on this computer; no AI was used, pending attorney review."
        ));
        assert!(shown.contains("## Provenance") && shown.contains("Intake (note"));
        // Drafts are searchable like notes.
        let hits = store
            .search(
                "Naturalization",
                &SearchFilter {
                    limit: 10,
                    ..SearchFilter::default()
                },
            )
            .unwrap();
        assert!(
            hits.iter()
                .any(|h| h.kind == crate::store::Kind::Draft && h.id == draft.id)
        );
    }

    #[test]
    fn a_note_of_another_matter_cannot_be_chosen() {
        let (_dir, mut store) = temp_store();
        let client = store.create_contact(&NewContact::person("A", "B")).unwrap();
        let first = store.create_matter(&NewMatter::new(client, "One")).unwrap();
        let second = store.create_matter(&NewMatter::new(client, "Two")).unwrap();
        let other = store.create_note(&NewNote::new(second, "x", "y")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let templates = Templates::load(dir.path()).unwrap();
        let err = offline_draft(
            &mut store,
            templates.get("case-summary").unwrap(),
            first,
            &NoteSelection::Only(vec![other.id]),
        )
        .unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidInput);
        assert!(store.drafts_of(first).unwrap().is_empty(), "nothing stored");
    }
}
