//! Exports through `casefile-admin export`, checked by readers that share no code with
//! Casefile: the Word file opened by python-docx (from PyPI, in a throwaway virtualenv), the PDF
//! read by poppler's `pdftotext`, the Markdown hash recomputed by coreutils' `sha256sum`, the
//! JSON hash by Python's own `json` module, the ZIP listed by Python's `zipfile`.
//!
//! A matter with notes is imported; exporting it makes the structured summary first (it had no
//! draft); that summary is approved; a second, unapproved draft is made; then every format, the
//! overwrite guard and the policy requiring approval before export are exercised.

use std::path::Path;
use std::process::{Command, Output};

use anyhow::{Context, Result, bail, ensure};
use casefile_core::workspace::Workspace;
use casefile_tests::Sandbox;
use casefile_tests::python::read_docx;
use serde_json::{Value, json};

const RECORDS: &str = r#"{"type":"contact","id":"C-1","kind":"person","given_name":"Ana","family_name":"Peña","a_number":"A012345678"}
{"type":"matter","id":"M-1","client_id":"C-1","title":"Asylum application","number":"2026-031","forum":"uscis"}
{"type":"note","id":"N-1","matter_id":"M-1","created_at":"2026-03-01T10:00:00Z","title":"Intake","body":"Ana Peña arrived in 2019."}
{"type":"note","id":"N-2","matter_id":"M-1","created_at":"2026-03-02T10:00:00Z","title":"Call","body":"Discussed the interview."}
"#;

const FIRM: &str = "Rivera & Cho LLP";

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn exit(out: &Output, code: i32) -> Result<()> {
    ensure!(
        out.status.code() == Some(code),
        "exit {:?}, expected {code}: {}",
        out.status.code(),
        text(out)
    );
    Ok(())
}

/// Runs an export with `--json` and returns what it reports.
fn export(sandbox: &Sandbox, args: &[&str]) -> Result<Value> {
    let mut all = vec!["--json", "export", "--matter", "M-1"];
    all.extend_from_slice(args);
    let out = sandbox.admin(&all, None)?;
    exit(&out, 0)?;
    Ok(serde_json::from_slice(&out.stdout)?)
}

fn tool(command: &mut Command) -> Result<String> {
    let out = command
        .output()
        .with_context(|| format!("running {command:?}"))?;
    ensure!(out.status.success(), "{command:?}: {}", text(&out));
    Ok(String::from_utf8(out.stdout)?)
}

/// The Markdown content hash, recomputed by coreutils: every byte before the last line.
fn sha256_above_last_line(file: &Path) -> Result<String> {
    let out = tool(
        Command::new("sh")
            .arg("-c")
            .arg(format!("head -n -1 '{}' | sha256sum", file.display())),
    )?;
    Ok(out
        .split_whitespace()
        .next()
        .context("sha256sum")?
        .to_owned())
}

/// The JSON hash recomputed by Python: the canonical form without the `sha256` member.
fn json_hash_by_python(file: &Path) -> Result<(String, String)> {
    let script = "import hashlib, json, sys\n\
                  doc = json.load(open(sys.argv[1], encoding='utf-8'))\n\
                  stated = doc.pop('sha256')\n\
                  canonical = json.dumps(doc, sort_keys=True, separators=(',', ':'), ensure_ascii=False)\n\
                  print(stated, hashlib.sha256(canonical.encode('utf-8')).hexdigest())";
    let out = tool(Command::new("python3").args(["-c", script]).arg(file))?;
    let mut parts = out.split_whitespace();
    Ok((
        parts.next().context("stated")?.to_owned(),
        parts.next().context("computed")?.to_owned(),
    ))
}

