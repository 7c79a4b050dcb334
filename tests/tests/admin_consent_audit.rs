//! Consent records and the audit log through the admin CLI, as an MSP script or an auditor runs
//! it: a separate process, the real keychain, the real encrypted database, exit codes and output.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::process::Output;

use anyhow::{Context, Result, ensure};
use casefile_core::audit::{self, Attempt, Completion, Outcome, Purpose};
use casefile_core::providers::ExchangeRecord;
use casefile_core::providers::{ProviderKind, ProviderProfile};
use casefile_core::store::Kind;
use casefile_core::workspace::Workspace;
use casefile_tests::Sandbox;
use serde_json::{Value, json};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json_out(out: &Output) -> Result<Value> {
    ensure!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        stderr(out)
    );
    serde_json::from_slice(&out.stdout).with_context(|| stdout(out))
}

fn expect_exit(out: &Output, code: i32, words: &[&str]) -> Result<()> {
    let message = stderr(out);
    ensure!(
        out.status.code() == Some(code),
        "exit {:?}, not {code}: {message}",
        out.status.code()
    );
    for word in words {
        ensure!(message.contains(word), "{word:?} missing from: {message}");
    }
    Ok(())
}

/// Two clients imported with their own ids, and the user's profile `firm-eu`.
fn prepared() -> Result<std::sync::Arc<Sandbox>> {
    let sandbox = Sandbox::new()?;
    let records = sandbox.path().join("records.jsonl");
    std::fs::write(
        &records,
        "{\"type\":\"contact\",\"id\":\"C-1\",\"kind\":\"person\",\"given_name\":\"Ana\",\"family_name\":\"Peña\"}\n\
         {\"type\":\"contact\",\"id\":\"C-2\",\"kind\":\"person\",\"given_name\":\"Li\",\"family_name\":\"Wei\"}\n\
         {\"type\":\"matter\",\"id\":\"M-1\",\"client_id\":\"C-1\",\"title\":\"Asylum\"}\n",
    )?;
    let out = sandbox.admin(&[OsStr::new("import"), records.as_os_str()], None)?;
    ensure!(out.status.success(), "{}", stderr(&out));
    let out = sandbox.admin(
        &[
            "profile",
            "add",
            "firm-eu",
            "--kind",
            "openai-compatible",
            "--base-url",
            "http://127.0.0.1:9/v1",
            "--model",
            "drafting-model",
        ],
        None,
    )?;
    ensure!(out.status.success(), "{}", stderr(&out));
    Ok(sandbox)
}

