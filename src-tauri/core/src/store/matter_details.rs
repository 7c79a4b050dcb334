//! The whole record of a matter (one case): what it is, where it stands with the firm and with
//! the agency (kept apart, the agency's words verbatim), its category and dates, and the people
//! who are parties to it with their roles.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::fields::{self, Field};
use super::{Store, now};
use crate::{Error, Result};

/// Where the case is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Forum {
    Uscis,
    /// Immigration court.
    Eoir,
    Bia,
    Aao,
    DosNvc,
    Cbp,
    FederalCourt,
}

impl Forum {
    const ALL: [Forum; 7] = [
        Forum::Uscis,
        Forum::Eoir,
        Forum::Bia,
        Forum::Aao,
        Forum::DosNvc,
        Forum::Cbp,
        Forum::FederalCourt,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Forum::Uscis => "uscis",
            Forum::Eoir => "eoir",
            Forum::Bia => "bia",
            Forum::Aao => "aao",
            Forum::DosNvc => "dosNvc",
            Forum::Cbp => "cbp",
            Forum::FederalCourt => "federalCourt",
        }
    }
}

/// Everything about a matter that a person edits. Saving replaces the whole record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct MatterDetails {
    /// The firm's own matter number.
    pub number: Option<String>,
    pub title: String,
    pub description: String,
    /// E.g. "Family-based adjustment", "Removal defense".
    pub matter_type: Option<String>,
    /// Where the case stands in the firm's own workflow.
    pub firm_status: Option<String>,
    /// The agency's latest status, verbatim as the agency wrote it.
    pub agency_status: Option<String>,
    pub agency_status_date: Option<String>,
    /// The benefit or relief sought, e.g. "Lawful permanent residence", "Asylum".
    pub benefit_sought: Option<String>,
    pub forum: Option<Forum>,
    /// Visa or preference category, e.g. F2A, EB-2, IR-1.
    pub category: Option<String>,
    pub priority_date: Option<String>,
    /// Country of chargeability for the visa bulletin.
    pub chargeability: Option<String>,
    pub premium_processing: bool,
    pub responsible_attorney: Option<String>,
    pub next_hearing: Option<String>,
}

impl MatterDetails {
    /// A matter with only a title.
    pub fn titled(title: &str) -> Self {
        Self {
            number: None,
            title: title.into(),
            description: String::new(),
            matter_type: None,
            firm_status: None,
            agency_status: None,
            agency_status_date: None,
            benefit_sought: None,
            forum: None,
            category: None,
            priority_date: None,
            chargeability: None,
            premium_processing: false,
            responsible_attorney: None,
            next_hearing: None,
        }
    }
}

/// A stored matter: its details, its client and when it was created and last changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Matter {
    pub id: i64,
    pub client_id: i64,
    pub details: MatterDetails,
    pub created_at: String,
    pub updated_at: String,
}

/// What a person is to a matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum PartyRole {
    Client,
    Petitioner,
    Beneficiary,
    Applicant,
    Derivative,
    Sponsor,
    Employer,
    CoCounsel,
    Interpreter,
}

impl PartyRole {
    const ALL: [PartyRole; 9] = [
        PartyRole::Client,
        PartyRole::Petitioner,
        PartyRole::Beneficiary,
        PartyRole::Applicant,
        PartyRole::Derivative,
        PartyRole::Sponsor,
        PartyRole::Employer,
        PartyRole::CoCounsel,
        PartyRole::Interpreter,
    ];

    /// As stored (the schema's CHECK list).
    pub(super) fn as_str(self) -> &'static str {
        match self {
            PartyRole::Client => "client",
            PartyRole::Petitioner => "petitioner",
            PartyRole::Beneficiary => "beneficiary",
            PartyRole::Applicant => "applicant",
            PartyRole::Derivative => "derivative",
            PartyRole::Sponsor => "sponsor",
            PartyRole::Employer => "employer",
            PartyRole::CoCounsel => "co-counsel",
            PartyRole::Interpreter => "interpreter",
        }
    }

    /// In words, as records and drafts print it.
    pub fn label(self) -> &'static str {
        match self {
            PartyRole::CoCounsel => "co-counsel",
            other => other.as_str(),
        }
    }
}

