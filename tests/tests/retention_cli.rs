//! Legal holds, retention of AI history and deleting drafts through the admin CLI, as an MSP
//! script runs them: a separate process, the real keychain and encrypted database, exit codes,
//! and the audit log that records every deletion.

use std::ffi::OsStr;
use std::process::Output;

use anyhow::{Context, Result, ensure};
use casefile_core::drafting::provenance::Provenance;
use casefile_core::store::{DraftOrigin, Kind, NewDraft};
use casefile_core::workspace::Workspace;
use casefile_tests::Sandbox;
use serde_json::{Value, json};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json_out(out: &Output) -> Result<Value> {
    ensure!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        stderr(out)
    );
    serde_json::from_slice(&out.stdout)
        .with_context(|| String::from_utf8_lossy(&out.stdout).into_owned())
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

fn draft_ids(run: &Value, list: &str) -> Vec<i64> {
    run[list]
        .as_array()
        .map(|drafts| {
            drafts
                .iter()
                .filter_map(|d| d["draftId"].as_i64())
                .collect()
        })
        .unwrap_or_default()
}

/// An AI draft of `matter` (an imported id) whose last activity was `days_ago` days ago, made
/// through core as the drafting pipeline stores one, then dated back in the database file (no
/// Casefile API changes a draft's dates).
fn ai_draft(sandbox: &Sandbox, matter: &str, body: &str, days_ago: u32) -> Result<i64> {
    let workspace = Workspace::open(sandbox.locations())?;
    let mut store = workspace.open_store()?;
    let matter_id = store.resolve(Kind::Matter, matter)?;
    let client_id = store.matter(matter_id)?.client_id;
    let provenance = Provenance {
        template: "case-summary".into(),
        template_version: 1,
        template_origin: "built-in".into(),
        matter_id,
        client_id,
        notes: Vec::new(),
        missing: Vec::new(),
        started_at: "2026-01-05T10:00:00Z".into(),
        finished_at: None,
        user: "attorney".into(),
        ai: None,
    };
    let id = store
        .create_draft(&NewDraft {
            matter_id,
            title: "Case summary: AI draft",
            origin: DraftOrigin::Ai,
            body,
            provenance: &provenance,
        })?
        .id;
    drop(store);
    let conn = sandbox.raw_database()?;
    // The search index's trigger calls Casefile's function for identifiers; none are in `body`.
    conn.create_scalar_function(
        "casefile_identifiers",
        1,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8,
        |_| Ok(String::new()),
    )?;
    conn.execute(
        "UPDATE drafts SET updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?2) WHERE id = ?1",
        rusqlite::params![id, format!("-{days_ago} days")],
    )?;
    Ok(id)
}