#[test]
#[ignore = "needs an OS keychain session, python3 and pdftotext (make test provides them)"]
fn exports_open_in_independent_readers_and_carry_provenance_and_hash() -> Result<()> {
    let sandbox = Sandbox::new()?;
    let dir = sandbox.path().to_owned();
    let records = dir.join("records.jsonl");
    std::fs::write(&records, RECORDS)?;
    exit(
        &sandbox.admin(&["import", records.to_str().context("path")?], None)?,
        0,
    )?;

    // No draft yet: the structured summary is made from the record, then exported.
    let md = dir.join("summary.md");
    let report = export(&sandbox, &["--format", "md", "--out", md.to_str().unwrap()])?;
    let summary = report["madeSummary"]
        .as_i64()
        .context("a summary was made")?;
    ensure!(report["draftId"] == summary, "{report}");
    let written = std::fs::read(&md)?;
    ensure!(report["bytes"] == written.len(), "{report}");
    let content_hash = sha256_above_last_line(&md)?;
    ensure!(report["contentSha256"] == content_hash.as_str(), "{report}");
    let markdown = String::from_utf8(written)?;
    ensure!(markdown.trim_end().ends_with(&content_hash), "{markdown}");
    ensure!(markdown.starts_with("> Filled from the record on this computer"));

    // An attorney approves it; a second draft stays pending.
    Workspace::open(sandbox.locations())?
        .open_store()?
        .approve_draft(summary, "M. Rivera")?;
    exit(
        &sandbox.admin(
            &["draft", "M-1", "--offline", "--template", "status-letter"],
            None,
        )?,
        0,
    )?;
    let draft = summary.to_string();
    let approved_md = dir.join("approved.md");
    let approved = export(
        &sandbox,
        &[
            "--draft",
            &draft,
            "--format",
            "md",
            "--out",
            approved_md.to_str().unwrap(),
        ],
    )?;
    let approved_hash = sha256_above_last_line(&approved_md)?;
    ensure!(approved["contentSha256"] == approved_hash.as_str());

    // Word, read by python-docx.
    let docx = dir.join("summary.docx");
    export(
        &sandbox,
        &[
            "--draft",
            &draft,
            "--format",
            "docx",
            "--out",
            docx.to_str().unwrap(),
            "--firm",
            FIRM,
        ],
    )?;
    let read = read_docx(&docx)?;
    let body = read["body"].as_array().context("body")?;
    let first = &body[0];
    ensure!(first["style"] == "Review Banner", "{first}");
    let banner = first["text"].as_str().unwrap_or_default();
    ensure!(banner.contains("Approved by M. Rivera on "), "{banner}");
    let headings = |style: &str| -> Vec<String> {
        body.iter()
            .filter(|b| b["style"] == style)
            .filter_map(|b| b["text"].as_str().map(str::to_owned))
            .collect()
    };
    ensure!(
        headings("Heading 1") == ["Case summary: Asylum application"],
        "{:?}",
        headings("Heading 1")
    );
    let sections = headings("Heading 2");
    for section in [
        "Matter snapshot",
        "Procedural history",
        "Facts",
        "Provenance",
    ] {
        ensure!(
            sections.iter().any(|s| s == section),
            "{section}: {sections:?}"
        );
    }
    let tables: Vec<&Value> = body.iter().filter(|b| b["kind"] == "table").collect();
    ensure!(!tables.is_empty(), "no table in {body:?}");
    let client_row = tables
        .iter()
        .flat_map(|t| t["rows"].as_array().into_iter().flatten())
        .any(|row| row[0] == "Client" && row[1] == "Ana Peña");
    ensure!(client_row, "the snapshot table: {tables:?}");
    let header = read["header"].to_string();
    for part in [
        FIRM,
        "Client: Ana Peña",
        "Matter: Asylum application (2026-031)",
    ] {
        ensure!(header.contains(part), "{part} in header {header}");
    }
    ensure!(
        read["footerFields"] == json!(["PAGE", "NUMPAGES"]),
        "{read}"
    );

    // Without --firm, the letterhead is the firm_name setting.
    std::fs::write(
        sandbox.locations().data_dir.join("settings.json"),
        json!({ "firm_name": "Ochoa Immigration PLLC" }).to_string(),
    )?;
    let from_setting = dir.join("setting.docx");
    export(
        &sandbox,
        &[
            "--draft",
            &draft,
            "--format",
            "docx",
            "--out",
            from_setting.to_str().unwrap(),
        ],
    )?;
    let header = read_docx(&from_setting)?["header"].to_string();
    ensure!(
        header.contains("Ochoa Immigration PLLC · Client"),
        "{header}"
    );
    let all_text: String = body
        .iter()
        .map(|b| b.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    ensure!(
        all_text.contains("Template: case-summary version"),
        "provenance"
    );
    let last = body.last().context("last")?["text"]
        .as_str()
        .unwrap_or_default();
    ensure!(
        last.contains(&format!("Content SHA-256: {approved_hash}")),
        "{last}"
    );

    // PDF, read by pdftotext.
    let pdf = dir.join("summary.pdf");
    export(
        &sandbox,
        &[
            "--draft",
            &draft,
            "--format",
            "pdf",
            "--out",
            pdf.to_str().unwrap(),
            "--firm",
            FIRM,
        ],
    )?;
    let pdf_text = tool(Command::new("pdftotext").arg(&pdf).arg("-"))
        .context("pdftotext (Debian poppler-utils) is needed")?;
    let flat = pdf_text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Approved by M. Rivera on",
        "Case summary: Asylum application",
        "Matter snapshot",
        "Procedural history",
        "Client Ana Peña",
        "Provenance",
        "Template: case-summary version",
        "Intake (note",
        &format!("{FIRM} · Client: Ana Peña · Matter: Asylum application (2026-031)"),
        "Page 1 of",
        &format!("Content SHA-256: {approved_hash}"),
    ] {
        ensure!(
            flat.contains(expected),
            "{expected:?} not in the PDF text:\n{pdf_text}"
        );
    }

    // JSON, its hash recomputed by Python.
    let json_file = dir.join("summary.json");
    let reported = export(
        &sandbox,
        &[
            "--draft",
            &draft,
            "--format",
            "json",
            "--out",
            json_file.to_str().unwrap(),
        ],
    )?;
    let (stated, computed) = json_hash_by_python(&json_file)?;
    ensure!(
        stated == computed,
        "stated {stated}, Python computed {computed}"
    );
    ensure!(reported["contentSha256"] == stated.as_str());
    let document: Value = serde_json::from_slice(&std::fs::read(&json_file)?)?;
    ensure!(document["draft"]["status"] == "approved");
    ensure!(document["matter"]["externalId"] == "M-1");
    ensure!(document["client"]["name"] == "Ana Peña");
    ensure!(document["provenance"]["notes"].as_array().map(Vec::len) == Some(2));

    // An existing file is kept unless --force.
    let before = std::fs::read(&json_file)?;
    let out = sandbox.admin(
        &[
            "export",
            "--matter",
            "M-1",
            "--draft",
            &draft,
            "--format",
            "md",
            "--out",
            json_file.to_str().unwrap(),
        ],
        None,
    )?;
    exit(&out, 2)?;
    ensure!(text(&out).contains("--force"), "{}", text(&out));
    ensure!(std::fs::read(&json_file)? == before, "left as it was");
    export(
        &sandbox,
        &[
            "--draft",
            &draft,
            "--format",
            "md",
            "--out",
            json_file.to_str().unwrap(),
            "--force",
        ],
    )?;
    ensure!(
        std::fs::read(&json_file)? != before,
        "replaced with --force"
    );

    // The ZIP of every draft, in every format, listed by Python's zipfile.
    let zip = dir.join("matter.zip");
    let mut args = vec!["--all", "--out", zip.to_str().unwrap()];
    for format in ["docx", "pdf", "md", "json"] {
        args.extend(["--format", format]);
    }
    let report = export(&sandbox, &args)?;
    ensure!(report["manifest"]["drafts"] == 2, "{report}");
    let listing = tool(
        Command::new("python3")
            .arg("-c")
            .arg(
                "import hashlib, json, sys, zipfile\n\
         z = zipfile.ZipFile(sys.argv[1])\n\
         assert z.testzip() is None\n\
         manifest = json.loads(z.read('manifest.json'))\n\
         for f in manifest['files']:\n\
         \x20   assert hashlib.sha256(z.read(f['file'])).hexdigest() == f['fileSha256'], f\n\
         print(len(z.namelist()), len(manifest['files']))",
            )
            .arg(&zip),
    )?;
    ensure!(
        listing.trim() == "9 8",
        "entries and manifest rows: {listing}"
    );

    // Bad input is refused with what to do, and nothing is written.
    let bad = dir.join("bad.out");
    for (args, code, says) in [
        (vec!["--format", "rtf"], 2, "Choose docx, pdf, md or json"),
        (vec!["--format", "md", "--format", "pdf"], 2, "--all"),
        (
            vec!["--draft", "999", "--format", "md"],
            3,
            "No draft is known as",
        ),
    ] {
        let mut all = vec!["export", "--matter", "M-1", "--out", bad.to_str().unwrap()];
        all.extend(args);
        let out = sandbox.admin(&all, None)?;
        exit(&out, code)?;
        ensure!(text(&out).contains(says), "{says}: {}", text(&out));
        ensure!(!bad.exists(), "nothing written");
    }

    // The policy requires approval: the pending draft and the ZIP are refused, nothing written.
    std::fs::write(
        sandbox.locations().policy_file,
        json!({"version": 1, "settings": {"require_approval_before_export": true}}).to_string(),
    )?;
    let refused = dir.join("refused.pdf");
    let out = sandbox.admin(
        &[
            "export",
            "--matter",
            "M-1",
            "--format",
            "pdf",
            "--out",
            refused.to_str().unwrap(),
        ],
        None,
    )?;
    exit(&out, 10)?;
    ensure!(text(&out).contains("is not approved"), "{}", text(&out));
    ensure!(!refused.exists(), "nothing written");
    let out = sandbox.admin(
        &[
            "export",
            "--matter",
            "M-1",
            "--all",
            "--format",
            "md",
            "--out",
            refused.to_str().unwrap(),
        ],
        None,
    )?;
    exit(&out, 10)?;
    ensure!(!refused.exists(), "no ZIP written");
    export(
        &sandbox,
        &[
            "--draft",
            &draft,
            "--format",
            "pdf",
            "--out",
            refused.to_str().unwrap(),
        ],
    )
    .map(|_| ())
    .or_else(|e| bail!("the approved draft is still exported: {e:#}"))
}
