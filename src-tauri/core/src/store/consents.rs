//! Clients' consent to AI processing of their information (ABA Formal Opinion 512: informed
//! consent before client information goes to an AI tool).
//!
//! A consent belongs to one client and covers one [`ConsentScope`] through one provider profile:
//! the profile fixes the vendor, endpoint, region and contract the client was told about, so a
//! consent never extends to another profile of the same vendor. Consents are history: a revoked
//! consent stays, with who revoked it, when and why; nothing is ever deleted (the schema's
//! triggers refuse it too).

use jiff::civil::Date;
use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use super::fields::{Field, past_date, text};
use super::{Store, now};
use crate::workspace::Workspace;
use crate::{Error, Result};

/// What a consent allows. A closed set: each is one way client information leaves the computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum ConsentScope {
    /// AI drafts of documents from the client's matters (audit purpose `draft`).
    Drafting,
    /// Questions to a model that carry the client's information (audit purpose `ask`).
    Ask,
}

impl ConsentScope {
    pub const ALL: [ConsentScope; 2] = [ConsentScope::Drafting, ConsentScope::Ask];

    pub fn as_str(self) -> &'static str {
        match self {
            ConsentScope::Drafting => "drafting",
            ConsentScope::Ask => "ask",
        }
    }
}

/// How the client gave their consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum ConsentMethod {
    Written,
    Email,
    Verbal,
}

impl ConsentMethod {
    pub const ALL: [ConsentMethod; 3] = [
        ConsentMethod::Written,
        ConsentMethod::Email,
        ConsentMethod::Verbal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMethod::Written => "written",
            ConsentMethod::Email => "email",
            ConsentMethod::Verbal => "verbal",
        }
    }
}

/// Parses the stored (and command-line) name of a scope or method; the error lists the choices.
fn parse_choice<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    what: &str,
    value: &str,
) -> Result<T> {
    all.iter()
        .copied()
        .find(|c| name(*c) == value)
        .ok_or_else(|| {
            let names: Vec<_> = all.iter().map(|c| name(*c)).collect();
            Error::InvalidInput(format!(
                "{value:?} is not a consent {what}; use one of: {}.",
                names.join(", ")
            ))
        })
}

impl std::str::FromStr for ConsentScope {
    type Err = Error;
    fn from_str(value: &str) -> Result<Self> {
        parse_choice(&Self::ALL, Self::as_str, "scope", value)
    }
}

impl std::str::FromStr for ConsentMethod {
    type Err = Error;
    fn from_str(value: &str) -> Result<Self> {
        parse_choice(&Self::ALL, Self::as_str, "method", value)
    }
}

/// A consent to record.
#[derive(Debug, Clone)]
pub struct NewConsent {
    pub client_id: i64,
    pub scope: ConsentScope,
    /// The provider profile the consent covers, by name.
    pub profile: String,
    pub method: ConsentMethod,
    /// The day the client gave it (YYYY-MM-DD; not in the future). `None`: today.
    pub given_on: Option<String>,
    pub note: Option<String>,
}

/// A consent as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Consent {
    pub id: i64,
    pub client_id: i64,
    pub scope: ConsentScope,
    pub profile: String,
    pub method: ConsentMethod,
    /// YYYY-MM-DD.
    pub given_on: String,
    pub note: Option<String>,
    /// RFC 3339, UTC.
    pub recorded_at: String,
    /// The OS user who recorded it.
    pub recorded_by: String,
    pub revocation: Option<Revocation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Revocation {
    /// RFC 3339, UTC.
    pub at: String,
    /// The OS user who revoked it.
    pub by: String,
    pub reason: Option<String>,
}

const CONSENT_COLUMNS: &str = "id, client_id, scope, profile, method, given_on, note, \
    recorded_at, recorded_by, revoked_at, revoked_by, revoke_reason";

