//! Filling a template from a matter's record, and the Markdown document a draft is: a title, the
//! review banner, every section in the template's order, then the provenance block.

use std::sync::{Arc, Mutex};

use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, UndefinedBehavior};
use serde::{Deserialize, Serialize};

use super::record::MatterRecord;
use super::templates::{SectionSource, Template, TemplateOrigin};
use crate::store::{Draft, DraftOrigin, DraftStatus};
use crate::{Error, Result};

/// What the document says in place of a value the record lacks: shown, never invented.
pub const NOT_RECORDED: &str = "*not recorded*";

/// A template's sections with the record sections filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilledTemplate {
    pub template: String,
    pub version: u32,
    pub title: String,
    pub sections: Vec<FilledSection>,
    /// What the record sections needed and the record lacks, in order of first use.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilledSection {
    pub heading: String,
    pub from: SectionSource,
    /// A record section's text; an AI section's instructions.
    pub text: String,
}

/// The template environment: no HTML escaping (the output is Markdown, rendered sanitized), a
/// typo in a field name is an error rather than an empty value, and `shown("what")` prints
/// [`NOT_RECORDED`] for an empty value (and `record_missing` learns `what`).
pub(crate) fn environment_recording(missing: Arc<Mutex<Vec<String>>>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_filter("shown", move |value: Value, what: String| -> Value {
        let empty = match value.kind() {
            ValueKind::Undefined | ValueKind::None => true,
            ValueKind::String => value.as_str().is_some_and(|s| s.trim().is_empty()),
            ValueKind::Seq => value.len() == Some(0),
            _ => false,
        };
        if !empty {
            return value;
        }
        let mut missing = missing.lock().unwrap_or_else(|e| e.into_inner());
        if !missing.contains(&what) {
            missing.push(what);
        }
        Value::from(NOT_RECORDED)
    });
    env
}

/// The environment for checking a template's syntax.
pub(crate) fn environment() -> Environment<'static> {
    environment_recording(Arc::default())
}

/// A MiniJinja error in one line, with the line number when there is one.
pub(crate) fn describe(error: &minijinja::Error) -> String {
    let detail = error.detail().map(|d| format!(": {d}")).unwrap_or_default();
    match error.line() {
        Some(line) => format!("line {line}: {}{detail}", error.kind()),
        None => format!("{}{detail}", error.kind()),
    }
}

/// Fills the record sections of `template` from `record`.
pub fn fill(template: &Template, record: &MatterRecord) -> Result<FilledTemplate> {
    let missing = Arc::new(Mutex::new(Vec::new()));
    let env = environment_recording(missing.clone());
    let context = Value::from(minijinja::value::Serde(record));
    let sections = template
        .sections
        .iter()
        .map(|section| {
            let text = match (section.from, &section.body, &section.instructions) {
                (SectionSource::Record, Some(body), _) => env
                    .render_str(body, &context)
                    .map_err(|e| template_error(template, &section.heading, &e))?,
                (_, _, instructions) => instructions.clone().unwrap_or_default(),
            };
            Ok(FilledSection {
                heading: section.heading.clone(),
                from: section.from,
                text: text.trim().to_owned(),
            })
        })
        .collect::<Result<_>>()?;
    let missing = missing.lock().unwrap_or_else(|e| e.into_inner()).clone();
    Ok(FilledTemplate {
        template: template.name.clone(),
        version: template.version,
        title: template.title.clone(),
        sections,
        missing,
    })
}

fn template_error(template: &Template, heading: &str, error: &minijinja::Error) -> Error {
    let file = match &template.origin {
        TemplateOrigin::BuiltIn => "built in".to_owned(),
        TemplateOrigin::Firm(path) => path.display().to_string(),
    };
    Error::InvalidInput(format!(
        "Template {} ({file}), section {heading:?}, cannot be filled: {}. Fix the template \
         file, or remove it to use the built-in one.",
        template.name,
        describe(error)
    ))
}

/// What stands in an AI section the provider did not write.
pub const LEFT_FOR_THE_ATTORNEY: &str = "*Not drafted. This section is for the attorney to write, or for the firm's AI provider once \
     one is set up and chosen for this draft.*";