/// A contact who is a party to a matter, in one role (a person may hold several).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Party {
    pub contact_id: i64,
    pub name: String,
    pub role: PartyRole,
}

impl Store {
    /// A matter's whole record. Matters in the trash are not found.
    pub fn matter_record(&self, id: i64) -> Result<Matter> {
        self.conn
            .query_row(
                "SELECT id, client_id, number, title, description, matter_type, firm_status,
                        agency_status, agency_status_date, benefit_sought, forum, category,
                        priority_date, chargeability, premium_processing, responsible_attorney,
                        next_hearing, created_at, updated_at
                 FROM matters WHERE id = ?1 AND deleted_at IS NULL",
                [id],
                |r| {
                    let forum: Option<String> = r.get(10)?;
                    Ok((
                        forum,
                        Matter {
                            id: r.get(0)?,
                            client_id: r.get(1)?,
                            details: MatterDetails {
                                number: r.get(2)?,
                                title: r.get(3)?,
                                description: r.get(4)?,
                                matter_type: r.get(5)?,
                                firm_status: r.get(6)?,
                                agency_status: r.get(7)?,
                                agency_status_date: r.get(8)?,
                                benefit_sought: r.get(9)?,
                                forum: None,
                                category: r.get(11)?,
                                priority_date: r.get(12)?,
                                chargeability: r.get(13)?,
                                premium_processing: r.get(14)?,
                                responsible_attorney: r.get(15)?,
                                next_hearing: r.get(16)?,
                            },
                            created_at: r.get(17)?,
                            updated_at: r.get(18)?,
                        },
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| no_matter(id))
            .and_then(|(forum, mut matter)| {
                matter.details.forum =
                    forum
                        .map(|f| {
                            Forum::ALL.into_iter().find(|x| x.as_str() == f).ok_or_else(|| {
                            Error::Database(format!(
                                "matter {id}'s forum {f:?} cannot be read by this version of \
                                 Casefile; it is left as it is."
                            ))
                        })
                        })
                        .transpose()?;
                Ok(matter)
            })
    }

    /// Replaces a matter's details after checking every field. Saving what is stored already
    /// changes nothing (not even `updated_at`); a matter in the trash is refused.
    pub fn update_matter(&mut self, id: i64, details: &MatterDetails) -> Result<Matter> {
        let d = checked_matter(details)?;
        let tx = self.conn.transaction()?;
        live_matter(&tx, id)?;
        write_matter(&tx, id, &d)?;
        tx.commit()?;
        self.matter_record(id)
    }

    /// The parties to a matter, by role (in the schema's order), then by name.
    pub fn matter_parties(&self, matter_id: i64) -> Result<Vec<Party>> {
        self.matter_record(matter_id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.contact_id,
                    trim(CASE c.kind WHEN 'institution' THEN c.institution_name
                         ELSE c.given_name || ' ' || c.family_name END),
                    p.role
             FROM matter_parties p JOIN contacts c ON c.id = p.contact_id
             WHERE p.matter_id = ?1 AND c.deleted_at IS NULL",
        )?;
        let mut parties = stmt
            .query_map([matter_id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .map(|(contact_id, name, role)| {
                let role = PartyRole::ALL
                    .into_iter()
                    .find(|r| r.as_str() == role)
                    .ok_or_else(|| Error::Database(format!("unknown party role {role:?}")))?;
                Ok(Party {
                    contact_id,
                    name,
                    role,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let rank = |role: PartyRole| PartyRole::ALL.iter().position(|r| *r == role);
        parties.sort_by(|a, b| {
            rank(a.role)
                .cmp(&rank(b.role))
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
                .then(a.contact_id.cmp(&b.contact_id))
        });
        Ok(parties)
    }

    /// Makes a contact a party to a matter in `role`; returns the parties after the change.
    pub fn add_party(
        &mut self,
        matter_id: i64,
        contact_id: i64,
        role: PartyRole,
    ) -> Result<Vec<Party>> {
        let tx = self.conn.transaction()?;
        live_matter(&tx, matter_id)?;
        let name: Option<String> = tx
            .query_row(
                "SELECT trim(CASE kind WHEN 'institution' THEN institution_name
                             ELSE given_name || ' ' || family_name END)
                 FROM contacts WHERE id = ?1 AND deleted_at IS NULL",
                [contact_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(name) = name else {
            return Err(Error::NotFound(format!(
                "Contact {contact_id} does not exist or is in the trash."
            )));
        };
        let added = tx.execute(
            "INSERT OR IGNORE INTO matter_parties (matter_id, contact_id, role) VALUES (?1, ?2, ?3)",
            params![matter_id, contact_id, role.as_str()],
        )?;
        if added == 0 {
            return Err(Error::InvalidInput(format!(
                "{name} is already the {} on this matter.",
                role.label()
            )));
        }
        touch_matter(&tx, matter_id)?;
        tx.commit()?;
        self.matter_parties(matter_id)
    }

    /// Removes a contact's `role` from a matter (the contact itself stays); returns the parties
    /// after the change.
    pub fn remove_party(
        &mut self,
        matter_id: i64,
        contact_id: i64,
        role: PartyRole,
    ) -> Result<Vec<Party>> {
        let tx = self.conn.transaction()?;
        live_matter(&tx, matter_id)?;
        let removed = tx.execute(
            "DELETE FROM matter_parties WHERE matter_id = ?1 AND contact_id = ?2 AND role = ?3",
            params![matter_id, contact_id, role.as_str()],
        )?;
        if removed == 0 {
            return Err(Error::NotFound(format!(
                "Contact {contact_id} is not the {} on matter {matter_id}.",
                role.label()
            )));
        }
        touch_matter(&tx, matter_id)?;
        tx.commit()?;
        self.matter_parties(matter_id)
    }
}

/// Writes checked details over matter `id` (which must exist) unless they are what is stored;
/// returns how many rows changed (0 or 1).
pub(super) fn write_matter(
    conn: &rusqlite::Connection,
    id: i64,
    d: &MatterDetails,
) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE matters SET number = ?2, title = ?3, description = ?4, matter_type = ?5,
             firm_status = ?6, agency_status = ?7, agency_status_date = ?8,
             benefit_sought = ?9, forum = ?10, category = ?11, priority_date = ?12,
             chargeability = ?13, premium_processing = ?14, responsible_attorney = ?15,
             next_hearing = ?16, updated_at = ?17
         WHERE id = ?1 AND NOT (number IS ?2 AND title IS ?3 AND description IS ?4
             AND matter_type IS ?5 AND firm_status IS ?6 AND agency_status IS ?7
             AND agency_status_date IS ?8 AND benefit_sought IS ?9 AND forum IS ?10
             AND category IS ?11 AND priority_date IS ?12 AND chargeability IS ?13
             AND premium_processing IS ?14 AND responsible_attorney IS ?15
             AND next_hearing IS ?16)",
        params![
            id,
            d.number,
            d.title,
            d.description,
            d.matter_type,
            d.firm_status,
            d.agency_status,
            d.agency_status_date,
            d.benefit_sought,
            d.forum.map(Forum::as_str),
            d.category,
            d.priority_date,
            d.chargeability,
            d.premium_processing,
            d.responsible_attorney,
            d.next_hearing,
            now(),
        ],
    )?)
}

fn no_matter(id: i64) -> Error {
    Error::NotFound(format!("Matter {id} does not exist."))
}

/// Refuses a matter that does not exist or is in the trash.
fn live_matter(conn: &rusqlite::Connection, id: i64) -> Result<()> {
    let deleted: Option<Option<String>> = conn
        .query_row("SELECT deleted_at FROM matters WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    match deleted {
        None => Err(no_matter(id)),
        Some(Some(_)) => Err(Error::InvalidInput(format!(
            "Matter {id} is in the trash; restore it before changing it."
        ))),
        Some(None) => Ok(()),
    }
}

fn touch_matter(conn: &rusqlite::Connection, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE matters SET updated_at = ?2 WHERE id = ?1",
        params![id, now()],
    )?;
    Ok(())
}

/// The details as they will be stored: every field checked and in its one stored form.
pub(super) fn checked_matter(d: &MatterDetails) -> Result<MatterDetails> {
    let title = d.title.trim().to_owned();
    if title.is_empty() {
        return Err(Field::new("title", "Title").invalid("Enter a title for the matter."));
    }
    let agency_status = fields::text(d.agency_status.as_deref());
    let agency_status_date = fields::date(
        Field::new("agencyStatusDate", "Agency status date"),
        d.agency_status_date.as_deref(),
    )?;
    if agency_status.is_none() && agency_status_date.is_some() {
        return Err(Field::new("agencyStatus", "Agency status").invalid(
            "Agency status: enter the status the agency gave on that date, as it wrote it.",
        ));
    }
    Ok(MatterDetails {
        number: fields::text(d.number.as_deref()),
        title,
        description: d.description.trim_end().to_owned(),
        matter_type: fields::text(d.matter_type.as_deref()),
        firm_status: fields::text(d.firm_status.as_deref()),
        agency_status,
        agency_status_date,
        benefit_sought: fields::text(d.benefit_sought.as_deref()),
        forum: d.forum,
        category: fields::text(d.category.as_deref()).map(|c| c.to_uppercase()),
        priority_date: fields::date(
            Field::new("priorityDate", "Priority date"),
            d.priority_date.as_deref(),
        )?,
        chargeability: fields::text(d.chargeability.as_deref()),
        premium_processing: d.premium_processing,
        responsible_attorney: fields::text(d.responsible_attorney.as_deref()),
        next_hearing: fields::date(
            Field::new("nextHearing", "Next hearing"),
            d.next_hearing.as_deref(),
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::store::{NewContact, NewMatter, SearchFilter, test_support};

    fn matter(store: &mut Store) -> (i64, i64) {
        let client = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        let matter = store
            .create_matter(&NewMatter::new(client, "I-130 for spouse"))
            .unwrap();
        (client, matter)
    }

    fn full() -> MatterDetails {
        MatterDetails {
            number: Some(" 2025-014 ".into()),
            description: "Spousal petition, then adjustment.\n".into(),
            matter_type: Some("Family-based".into()),
            firm_status: Some("Filed".into()),
            agency_status: Some("Case Was Received and A Receipt Notice Was Sent".into()),
            agency_status_date: Some("2025-02-03".into()),
            benefit_sought: Some("Lawful permanent residence".into()),
            forum: Some(Forum::Uscis),
            category: Some("ir-1".into()),
            priority_date: Some("2025-01-20".into()),
            chargeability: Some("Mexico".into()),
            premium_processing: true,
            responsible_attorney: Some("M. Okafor".into()),
            next_hearing: None,
            ..MatterDetails::titled("I-130 for spouse")
        }
    }

    #[test]
    fn every_field_round_trips_and_the_search_index_follows() {
        let (_dir, mut store) = test_support::store();
        let (client, id) = matter(&mut store);
        let before = store.matter_record(id).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let saved = store.update_matter(id, &full()).unwrap();
        assert_eq!(saved.client_id, client);
        assert_eq!(saved.details.number.as_deref(), Some("2025-014"));
        assert_eq!(saved.details.category.as_deref(), Some("IR-1"));
        assert_eq!(
            saved.details.agency_status.as_deref(),
            Some("Case Was Received and A Receipt Notice Was Sent"),
            "verbatim"
        );
        assert!(saved.updated_at > before.updated_at);
        assert_eq!(store.matter_record(id).unwrap(), saved);
        assert_eq!(
            store.update_matter(id, &saved.details).unwrap().updated_at,
            saved.updated_at,
            "an unchanged save changes nothing"
        );
        assert_eq!(
            store.matter(id).unwrap().number.as_deref(),
            Some("2025-014")
        );
        let hits = store
            .search(
                "adjustment",
                &SearchFilter {
                    limit: 5,
                    ..SearchFilter::default()
                },
            )
            .unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].id, id);
    }

    #[test]
    fn each_refused_field_is_named_and_nothing_is_written() {
        let (_dir, mut store) = test_support::store();
        let (_, id) = matter(&mut store);
        let stored = store.matter_record(id).unwrap();
        type Edit = Box<dyn Fn(&mut MatterDetails)>;
        let cases: Vec<(&str, Edit, &str)> = vec![
            (
                "title",
                Box::new(|d| d.title = "  ".into()),
                "Enter a title",
            ),
            (
                "priorityDate",
                Box::new(|d| d.priority_date = Some("01/20/2025".into())),
                "Priority date",
            ),
            (
                "agencyStatusDate",
                Box::new(|d| d.agency_status_date = Some("2025-02-30".into())),
                "not a date",
            ),
            (
                "agencyStatus",
                Box::new(|d| d.agency_status = Some(" ".into())),
                "as it wrote it",
            ),
            (
                "nextHearing",
                Box::new(|d| d.next_hearing = Some("next week".into())),
                "YYYY-MM-DD",
            ),
        ];
        for (field, edit, words) in cases {
            let mut details = full();
            edit(&mut details);
            let err = store.update_matter(id, &details).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidInput, "{field}");
            assert_eq!(err.field(), Some(field), "{err}");
            assert!(err.to_string().contains(words), "{field}: {err}");
            assert_eq!(store.matter_record(id).unwrap(), stored);
        }
    }

    #[test]
    fn missing_and_trashed_matters_are_refused() {
        let (_dir, mut store) = test_support::store();
        let (client, id) = matter(&mut store);
        assert_eq!(
            store.update_matter(999, &full()).unwrap_err().code(),
            ErrorCode::NotFound
        );
        store
            .conn
            .execute("UPDATE matters SET deleted_at = 'x' WHERE id = ?1", [id])
            .unwrap();
        for err in [
            store.update_matter(id, &full()).unwrap_err(),
            store
                .add_party(id, client, PartyRole::Beneficiary)
                .unwrap_err(),
        ] {
            assert_eq!(err.code(), ErrorCode::InvalidInput);
            assert!(err.to_string().contains("in the trash"), "{err}");
        }
    }

    #[test]
    fn parties_are_added_and_removed_with_their_roles() {
        let (_dir, mut store) = test_support::store();
        let (ana, id) = matter(&mut store);
        let luis = store
            .create_contact(&NewContact::person("Luis", "Peña"))
            .unwrap();
        store.add_party(id, luis, PartyRole::Petitioner).unwrap();
        store.add_party(id, ana, PartyRole::Beneficiary).unwrap();
        let parties = store.add_party(id, luis, PartyRole::Sponsor).unwrap();
        let summary: Vec<(&str, PartyRole)> =
            parties.iter().map(|p| (p.name.as_str(), p.role)).collect();
        assert_eq!(
            summary,
            [
                ("Luis Peña", PartyRole::Petitioner),
                ("Ana Peña", PartyRole::Beneficiary),
                ("Luis Peña", PartyRole::Sponsor),
            ]
        );

        let twice = store.add_party(id, luis, PartyRole::Sponsor).unwrap_err();
        assert_eq!(twice.code(), ErrorCode::InvalidInput);
        assert!(twice.to_string().contains("already the sponsor"), "{twice}");
        assert_eq!(
            store
                .add_party(id, 999, PartyRole::Employer)
                .unwrap_err()
                .code(),
            ErrorCode::NotFound
        );

        let after = store.remove_party(id, luis, PartyRole::Sponsor).unwrap();
        assert_eq!(after.len(), 2);
        assert_eq!(
            store
                .remove_party(id, luis, PartyRole::Sponsor)
                .unwrap_err()
                .code(),
            ErrorCode::NotFound
        );
        assert_eq!(store.contact(luis).unwrap().details.given_name, "Luis");
        assert_eq!(store.matter_parties(id).unwrap(), after);
    }

    #[test]
    fn co_counsel_is_stored_as_the_schema_spells_it() {
        let (_dir, mut store) = test_support::store();
        let (ana, id) = matter(&mut store);
        store.add_party(id, ana, PartyRole::CoCounsel).unwrap();
        let stored: String = store
            .conn
            .query_row("SELECT role FROM matter_parties", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, "co-counsel");
        assert_eq!(
            serde_json::to_value(PartyRole::CoCounsel).unwrap(),
            "coCounsel"
        );
    }
}
