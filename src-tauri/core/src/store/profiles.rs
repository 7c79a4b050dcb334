//! Provider profiles as stored: settings (never secrets), which one is the default, and when each
//! credential was last set in the keychain (the value itself is never here).

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Store, now};
use crate::providers::{Credential, ProviderProfile};
use crate::secrets::{Secret, looks_like_credential_name};
use crate::{Error, Result};

/// A profile with what the app and the CLI show about it.
#[derive(Debug, Clone, Serialize)]
pub struct StoredProfile {
    #[serde(flatten)]
    pub profile: ProviderProfile,
    pub is_default: bool,
    /// The credentials set for this profile and when; never their values.
    pub credentials: Vec<CredentialStatus>,
    pub created_at: String,
    pub updated_at: String,
}

/// Header names with their values.
pub type HeaderValues = Vec<(String, Secret)>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CredentialStatus {
    /// `api_key`, `header:Ocp-Apim-Subscription-Key`…
    pub field: Credential,
    pub set_at: String,
}

impl Store {
    /// Saves a new profile, or replaces the settings of an existing one when `replace` is set.
    /// The first profile becomes the default; `make_default` moves the default to this one.
    pub fn save_profile(
        &mut self,
        profile: &ProviderProfile,
        replace: bool,
        make_default: bool,
    ) -> Result<()> {
        let default = make_default.then_some(profile.name.as_str());
        self.save_profiles(std::slice::from_ref(profile), replace, default)
    }

