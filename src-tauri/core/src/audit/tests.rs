use std::collections::BTreeMap;
use std::path::PathBuf;

use rusqlite::Connection;
use sha2::{Digest, Sha256 as IndependentSha256};

use super::*;
use crate::ErrorCode;
use crate::providers::ProviderProfile;
use crate::store::test_support::raw_connection;
use crate::store::{DATABASE_FILE, DatabaseKey, NewContact, NewMatter};

/// A real encrypted store, with its path and key so a test can open the file behind its back.
struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    key: DatabaseKey,
    store: Store,
    clients: [i64; 2],
    matters: [i64; 2],
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        let key = DatabaseKey::generate().unwrap();
        let mut store = Store::open(&path, &key, true).unwrap();
        let ana = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        let li = store
            .create_contact(&NewContact::person("Li", "Wei"))
            .unwrap();
        let asylum = store.create_matter(&NewMatter::new(ana, "Asylum")).unwrap();
        let h1b = store.create_matter(&NewMatter::new(li, "H-1B")).unwrap();
        Self {
            _dir: dir,
            path,
            key,
            store,
            clients: [ana, li],
            matters: [asylum, h1b],
        }
    }

    /// The file as someone with the key and a SQLite shell would edit it: triggers dropped, checks
    /// off.
    fn tamper(&self) -> Connection {
        let conn = raw_connection(&self.path, &self.key);
        conn.execute_batch(
            "PRAGMA ignore_check_constraints = ON;
             PRAGMA foreign_keys = OFF;
             DROP TRIGGER audit_log_is_never_changed;
             DROP TRIGGER audit_log_is_never_deleted;
             DROP TRIGGER audit_log_appends_in_sequence;",
        )
        .unwrap();
        conn
    }

    fn verify(&self) -> AuditVerification {
        verify(&self.store).unwrap()
    }

    /// The first problem's sequence number and kind.
    fn problem(&self) -> (i64, ProblemKind) {
        let report = self.verify();
        assert!(!report.intact);
        let problem = report.first_problem.expect("a problem is named");
        assert!(!problem.message.is_empty());
        (problem.seq, problem.kind)
    }
}

fn profile() -> ProviderProfile {
    let mut profile = ProviderProfile::new("firm-eu", ProviderKind::AzureOpenAi).unwrap();
    profile.region = Some("swedencentral".into());
    profile.deployment = Some("drafting".into());
    profile
}

fn attempt(client: i64, matter: i64) -> Attempt {
    let mut attempt = Attempt::new(Purpose::Draft, &profile(), "firm-eu.openai.azure.com");
    attempt.client_id = Some(client);
    attempt.matter_id = Some(matter);
    attempt.draft_id = Some(7);
    attempt.redactions = BTreeMap::from([("A_NUMBER".into(), 2), ("CLIENT".into(), 3)]);
    attempt
}

fn completion(outcome: Outcome, response: &[u8]) -> Completion {
    Completion {
        outcome,
        exchange: ExchangeRecord {
            endpoint_host: Some("127.0.0.1".into()),
            attempts: 1,
            request_bytes: 0,
            request_sha256: None,
            response_bytes: response.len() as u64,
            response_sha256: sha256_hex(response),
        },
        usage: Some(Usage {
            input_tokens: 120,
            output_tokens: 45,
        }),
    }
}

/// A request and its result for client `which` (0 or 1), returning the request's seq.
fn exchange(f: &mut Fixture, which: usize, payload: &str) -> i64 {
    let request = record_request(
        &mut f.store,
        &attempt(f.clients[which], f.matters[which]),
        payload.as_bytes(),
    )
    .unwrap();
    record_result(
        &mut f.store,
        request,
        completion(Outcome::Completed, b"data: {\"text\":\"Dear client\"}\n\n"),
    )
    .unwrap();
    request
}

