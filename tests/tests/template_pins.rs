//! Templates pinned by the firm's policy, through the admin CLI: the catalog shows the pin and
//! each template's SHA-256, a firm file of another version or content is not used, and drafting
//! refuses a template other than the pinned one.

use std::ffi::OsStr;
use std::process::Output;

use anyhow::{Result, ensure};
use casefile_tests::Sandbox;
use serde_json::json;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn expect(out: &Output, code: i32, stream: &[u8], words: &[&str]) -> Result<()> {
    ensure!(
        out.status.code() == Some(code),
        "exit {:?}, not {code}: {}{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    let shown = text(stream);
    for word in words {
        ensure!(shown.contains(word), "{word:?} missing from: {shown}");
    }
    Ok(())
}

#[test]
#[ignore = "needs an OS keychain session (make test starts one)"]
fn a_pinned_template_is_shown_as_pinned_and_drafting_refuses_another_version() -> Result<()> {
    let sandbox = Sandbox::new()?;
    let records = sandbox.path().join("records.jsonl");
    std::fs::write(
        &records,
        "{\"type\":\"contact\",\"id\":\"C-1\",\"kind\":\"person\",\"given_name\":\"Ana\",\"family_name\":\"Peña\"}\n\
         {\"type\":\"matter\",\"id\":\"M-1\",\"client_id\":\"C-1\",\"title\":\"Asylum\"}\n",
    )?;
    let out = sandbox.admin(&[OsStr::new("import"), records.as_os_str()], None)?;
    ensure!(out.status.success(), "{}", text(&out.stderr));
    let templates = sandbox.locations().data_dir.join("templates");
    std::fs::create_dir_all(&templates)?;
    std::fs::write(
        templates.join("memo.toml"),
        "name = \"status-letter\"\nversion = 5\ntitle = \"Our status letter\"\n\
         description = \"d\"\n[[sections]]\nheading = \"Client\"\nfrom = \"record\"\n\
         body = \"{{ client.name }}\"\n",
    )?;
    let pin = |version: u32| {
        json!({"version": 1, "templates": {
            "status-letter": {"version": version, "reason": "Reviewed by the managing attorney"}
        }})
        .to_string()
    };
    let policy = sandbox.path().join("policy.json");

    // Pinned to the firm file's version: it is used, and shown as pinned.
    std::fs::write(&policy, pin(5))?;
    let out = sandbox.admin(&["template", "list"], None)?;
    expect(
        &out,
        0,
        &out.stdout,
        &["Our status letter", "pinned by your IT provider to v5"],
    )?;
    let out = sandbox.admin(
        &["draft", "M-1", "--template", "status-letter", "--offline"],
        None,
    )?;
    expect(&out, 0, &out.stdout, &["Ana Peña"])?;

    // Pinned to another version: the file is not used and drafting refuses, naming the pin.
    std::fs::write(&policy, pin(2))?;
    let out = sandbox.admin(&["template", "list"], None)?;
    expect(
        &out,
        2,
        &out.stdout,
        &[
            "pinned by your IT provider to version 2; this file is version 5",
            "NOT USABLE",
        ],
    )?;
    let out = sandbox.admin(
        &["draft", "M-1", "--template", "status-letter", "--offline"],
        None,
    )?;
    expect(
        &out,
        10,
        &out.stderr,
        &["pinned to version 2", "Reviewed by the managing attorney"],
    )?;

    // An invalid pin makes the policy invalid: drafting is refused with the field and reason.
    std::fs::write(
        &policy,
        json!({"version": 1, "templates": {"status-letter": {"version": 0}}}).to_string(),
    )?;
    let out = sandbox.admin(&["draft", "M-1", "--offline"], None)?;
    expect(
        &out,
        10,
        &out.stderr,
        &["templates.status-letter.version", "start at 1"],
    )?;
    let out = sandbox.admin(
        &[
            OsStr::new("policy"),
            OsStr::new("validate"),
            policy.as_os_str(),
        ],
        None,
    )?;
    expect(&out, 2, &out.stdout, &["templates.status-letter.version"])?;

    // Pinned to the file's content too: the hash `template list` shows is what the pin names;
    // the same version with one word changed is not used and drafting refuses.
    std::fs::write(&policy, pin(5))?;
    let out = sandbox.admin(&["--json", "template", "list"], None)?;
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let hash = listed["templates"]
        .as_array()
        .and_then(|all| all.iter().find(|t| t["name"] == "status-letter"))
        .and_then(|t| t["sha256"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no hash listed: {listed}"))?;
    let out = sandbox.admin(&["template", "list"], None)?;
    expect(&out, 0, &out.stdout, &[&format!("sha256 {hash}")])?;
    let pin_hash = |sha256: &str| {
        json!({"version": 1, "templates": {"status-letter": {"version": 5, "sha256": sha256}}})
            .to_string()
    };
    std::fs::write(&policy, pin_hash(&hash))?;
    let out = sandbox.admin(
        &["draft", "M-1", "--template", "status-letter", "--offline"],
        None,
    )?;
    expect(&out, 0, &out.stdout, &["Ana Peña"])?;
    std::fs::write(
        templates.join("memo.toml"),
        "name = \"status-letter\"\nversion = 5\ntitle = \"Our status letter, edited\"\n\
         description = \"d\"\n[[sections]]\nheading = \"Client\"\nfrom = \"record\"\n\
         body = \"{{ client.name }}\"\n",
    )?;
    let out = sandbox.admin(&["template", "list"], None)?;
    expect(
        &out,
        2,
        &out.stdout,
        &["version 5 with other content", "NOT USABLE"],
    )?;
    let out = sandbox.admin(
        &["draft", "M-1", "--template", "status-letter", "--offline"],
        None,
    )?;
    expect(&out, 10, &out.stderr, &["pinned to version 5"])?;
    Ok(())
}
