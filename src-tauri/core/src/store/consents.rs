//! Clients' consent to AI processing of their information (ABA Formal Opinion 512: informed
//! consent before client information goes to an AI tool).
//!
//! A consent belongs to one client and covers one [`ConsentScope`] through one provider profile:
//! the profile fixes the vendor, endpoint, region and contract the client was told about, so a
//! consent never extends to another profile of the same vendor. Consents are history: a revoked
//! consent stays, with who revoked it, when and why; nothing is ever deleted (the schema's
//! triggers refuse it too).
//!
//! A consent binds what the profile was when it was recorded ([`ConsentBinding`]: kind, endpoint
//! host, region, model or Azure deployment), not only its name. When any of these changes the
//! consent no longer covers sends; it stays listed with why ([`Workspace::consents`]). Consents
//! recorded before bindings existed bind nothing that can be compared, so they no longer cover
//! sends either: the firm records them again once, knowing what the client agreed to.

use jiff::civil::Date;
use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use super::fields::{Field, past_date, text};
use super::{Store, now};
use crate::providers::{ProviderKind, ProviderProfile, endpoint_host};
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

/// What a consent was given for beyond the profile's name: where the client's information goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ConsentBinding {
    pub kind: ProviderKind,
    /// The host requests go to (as the audit log records it).
    pub endpoint_host: Option<String>,
    pub region: Option<String>,
    /// The model or, for Azure, the deployment.
    pub model: Option<String>,
}

impl ConsentBinding {
    /// What `profile` is now.
    pub fn of(profile: &ProviderProfile) -> Self {
        Self {
            kind: profile.kind,
            endpoint_host: endpoint_host(profile),
            region: profile.region.clone(),
            model: profile.deployment.clone().or_else(|| profile.model.clone()),
        }
    }

    /// Why a consent bound to `self` does not cover `now` (the first field that changed), or
    /// `None` when it still does.
    pub fn change_to(&self, now: &ConsentBinding) -> Option<String> {
        let shown = |value: &Option<String>| shown(value).to_owned();
        let changed = |what: &str, was: String, is: String| {
            Some(format!(
                "the profile's {what} changed (consent given for {was}, now {is})"
            ))
        };
        if self.kind != now.kind {
            changed("kind", self.kind.to_string(), now.kind.to_string())
        } else if self.endpoint_host != now.endpoint_host {
            changed(
                "endpoint",
                shown(&self.endpoint_host),
                shown(&now.endpoint_host),
            )
        } else if self.region != now.region {
            changed("region", shown(&self.region), shown(&now.region))
        } else if self.model != now.model {
            changed("model", shown(&self.model), shown(&now.model))
        } else {
            None
        }
    }
}

impl std::fmt::Display for ConsentBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at {}, region {}, model {}",
            self.kind,
            shown(&self.endpoint_host),
            shown(&self.region),
            shown(&self.model)
        )
    }
}

fn shown(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("none")
}

/// Why a consent recorded before consents were bound no longer covers sends.
const UNBOUND: &str = "it was recorded before consents named the profile's endpoint, region and \
    model; record it again to confirm what the client agreed to";

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
    /// What the profile was when the consent was recorded; `None` for a consent recorded before
    /// consents were bound (it covers nothing until recorded again).
    pub binding: Option<ConsentBinding>,
    /// Why this consent, though not revoked, no longer covers sends (the profile changed or is
    /// gone). Filled by [`Workspace::consents`]; `None` from the store alone.
    pub no_longer_covers: Option<String>,
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
    recorded_at, recorded_by, revoked_at, revoked_by, revoke_reason, bound_kind, \
    bound_endpoint_host, bound_region, bound_model";

