//! Finding a record from what a person or a script types: its internal id, or the external id
//! it was imported under (`store/import.rs`). One resolver for contacts, matters and notes.

use rusqlite::OptionalExtension;

use super::{Kind, Store};
use crate::{Error, Result};

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Note => "notes",
            Kind::Matter => "matters",
            Kind::Contact => "contacts",
            Kind::Draft => "drafts",
        }
    }

    /// Whether records of this kind can come from an import (drafts are made here only).
    fn imported(self) -> bool {
        self != Kind::Draft
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Note => "note",
            Kind::Matter => "matter",
            Kind::Contact => "client",
            Kind::Draft => "draft",
        }
    }
}

impl Store {
    /// The internal id of the record of `kind` that `reference` names: `id:N` (internal id),
    /// `external:X` (the id from import), or a bare value that is one or the other. A bare value
    /// that is the external id of one record and the internal id of another is refused as
    /// ambiguous, so a script never acts on the wrong client. Records in the trash count.
    pub fn resolve(&self, kind: Kind, reference: &str) -> Result<i64> {
        let reference = reference.trim();
        let noun = kind.noun();
        let missing = || {
            Error::NotFound(format!(
                "No {noun} is known as {reference:?}. Use its internal id or the id it was \
                 imported under (see casefile-admin search)."
            ))
        };
        if let Some(id) = reference.strip_prefix("id:") {
            let id = id.trim().parse().map_err(|_| {
                Error::InvalidInput(format!("{reference:?}: after id: comes a number."))
            })?;
            return self.by_internal_id(kind, id)?.ok_or_else(missing);
        }
        if let Some(external) = reference.strip_prefix("external:") {
            return self
                .by_external_id(kind, external.trim())?
                .ok_or_else(missing);
        }
        let external = self.by_external_id(kind, reference)?;
        let internal = match reference.parse::<i64>() {
            Ok(id) => self.by_internal_id(kind, id)?,
            Err(_) => None,
        };
        match (external, internal) {
            (Some(a), Some(b)) if a != b => Err(Error::InvalidInput(format!(
                "{reference:?} is the imported id of {noun} {a} and the internal id of {noun} \
                 {b}. Write external:{reference} or id:{reference}."
            ))),
            (Some(id), _) | (None, Some(id)) => Ok(id),
            (None, None) => Err(missing()),
        }
    }

    fn by_external_id(&self, kind: Kind, external_id: &str) -> Result<Option<i64>> {
        if !kind.imported() {
            return Ok(None);
        }
        let sql = format!("SELECT id FROM {} WHERE external_id = ?1", kind.table());
        Ok(self
            .conn
            .query_row(&sql, [external_id], |r| r.get(0))
            .optional()?)
    }

    /// The id record `id` of `kind` was imported under, if it was imported (exports name both).
    pub fn external_id(&self, kind: Kind, id: i64) -> Result<Option<String>> {
        if !kind.imported() {
            return Ok(None);
        }
        let sql = format!("SELECT external_id FROM {} WHERE id = ?1", kind.table());
        Ok(self
            .conn
            .query_row(&sql, [id], |r| r.get(0))
            .optional()?
            .flatten())
    }

    fn by_internal_id(&self, kind: Kind, id: i64) -> Result<Option<i64>> {
        let sql = format!("SELECT id FROM {} WHERE id = ?1", kind.table());
        Ok(self.conn.query_row(&sql, [id], |r| r.get(0)).optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::store::test_support::store;
    use crate::store::{NewContact, NewMatter};

    #[test]
    fn a_record_is_found_by_internal_or_external_id() {
        let (_dir, mut store) = store();
        let mut ana = NewContact::person("Ana", "Peña");
        ana.external_id = Some("C-17".into());
        let ana = store.create_contact(&ana).unwrap();
        let mut matter = NewMatter::new(ana, "Asylum");
        matter.external_id = Some("M-1".into());
        let matter = store.create_matter(&matter).unwrap();

        assert_eq!(store.resolve(Kind::Contact, "C-17").unwrap(), ana);
        assert_eq!(
            store.resolve(Kind::Contact, " external:C-17 ").unwrap(),
            ana
        );
        assert_eq!(store.resolve(Kind::Contact, &ana.to_string()).unwrap(), ana);
        assert_eq!(
            store.resolve(Kind::Contact, &format!("id:{ana}")).unwrap(),
            ana
        );
        assert_eq!(store.resolve(Kind::Matter, "M-1").unwrap(), matter);
        assert_eq!(
            store.external_id(Kind::Matter, matter).unwrap().as_deref(),
            Some("M-1")
        );
        let plain = store.create_matter(&NewMatter::new(ana, "Other")).unwrap();
        assert_eq!(store.external_id(Kind::Matter, plain).unwrap(), None);
        assert_eq!(
            store.resolve(Kind::Matter, &matter.to_string()).unwrap(),
            matter
        );

        for unknown in ["C-18", "999", "id:999", "external:M-1"] {
            let err = store.resolve(Kind::Contact, unknown).unwrap_err();
            assert_eq!(err.code(), ErrorCode::NotFound, "{unknown}");
            assert!(err.to_string().contains("No client"), "{err}");
        }
        assert_eq!(
            store.resolve(Kind::Contact, "id:C-17").unwrap_err().code(),
            ErrorCode::InvalidInput
        );
    }

    #[test]
    fn a_number_that_names_two_different_records_is_ambiguous() {
        let (_dir, mut store) = store();
        let first = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        let mut second = NewContact::person("Li", "Wei");
        second.external_id = Some(first.to_string());
        let second = store.create_contact(&second).unwrap();

        let err = store
            .resolve(Kind::Contact, &first.to_string())
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains("external:"), "{err}");
        assert_eq!(
            store
                .resolve(Kind::Contact, &format!("external:{first}"))
                .unwrap(),
            second
        );
        assert_eq!(
            store
                .resolve(Kind::Contact, &format!("id:{first}"))
                .unwrap(),
            first
        );
    }
}