#[test]
#[ignore = "needs an OS keychain session (make test starts one)"]
fn consents_are_recorded_listed_and_revoked_by_client_id_or_imported_id() -> Result<()> {
    let sandbox = prepared()?;
    // A managed profile counts as an existing profile too.
    std::fs::write(
        sandbox.locations().policy_file,
        json!({"version": 1, "profiles": [{"name": "firm-managed", "kind": "openai-compatible",
               "base_url": "http://127.0.0.1:9/v1", "model": "m"}]})
        .to_string(),
    )?;

    let added = json_out(&sandbox.admin(
        &[
            "--json",
            "consent",
            "add",
            "C-1",
            "--scope",
            "drafting",
            "--profile",
            "firm-eu",
            "--method",
            "written",
            "--date",
            "2026-01-15",
            "--note",
            "engagement addendum",
        ],
        None,
    )?)?;
    ensure!(
        added["scope"] == "drafting" && added["method"] == "written",
        "{added}"
    );
    ensure!(
        added["givenOn"] == "2026-01-15" && added["note"] == "engagement addendum",
        "{added}"
    );
    ensure!(
        added["revocation"].is_null()
            && added["recordedBy"].as_str().is_some_and(|b| !b.is_empty()),
        "{added}"
    );
    let ana = added["clientId"].as_i64().context("client id")?;

    // The second client by internal id, through the policy's profile, dated today by default.
    let li = ana + 1;
    let out = sandbox.admin(
        &[
            "consent",
            "add",
            &li.to_string(),
            "--scope",
            "ask",
            "--profile",
            "firm-managed",
            "--method",
            "verbal",
        ],
        None,
    )?;
    ensure!(out.status.success(), "{}", stderr(&out));
    ensure!(
        stdout(&out).starts_with("Recorded consent 2:"),
        "{}",
        stdout(&out)
    );

    // Refusals: each a clear message and exit code, nothing recorded.
    let add = |client: &str, profile: &str, method: &str, date: &str| {
        sandbox.admin(
            &[
                "consent",
                "add",
                client,
                "--scope",
                "drafting",
                "--profile",
                profile,
                "--method",
                method,
                "--date",
                date,
            ],
            None,
        )
    };
    expect_exit(
        &add("C-9", "firm-eu", "written", "2026-01-01")?,
        3,
        &["No client", "C-9"],
    )?;
    expect_exit(
        &add("C-1", "nope", "written", "2026-01-01")?,
        3,
        &["No provider profile", "nope"],
    )?;
    expect_exit(
        &add("C-1", "firm-eu", "fax", "2026-01-01")?,
        2,
        &["written, email, verbal"],
    )?;
    expect_exit(
        &add("C-1", "firm-eu", "email", "2026-02-30")?,
        2,
        &["Consent date", "YYYY-MM-DD"],
    )?;
    expect_exit(
        &add("C-1", "firm-eu", "email", "2999-01-01")?,
        2,
        &["in the future"],
    )?;
    let out = sandbox.admin(
        &[
            "consent",
            "add",
            "C-1",
            "--scope",
            "marketing",
            "--profile",
            "firm-eu",
            "--method",
            "email",
        ],
        None,
    )?;
    expect_exit(&out, 2, &["drafting, ask"])?;

    let all = json_out(&sandbox.admin(&["--json", "consent", "list"], None)?)?;
    ensure!(
        all.as_array().map(Vec::len) == Some(2),
        "only the good ones: {all}"
    );
    let of_ana = json_out(&sandbox.admin(&["--json", "consent", "list", "C-1"], None)?)?;
    ensure!(of_ana == json!([added]), "{of_ana}");
    let text = stdout(&sandbox.admin(&["consent", "list"], None)?);
    ensure!(
        text.contains("client 1 (Ana Peña): drafting through profile firm-eu"),
        "{text}"
    );

    // Revocation keeps the consent, once.
    let revoked = json_out(&sandbox.admin(
        &[
            "--json",
            "consent",
            "revoke",
            "1",
            "--reason",
            "withdrawn by phone",
        ],
        None,
    )?)?;
    ensure!(
        revoked["revocation"]["reason"] == "withdrawn by phone",
        "{revoked}"
    );
    expect_exit(
        &sandbox.admin(&["consent", "revoke", "1"], None)?,
        2,
        &["already revoked"],
    )?;
    expect_exit(
        &sandbox.admin(&["consent", "revoke", "42"], None)?,
        3,
        &["no consent 42"],
    )?;
    let of_ana = json_out(&sandbox.admin(&["--json", "consent", "list", "external:C-1"], None)?)?;
    ensure!(of_ana == json!([revoked]), "{of_ana}");
    let text = stdout(&sandbox.admin(&["consent", "list", "C-1"], None)?);
    ensure!(
        text.contains("REVOKED") && text.contains("withdrawn by phone"),
        "{text}"
    );

    // A consent binds the profile's endpoint: once it points elsewhere, the consent stays listed
    // but no longer covers sends, and says why.
    let current = json_out(&sandbox.admin(
        &[
            "--json",
            "consent",
            "add",
            "C-1",
            "--scope",
            "drafting",
            "--profile",
            "firm-eu",
            "--method",
            "email",
        ],
        None,
    )?)?;
    ensure!(
        current["binding"]
            == json!({"kind": "openai-compatible", "endpointHost": "127.0.0.1",
                      "region": null, "model": "drafting-model"})
            && current["noLongerCovers"].is_null(),
        "{current}"
    );
    let out = sandbox.admin(
        &[
            "profile",
            "add",
            "firm-eu",
            "--replace",
            "--kind",
            "openai-compatible",
            "--base-url",
            "https://gateway.example/v1",
            "--model",
            "drafting-model",
        ],
        None,
    )?;
    ensure!(out.status.success(), "{}", stderr(&out));
    let listed = json_out(&sandbox.admin(&["--json", "consent", "list", "C-1"], None)?)?;
    let moved = &listed[1];
    ensure!(
        moved["id"] == current["id"]
            && moved["noLongerCovers"]
                .as_str()
                .is_some_and(|why| why.contains("endpoint") && why.contains("gateway.example")),
        "{listed}"
    );
    ensure!(
        listed[0]["noLongerCovers"].is_null(),
        "a revoked one needs no reason: {listed}"
    );
    let text = stdout(&sandbox.admin(&["consent", "list", "C-1"], None)?);
    ensure!(
        text.contains("NO LONGER COVERS SENDS: the profile's endpoint changed"),
        "{text}"
    );
    Ok(())
}

