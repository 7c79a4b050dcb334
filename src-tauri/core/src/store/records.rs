//! Contacts and matters. This slice stores the fields search and notes need; the rest of the
//! record (passports, addresses, filings…) uses the same tables' JSON and later migrations.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Store, identifiers, now};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ContactKind {
    Person,
    Institution,
}

impl ContactKind {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            ContactKind::Person => "person",
            ContactKind::Institution => "institution",
        }
    }

    pub(super) fn parse(value: &str) -> Option<Self> {
        match value {
            "person" => Some(ContactKind::Person),
            "institution" => Some(ContactKind::Institution),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewContact {
    pub external_id: Option<String>,
    pub kind: ContactKind,
    pub given_name: String,
    pub family_name: String,
    pub institution_name: String,
    pub other_names: Vec<String>,
    pub a_number: Option<String>,
}

impl NewContact {
    pub fn person(given_name: &str, family_name: &str) -> Self {
        Self {
            external_id: None,
            kind: ContactKind::Person,
            given_name: given_name.into(),
            family_name: family_name.into(),
            institution_name: String::new(),
            other_names: Vec::new(),
            a_number: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewMatter {
    pub external_id: Option<String>,
    pub client_id: i64,
    pub number: Option<String>,
    pub title: String,
    pub description: String,
}

impl NewMatter {
    pub fn new(client_id: i64, title: &str) -> Self {
        Self {
            external_id: None,
            client_id,
            number: None,
            title: title.into(),
            description: String::new(),
        }
    }
}

/// A client as listed: enough to find and open them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ClientSummary {
    pub id: i64,
    pub name: String,
    pub a_number: Option<String>,
    pub matters: i64,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct MatterSummary {
    pub id: i64,
    pub client_id: i64,
    pub number: Option<String>,
    pub title: String,
    pub description: String,
    pub notes: i64,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NoteSummary {
    pub id: i64,
    pub title: String,
    /// The first words of the note.
    pub preview: String,
    pub updated_at: String,
}

impl Store {
    pub fn create_contact(&mut self, contact: &NewContact) -> Result<i64> {
        let a_number = contact
            .a_number
            .as_deref()
            .map(canonical_a_number)
            .transpose()?;
        if contact.kind == ContactKind::Person
            && contact.given_name.trim().is_empty()
            && contact.family_name.trim().is_empty()
        {
            return Err(Error::InvalidInput(
                "Enter the client's given or family name.".into(),
            ));
        }
        let at = now();
        self.conn.execute(
            "INSERT INTO contacts (external_id, kind, given_name, family_name, institution_name,
                                   other_names, a_number, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![
                contact.external_id,
                contact.kind.as_str(),
                contact.given_name,
                contact.family_name,
                contact.institution_name,
                serde_json::to_string(&contact.other_names).expect("strings serialize"),
                a_number,
                at,
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn create_matter(&mut self, matter: &NewMatter) -> Result<i64> {
        if matter.title.trim().is_empty() {
            return Err(Error::InvalidInput("Enter a title for the matter.".into()));
        }
        self.client(matter.client_id)?;
        let at = now();
        self.conn.execute(
            "INSERT INTO matters (external_id, client_id, number, title, description, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![
                matter.external_id,
                matter.client_id,
                matter.number,
                matter.title,
                matter.description,
                at,
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Clients (persons and institutions not in the trash) as a firm files them: by family
    /// name, then given name.
    pub fn clients(&self) -> Result<Vec<ClientSummary>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT c.id, {CLIENT_NAME}, {CLIENT_COLUMNS} WHERE c.deleted_at IS NULL
             ORDER BY CASE c.kind WHEN 'institution' THEN c.institution_name ELSE c.family_name END
                          COLLATE NOCASE,
                      c.given_name COLLATE NOCASE, c.id"
        ))?;
        let rows = stmt
            .query_map([], client_summary)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn client(&self, id: i64) -> Result<ClientSummary> {
        self.conn
            .query_row(
                &format!(
                    "SELECT c.id, {CLIENT_NAME}, {CLIENT_COLUMNS} WHERE c.id = ?1 AND c.deleted_at IS NULL"
                ),
                [id],
                client_summary,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("Client {id} does not exist.")))
    }

    /// A client's matters, most recently changed first.
    pub fn matters_of(&self, client_id: i64) -> Result<Vec<MatterSummary>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{MATTER_SELECT} WHERE m.client_id = ?1 AND m.deleted_at IS NULL
             ORDER BY m.updated_at DESC, m.id DESC"
        ))?;
        let rows = stmt
            .query_map([client_id], matter_summary)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn matter(&self, id: i64) -> Result<MatterSummary> {
        self.conn
            .query_row(
                &format!("{MATTER_SELECT} WHERE m.id = ?1 AND m.deleted_at IS NULL"),
                [id],
                matter_summary,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("Matter {id} does not exist.")))
    }

    /// A matter's notes (not in the trash), most recently changed first.
    pub fn notes_of(&self, matter_id: i64) -> Result<Vec<NoteSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, title, substr(body, 1, 200), updated_at FROM notes
             WHERE matter_id = ?1 AND deleted_at IS NULL ORDER BY updated_at DESC, id DESC",
        )?;
        let rows = stmt
            .query_map([matter_id], |r| {
                Ok(NoteSummary {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    preview: r.get(2)?,
                    updated_at: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

/// A client's name as the app shows it, in a query that calls the contact `c`.
pub(super) const CLIENT_NAME: &str = "trim(CASE c.kind WHEN 'institution' THEN c.institution_name
             ELSE c.given_name || ' ' || c.family_name END)";

/// What follows a client's id and name in a client summary query.
const CLIENT_COLUMNS: &str = "c.a_number,
        (SELECT count(*) FROM matters m WHERE m.client_id = c.id AND m.deleted_at IS NULL),
        c.updated_at
    FROM contacts c";

const MATTER_SELECT: &str = "SELECT m.id, m.client_id, m.number, m.title, m.description,
        (SELECT count(*) FROM notes n WHERE n.matter_id = m.id AND n.deleted_at IS NULL),
        m.updated_at
    FROM matters m";

fn client_summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<ClientSummary> {
    Ok(ClientSummary {
        id: r.get(0)?,
        name: r.get(1)?,
        a_number: r.get(2)?,
        matters: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

fn matter_summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<MatterSummary> {
    Ok(MatterSummary {
        id: r.get(0)?,
        client_id: r.get(1)?,
        number: r.get(2)?,
        title: r.get(3)?,
        description: r.get(4)?,
        notes: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

/// An A-number as typed, in canonical form (`A` + 9 digits), or a message saying what is wrong.
pub(super) fn canonical_a_number(raw: &str) -> Result<String> {
    let found = identifiers::find(raw);
    match found.as_slice() {
        [one] if one.canonical.starts_with('A') && one.range.len() == raw.trim().len() => {
            Ok(one.canonical.clone())
        }
        _ => Err(Error::InvalidInput(format!(
            "{raw:?} is not an A-number: write A followed by 7 to 9 digits, e.g. A012345678."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::store::{NewNote, test_support};

    #[test]
    fn clients_matters_and_notes_list_with_counts() {
        let (_dir, mut store) = test_support::store();
        let mut ana = NewContact::person("Ana", "Ruiz");
        ana.a_number = Some("A-12345678".into());
        let ana = store.create_contact(&ana).unwrap();
        let bo = store
            .create_contact(&NewContact::person("Bo", "Andersson"))
            .unwrap();
        let matter = store.create_matter(&NewMatter::new(ana, "U visa")).unwrap();
        store
            .create_note(&NewNote::new(matter, "Intake", "Met the client."))
            .unwrap();

        let clients = store.clients().unwrap();
        let names: Vec<&str> = clients.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Bo Andersson", "Ana Ruiz"], "filed by family name");
        assert_eq!(clients[1].a_number.as_deref(), Some("A012345678"));
        assert_eq!((clients[1].matters, clients[0].matters), (1, 0));
        assert_eq!(store.client(bo).unwrap().name, "Bo Andersson");
        assert_eq!(store.matters_of(ana).unwrap()[0].notes, 1);
        assert_eq!(
            store.notes_of(matter).unwrap()[0].preview,
            "Met the client."
        );
    }

    #[test]
    fn bad_input_says_what_is_wrong_and_writes_nothing() {
        let (_dir, mut store) = test_support::store();
        let mut bad = NewContact::person("Ana", "Ruiz");
        bad.a_number = Some("12345".into());
        let err = store.create_contact(&bad).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains("not an A-number"), "{err}");
        assert_eq!(
            store
                .create_contact(&NewContact::person(" ", ""))
                .unwrap_err()
                .code(),
            ErrorCode::InvalidInput
        );
        assert_eq!(
            store
                .create_matter(&NewMatter::new(42, "x"))
                .unwrap_err()
                .code(),
            ErrorCode::NotFound
        );
        assert!(store.clients().unwrap().is_empty());
    }
}