/// A draft's text: its title, then every section in the template's order (AI sections from
/// `ai_text` when drafted). `ai_text` is the provider's answer for all AI sections at once, under
/// their own headings, so it stands where the first AI section does. The review banner and the
/// provenance block are not part of the text: they follow the draft's status and are added when
/// it is shown or exported.
pub fn body(filled: &FilledTemplate, matter_title: &str, ai_text: Option<&str>) -> String {
    let mut out = format!("# {}: {}\n\n", filled.title, matter_title);
    let mut ai_placed = false;
    for section in &filled.sections {
        match (section.from, ai_text) {
            (SectionSource::Ai, Some(_)) if ai_placed => continue,
            (SectionSource::Ai, Some(text)) => {
                out.push_str(text.trim());
                out.push_str("\n\n");
                ai_placed = true;
            }
            (SectionSource::Ai, None) => {
                out.push_str(&format!(
                    "## {}\n\n{LEFT_FOR_THE_ATTORNEY}\n\n",
                    section.heading
                ));
            }
            (SectionSource::Record, _) => {
                out.push_str(&format!("## {}\n\n{}\n\n", section.heading, section.text));
            }
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The review banner: what the draft is and whether a person has approved it.
pub fn banner(draft: &Draft) -> String {
    let made = match draft.origin {
        DraftOrigin::Record => "Filled from the record on this computer; no AI was used",
        DraftOrigin::Ai => "AI-assisted draft",
    };
    match draft.status {
        DraftStatus::Approved => format!(
            "{made}. Approved by {} on {}.",
            draft.approved_by.as_deref().unwrap_or("an attorney"),
            draft
                .approved_at
                .as_deref()
                .and_then(|at| at.get(..10))
                .unwrap_or("an unknown date")
        ),
        DraftStatus::PendingReview => format!("{made}, pending attorney review."),
        DraftStatus::Writing => format!("{made}, still being written."),
        DraftStatus::Interrupted => format!(
            "{made}, INCOMPLETE ({}), pending attorney review.",
            draft
                .interruption
                .as_deref()
                .unwrap_or("the program stopped while it was being written")
        ),
    }
}

/// A draft as the app shows it: the draft and its review banner.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ShownDraft {
    pub draft: Draft,
    pub banner: String,
}

impl From<Draft> for ShownDraft {
    fn from(draft: Draft) -> Self {
        Self {
            banner: banner(&draft),
            draft,
        }
    }
}

/// A draft as shown or exported: the banner, its text, and the provenance block.
pub fn presented(draft: &Draft) -> String {
    format!(
        "> {}\n\n{}\n{}",
        banner(draft),
        draft.body.trim_end(),
        draft.provenance.markdown()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drafting::record::NoteSelection;
    use crate::drafting::templates::{Templates, parse};
    use crate::store::test_support::store as temp_store;
    use crate::store::{NewContact, NewMatter, NewNote, NoticeKind};

    fn sample(store: &mut crate::store::Store) -> i64 {
        let client = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        let matter = store
            .create_matter(&NewMatter::new(client, "Adjustment of status"))
            .unwrap();
        store
            .add_filing(
                matter,
                "I-485",
                Some("2026-01-05"),
                Some("MSC-26-901-23456"),
            )
            .unwrap();
        store
            .add_notice(
                matter,
                NoticeKind::Rfe,
                "2026-03-02",
                crate::deadlines::Service::Mail,
                None,
                false,
            )
            .unwrap();
        let evidence = store
            .create_note(&NewNote::new(matter, "Birth certificate", "Certified copy"))
            .unwrap();
        store
            .set_note_tags(evidence.id, &["evidence".into(), "requested".into()])
            .unwrap();
        store
            .create_note(&NewNote::new(
                matter,
                "Intake",
                "Entered 2019 on a B-2 visa",
            ))
            .unwrap();
        matter
    }

    #[test]
    fn the_case_summary_is_filled_from_the_record_and_names_what_is_missing() {
        let (_dir, mut store) = temp_store();
        let matter = sample(&mut store);
        let record = MatterRecord::read(&store, matter, &NoteSelection::All).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let templates = Templates::load(dir.path()).unwrap();
        let filled = fill(templates.get("case-summary").unwrap(), &record).unwrap();
        let text = |heading: &str| {
            filled
                .sections
                .iter()
                .find(|s| s.heading == heading)
                .unwrap()
                .text
                .clone()
        };
        let snapshot = text("Matter snapshot");
        assert!(snapshot.contains("| Client | Ana Peña |"), "{snapshot}");
        assert!(snapshot.contains("MSC2690123456 (I-485)"), "{snapshot}");
        assert!(snapshot.contains(&format!("| Priority date | {NOT_RECORDED} |")));
        let history = text("Procedural history");
        let filed = history.find("| 2026-01-05 | Form I-485 filed").unwrap();
        let rfe = history.find("| 2026-03-02 | Request for Evidence").unwrap();
        assert!(filed < rfe, "history is in date order: {history}");
        assert!(text("Evidence inventory").contains("| Birth certificate | requested |"));
        // RFE served by mail on 2026-03-02: 84 + 3 days.
        assert!(text("Deadlines and next steps").contains("| 2026-05-28 |"));
        assert!(filled.missing.contains(&"priority date".to_owned()));
        assert!(
            !filled.missing.contains(&"A-number".to_owned()) || record.client.a_number.is_none()
        );
        let facts = filled
            .sections
            .iter()
            .find(|s| s.heading == "Facts")
            .unwrap();
        assert_eq!(facts.from, SectionSource::Ai);
        assert!(facts.text.contains("immigration history"));
    }

    #[test]
    fn the_shown_banner_follows_the_status_and_names_the_approver() {
        let (_dir, mut store) = temp_store();
        let matter = sample(&mut store);
        let dir = tempfile::tempdir().unwrap();
        let templates = Templates::load(dir.path()).unwrap();
        let draft = crate::drafting::offline::offline_draft(
            &mut store,
            templates.get("case-summary").unwrap(),
            matter,
            &NoteSelection::All,
        )
        .unwrap();
        let pending = ShownDraft::from(draft.clone());
        assert_eq!(
            pending.banner,
            "Filled from the record on this computer; no AI was used, pending attorney review."
        );
        assert_eq!(pending.draft, draft);
        let approved = ShownDraft::from(store.approve_draft(draft.id, "Jane Roe").unwrap());
        let day = approved.draft.approved_at.clone().unwrap();
        assert_eq!(
            approved.banner,
            format!(
                "Filled from the record on this computer; no AI was used. Approved by Jane Roe on {}.",
                &day[..10]
            )
        );
        let cut = ShownDraft::from(crate::store::Draft {
            origin: DraftOrigin::Ai,
            status: DraftStatus::Interrupted,
            interruption: Some("cancelled".into()),
            ..draft
        });
        assert_eq!(
            cut.banner,
            "AI-assisted draft, INCOMPLETE (cancelled), pending attorney review."
        );
    }

    #[test]
    fn every_built_in_template_fills_for_a_bare_matter() {
        let (_dir, mut store) = temp_store();
        let client = store
            .create_contact(&NewContact::person("Li", "Wei"))
            .unwrap();
        let matter = store
            .create_matter(&NewMatter::new(client, "Bare"))
            .unwrap();
        let record = MatterRecord::read(&store, matter, &NoteSelection::All).unwrap();
        let dir = tempfile::tempdir().unwrap();
        for template in Templates::load(dir.path()).unwrap().templates {
            let filled =
                fill(&template, &record).unwrap_or_else(|e| panic!("{}: {e}", template.name));
            assert!(!filled.missing.is_empty(), "{} shows gaps", template.name);
        }
    }

    #[test]
    fn a_misspelt_field_in_a_firm_template_is_an_error_naming_the_line() {
        let (_dir, mut store) = temp_store();
        let matter = sample(&mut store);
        let record = MatterRecord::read(&store, matter, &NoteSelection::All).unwrap();
        let template = parse(
            "name = \"memo\"\nversion = 1\ntitle = \"Memo\"\ndescription = \"\"\n\
             [[sections]]\nheading = \"Top\"\nfrom = \"record\"\n\
             body = \"\"\"\nfine\n{{ matter.titel }}\n\"\"\"\n",
            TemplateOrigin::BuiltIn,
        )
        .unwrap();
        let err = fill(&template, &record).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidInput);
        let message = err.to_string();
        assert!(
            message.contains("\"Top\"") && message.contains("line 2"),
            "{message}"
        );
    }
}