/// Appends entries through core, as the send pipeline does: a completed exchange for C-1, one
/// for C-2, a blocked attempt for C-1 and an interrupted request for C-2 (entries 1 to 6).
fn write_log(sandbox: &Sandbox) -> Result<()> {
    let workspace = Workspace::open(sandbox.locations())?;
    let mut store = workspace.open_store()?;
    let profile = ProviderProfile::new("firm-eu", ProviderKind::OpenAiCompatible)?;
    let mut attempt = Attempt::new(Purpose::Draft, &profile, "127.0.0.1");
    attempt.redactions = BTreeMap::from([("A_NUMBER".to_owned(), 1)]);
    for client in ["C-1", "C-2"] {
        attempt.client_id = Some(store.resolve(Kind::Contact, client)?);
        let seq = audit::record_request(&mut store, &attempt, b"{\"messages\":[]}")?;
        let answer = b"data: [DONE]\n\n";
        let completion = Completion {
            outcome: Outcome::Completed,
            exchange: ExchangeRecord {
                endpoint_host: Some("127.0.0.1".into()),
                attempts: 1,
                request_bytes: 15,
                request_sha256: None,
                response_bytes: answer.len() as u64,
                response_sha256: audit::sha256_hex(answer),
            },
            usage: None,
        };
        audit::record_result(&mut store, seq, completion)?;
    }
    attempt.client_id = Some(store.resolve(Kind::Contact, "C-1")?);
    audit::record_blocked(&mut store, &attempt, "consentMissing")?;
    attempt.client_id = Some(store.resolve(Kind::Contact, "C-2")?);
    audit::record_request(&mut store, &attempt, b"{}")?;
    Ok(())
}

/// The database as someone holding its key opens it outside Casefile: triggers dropped.
fn tamper(sandbox: &Sandbox, sql: &str) -> Result<()> {
    let conn = sandbox.raw_database()?;
    conn.execute_batch(
        "PRAGMA ignore_check_constraints = ON; PRAGMA foreign_keys = OFF;
         DROP TRIGGER IF EXISTS audit_log_is_never_changed;
         DROP TRIGGER IF EXISTS audit_log_is_never_deleted;",
    )?;
    conn.execute_batch(sql)?;
    Ok(())
}