    /// Saves `profiles` as [`Store::save_profile`] does, all or none in one transaction, then
    /// makes `default` (a saved or existing profile) the default.
    pub fn save_profiles(
        &mut self,
        profiles: &[ProviderProfile],
        replace: bool,
        default: Option<&str>,
    ) -> Result<()> {
        let now = now();
        let tx = self.conn.transaction()?;
        for profile in profiles {
            profile.validate()?;
            let settings = serde_json::to_string(profile)
                .map_err(|e| Error::Internal(format!("profile settings not serializable: {e}")))?;
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT id FROM provider_profiles WHERE name = ?1",
                    [&profile.name],
                    |r| r.get(0),
                )
                .optional()?;
            match existing {
                Some(_) if !replace => {
                    return Err(Error::InvalidInput(format!(
                        "A profile named {:?} already exists. Choose another name, or replace its \
                         settings (casefile-admin profile add … --replace).",
                        profile.name
                    )));
                }
                Some(id) => {
                    tx.execute(
                        "UPDATE provider_profiles SET settings = ?1, updated_at = ?2 WHERE id = ?3",
                        params![settings, now, id],
                    )?;
                }
                None => {
                    tx.execute(
                        "INSERT INTO provider_profiles (name, settings, created_at, updated_at) \
                         VALUES (?1, ?2, ?3, ?3)",
                        params![profile.name, settings, now],
                    )?;
                }
            }
        }
        let has_default: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM provider_profiles WHERE is_default = 1)",
            [],
            |r| r.get(0),
        )?;
        match (default, profiles.first()) {
            (Some(name), _) => set_default(&tx, name)?,
            (None, Some(first)) if !has_default => set_default(&tx, &first.name)?,
            (None, _) => {}
        }
        tx.commit()?;
        Ok(())
    }

    /// Every profile, the default first, then by name.
    pub fn profiles(&self) -> Result<Vec<StoredProfile>> {
        let mut statement = self.conn.prepare(
            "SELECT id, settings, is_default, created_at, updated_at FROM provider_profiles \
             ORDER BY is_default DESC, name",
        )?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, settings, is_default, created_at, updated_at)| {
                Ok(StoredProfile {
                    profile: parse_settings(&settings)?,
                    is_default,
                    credentials: self.credential_statuses(id)?,
                    created_at,
                    updated_at,
                })
            })
            .collect()
    }

    /// The profile named `name`.
    pub fn profile(&self, name: &str) -> Result<StoredProfile> {
        self.profiles()?
            .into_iter()
            .find(|p| p.profile.name == name)
            .ok_or_else(|| not_found(name))
    }

    /// The default profile, if any profile exists.
    pub fn default_profile(&self) -> Result<Option<StoredProfile>> {
        Ok(self.profiles()?.into_iter().find(|p| p.is_default))
    }

    pub fn set_default_profile(&mut self, name: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        set_default(&tx, name)?;
        tx.commit()?;
        Ok(())
    }

    /// Removes the profile and its credential records (the caller removes the keychain entries).
    /// If it was the default, the first remaining profile by name becomes the default.
    pub fn remove_profile(&mut self, name: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        let removed = tx.execute("DELETE FROM provider_profiles WHERE name = ?1", [name])?;
        if removed == 0 {
            return Err(not_found(name));
        }
        tx.execute(
            "UPDATE provider_profiles SET is_default = 1 WHERE id = (SELECT id FROM \
             provider_profiles ORDER BY name LIMIT 1) AND NOT EXISTS (SELECT 1 FROM \
             provider_profiles WHERE is_default = 1)",
            [],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records that `credential` of profile `name` was just stored in the keychain.
    pub fn record_credential_set(&mut self, name: &str, credential: &Credential) -> Result<()> {
        record_set(&self.conn, name, credential, &now())
    }

    /// Forgets that `credential` of profile `name` is set; `false` if it was not recorded.
    pub fn record_credential_removed(
        &mut self,
        name: &str,
        credential: &Credential,
    ) -> Result<bool> {
        let removed = self.conn.execute(
            "DELETE FROM profile_credentials WHERE field = ?2 AND profile_id = \
             (SELECT id FROM provider_profiles WHERE name = ?1)",
            params![name, credential.to_string()],
        )?;
        Ok(removed > 0)
    }

    /// The header values that look like credentials in stored profiles, by profile: earlier
    /// versions kept them in the row. Read them to move them to the keychain, then call
    /// [`Store::headers_moved_to_keychain`].
    pub fn credential_headers_in_rows(&self) -> Result<Vec<(String, HeaderValues)>> {
        let mut statement = self
            .conn
            .prepare("SELECT settings FROM provider_profiles ORDER BY name")?;
        let rows = statement
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut found = Vec::new();
        for settings in rows {
            let profile = parse_settings(&settings)?;
            let headers: Vec<_> = profile
                .extra_headers
                .into_iter()
                .filter(|(header, _)| looks_like_credential_name(header))
                .map(|(header, value)| (header, Secret::new(value)))
                .collect();
            if !headers.is_empty() {
                found.push((profile.name, headers));
            }
        }
        Ok(found)
    }

    /// After the values of `headers` of profile `name` were written to the keychain: the row
    /// loses the values, names the headers among its keychain headers, and records them as set,
    /// in one transaction.
    pub fn headers_moved_to_keychain(&mut self, name: &str, headers: &[String]) -> Result<()> {
        let tx = self.conn.transaction()?;
        let settings: String = tx
            .query_row(
                "SELECT settings FROM provider_profiles WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| not_found(name))?;
        let mut profile = parse_settings(&settings)?;
        let now = now();
        for header in headers {
            profile.extra_headers.remove(header);
            profile.keychain_headers.insert(header.clone());
            record_set(&tx, name, &Credential::Header(header.clone()), &now)?;
        }
        let settings = serde_json::to_string(&profile)
            .map_err(|e| Error::Internal(format!("profile settings not serializable: {e}")))?;
        tx.execute(
            "UPDATE provider_profiles SET settings = ?1, updated_at = ?2 WHERE name = ?3",
            params![settings, now, name],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn credential_statuses(&self, profile_id: i64) -> Result<Vec<CredentialStatus>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT field, set_at FROM profile_credentials WHERE profile_id = ?1 ORDER BY field",
        )?;
        let rows = statement
            .query_map([profile_id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<(String, String)>>>()?;
        rows.into_iter()
            .map(|(field, set_at)| {
                Ok(CredentialStatus {
                    field: field.parse()?,
                    set_at,
                })
            })
            .collect()
    }
}

fn record_set(
    conn: &rusqlite::Connection,
    name: &str,
    credential: &Credential,
    at: &str,
) -> Result<()> {
    let changed = conn.execute(
        "INSERT INTO profile_credentials (profile_id, field, set_at) \
         SELECT id, ?2, ?3 FROM provider_profiles WHERE name = ?1 \
         ON CONFLICT (profile_id, field) DO UPDATE SET set_at = excluded.set_at",
        params![name, credential.to_string(), at],
    )?;
    if changed == 0 {
        return Err(not_found(name));
    }
    Ok(())
}

fn set_default(tx: &rusqlite::Transaction<'_>, name: &str) -> Result<()> {
    let exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM provider_profiles WHERE name = ?1)",
        [name],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(not_found(name));
    }
    tx.execute(
        "UPDATE provider_profiles SET is_default = 0 WHERE is_default = 1",
        [],
    )?;
    tx.execute(
        "UPDATE provider_profiles SET is_default = 1 WHERE name = ?1",
        [name],
    )?;
    Ok(())
}

fn parse_settings(settings: &str) -> Result<ProviderProfile> {
    serde_json::from_str(settings).map_err(|e| {
        Error::Database(format!(
            "a stored provider profile cannot be read ({e}); re-create it with \
             casefile-admin profile add … --replace"
        ))
    })
}

fn not_found(name: &str) -> Error {
    Error::NotFound(format!(
        "No provider profile named {name:?}. List them with casefile-admin profile list."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::providers::{CredentialField, ProviderKind};
    use crate::store::test_support::store;

    fn azure(name: &str) -> ProviderProfile {
        let mut profile = ProviderProfile::new(name, ProviderKind::AzureOpenAi).unwrap();
        profile.base_url = Some("https://firm-eu.openai.azure.com".into());
        profile.deployment = Some("drafting-gpt".into());
        profile.region = Some("swedencentral".into());
        profile
    }

    #[test]
    fn the_first_profile_is_the_default_and_settings_round_trip() {
        let (_dir, mut store) = store();
        let mut first = azure("eu");
        first.data_processing.processing_region = Some("EU (Sweden)".into());
        store.save_profile(&first, false, false).unwrap();
        store.save_profile(&azure("backup"), false, false).unwrap();
        let listed = store.profiles().unwrap();
        let names: Vec<_> = listed.iter().map(|p| p.profile.name.as_str()).collect();
        assert_eq!(names, ["eu", "backup"], "default first");
        assert!(listed[0].is_default && !listed[1].is_default);
        assert_eq!(listed[0].profile, first);
    }

    #[test]
    fn a_name_is_taken_until_replaced_and_the_default_moves_on_request() {
        let (_dir, mut store) = store();
        store.save_profile(&azure("eu"), false, false).unwrap();
        let err = store.save_profile(&azure("eu"), false, false).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        let mut changed = azure("eu");
        changed.deployment = Some("other".into());
        store.save_profile(&changed, true, false).unwrap();
        assert_eq!(
            store.profile("eu").unwrap().profile.deployment.as_deref(),
            Some("other")
        );
        store.save_profile(&azure("us"), false, true).unwrap();
        assert_eq!(store.default_profile().unwrap().unwrap().profile.name, "us");
        store.set_default_profile("eu").unwrap();
        assert_eq!(store.default_profile().unwrap().unwrap().profile.name, "eu");
        assert_eq!(
            store.set_default_profile("nope").unwrap_err().code(),
            ErrorCode::NotFound
        );
    }

    #[test]
    fn removing_the_default_hands_the_role_to_another_profile() {
        let (_dir, mut store) = store();
        store.save_profile(&azure("eu"), false, false).unwrap();
        store.save_profile(&azure("us"), false, false).unwrap();
        store
            .record_credential_set("eu", &CredentialField::ApiKey.into())
            .unwrap();
        store.remove_profile("eu").unwrap();
        assert_eq!(store.default_profile().unwrap().unwrap().profile.name, "us");
        assert_eq!(
            store.remove_profile("eu").unwrap_err().code(),
            ErrorCode::NotFound
        );
        store.remove_profile("us").unwrap();
        assert!(store.default_profile().unwrap().is_none());
    }

    #[test]
    fn credential_records_hold_the_time_but_never_a_value() {
        let (_dir, mut store) = store();
        store.save_profile(&azure("eu"), false, false).unwrap();
        store
            .record_credential_set("eu", &CredentialField::ApiKey.into())
            .unwrap();
        let statuses = store.profile("eu").unwrap().credentials;
        assert_eq!(statuses.len(), 1);
        assert_eq!(statuses[0].field, CredentialField::ApiKey);
        assert!(statuses[0].set_at.parse::<jiff::Timestamp>().is_ok());
        assert!(
            store
                .record_credential_removed("eu", &CredentialField::ApiKey.into())
                .unwrap()
        );
        assert!(
            !store
                .record_credential_removed("eu", &CredentialField::ApiKey.into())
                .unwrap()
        );
        assert_eq!(
            store
                .record_credential_set("nope", &CredentialField::ApiKey.into())
                .unwrap_err()
                .code(),
            ErrorCode::NotFound
        );
    }

    #[test]
    fn an_invalid_profile_is_refused_before_anything_is_written() {
        let (_dir, mut store) = store();
        let incomplete = ProviderProfile::new("eu", ProviderKind::AzureOpenAi).unwrap();
        let err = store.save_profile(&incomplete, false, false).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains("base_url"), "{err}");
        assert!(store.profiles().unwrap().is_empty());
    }
}
