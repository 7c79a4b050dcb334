//! Writes note revisions to a case database as fast as it can, printing one line per committed
//! revision, until it is killed. The crash suite (`tests/crash.rs`) kills it at random moments.
//!   usage: crash_writer DATABASE   (key: 64 hex digits in CASEFILE_TEST_DB_KEY)

use std::io::Write;

use casefile_core::secrets::Secret;
use casefile_core::store::{DatabaseKey, NewContact, NewMatter, NewNote, Store};

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: crash_writer DATABASE"))?;
    let key = DatabaseKey::from_secret(Secret::new(std::env::var("CASEFILE_TEST_DB_KEY")?))?;
    let mut store = Store::open(path.as_ref(), &key, true)?;
    let client = store.create_contact(&NewContact::person("Crash", "Test"))?;
    let matter = store.create_matter(&NewMatter::new(client, "Crash test"))?;
    let mut out = std::io::stdout().lock();
    let note = store.create_note(&NewNote::new(matter, "crash", "revision 1"))?;
    writeln!(out, "committed")?;
    out.flush()?;
    for i in 2.. {
        // Bodies of varying size so that commits span a varying number of pages.
        let body = format!("revision {i} {}", "lorem ipsum ".repeat(i % 400));
        store.save_note(note.id, "crash", &body)?;
        writeln!(out, "committed")?;
        out.flush()?;
    }
    Ok(())
}
