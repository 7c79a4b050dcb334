//! Contacts and matters. This slice stores the fields search and notes need; the rest of the
//! record (passports, addresses, filings…) uses the same tables' JSON and later migrations.

use rusqlite::params;

use super::{Store, now};
use crate::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactKind {
    Person,
    Institution,
}

impl ContactKind {
    fn as_str(self) -> &'static str {
        match self {
            ContactKind::Person => "person",
            ContactKind::Institution => "institution",
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

impl Store {
    pub fn create_contact(&mut self, contact: &NewContact) -> Result<i64> {
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
                contact.a_number,
                at,
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn create_matter(&mut self, matter: &NewMatter) -> Result<i64> {
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
}
