//! Exports of a matter with 200 drafts: each format one draft at a time (time and bytes per
//! draft), then the ZIP of all drafts per format and in all four. Half the drafts are the
//! structured case summary as the record fills it (tables, lists), half are that summary with
//! about 6 KB of attorney-written prose added, as an edited AI draft would be. Reports only;
//! never fails on numbers. `CASEFILE_BENCH_DRAFTS` changes the draft count.

use std::time::{Duration, Instant};

use casefile_core::drafting::offline::offline_draft;
use casefile_core::drafting::record::NoteSelection;
use casefile_core::drafting::templates::Templates;
use casefile_core::export::{ApprovalRule, ExportOptions, Format, export_draft, export_matter};
use casefile_core::store::{DATABASE_FILE, DatabaseKey, NewContact, NewMatter, NewNote, Store};

const PROSE: &str = "The applicant entered the United States in 2019 and has lived continuously \
    in the same county since, working for the same employer, paying taxes each year and raising \
    two children who attend the local public school. ";

fn main() {
    let drafts: usize = std::env::var("CASEFILE_BENCH_DRAFTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut store = Store::open(
        &dir.path().join(DATABASE_FILE),
        &DatabaseKey::generate().expect("key"),
        true,
    )
    .expect("store");
    let client = store
        .create_contact(&NewContact::person("Ana", "Peña"))
        .expect("client");
    let matter = store
        .create_matter(&NewMatter::new(client, "Adjustment of status"))
        .expect("matter");
    store
        .add_filing(matter, "I-485", Some("2026-01-05"), Some("MSC2690123456"))
        .expect("filing");
    for i in 0..20 {
        store
            .create_note(&NewNote::new(matter, &format!("Note {i}"), PROSE))
            .expect("note");
    }
    let templates = Templates::load(dir.path()).expect("templates");
    let template = templates.get("case-summary").expect("case-summary");
    let mut ids = Vec::with_capacity(drafts);
    for i in 0..drafts {
        let draft =
            offline_draft(&mut store, template, matter, &NoteSelection::All).expect("draft");
        if i % 2 == 1 {
            let prose = format!("{}\n\n## Argument\n\n{}", draft.body, PROSE.repeat(30));
            store
                .save_draft(draft.id, &prose, "attorney")
                .expect("edit");
        }
        ids.push(draft.id);
    }
    let options = ExportOptions {
        firm: Some("Rivera & Cho LLP".into()),
        approval: ApprovalRule::NotRequired,
    };

    println!("export of {drafts} drafts of one matter (release build, one thread)");
    println!(
        "{:<8} {:>14} {:>14} {:>16}",
        "format", "ms per draft", "KB per draft", "total MB"
    );
    for format in Format::ALL {
        let started = Instant::now();
        let bytes: usize = ids
            .iter()
            .map(|&id| {
                export_draft(&store, id, format, &options)
                    .expect("export")
                    .bytes
                    .len()
            })
            .sum();
        let elapsed = started.elapsed();
        println!(
            "{:<8} {:>14.2} {:>14.1} {:>16.2}",
            format.as_str(),
            per_draft_ms(elapsed, drafts),
            bytes as f64 / drafts as f64 / 1024.0,
            bytes as f64 / 1_048_576.0
        );
    }

    println!("\nZIP of every draft of the matter");
    println!(
        "{:<20} {:>10} {:>14} {:>12}",
        "formats", "seconds", "ms per draft", "ZIP MB"
    );
    let mut runs: Vec<Vec<Format>> = Format::ALL.iter().map(|f| vec![*f]).collect();
    runs.push(Format::ALL.to_vec());
    for formats in runs {
        let started = Instant::now();
        let mut reported = 0;
        let archive = export_matter(&store, matter, &formats, &options, |p| {
            reported = p.done;
            std::ops::ControlFlow::Continue(())
        })
        .expect("ZIP")
        .expect("never stopped");
        let elapsed = started.elapsed();
        assert_eq!(reported, drafts, "progress reached the end");
        let names: Vec<&str> = formats.iter().map(|f| f.as_str()).collect();
        println!(
            "{:<20} {:>10.2} {:>14.2} {:>12.2}",
            names.join("+"),
            elapsed.as_secs_f64(),
            per_draft_ms(elapsed, drafts),
            archive.bytes.len() as f64 / 1_048_576.0
        );
    }
}

fn per_draft_ms(elapsed: Duration, drafts: usize) -> f64 {
    elapsed.as_secs_f64() * 1000.0 / drafts as f64
}