#[test]
#[ignore = "needs an OS keychain session (make test starts one)"]
fn holds_retention_runs_and_deletions_by_hand_are_enforced_and_audited() -> Result<()> {
    let sandbox = Sandbox::new()?;
    let records = sandbox.path().join("records.jsonl");
    std::fs::write(
        &records,
        "{\"type\":\"contact\",\"id\":\"C-1\",\"kind\":\"person\",\"given_name\":\"Ana\",\"family_name\":\"Peña\"}\n\
         {\"type\":\"matter\",\"id\":\"M-1\",\"client_id\":\"C-1\",\"title\":\"Asylum\"}\n\
         {\"type\":\"matter\",\"id\":\"M-2\",\"client_id\":\"C-1\",\"title\":\"Removal defense\"}\n",
    )?;
    let out = sandbox.admin(&[OsStr::new("import"), records.as_os_str()], None)?;
    ensure!(out.status.success(), "{}", stderr(&out));

    let held_old = ai_draft(&sandbox, "M-1", "Quokka held answer", 100)?;
    let free_old = ai_draft(&sandbox, "M-2", "Quokka expired answer", 100)?;
    let recent = ai_draft(&sandbox, "M-2", "Quokka recent answer", 3)?;
    let record =
        json_out(&sandbox.admin(&["draft", "M-1", "--offline", "--json"], None)?)?["draft"]["id"]
            .as_i64()
            .context("record draft id")?;

    let locked = json!({
        "version": 1,
        "settings": {"ai_history_retention_days": 30},
        "locks": {"ai_history_retention_days": "AI history is kept 30 days (firm records policy)."}
    });
    std::fs::write(sandbox.path().join("policy.json"), locked.to_string())?;

    let hold = json_out(&sandbox.admin(
        &[
            "hold",
            "set",
            "M-1",
            "--reason",
            "Subpoena 2026-17",
            "--json",
        ],
        None,
    )?)?;
    ensure!(hold["reason"] == "Subpoena 2026-17" && hold["releasedAt"].is_null());
    let again = sandbox.admin(&["hold", "set", "M-1", "--reason", "twice"], None)?;
    expect_exit(&again, 2, &["already under legal hold", "Subpoena 2026-17"])?;
    let listed = json_out(&sandbox.admin(&["hold", "list", "--json"], None)?)?;
    ensure!(listed.as_array().map(Vec::len) == Some(1), "{listed}");
    ensure!(listed[0]["matterTitle"] == "Asylum", "{listed}");

    // A dry run names what would go and deletes nothing.
    let dry = json_out(&sandbox.admin(&["retention", "run", "--dry-run", "--json"], None)?)?;
    ensure!(draft_ids(&dry, "deleted") == [free_old], "{dry}");
    ensure!(draft_ids(&dry, "held") == [held_old], "{dry}");
    let verified = json_out(&sandbox.admin(&["audit", "verify", "--json"], None)?)?;
    ensure!(verified["entries"] == 0, "{verified}");

    // The policy locks retention: a matter cannot have its own period.
    let refused = sandbox.admin(&["retention", "set", "M-2", "--days", "400"], None)?;
    expect_exit(
        &refused,
        10,
        &["Managed by your IT provider", "firm records policy"],
    )?;
    let shown = json_out(&sandbox.admin(&["retention", "show", "M-1", "--json"], None)?)?;
    ensure!(shown["effective"]["days"] == 30 && shown["effective"]["locked"] == true);
    ensure!(shown["hold"]["reason"] == "Subpoena 2026-17", "{shown}");

    let run = json_out(&sandbox.admin(&["retention", "run", "--json"], None)?)?;
    ensure!(draft_ids(&run, "deleted") == [free_old], "{run}");
    ensure!(
        run["deleted"][0]["reason"] == "deleted: retention 30 days",
        "{run}"
    );
    ensure!(draft_ids(&run, "held") == [held_old], "{run}");

    // Held: deleting by hand is refused with exit 12, naming the hold.
    for id in [held_old, record] {
        let out = sandbox.admin(&["draft", "delete", &id.to_string()], None)?;
        expect_exit(
            &out,
            12,
            &["legal hold", "Subpoena 2026-17", "hold release"],
        )?;
    }
    let missing = sandbox.admin(&["draft", "delete", "99999"], None)?;
    expect_exit(&missing, 3, &["99999"])?;

    let released = json_out(&sandbox.admin(&["hold", "release", "M-1", "--json"], None)?)?;
    ensure!(released["releasedBy"].is_string(), "{released}");
    let history = json_out(&sandbox.admin(&["hold", "list", "--all", "--json"], None)?)?;
    ensure!(history.as_array().map(Vec::len) == Some(1), "{history}");
    ensure!(
        json_out(&sandbox.admin(&["hold", "list", "--json"], None)?)? == json!([]),
        "no hold in force"
    );

    let deleted =
        json_out(&sandbox.admin(&["draft", "delete", &record.to_string(), "--json"], None)?)?;
    ensure!(deleted["reason"] == "deleted: by hand", "{deleted}");
    let run = json_out(&sandbox.admin(&["retention", "run", "--json"], None)?)?;
    ensure!(draft_ids(&run, "deleted") == [held_old], "{run}");

    // Every deletion is in a chain that verifies, with who, what and why, and no draft text.
    let verified = json_out(&sandbox.admin(&["audit", "verify", "--json"], None)?)?;
    ensure!(
        verified["intact"] == true && verified["entries"] == 3,
        "{verified}"
    );
    let export = sandbox.admin(&["audit", "export", "--format", "json"], None)?;
    let exported = json_out(&export)?;
    let deletions: Vec<(i64, String)> = exported["entries"]
        .as_array()
        .context("entries")?
        .iter()
        .map(|e| {
            (
                e["draft_id"].as_i64().unwrap_or_default(),
                e["outcome"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    ensure!(
        deletions
            == [
                (free_old, "deleted: retention 30 days".to_owned()),
                (record, "deleted: by hand".to_owned()),
                (held_old, "deleted: retention 30 days".to_owned()),
            ],
        "{deletions:?}"
    );
    ensure!(
        exported["entries"].as_array().is_some_and(|e| e
            .iter()
            .all(|e| e["entry"] == "deletion" && e["os_user"].is_string())),
        "{exported}"
    );
    ensure!(!String::from_utf8_lossy(&export.stdout).contains("Quokka"));

    // The recent draft stays; search no longer finds the deleted ones.
    let hits = sandbox.admin(&["search", "Quokka", "--json"], None)?;
    let hits = json_out(&hits)?;
    let found: Vec<i64> = hits
        .as_array()
        .context("hits")?
        .iter()
        .filter(|h| h["kind"] == "draft")
        .filter_map(|h| h["id"].as_i64())
        .collect();
    ensure!(found == [recent], "{hits}");

    // An invalid policy file: retention deletes nothing and says why.
    std::fs::write(
        sandbox.path().join("policy.json"),
        "{\"version\": 1, \"retain\": 3}",
    )?;
    let blocked = sandbox.admin(&["retention", "run"], None)?;
    expect_exit(&blocked, 10, &["policy.json", "deletes nothing"])?;
    Ok(())
}