/// A log of 12 entries: requests with results for both clients, one blocked attempt, one
/// connection test, one interrupted request (seq 11) and a last completed exchange.
fn sample_log(f: &mut Fixture) {
    exchange(f, 0, "payload one"); // 1, 2
    exchange(f, 1, "payload two"); // 3, 4
    let mut blocked = attempt(f.clients[0], f.matters[0]);
    blocked.endpoint_host = None;
    record_blocked(&mut f.store, &blocked, "consentMissing").unwrap(); // 5
    let test = Attempt::new(
        Purpose::ConnectionTest,
        &profile(),
        "firm-eu.openai.azure.com",
    );
    let seq = record_request(&mut f.store, &test, b"ping").unwrap(); // 6
    record_result(
        &mut f.store,
        seq,
        completion(Outcome::Failed("rateLimited".into()), b""),
    )
    .unwrap(); // 7
    exchange(f, 0, "payload three"); // 8, 9
    let cancelled =
        record_request(&mut f.store, &attempt(f.clients[1], f.matters[1]), b"four").unwrap(); // 10
    record_request(
        &mut f.store,
        &attempt(f.clients[0], f.matters[0]),
        b"interrupted",
    )
    .unwrap(); // 11
    record_result(
        &mut f.store,
        cancelled,
        completion(Outcome::Cancelled, b"partial"),
    )
    .unwrap(); // 12
}

/// The documented canonical form, built here from the field values without the module's code.
fn independent_hash(fields: &[(&str, Option<String>)]) -> String {
    let mut bytes = b"casefile-audit-v1\n".to_vec();
    for (name, value) in fields {
        match value {
            Some(v) => bytes.extend(format!("{name}={}:{v}\n", v.len()).into_bytes()),
            None => bytes.extend(format!("{name}=-\n").into_bytes()),
        }
    }
    IndependentSha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const HASHED: [&str; 23] = [
    "seq",
    "entry",
    "at",
    "os_user",
    "request_seq",
    "client_id",
    "matter_id",
    "draft_id",
    "purpose",
    "profile",
    "provider_kind",
    "endpoint_host",
    "region",
    "model",
    "bytes_sent",
    "bytes_received",
    "tokens_in",
    "tokens_out",
    "redactions",
    "payload_sha256",
    "response_sha256",
    "outcome",
    "prev_hash",
];

#[test]
fn the_chain_stays_intact_over_many_appends_and_recomputes_independently() {
    let mut f = Fixture::new();
    for round in 0..150 {
        exchange(&mut f, round % 2, &format!("payload {round}"));
    }
    let report = f.verify();
    assert!(report.intact, "{report:?}");
    assert_eq!(report.entries, 300);
    assert!(report.interrupted.is_empty());

    // Recompute every hash and link from the raw columns, as an auditor's script would.
    let conn = raw_connection(&f.path, &f.key);
    let mut statement = conn
        .prepare(&format!(
            "SELECT {}, entry_hash FROM audit_log ORDER BY seq",
            HASHED.join(", ")
        ))
        .unwrap();
    let mut previous = GENESIS_HASH.to_owned();
    let mut rows = statement.query([]).unwrap();
    let mut seen = 0;
    while let Some(row) = rows.next().unwrap() {
        let fields: Vec<(&str, Option<String>)> = HASHED
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let value = match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Null => None,
                    rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
                    rusqlite::types::ValueRef::Text(t) => {
                        Some(String::from_utf8(t.to_vec()).unwrap())
                    }
                    other => panic!("unexpected {other:?}"),
                };
                (*name, value)
            })
            .collect();
        seen += 1;
        assert_eq!(fields[0].1.as_deref(), Some(seen.to_string().as_str()));
        assert_eq!(
            fields[22].1.as_deref(),
            Some(previous.as_str()),
            "entry {seen} links back"
        );
        let stored: String = row.get(23).unwrap();
        assert_eq!(independent_hash(&fields), stored, "entry {seen}");
        previous = stored;
    }
    assert_eq!(seen, 300);
    assert_eq!(report.last_hash, Some(previous));
}