#[test]
#[ignore = "needs an OS keychain session (make test starts one)"]
fn audit_verify_and_export_as_an_auditor_runs_them() -> Result<()> {
    let sandbox = prepared()?;
    let out = sandbox.admin(&["audit", "verify"], None)?;
    ensure!(
        out.status.success() && stdout(&out).contains("no entries yet"),
        "{}",
        stdout(&out)
    );
    write_log(&sandbox)?;

    let report = json_out(&sandbox.admin(&["--json", "audit", "verify"], None)?)?;
    ensure!(
        report["intact"] == true && report["entries"] == 6,
        "{report}"
    );
    ensure!(report["interrupted"] == json!([6]), "{report}");
    let text = stdout(&sandbox.admin(&["audit", "verify"], None)?);
    ensure!(
        text.contains("intact: 6 entries") && text.contains("Outcome unknown"),
        "{text}"
    );
    ensure!(
        text.contains(report["last_hash"].as_str().context("last hash")?),
        "{text}"
    );

    // CSV to standard output: a header and one row per entry, parsed back.
    let csv_out = sandbox.admin(&["audit", "export", "--format", "csv"], None)?;
    ensure!(csv_out.status.success(), "{}", stderr(&csv_out));
    let mut reader = csv::Reader::from_reader(csv_out.stdout.as_slice());
    let header = reader.headers()?.clone();
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    ensure!(rows.len() == 6, "{}", stdout(&csv_out));
    let column = |name: &str| header.iter().position(|h| h == name).context("column");
    let (entry, outcome, final_outcome) = (
        column("entry")?,
        column("outcome")?,
        column("final_outcome")?,
    );
    ensure!(&rows[4][entry] == "blocked" && &rows[4][outcome] == "blocked: consentMissing");
    ensure!(
        &rows[5][final_outcome] == "unknown (interrupted)",
        "{:?}",
        rows[5]
    );
    ensure!(&rows[0][final_outcome] == "completed", "{:?}", rows[0]);

    // JSON for one client, by imported id: their requests, results and blocked attempt.
    let document = json_out(&sandbox.admin(
        &["audit", "export", "--format", "json", "--client", "C-2"],
        None,
    )?)?;
    let seqs: Vec<i64> = document["entries"]
        .as_array()
        .context("entries")?
        .iter()
        .filter_map(|e| e["seq"].as_i64())
        .collect();
    ensure!(seqs == [3, 4, 6], "{document}");
    ensure!(
        document["canonical_form"] == "casefile-audit-v1",
        "{document}"
    );

    // To a new file, never over an existing one.
    let file = sandbox.path().join("audit.json");
    let export_to = |format: &str| {
        let args = ["audit", "export", "--format", format, "--out"].map(OsStr::new);
        sandbox.admin(&[&args[..], &[file.as_os_str()]].concat(), None)
    };
    let out = export_to("json")?;
    ensure!(out.status.success(), "{}", stderr(&out));
    let written: Value = serde_json::from_slice(&std::fs::read(&file)?)?;
    ensure!(
        written["entries"].as_array().map(Vec::len) == Some(6),
        "{written}"
    );
    expect_exit(&export_to("csv")?, 2, &["already exists"])?;
    ensure!(
        serde_json::from_slice::<Value>(&std::fs::read(&file)?)? == written,
        "the file was kept"
    );
    expect_exit(
        &sandbox.admin(&["audit", "export", "--format", "xml"], None)?,
        2,
        &["xml"],
    )?;
    expect_exit(
        &sandbox.admin(
            &["audit", "export", "--format", "csv", "--client", "C-9"],
            None,
        )?,
        3,
        &["C-9"],
    )?;

    // An edited entry: exit 11, named.
    tamper(
        &sandbox,
        "UPDATE audit_log SET endpoint_host = 'elsewhere.example' WHERE seq = 3",
    )?;
    let out = sandbox.admin(&["audit", "verify"], None)?;
    ensure!(
        out.status.code() == Some(11),
        "exit {:?}: {}",
        out.status.code(),
        stdout(&out)
    );
    ensure!(
        stdout(&out).contains("BROKEN at entry 3 (edited)"),
        "{}",
        stdout(&out)
    );
    let out = sandbox.admin(&["--json", "audit", "verify"], None)?;
    ensure!(out.status.code() == Some(11));
    let report: Value = serde_json::from_slice(&out.stdout)?;
    ensure!(
        report["intact"] == false && report["first_problem"]["seq"] == 3,
        "{report}"
    );
    ensure!(report["first_problem"]["kind"] == "edited", "{report}");

    // A deleted entry (with the edit undone): exit 11, named as missing.
    tamper(
        &sandbox,
        "UPDATE audit_log SET endpoint_host = '127.0.0.1' WHERE seq = 3",
    )?;
    ensure!(
        sandbox.admin(&["audit", "verify"], None)?.status.success(),
        "the edit was undone"
    );
    tamper(&sandbox, "DELETE FROM audit_log WHERE seq = 2")?;
    let report: Value =
        serde_json::from_slice(&sandbox.admin(&["--json", "audit", "verify"], None)?.stdout)?;
    ensure!(
        report["first_problem"]["seq"] == 2 && report["first_problem"]["kind"] == "missing",
        "{report}"
    );
    Ok(())
}
