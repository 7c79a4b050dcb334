//! A matter's record as templates see it: the client, the matter, its parties, filings, notices,
//! deadlines (from the rules engine), a dated procedural history, the evidence inventory and the
//! chosen notes. Field names are snake_case and stable: firm templates depend on them (docs/admin.md,
//! "Drafting templates").

use serde::Serialize;

use crate::Result;
use crate::store::{DeadlineRecord, Forum, NoticeKind, Store};

/// Tag that lists a note in the evidence inventory; `requested` or `missing` beside it say the
/// document is not in hand yet.
pub const EVIDENCE_TAG: &str = "evidence";

#[derive(Debug, Clone, Serialize)]
pub struct MatterRecord {
    pub client: ClientFacts,
    pub matter: MatterFacts,
    pub parties: Vec<PartyFacts>,
    pub filings: Vec<FilingFacts>,
    pub notices: Vec<NoticeFacts>,
    /// Every deadline, done ones included, earliest first.
    pub deadlines: Vec<DeadlineFacts>,
    /// Deadlines not done yet, earliest first.
    pub open_deadlines: Vec<DeadlineFacts>,
    pub next_deadline: Option<DeadlineFacts>,
    /// Filings and notices by date (undated filings last).
    pub history: Vec<HistoryEntry>,
    pub evidence: Vec<EvidenceItem>,
    /// The notes chosen for this draft, oldest first.
    pub notes: Vec<NoteFacts>,
    /// The local date the record was read (YYYY-MM-DD).
    pub today: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClientFacts {
    pub id: i64,
    pub name: String,
    pub given_name: String,
    pub family_name: String,
    pub other_names: Vec<String>,
    pub date_of_birth: Option<String>,
    pub country_of_birth: Option<String>,
    pub citizenships: Vec<String>,
    pub a_number: Option<String>,
    pub preferred_language: Option<String>,
    pub interpreter_needed: bool,
    pub detained: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatterFacts {
    pub id: i64,
    pub number: Option<String>,
    pub title: String,
    pub description: String,
    pub matter_type: Option<String>,
    pub firm_status: Option<String>,
    pub agency_status: Option<String>,
    pub agency_status_date: Option<String>,
    pub benefit_sought: Option<String>,
    pub forum: Option<&'static str>,
    pub category: Option<String>,
    pub priority_date: Option<String>,
    pub chargeability: Option<String>,
    pub premium_processing: bool,
    pub responsible_attorney: Option<String>,
    pub next_hearing: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartyFacts {
    pub contact_id: i64,
    pub name: String,
    /// `client`, `petitioner`, `beneficiary`, … as stored.
    pub role: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct FilingFacts {
    pub form_type: String,
    pub edition: Option<String>,
    pub filed_on: Option<String>,
    pub receipt_number: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoticeFacts {
    /// `rfe`, `noid`, `denial`, … as stored.
    pub kind: &'static str,
    pub label: &'static str,
    pub notice_date: String,
    pub service: &'static str,
    pub printed_due: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeadlineFacts {
    pub due: String,
    pub computed_due: String,
    pub override_due: Option<String>,
    pub override_reason: Option<String>,
    pub rule: String,
    pub source: String,
    pub explanation: String,
    pub done: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub date: String,
    pub event: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceItem {
    pub exhibit: String,
    /// `in hand`, `requested` or `missing`.
    pub status: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteFacts {
    pub id: i64,
    /// The revision read, so a draft names exactly the text it was made from.
    pub revision: i64,
    pub title: String,
    pub body: String,
    pub created_at: String,
    pub updated_at: String,
    pub tags: Vec<String>,
}

/// Which of a matter's notes a draft uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum NoteSelection {
    /// Every note of the matter (not in the trash).
    #[default]
    All,
    /// These notes, which must belong to the matter.
    Only(Vec<i64>),
}

impl MatterRecord {
    /// Reads matter `matter_id` and the notes chosen by `selection`.
    pub fn read(store: &Store, matter_id: i64, selection: &NoteSelection) -> Result<Self> {
        let matter = store.matter_record(matter_id)?;
        let contact = store.contact(matter.client_id)?;
        let client_name = store.client(matter.client_id)?.name;
        let parties = store
            .matter_parties(matter_id)?
            .into_iter()
            .map(|p| PartyFacts {
                contact_id: p.contact_id,
                name: p.name,
                role: p.role.label(),
            })
            .collect();
        let filings: Vec<FilingFacts> = store
            .filings_of(matter_id)?
            .into_iter()
            .map(|f| FilingFacts {
                form_type: f.form_type,
                edition: f.form_edition,
                filed_on: f.filed_on,
                receipt_number: f.receipt_number,
            })
            .collect();
        let notices: Vec<NoticeFacts> = store
            .notices_of(matter_id)?
            .into_iter()
            .map(|n| NoticeFacts {
                kind: n.kind.as_str(),
                label: notice_label(n.kind),
                notice_date: n.notice_date,
                service: n.service.as_str(),
                printed_due: n.printed_due,
            })
            .collect();
        let mut deadlines: Vec<DeadlineFacts> = store
            .deadlines_of(matter_id)?
            .into_iter()
            .map(DeadlineFacts::from)
            .collect();
        deadlines.sort_by(|a, b| a.due.cmp(&b.due));
        let open_deadlines: Vec<DeadlineFacts> =
            deadlines.iter().filter(|d| !d.done).cloned().collect();
        let notes = chosen_notes(store, matter_id, selection)?;
        let evidence = notes.iter().filter_map(evidence_item).collect();
        let d = matter.details;
        Ok(Self {
            client: ClientFacts {
                id: contact.id,
                name: client_name,
                given_name: contact.details.given_name,
                family_name: contact.details.family_name,
                other_names: contact.details.other_names,
                date_of_birth: contact.details.date_of_birth,
                country_of_birth: contact.details.country_of_birth,
                citizenships: contact.details.citizenships,
                a_number: contact.details.a_number,
                preferred_language: contact.details.preferred_language,
                interpreter_needed: contact.details.interpreter_needed,
                detained: contact.details.detained,
            },
            matter: MatterFacts {
                id: matter.id,
                number: d.number,
                title: d.title,
                description: d.description,
                matter_type: d.matter_type,
                firm_status: d.firm_status,
                agency_status: d.agency_status,
                agency_status_date: d.agency_status_date,
                benefit_sought: d.benefit_sought,
                forum: d.forum.map(forum_label),
                category: d.category,
                priority_date: d.priority_date,
                chargeability: d.chargeability,
                premium_processing: d.premium_processing,
                responsible_attorney: d.responsible_attorney,
                next_hearing: d.next_hearing,
            },
            parties,
            history: history(&filings, &notices),
            filings,
            notices,
            next_deadline: open_deadlines.first().cloned(),
            open_deadlines,
            deadlines,
            evidence,
            notes,
            today: jiff::ZonedDateTime::now().date().to_string(),
        })
    }
}

fn chosen_notes(
    store: &Store,
    matter_id: i64,
    selection: &NoteSelection,
) -> Result<Vec<NoteFacts>> {
    let ids: Vec<i64> = match selection {
        NoteSelection::All => store
            .notes_of(matter_id)?
            .into_iter()
            .map(|n| n.id)
            .collect(),
        NoteSelection::Only(ids) => ids.clone(),
    };
    let mut notes = Vec::with_capacity(ids.len());
    for id in ids {
        let note = store.note(id)?;
        if note.matter_id != matter_id {
            return Err(crate::Error::InvalidInput(format!(
                "Note {id} belongs to another matter; choose notes of matter {matter_id} only."
            )));
        }
        notes.push(NoteFacts {
            tags: store.note_tags(id)?,
            id,
            revision: note.revision,
            title: note.title,
            body: note.body,
            created_at: note.created_at,
            updated_at: note.updated_at,
        });
    }
    notes.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    Ok(notes)
}

fn evidence_item(note: &NoteFacts) -> Option<EvidenceItem> {
    let tagged = |name: &str| note.tags.iter().any(|t| t.eq_ignore_ascii_case(name));
    tagged(EVIDENCE_TAG).then(|| EvidenceItem {
        exhibit: note.title.clone(),
        status: if tagged("missing") {
            "missing"
        } else if tagged("requested") {
            "requested"
        } else {
            "in hand"
        },
    })
}

fn history(filings: &[FilingFacts], notices: &[NoticeFacts]) -> Vec<HistoryEntry> {
    let mut dated: Vec<HistoryEntry> = Vec::new();
    let mut undated = Vec::new();
    for f in filings {
        let mut detail = Vec::new();
        if let Some(edition) = &f.edition {
            detail.push(format!("edition {edition}"));
        }
        if let Some(receipt) = &f.receipt_number {
            detail.push(format!("receipt {receipt}"));
        }
        let entry = HistoryEntry {
            date: f.filed_on.clone().unwrap_or_else(|| "not recorded".into()),
            event: format!("Form {} filed", f.form_type),
            detail: detail.join(", "),
        };
        if f.filed_on.is_some() {
            dated.push(entry);
        } else {
            undated.push(entry);
        }
    }
    for n in notices {
        let mut detail = format!("served by {}", n.service);
        if let Some(due) = &n.printed_due {
            detail.push_str(&format!("; due {due} as printed"));
        }
        dated.push(HistoryEntry {
            date: n.notice_date.clone(),
            event: n.label.to_owned(),
            detail,
        });
    }
    dated.sort_by(|a, b| a.date.cmp(&b.date));
    dated.extend(undated);
    dated
}

impl From<DeadlineRecord> for DeadlineFacts {
    fn from(d: DeadlineRecord) -> Self {
        Self {
            due: d.due,
            computed_due: d.computed_due,
            override_due: d.override_due,
            override_reason: d.override_reason,
            rule: d.rule,
            source: d.source,
            explanation: d.explanation,
            done: d.done,
        }
    }
}

fn forum_label(forum: Forum) -> &'static str {
    match forum {
        Forum::Uscis => "USCIS",
        Forum::Eoir => "Immigration court (EOIR)",
        Forum::Bia => "Board of Immigration Appeals",
        Forum::Aao => "Administrative Appeals Office",
        Forum::DosNvc => "Department of State / NVC",
        Forum::Cbp => "CBP",
        Forum::FederalCourt => "Federal court",
    }
}

fn notice_label(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::Receipt => "Receipt notice",
        NoticeKind::Biometrics => "Biometrics appointment notice",
        NoticeKind::Rfe => "Request for Evidence",
        NoticeKind::Noid => "Notice of Intent to Deny",
        NoticeKind::Noir => "Notice of Intent to Revoke",
        NoticeKind::Nta => "Notice to Appear",
        NoticeKind::Interview => "Interview notice",
        NoticeKind::Approval => "Approval notice",
        NoticeKind::Denial => "Denial",
        NoticeKind::Transfer => "Transfer notice",
    }
}