#[test]
fn entries_hold_what_was_sent_and_received() {
    let mut f = Fixture::new();
    let payload = br#"{"messages":[{"role":"user","content":"[CLIENT_1] asks"}]}"#;
    let request =
        record_request(&mut f.store, &attempt(f.clients[0], f.matters[0]), payload).unwrap();
    let response = b"data: one\n\ndata: two\n\n";
    record_result(
        &mut f.store,
        request,
        completion(Outcome::Completed, response),
    )
    .unwrap();

    let all = entries(&f.store).unwrap();
    let (sent, received) = (&all[0], &all[1]);
    assert_eq!(sent.entry, "request");
    assert_eq!(sent.client_id, Some(f.clients[0]));
    assert_eq!(sent.matter_id, Some(f.matters[0]));
    assert_eq!(sent.draft_id, Some(7));
    assert_eq!(sent.purpose.as_deref(), Some("draft"));
    assert_eq!(sent.profile.as_deref(), Some("firm-eu"));
    assert_eq!(sent.provider_kind.as_deref(), Some("azure-openai"));
    assert_eq!(
        sent.endpoint_host.as_deref(),
        Some("firm-eu.openai.azure.com")
    );
    assert_eq!(sent.region.as_deref(), Some("swedencentral"));
    assert_eq!(
        sent.model.as_deref(),
        Some("drafting"),
        "the Azure deployment"
    );
    assert_eq!(sent.bytes_sent, Some(payload.len() as i64));
    assert_eq!(
        sent.redactions.as_deref(),
        Some(r#"{"A_NUMBER":2,"CLIENT":3}"#)
    );
    let hex = |bytes: &[u8]| -> String {
        IndependentSha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    assert_eq!(sent.payload_sha256, Some(hex(payload)));
    assert_eq!(sent.os_user, os_user());
    assert!(sent.at.parse::<jiff::Timestamp>().is_ok() && sent.at.ends_with('Z'));
    assert_eq!(sent.outcome, None);

    assert_eq!(received.entry, "result");
    assert_eq!(received.request_seq, Some(request));
    assert_eq!(received.bytes_received, Some(response.len() as i64));
    assert_eq!(received.response_sha256, Some(hex(response)));
    assert_eq!(
        (received.tokens_in, received.tokens_out),
        (Some(120), Some(45))
    );
    assert_eq!(received.outcome.as_deref(), Some("completed"));
    assert_eq!(
        received.client_id, None,
        "a result names its request, not the client"
    );
}

#[test]
fn a_blocked_attempt_is_marked_as_nothing_sent() {
    let mut f = Fixture::new();
    let seq = record_blocked(
        &mut f.store,
        &attempt(f.clients[0], f.matters[0]),
        "policyBlocked",
    )
    .unwrap();
    let blocked = &entries(&f.store).unwrap()[0];
    assert_eq!(blocked.seq, seq);
    assert_eq!(blocked.entry, "blocked");
    assert_eq!(blocked.bytes_sent, Some(0));
    assert_eq!(
        (
            blocked.payload_sha256.as_ref(),
            blocked.response_sha256.as_ref()
        ),
        (None, None)
    );
    assert_eq!(blocked.outcome.as_deref(), Some("blocked: policyBlocked"));
    let report = f.verify();
    assert!(report.intact && report.interrupted.is_empty(), "{report:?}");
}

#[test]
fn wrong_use_is_refused_and_appends_nothing() {
    let mut f = Fixture::new();
    let request = exchange(&mut f, 0, "one");
    let again = record_result(&mut f.store, request, completion(Outcome::Completed, b"x"));
    assert!(
        again
            .unwrap_err()
            .to_string()
            .contains("already has its result")
    );
    let of_a_result = record_result(
        &mut f.store,
        request + 1,
        completion(Outcome::Completed, b"x"),
    );
    assert!(
        of_a_result
            .unwrap_err()
            .to_string()
            .contains("not a request")
    );
    let of_nothing = record_result(&mut f.store, 99, completion(Outcome::Completed, b"x"));
    assert!(of_nothing.is_err());

    let open = record_request(&mut f.store, &attempt(f.clients[0], f.matters[0]), b"two").unwrap();
    let leaky = completion(Outcome::Failed("quota exceeded for A012345678".into()), b"");
    assert_eq!(
        record_result(&mut f.store, open, leaky).unwrap_err().code(),
        ErrorCode::Internal
    );
    assert!(record_blocked(&mut f.store, &attempt(f.clients[0], f.matters[0]), "").is_err());

    let unknown_client = attempt(f.clients[1] + 100, f.matters[0]);
    let err = record_request(&mut f.store, &unknown_client, b"three").unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    let mut nowhere = attempt(f.clients[0], f.matters[0]);
    nowhere.endpoint_host = Some("  ".into());
    assert!(record_request(&mut f.store, &nowhere, b"four").is_err());

    let report = f.verify();
    assert_eq!(report.entries, 3, "only the good entries were appended");
    assert!(report.intact);
    assert_eq!(report.interrupted, [open]);
}

#[test]
fn the_schema_refuses_changes_deletes_and_out_of_sequence_inserts() {
    let mut f = Fixture::new();
    exchange(&mut f, 0, "one");
    let conn = raw_connection(&f.path, &f.key);
    let refused = |sql: &str| conn.execute_batch(sql).unwrap_err().to_string();
    assert!(
        refused("UPDATE audit_log SET profile = 'other' WHERE seq = 1").contains("append-only")
    );
    assert!(refused("DELETE FROM audit_log WHERE seq = 2").contains("append-only"));
    assert!(
        refused(
            "INSERT INTO audit_log (seq, entry, at, os_user, purpose, profile, bytes_sent, \
             redactions, outcome, prev_hash, entry_hash) VALUES (5, 'blocked', 'now', 'x', \
             'ask', 'p', 0, '{}', 'blocked: x', 'bad', 'h')"
        )
        .contains("in sequence")
    );
    assert!(f.verify().intact);
}

#[test]
fn editing_any_field_of_any_entry_is_detected_and_named() {
    let mut f = Fixture::new();
    sample_log(&mut f);
    assert!(f.verify().intact);
    let conn = f.tamper();
    // Every column but seq (renumbering is a deletion, tested below), in request, result and
    // blocked entries, first, middle and last.
    let columns = HASHED.iter().skip(1).copied().chain(["entry_hash"]);
    for column in columns {
        for seq in [1, 5, 7, 12] {
            let original: rusqlite::types::Value = conn
                .query_row(
                    &format!("SELECT {column} FROM audit_log WHERE seq = ?1"),
                    [seq],
                    |r| r.get(0),
                )
                .unwrap();
            let edited = match &original {
                rusqlite::types::Value::Integer(n) => rusqlite::types::Value::Integer(n + 1),
                rusqlite::types::Value::Text(t) => rusqlite::types::Value::Text(format!("{t}0")),
                _ => rusqlite::types::Value::Text("0".into()),
            };
            let set = |value: &rusqlite::types::Value| {
                conn.execute(
                    &format!("UPDATE audit_log SET {column} = ?1 WHERE seq = ?2"),
                    rusqlite::params![value, seq],
                )
                .unwrap();
            };
            set(&edited);
            assert_eq!(
                f.problem(),
                (seq, ProblemKind::Edited),
                "{column} of entry {seq}"
            );
            set(&original);
        }
    }
    assert!(f.verify().intact, "every edit was undone");
}

#[test]
fn a_deleted_entry_is_detected_and_named() {
    let mut f = Fixture::new();
    sample_log(&mut f);
    let conn = f.tamper();
    conn.execute("DELETE FROM audit_log WHERE seq = 4", [])
        .unwrap();
    assert_eq!(f.problem(), (4, ProblemKind::Missing));
    conn.execute("DELETE FROM audit_log WHERE seq IN (5, 6)", [])
        .unwrap();
    let report = f.verify();
    assert_eq!(
        report.first_problem.unwrap().message,
        "entries 4 to 6 are missing: deleted from the log."
    );

    let mut f = Fixture::new();
    sample_log(&mut f);
    f.tamper()
        .execute("DELETE FROM audit_log WHERE seq = 1", [])
        .unwrap();
    assert_eq!(f.problem(), (1, ProblemKind::Missing));

    // Renumbering the later entries to close the gap breaks their hashes.
    let mut f = Fixture::new();
    sample_log(&mut f);
    let conn = f.tamper();
    conn.execute_batch(
        "DELETE FROM audit_log WHERE seq = 3; UPDATE audit_log SET seq = seq - 1 WHERE seq > 3;",
    )
    .unwrap();
    assert_eq!(f.problem(), (3, ProblemKind::Edited));
}

#[test]
fn removing_the_newest_entries_changes_the_last_hash() {
    let mut f = Fixture::new();
    sample_log(&mut f);
    let before = f.verify();
    f.tamper()
        .execute("DELETE FROM audit_log WHERE seq = 12", [])
        .unwrap();
    let after = f.verify();
    assert!(after.intact, "a truncated chain is still whole");
    assert_eq!(after.entries, before.entries - 1);
    assert_ne!(
        after.last_hash, before.last_hash,
        "an anchor kept elsewhere shows it"
    );
}

#[test]
fn reordered_and_relinked_entries_are_detected_and_named() {
    let mut f = Fixture::new();
    sample_log(&mut f);
    let conn = f.tamper();
    conn.execute_batch(
        "UPDATE audit_log SET seq = 100 WHERE seq = 8;
         UPDATE audit_log SET seq = 8 WHERE seq = 9;
         UPDATE audit_log SET seq = 9 WHERE seq = 100;",
    )
    .unwrap();
    assert_eq!(f.problem(), (8, ProblemKind::Reordered));

    // An edit whose hash was recomputed (by someone who read the documentation) still breaks
    // the link from the next entry.
    let mut f = Fixture::new();
    sample_log(&mut f);
    let mut forged = entries(&f.store).unwrap()[2].clone();
    forged.endpoint_host = Some("elsewhere.example".into());
    forged.entry_hash = forged.computed_hash();
    f.tamper()
        .execute(
            "UPDATE audit_log SET endpoint_host = ?1, entry_hash = ?2 WHERE seq = 3",
            rusqlite::params![forged.endpoint_host, forged.entry_hash],
        )
        .unwrap();
    assert_eq!(f.problem(), (4, ProblemKind::Relinked));
}

#[test]
fn a_result_of_no_request_is_named() {
    let mut f = Fixture::new();
    sample_log(&mut f);
    let mut forged = entries(&f.store).unwrap()[11].clone();
    forged.request_seq = Some(5); // the blocked attempt
    forged.entry_hash = forged.computed_hash();
    let conn = f.tamper();
    conn.execute(
        "UPDATE audit_log SET request_seq = 5, entry_hash = ?1 WHERE seq = 12",
        [&forged.entry_hash],
    )
    .unwrap();
    assert_eq!(f.problem(), (12, ProblemKind::OrphanResult));
}

#[test]
fn an_interrupted_request_is_reported_by_verify_and_export() {
    let mut f = Fixture::new();
    sample_log(&mut f);
    let report = f.verify();
    assert!(report.intact);
    assert_eq!(report.interrupted, [11]);
    let exported = exported_entries(&f.store, None).unwrap();
    let outcome = |seq: usize| exported[seq - 1].final_outcome.clone();
    assert_eq!(outcome(11).as_deref(), Some(INTERRUPTED));
    assert_eq!(outcome(1).as_deref(), Some("completed"));
    assert_eq!(outcome(5).as_deref(), Some("blocked: consentMissing"));
    assert_eq!(outcome(6).as_deref(), Some("failed: rateLimited"));
    assert_eq!(outcome(10).as_deref(), Some("cancelled"));
    assert_eq!(
        exported[9].entry.outcome, None,
        "the request entry itself is unchanged"
    );
}

#[test]
fn the_json_export_parses_back_to_the_entries() {
    let mut f = Fixture::new();
    sample_log(&mut f);
    let mut out = Vec::new();
    assert_eq!(
        export(&f.store, ExportFormat::Json, None, &mut out).unwrap(),
        12
    );
    let document: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(document["canonical_form"], CANONICAL_FORM);
    let exported = document["entries"].as_array().unwrap();
    let stored = entries(&f.store).unwrap();
    assert_eq!(exported.len(), stored.len());
    for (json, entry) in exported.iter().zip(&stored) {
        let mut json = json.clone();
        json.as_object_mut().unwrap().remove("final_outcome");
        assert_eq!(json, serde_json::to_value(entry).unwrap());
        // An auditor recomputes each hash from the JSON alone.
        let fields: Vec<(&str, Option<String>)> = HASHED
            .iter()
            .map(|name| {
                let value = match &json[*name] {
                    serde_json::Value::Null => None,
                    serde_json::Value::String(text) => Some(text.clone()),
                    other => Some(other.to_string()),
                };
                (*name, value)
            })
            .collect();
        assert_eq!(independent_hash(&fields), json["entry_hash"]);
    }
    assert_eq!(exported[10]["final_outcome"], INTERRUPTED);
}

#[test]
fn the_csv_export_parses_back_and_its_hashes_recompute() {
    let mut f = Fixture::new();
    sample_log(&mut f);
    let mut out = Vec::new();
    export(&f.store, ExportFormat::Csv, None, &mut out).unwrap();
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let mut expected_header: Vec<&str> = HASHED.to_vec();
    expected_header.extend(["entry_hash", "final_outcome"]);
    assert_eq!(header, expected_header);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let stored = entries(&f.store).unwrap();
    assert_eq!(rows.len(), stored.len());
    let mut previous = GENESIS_HASH.to_owned();
    for (row, entry) in rows.iter().zip(&stored) {
        let fields: Vec<(&str, Option<String>)> = HASHED
            .iter()
            .enumerate()
            .map(|(i, name)| (*name, Some(row[i].to_owned()).filter(|v| !v.is_empty())))
            .collect();
        assert_eq!(row[22], previous);
        assert_eq!(independent_hash(&fields), row[23]);
        assert_eq!(row[23], entry.entry_hash);
        assert_eq!(row[9], entry.profile.clone().unwrap_or_default());
        previous = row[23].to_owned();
    }
    assert_eq!(&rows[4][21], "blocked: consentMissing");
    assert_eq!(&rows[0][18], r#"{"A_NUMBER":2,"CLIENT":3}"#);
    assert_eq!(&rows[10][24], INTERRUPTED);
}

#[test]
fn the_export_of_one_client_holds_their_requests_and_results_only() {
    let mut f = Fixture::new();
    sample_log(&mut f);
    let ana = f.clients[0];
    let seqs = |client| -> Vec<i64> {
        exported_entries(&f.store, Some(client))
            .unwrap()
            .iter()
            .map(|e| e.entry.seq)
            .collect()
    };
    // Ana: exchanges 1-2 and 8-9, the blocked attempt 5, the interrupted request 11.
    assert_eq!(seqs(ana), [1, 2, 5, 8, 9, 11]);
    // Li: exchange 3-4 and the cancelled request 10 with its result 12.
    assert_eq!(seqs(f.clients[1]), [3, 4, 10, 12]);
    assert!(seqs(ana + 100).is_empty());

    let mut out = Vec::new();
    assert_eq!(
        export(&f.store, ExportFormat::Csv, Some(f.clients[1]), &mut out).unwrap(),
        4
    );
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(out.as_slice())
        .records()
        .map(Result::unwrap)
        .collect();
    assert!(
        rows.iter()
            .all(|r| r[5].is_empty() || r[5] == f.clients[1].to_string())
    );

    let mut out = Vec::new();
    assert_eq!(
        export(&f.store, ExportFormat::Json, Some(ana + 100), &mut out).unwrap(),
        0
    );
    let document: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(document["client_id"], ana + 100);
    assert_eq!(document["entries"], serde_json::json!([]));
    let mut out = Vec::new();
    export(&f.store, ExportFormat::Csv, Some(ana + 100), &mut out).unwrap();
    assert_eq!(
        csv::Reader::from_reader(out.as_slice())
            .headers()
            .unwrap()
            .len(),
        25,
        "header only"
    );
}

#[test]
fn an_empty_log_is_intact() {
    let f = Fixture::new();
    let report = f.verify();
    assert_eq!(
        report,
        AuditVerification {
            entries: 0,
            intact: true,
            first_problem: None,
            interrupted: vec![],
            last_hash: None,
        }
    );
}

/// Appends the deletion entry of draft `draft_id` of the first client's first matter, as the
/// deleting transaction does.
fn deletion(f: &mut Fixture, draft_id: i64, reason: DeletionReason) -> i64 {
    let tx = f
        .store
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .unwrap();
    let draft = DeletedDraftRef {
        client_id: f.clients[0],
        matter_id: f.matters[0],
        draft_id,
    };
    let seq = record_deletion(&tx, draft, reason).unwrap();
    tx.commit().unwrap();
    seq
}

#[test]
fn deletions_join_the_chain_name_the_draft_and_why_and_edits_to_them_are_detected() {
    let mut f = Fixture::new();
    sample_log(&mut f);
    assert_eq!(deletion(&mut f, 41, DeletionReason::ByHand), 13);
    assert_eq!(deletion(&mut f, 42, DeletionReason::Retention(90)), 14);
    exchange(&mut f, 1, "after the deletions"); // 15, 16
    let report = f.verify();
    assert!(report.intact, "{report:?}");
    assert_eq!(report.entries, 16);

    let all = entries(&f.store).unwrap();
    let by_hand = &all[12];
    assert_eq!(by_hand.entry, "deletion");
    assert_eq!(
        (by_hand.client_id, by_hand.matter_id, by_hand.draft_id),
        (Some(f.clients[0]), Some(f.matters[0]), Some(41))
    );
    assert_eq!(by_hand.outcome.as_deref(), Some("deleted: by hand"));
    assert_eq!(by_hand.os_user, os_user());
    assert_eq!(
        all[13].outcome.as_deref(),
        Some("deleted: retention 90 days")
    );
    // Recomputed from the documented form without the module's code.
    assert_eq!(independent_hash(&by_hand.fields()), by_hand.entry_hash);

    // The exports carry them with their outcome, and one client's export holds theirs.
    let exported = exported_entries(&f.store, Some(f.clients[0])).unwrap();
    let outcomes: Vec<_> = exported
        .iter()
        .filter(|e| e.entry.entry == "deletion")
        .map(|e| e.final_outcome.clone())
        .collect();
    assert_eq!(
        outcomes,
        [
            Some("deleted: by hand".to_owned()),
            Some("deleted: retention 90 days".to_owned())
        ]
    );

    let conn = f.tamper();
    for (column, value) in [
        ("draft_id", "40"),
        ("outcome", "deleted: retention 900 days"),
        ("matter_id", "2"),
    ] {
        let original: rusqlite::types::Value = conn
            .query_row(
                &format!("SELECT {column} FROM audit_log WHERE seq = 13"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        conn.execute(
            &format!("UPDATE audit_log SET {column} = ?1 WHERE seq = 13"),
            [value],
        )
        .unwrap();
        assert_eq!(f.problem(), (13, ProblemKind::Edited), "{column}");
        conn.execute(
            &format!("UPDATE audit_log SET {column} = ?1 WHERE seq = 13"),
            [original],
        )
        .unwrap();
    }
    conn.execute("DELETE FROM audit_log WHERE seq = 14", [])
        .unwrap();
    assert_eq!(f.problem(), (14, ProblemKind::Missing));
}

#[test]
fn the_schema_refuses_a_deletion_entry_that_names_no_draft_or_carries_request_fields() {
    let mut f = Fixture::new();
    deletion(&mut f, 7, DeletionReason::ByHand);
    let last: String = f
        .store
        .conn
        .query_row("SELECT entry_hash FROM audit_log WHERE seq = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    for extra in [
        "NULL, 'deleted: by hand', NULL",
        "7, 'deleted: by hand', 'abc'",
        "7, 'completed', NULL",
    ] {
        let refused = f.store.conn.execute(
            &format!(
                "INSERT INTO audit_log (seq, entry, at, os_user, client_id, matter_id, draft_id, \
                 outcome, payload_sha256, prev_hash, entry_hash) \
                 VALUES (2, 'deletion', 'now', 'me', {}, {}, {extra}, ?1, 'x')",
                f.clients[0], f.matters[0]
            ),
            [&last],
        );
        assert!(refused.is_err(), "{extra}");
    }
    assert!(f.verify().intact);
}