impl Store {
    /// Records a consent of an existing client. The profile is not checked here (it may be the
    /// policy's): record through [`Workspace::record_consent`], which checks it exists.
    pub fn add_consent(&mut self, consent: &NewConsent) -> Result<Consent> {
        self.client(consent.client_id)?;
        let profile = consent.profile.trim();
        if profile.is_empty() {
            return Err(Field::new("profile", "Profile")
                .invalid("Profile: name the provider profile the client consented to."));
        }
        let given_on = match past_date(
            Field::new("givenOn", "Consent date"),
            consent.given_on.as_deref(),
        )? {
            Some(day) => day,
            None => jiff::ZonedDateTime::now().date().to_string(),
        };
        self.conn.execute(
            "INSERT INTO consents (client_id, scope, profile, method, given_on, note, \
             recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                consent.client_id,
                consent.scope.as_str(),
                profile,
                consent.method.as_str(),
                given_on,
                text(consent.note.as_deref()),
                now(),
                crate::audit::os_user(),
            ],
        )?;
        self.consent(self.conn.last_insert_rowid())
    }

    /// Consent `id`, revoked or not.
    pub fn consent(&self, id: i64) -> Result<Consent> {
        self.conn
            .query_row(
                &format!("SELECT {CONSENT_COLUMNS} FROM consents WHERE id = ?1"),
                [id],
                consent_row,
            )
            .optional()?
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "There is no consent {id}. List them with casefile-admin consent list."
                ))
            })
    }

    /// Every consent (of one client, when given), revoked ones included: by client, then the
    /// order they were recorded in.
    pub fn consents(&self, client_id: Option<i64>) -> Result<Vec<Consent>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {CONSENT_COLUMNS} FROM consents WHERE ?1 IS NULL OR client_id = ?1 \
             ORDER BY client_id, id"
        ))?;
        let rows = statement
            .query_map([client_id], consent_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Revokes consent `id` now, as the OS user. A consent is revoked once: revoking it again is
    /// refused and changes nothing.
    pub fn revoke_consent(&mut self, id: i64, reason: Option<&str>) -> Result<Consent> {
        let consent = self.consent(id)?;
        if let Some(done) = &consent.revocation {
            return Err(Error::InvalidInput(format!(
                "Consent {id} was already revoked on {} by {}; nothing was changed. Record a new \
                 consent if the client gives it again.",
                done.at, done.by
            )));
        }
        self.conn.execute(
            "UPDATE consents SET revoked_at = ?1, revoked_by = ?2, revoke_reason = ?3 \
             WHERE id = ?4 AND revoked_at IS NULL",
            params![now(), crate::audit::os_user(), text(reason), id],
        )?;
        self.consent(id)
    }

    /// The consent that allows sending client `client_id`'s information for `scope` through
    /// profile `profile` on `on_date`: not revoked, given on or before that day. The most
    /// recently given one when several do; `None` when none does (the send must not happen).
    pub fn valid_consent(
        &self,
        client_id: i64,
        scope: ConsentScope,
        profile: &str,
        on_date: Date,
    ) -> Result<Option<Consent>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {CONSENT_COLUMNS} FROM consents WHERE client_id = ?1 AND scope = ?2 \
                     AND profile = ?3 AND given_on <= ?4 AND revoked_at IS NULL \
                     ORDER BY given_on DESC, id DESC LIMIT 1"
                ),
                params![client_id, scope.as_str(), profile, on_date.to_string()],
                consent_row,
            )
            .optional()?)
    }
}

impl Workspace {
    /// Records a consent after checking that its profile exists (the policy's or the user's).
    pub fn record_consent(&self, store: &mut Store, consent: &NewConsent) -> Result<Consent> {
        let profile = consent.profile.trim();
        if !self
            .profile_entries(store)?
            .iter()
            .any(|entry| entry.profile.name == profile)
        {
            return Err(Error::NotFound(format!(
                "No provider profile named {profile:?}: a consent covers one existing profile. \
                 List them with casefile-admin profile list."
            )));
        }
        store.add_consent(consent)
    }
}

