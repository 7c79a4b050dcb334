//! Looking for secrets where they must never be: files, folders, command output and the
//! decrypted case database, as raw bytes and in the encodings a careless log line or export
//! would use (base64 in any alignment, hex, URL and JSON escaping).

use std::fmt;
use std::path::Path;

use anyhow::{Context, Result, bail};
use base64::Engine;
use casefile_core::store::open_connection;

/// What a URL query or form leaves unescaped besides letters and digits (RFC 3986 unreserved).
const URL_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Shorter fragments than this could match by chance; every secret a test plants is longer.
const MIN_PATTERN: usize = 8;

/// A secret a test planted, and the forms it could take on disk.
pub struct Secret {
    pub label: String,
    patterns: Vec<(&'static str, Vec<u8>)>,
}

impl Secret {
    pub fn new(label: impl Into<String>, value: &str) -> Self {
        Self {
            label: label.into(),
            patterns: encodings(value.as_bytes()),
        }
    }
}

/// One secret found somewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A file, a table and column, or a command's output.
    pub place: String,
    pub secret: String,
    pub encoding: &'static str,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}) in {}", self.secret, self.encoding, self.place)
    }
}

/// The forms of `value` to look for. Base64 text depends on where the value starts within its
/// 3-byte group, so each of the three alignments contributes the characters that only the
/// value's own bytes determine.
fn encodings(value: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let mut patterns = vec![("raw", value.to_vec())];
    let hex: String = value.iter().map(|b| format!("{b:02x}")).collect();
    patterns.push(("hex", hex.clone().into_bytes()));
    patterns.push(("HEX", hex.to_uppercase().into_bytes()));
    for set in [percent_encoding::NON_ALPHANUMERIC, URL_COMPONENT] {
        let url = percent_encoding::percent_encode(value, set);
        patterns.push(("url-encoded", url.to_string().into_bytes()));
    }
    if let Ok(text) = std::str::from_utf8(value) {
        let json = serde_json::to_string(text).unwrap_or_default();
        patterns.push(("JSON string", json.trim_matches('"').as_bytes().to_vec()));
    }
    let engines: [(&'static str, &base64::engine::GeneralPurpose); 2] = [
        ("base64", &base64::engine::general_purpose::STANDARD_NO_PAD),
        (
            "base64url",
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ),
    ];
    for (name, engine) in engines {
        for offset in 0..3 {
            let mut shifted = vec![0u8; offset];
            shifted.extend_from_slice(value);
            let text = engine.encode(&shifted).into_bytes();
            // Character i holds bits 6i..6i+6: keep those whose bytes all belong to the value.
            let end = offset + value.len();
            let own: Vec<u8> = text
                .iter()
                .enumerate()
                .filter(|(i, _)| 6 * i / 8 >= offset && (6 * i + 5) / 8 < end)
                .map(|(_, c)| *c)
                .collect();
            patterns.push((name, own));
        }
    }
    patterns.retain(|(_, p)| p.len() >= MIN_PATTERN);
    // The same bytes under two names are one pattern; the first name (raw first) is kept.
    patterns.sort_by(|a, b| a.1.cmp(&b.1));
    patterns.dedup_by(|a, b| a.1 == b.1);
    patterns
}

/// Every planted secret found in `bytes`, under the name `place`.
pub fn scan_bytes(place: &str, bytes: &[u8], secrets: &[Secret]) -> Vec<Finding> {
    let mut found = Vec::new();
    for secret in secrets {
        for (encoding, pattern) in &secret.patterns {
            if bytes
                .windows(pattern.len())
                .any(|w| w == pattern.as_slice())
            {
                found.push(Finding {
                    place: place.to_owned(),
                    secret: secret.label.clone(),
                    encoding,
                });
            }
        }
    }
    found
}

/// Every file under `path` (or the file itself), read whole.
pub fn scan_path(path: &Path, secrets: &[Secret]) -> Result<Vec<Finding>> {
    let mut found = Vec::new();
    if path.is_dir() {
        for entry in std::fs::read_dir(path).with_context(|| path.display().to_string())? {
            found.extend(scan_path(&entry?.path(), secrets)?);
        }
    } else {
        let bytes = std::fs::read(path).with_context(|| path.display().to_string())?;
        found.extend(scan_bytes(&path.display().to_string(), &bytes, secrets));
    }
    Ok(found)
}

/// Every text and blob value of every table (FTS shadow tables included) of the SQLCipher
/// database at `path`, opened with its raw key (64 hex digits, as the keychain holds it).
pub fn scan_database(path: &Path, key_hex: &str, secrets: &[Secret]) -> Result<Vec<Finding>> {
    use rusqlite::types::ValueRef;
    let conn = open_connection(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.execute_batch(&format!("PRAGMA key = \"x'{key_hex}'\";"))?;
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()
        .context("the database did not open with this key")?;
    if tables.is_empty() {
        bail!("{} holds no tables: nothing was scanned", path.display());
    }
    let mut found = Vec::new();
    for table in tables {
        let mut statement = conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
        let columns: Vec<String> = statement.column_names().map(str::to_owned).collect();
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            for (i, column) in columns.iter().enumerate() {
                let bytes = match row.get_ref(i)? {
                    ValueRef::Text(b) | ValueRef::Blob(b) => b,
                    _ => continue,
                };
                found.extend(scan_bytes(
                    &format!("table {table}, column {column}"),
                    bytes,
                    secrets,
                ));
            }
        }
    }
    Ok(found)
}

/// Fails, listing every finding, unless there are none.
pub fn expect_none(findings: &[Finding]) -> Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = findings.iter().map(|f| format!("  {f}")).collect();
    bail!(
        "secrets found where they must never be:\n{}",
        list.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUE: &str = "sk-planted-4b8e1f0c/a+b";

    fn secrets() -> Vec<Secret> {
        vec![Secret::new("planted key", VALUE)]
    }

    fn encodings_found(bytes: &[u8]) -> Vec<&'static str> {
        scan_bytes("test", bytes, &secrets())
            .into_iter()
            .map(|f| f.encoding)
            .collect()
    }

    #[test]
    fn a_planted_secret_is_found_in_every_encoding() {
        let b64 = base64::engine::general_purpose::STANDARD;
        for prefix in ["", "x", "xy", "xyz"] {
            let text = format!(
                "log line: {}",
                b64.encode(format!("{prefix}{VALUE} and more"))
            );
            assert!(
                encodings_found(text.as_bytes()).contains(&"base64"),
                "base64 after {prefix:?}: {text}"
            );
        }
        let b64url = base64::engine::general_purpose::URL_SAFE;
        let text = b64url.encode(format!("Bearer {VALUE}"));
        // Where no character differs between the alphabets, the pattern is reported as base64.
        assert!(
            encodings_found(text.as_bytes())
                .iter()
                .any(|e| e.starts_with("base64")),
            "{text}"
        );
        let hex: String = VALUE.bytes().map(|b| format!("{b:02X}")).collect();
        assert_eq!(encodings_found(hex.as_bytes()), ["HEX"]);
        let url = "https://x.example/?key=sk-planted-4b8e1f0c%2Fa%2Bb&y=1";
        assert_eq!(encodings_found(url.as_bytes()), ["url-encoded"]);
        let raw = format!("{{\"api_key\":\"{VALUE}\"}}");
        assert!(encodings_found(raw.as_bytes()).contains(&"raw"));
        let pem = "line one\nline two-with-a-long-tail";
        let escaped = serde_json::to_string(pem).unwrap();
        let found = scan_bytes("t", escaped.as_bytes(), &[Secret::new("pem", pem)]);
        assert_eq!(found[0].encoding, "JSON string");
    }

    #[test]
    fn clean_bytes_have_no_findings_and_expect_none_fails_loudly_on_one() {
        let clean = b"sk-planted-4b8e1f0 is almost the key, but not quite; c2stcGxhbnRl";
        assert!(encodings_found(clean).is_empty());
        assert!(expect_none(&[]).is_ok());
        let finding = scan_bytes("settings.json", VALUE.as_bytes(), &secrets());
        let err = expect_none(&finding).unwrap_err().to_string();
        assert!(err.contains("planted key (raw) in settings.json"), "{err}");
    }

    #[test]
    fn files_folders_and_an_encrypted_database_are_searched() -> Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::create_dir(dir.path().join("logs"))?;
        std::fs::write(dir.path().join("logs/app.log"), "nothing here")?;
        assert!(scan_path(dir.path(), &secrets())?.is_empty());
        std::fs::write(dir.path().join("logs/app.log.1"), format!("oops {VALUE}"))?;
        let found = scan_path(dir.path(), &secrets())?;
        assert_eq!(found.len(), 1);
        assert!(found[0].place.ends_with("logs/app.log.1"));

        // Encrypted, the raw file hides the value; decrypted, every column is searched.
        let db = dir.path().join("case.db");
        let key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let conn = open_connection(&db, rusqlite::OpenFlags::default())?;
        conn.execute_batch(&format!(
            "PRAGMA key = \"x'{key}'\"; CREATE TABLE notes (id INTEGER, body TEXT, extra BLOB);
             INSERT INTO notes VALUES (1, 'fine', NULL), (2, 'has {VALUE} inside', NULL);"
        ))?;
        drop(conn);
        assert!(
            scan_path(&db, &secrets())?.is_empty(),
            "the file is encrypted"
        );
        let found = scan_database(&db, key, &secrets())?;
        assert_eq!(found[0].place, "table notes, column body");
        let wrong = "ff".repeat(32);
        assert!(scan_database(&db, &wrong, &secrets()).is_err());
        Ok(())
    }
}