impl Store {
    /// Records a consent of an existing client, bound to what its profile is now. The profile
    /// is not looked up here (it may be the policy's): record through
    /// [`Workspace::record_consent`], which finds it.
    pub fn add_consent(
        &mut self,
        consent: &NewConsent,
        binding: &ConsentBinding,
    ) -> Result<Consent> {
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
             recorded_at, recorded_by, bound_kind, bound_endpoint_host, bound_region, \
             bound_model) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                consent.client_id,
                consent.scope.as_str(),
                profile,
                consent.method.as_str(),
                given_on,
                text(consent.note.as_deref()),
                now(),
                crate::audit::os_user(),
                binding.kind.as_str(),
                binding.endpoint_host,
                binding.region,
                binding.model,
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
    /// `profile` as it is now, on `on_date`: not revoked, given on or before that day, bound to
    /// the profile's current kind, endpoint, region and model. The most recently given one when
    /// several do; `None` when none does (the send must not happen).
    pub fn valid_consent(
        &self,
        client_id: i64,
        scope: ConsentScope,
        profile: &ProviderProfile,
        on_date: Date,
    ) -> Result<Option<Consent>> {
        let current = ConsentBinding::of(profile);
        let mut statement = self.conn.prepare(&format!(
            "SELECT {CONSENT_COLUMNS} FROM consents WHERE client_id = ?1 AND scope = ?2 \
             AND profile = ?3 AND given_on <= ?4 AND revoked_at IS NULL \
             ORDER BY given_on DESC, id DESC"
        ))?;
        let candidates = statement
            .query_map(
                params![client_id, scope.as_str(), profile.name, on_date.to_string()],
                consent_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(candidates
            .into_iter()
            .find(|c| c.binding.as_ref() == Some(&current)))
    }
}

impl Workspace {
    /// Records a consent bound to its profile as it is now (the policy's or the user's).
    pub fn record_consent(&self, store: &mut Store, consent: &NewConsent) -> Result<Consent> {
        let name = consent.profile.trim();
        let Some(entry) = self
            .profile_entries(store)?
            .into_iter()
            .find(|entry| entry.profile.name == name)
        else {
            return Err(Error::NotFound(format!(
                "No provider profile named {name:?}: a consent covers one existing profile. \
                 List them with casefile-admin profile list."
            )));
        };
        store.add_consent(consent, &ConsentBinding::of(&entry.profile))
    }

    /// Every consent (of one client, when given) as [`Store::consents`] lists them, each not
    /// revoked one saying why it no longer covers sends when its profile changed or is gone.
    pub fn consents(&self, store: &Store, client_id: Option<i64>) -> Result<Vec<Consent>> {
        let profiles = self.profile_entries(store)?;
        let mut consents = store.consents(client_id)?;
        for consent in consents.iter_mut().filter(|c| c.revocation.is_none()) {
            let current = profiles
                .iter()
                .find(|entry| entry.profile.name == consent.profile);
            consent.no_longer_covers = match (&consent.binding, current) {
                (_, None) => Some("the profile no longer exists".to_owned()),
                (None, Some(_)) => Some(UNBOUND.to_owned()),
                (Some(bound), Some(entry)) => bound.change_to(&ConsentBinding::of(&entry.profile)),
            };
        }
        Ok(consents)
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
        binding: binding_row(row)?,
        no_longer_covers: None,
    })
}

/// The binding columns; all empty for a consent recorded before consents were bound.
fn binding_row(row: &Row<'_>) -> rusqlite::Result<Option<ConsentBinding>> {
    if row.get::<_, Option<String>>(12)?.is_none() {
        return Ok(None);
    }
    Ok(Some(ConsentBinding {
        kind: choice(row, 12)?,
        endpoint_host: row.get(13)?,
        region: row.get(14)?,
        model: row.get(15)?,
    }))
}