fn consent_row(row: &Row<'_>) -> rusqlite::Result<Consent> {
    let revoked_at: Option<String> = row.get(9)?;
    let revocation = match revoked_at {
        Some(at) => Some(Revocation {
            at,
            by: row.get(10)?,
            reason: row.get(11)?,
        }),
        None => None,
    };
    Ok(Consent {
        id: row.get(0)?,
        client_id: row.get(1)?,
        scope: choice(row, 2)?,
        profile: row.get(3)?,
        method: choice(row, 4)?,
        given_on: row.get(5)?,
        note: row.get(6)?,
        recorded_at: row.get(7)?,
        recorded_by: row.get(8)?,
        revocation,
    })
}

/// A scope or method column (the schema's CHECK keeps them to the known names).
fn choice<T: std::str::FromStr<Err = Error>>(row: &Row<'_>, index: usize) -> rusqlite::Result<T> {
    row.get::<_, String>(index)?.parse().map_err(|e: Error| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::store::NewContact;
    use crate::store::test_support::store;

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn consent(client_id: i64, profile: &str, given_on: &str) -> NewConsent {
        NewConsent {
            client_id,
            scope: ConsentScope::Drafting,
            profile: profile.into(),
            method: ConsentMethod::Written,
            given_on: Some(given_on.into()),
            note: None,
        }
    }

    #[test]
    fn a_consent_is_recorded_with_who_and_when_and_listed_per_client() {
        let (_dir, mut store) = store();
        let ana = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        let li = store
            .create_contact(&NewContact::person("Li", "Wei"))
            .unwrap();
        let mut first = consent(ana, "firm-eu", "2026-01-15");
        first.method = ConsentMethod::Email;
        first.note = Some("  signed engagement addendum  ".into());
        let recorded = store.add_consent(&first).unwrap();
        assert_eq!(recorded.client_id, ana);
        assert_eq!(recorded.scope, ConsentScope::Drafting);
        assert_eq!(recorded.method, ConsentMethod::Email);
        assert_eq!(recorded.given_on, "2026-01-15");
        assert_eq!(recorded.note.as_deref(), Some("signed engagement addendum"));
        assert_eq!(recorded.recorded_by, crate::audit::os_user());
        assert!(recorded.recorded_at.parse::<jiff::Timestamp>().is_ok());
        assert_eq!(recorded.revocation, None);
        store
            .add_consent(&consent(li, "firm-eu", "2026-02-01"))
            .unwrap();

        assert_eq!(store.consents(None).unwrap().len(), 2);
        assert_eq!(store.consents(Some(ana)).unwrap(), [recorded]);
        assert!(store.consents(Some(li + 100)).unwrap().is_empty());
    }

    #[test]
    fn the_date_defaults_to_today_and_bad_dates_are_refused() {
        let (_dir, mut store) = store();
        let ana = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        let mut today = consent(ana, "firm-eu", "");
        today.given_on = None;
        let recorded = store.add_consent(&today).unwrap();
        assert_eq!(
            recorded.given_on,
            jiff::ZonedDateTime::now().date().to_string()
        );

        for bad in ["2026-02-30", "15/01/2026", "yesterday", "2999-01-01"] {
            let err = store
                .add_consent(&consent(ana, "firm-eu", bad))
                .unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidInput, "{bad}");
            assert_eq!(err.field(), Some("givenOn"), "{bad}");
            assert!(err.to_string().contains("Consent date"), "{err}");
        }
        let err = store
            .add_consent(&consent(ana + 1, "firm-eu", "2026-01-01"))
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotFound);
        let err = store
            .add_consent(&consent(ana, "  ", "2026-01-01"))
            .unwrap_err();
        assert_eq!(err.field(), Some("profile"));
        assert_eq!(
            store.consents(None).unwrap().len(),
            1,
            "nothing refused was kept"
        );
    }

    #[test]
    fn revoking_keeps_the_consent_and_revoking_twice_is_refused() {
        let (_dir, mut store) = store();
        let ana = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        let id = store
            .add_consent(&consent(ana, "firm-eu", "2026-01-15"))
            .unwrap()
            .id;
        let revoked = store
            .revoke_consent(id, Some("client asked by phone"))
            .unwrap();
        let revocation = revoked.revocation.clone().unwrap();
        assert_eq!(revocation.by, crate::audit::os_user());
        assert_eq!(revocation.reason.as_deref(), Some("client asked by phone"));

        let err = store.revoke_consent(id, None).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains("already revoked"), "{err}");
        assert_eq!(
            store.consent(id).unwrap(),
            revoked,
            "the first revocation stands"
        );
        assert_eq!(store.consents(Some(ana)).unwrap(), [revoked]);
        assert_eq!(
            store.revoke_consent(id + 1, None).unwrap_err().code(),
            ErrorCode::NotFound
        );
    }

    #[test]
    fn the_schema_refuses_deleting_or_rewriting_a_consent() {
        let (_dir, mut store) = store();
        let ana = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        let id = store
            .add_consent(&consent(ana, "firm-eu", "2026-01-15"))
            .unwrap()
            .id;
        let refused =
            |store: &Store, sql: &str| store.conn.execute(sql, [id]).unwrap_err().to_string();
        assert!(refused(&store, "DELETE FROM consents WHERE id = ?1").contains("never deleted"));
        assert!(
            refused(
                &store,
                "UPDATE consents SET profile = 'other' WHERE id = ?1"
            )
            .contains("only be revoked")
        );
        store.revoke_consent(id, None).unwrap();
        assert!(
            refused(
                &store,
                "UPDATE consents SET revoked_at = NULL, revoked_by = NULL WHERE id = ?1"
            )
            .contains("only be revoked")
        );
    }

    #[test]
    fn valid_consent_matches_client_scope_profile_date_and_revocation() {
        let (_dir, mut store) = store();
        let ana = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        let li = store
            .create_contact(&NewContact::person("Li", "Wei"))
            .unwrap();
        let drafting = ConsentScope::Drafting;
        let valid = |store: &Store, client, scope, profile: &str, on: &str| {
            store
                .valid_consent(client, scope, profile, day(on))
                .unwrap()
                .map(|c| c.id)
        };
        assert_eq!(valid(&store, ana, drafting, "firm-eu", "2026-03-01"), None);

        let january = store
            .add_consent(&consent(ana, "firm-eu", "2026-01-15"))
            .unwrap()
            .id;
        assert_eq!(
            valid(&store, ana, drafting, "firm-eu", "2026-01-15"),
            Some(january),
            "given that day"
        );
        assert_eq!(
            valid(&store, ana, drafting, "firm-eu", "2026-01-14"),
            None,
            "before it was given"
        );
        assert_eq!(
            valid(&store, ana, drafting, "firm-us", "2026-03-01"),
            None,
            "another profile"
        );
        assert_eq!(
            valid(&store, ana, ConsentScope::Ask, "firm-eu", "2026-03-01"),
            None,
            "another scope"
        );
        assert_eq!(
            valid(&store, li, drafting, "firm-eu", "2026-03-01"),
            None,
            "another client"
        );

        let february = store
            .add_consent(&consent(ana, "firm-eu", "2026-02-10"))
            .unwrap()
            .id;
        assert_eq!(
            valid(&store, ana, drafting, "firm-eu", "2026-03-01"),
            Some(february),
            "the latest given"
        );
        assert_eq!(
            valid(&store, ana, drafting, "firm-eu", "2026-01-20"),
            Some(january)
        );

        store.revoke_consent(february, None).unwrap();
        assert_eq!(
            valid(&store, ana, drafting, "firm-eu", "2026-03-01"),
            Some(january)
        );
        store.revoke_consent(january, Some("withdrawn")).unwrap();
        assert_eq!(
            valid(&store, ana, drafting, "firm-eu", "2026-03-01"),
            None,
            "all revoked"
        );
    }
}