/// A scope, method or kind column (the schema's CHECK keeps scopes and methods to known names).
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

    fn profile(name: &str) -> ProviderProfile {
        let mut profile = ProviderProfile::new(name, ProviderKind::AzureOpenAi).unwrap();
        profile.base_url = Some("https://contoso-eu.openai.azure.com".into());
        profile.region = Some("swedencentral".into());
        profile.deployment = Some("gpt-4o-drafting".into());
        profile
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

    /// Records `consent` bound to a profile as [`profile`] makes it (names aside, the same).
    fn add(store: &mut Store, consent: &NewConsent) -> Result<Consent> {
        store.add_consent(consent, &ConsentBinding::of(&profile("firm-eu")))
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
        let recorded = add(&mut store, &first).unwrap();
        assert_eq!(recorded.client_id, ana);
        assert_eq!(recorded.scope, ConsentScope::Drafting);
        assert_eq!(recorded.method, ConsentMethod::Email);
        assert_eq!(recorded.given_on, "2026-01-15");
        assert_eq!(recorded.note.as_deref(), Some("signed engagement addendum"));
        assert_eq!(recorded.recorded_by, crate::audit::os_user());
        assert!(recorded.recorded_at.parse::<jiff::Timestamp>().is_ok());
        assert_eq!(recorded.revocation, None);
        add(&mut store, &consent(li, "firm-eu", "2026-02-01")).unwrap();

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
        let recorded = add(&mut store, &today).unwrap();
        assert_eq!(
            recorded.given_on,
            jiff::ZonedDateTime::now().date().to_string()
        );

        for bad in ["2026-02-30", "15/01/2026", "yesterday", "2999-01-01"] {
            let err = add(&mut store, &consent(ana, "firm-eu", bad)).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidInput, "{bad}");
            assert_eq!(err.field(), Some("givenOn"), "{bad}");
            assert!(err.to_string().contains("Consent date"), "{err}");
        }
        let err = add(&mut store, &consent(ana + 1, "firm-eu", "2026-01-01")).unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotFound);
        let err = add(&mut store, &consent(ana, "  ", "2026-01-01")).unwrap_err();
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
        let id = add(&mut store, &consent(ana, "firm-eu", "2026-01-15"))
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
        let id = add(&mut store, &consent(ana, "firm-eu", "2026-01-15"))
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
        let valid = |store: &Store, client, scope, name: &str, on: &str| {
            store
                .valid_consent(client, scope, &profile(name), day(on))
                .unwrap()
                .map(|c| c.id)
        };
        assert_eq!(valid(&store, ana, drafting, "firm-eu", "2026-03-01"), None);

        let january = add(&mut store, &consent(ana, "firm-eu", "2026-01-15"))
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

        let february = add(&mut store, &consent(ana, "firm-eu", "2026-02-10"))
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

    #[test]
    fn a_consent_stops_covering_when_its_profile_changes() {
        let (_dir, mut store) = store();
        let ana = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        let recorded = add(&mut store, &consent(ana, "firm-eu", "2026-01-15")).unwrap();
        let bound = recorded.binding.clone().unwrap();
        assert_eq!(
            bound.endpoint_host.as_deref(),
            Some("contoso-eu.openai.azure.com")
        );
        assert_eq!(bound.model.as_deref(), Some("gpt-4o-drafting"));
        assert_eq!(store.consent(recorded.id).unwrap().binding, Some(bound));
        let covers = |store: &Store, profile: &ProviderProfile| {
            store
                .valid_consent(ana, ConsentScope::Drafting, profile, day("2026-03-01"))
                .unwrap()
                .map(|c| c.id)
        };
        assert_eq!(covers(&store, &profile("firm-eu")), Some(recorded.id));

        let mut moved = profile("firm-eu");
        moved.base_url = Some("https://contoso-us.openai.azure.com/".into());
        let mut relabelled = profile("firm-eu");
        relabelled.region = Some("eastus".into());
        let mut redeployed = profile("firm-eu");
        redeployed.deployment = Some("gpt-5".into());
        let mut other_kind = profile("firm-eu");
        other_kind.kind = ProviderKind::OpenAiCompatible;
        for (changed, field) in [
            (&moved, "endpoint"),
            (&relabelled, "region"),
            (&redeployed, "model"),
            (&other_kind, "kind"),
        ] {
            assert_eq!(covers(&store, changed), None, "{field}");
            let why = recorded
                .binding
                .as_ref()
                .unwrap()
                .change_to(&ConsentBinding::of(changed))
                .unwrap();
            assert!(
                why.starts_with(&format!("the profile's {field} changed")),
                "{why}"
            );
        }
        assert!(
            recorded
                .binding
                .as_ref()
                .unwrap()
                .change_to(&ConsentBinding::of(&moved))
                .unwrap()
                .contains("contoso-us.openai.azure.com"),
        );
        // A path or a trailing slash is not another endpoint.
        let mut same_host = profile("firm-eu");
        same_host.base_url = Some("https://contoso-eu.openai.azure.com/openai/".into());
        assert_eq!(covers(&store, &same_host), Some(recorded.id));
        // A consent given again for the changed profile covers it.
        let again = store
            .add_consent(
                &consent(ana, "firm-eu", "2026-02-01"),
                &ConsentBinding::of(&moved),
            )
            .unwrap();
        assert_eq!(covers(&store, &moved), Some(again.id));
        assert_eq!(covers(&store, &profile("firm-eu")), Some(recorded.id));
    }

    #[test]
    fn a_consent_recorded_before_bindings_covers_nothing() {
        let (_dir, mut store) = store();
        let ana = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        // As the previous schema wrote it: no binding columns.
        store
            .conn
            .execute(
                "INSERT INTO consents (client_id, scope, profile, method, given_on, recorded_at, \
                 recorded_by) VALUES (?1, 'drafting', 'firm-eu', 'written', '2026-01-15', \
                 '2026-01-15T10:00:00Z', 'paralegal')",
                [ana],
            )
            .unwrap();
        let old = store.consents(Some(ana)).unwrap();
        assert_eq!(old[0].binding, None);
        assert_eq!(
            store
                .valid_consent(
                    ana,
                    ConsentScope::Drafting,
                    &profile("firm-eu"),
                    day("2026-03-01")
                )
                .unwrap(),
            None
        );
        // The bindings are part of the record: the schema refuses filling them in later.
        let err = store
            .conn
            .execute(
                "UPDATE consents SET bound_kind = 'azure-openai' WHERE id = ?1",
                [old[0].id],
            )
            .unwrap_err();
        assert!(err.to_string().contains("only be revoked"), "{err}");
    }
}
