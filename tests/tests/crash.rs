//! Committed data survives `kill -9` at any moment: a writer process is killed at random points
//! (during start-up, migration or writes), then the database must pass `PRAGMA integrity_check`
//! and hold every revision the writer reported as committed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Result, ensure};
use casefile_core::store::{DATABASE_FILE, DatabaseKey, Store};

/// Kills per run; `make bench` runs the same loop longer through CASEFILE_CRASH_ITERATIONS.
fn iterations() -> usize {
    std::env::var("CASEFILE_CRASH_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
}

#[test]
fn committed_revisions_survive_kill_9_at_random_points() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join(DATABASE_FILE);
    let key = DatabaseKey::generate()?;
    let mut acknowledged = 0usize;
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let runs = iterations();
    for _ in 0..runs {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_micros(seed % 80_000);
        let mut child = Command::new(env!("CARGO_BIN_EXE_crash_writer"))
            .arg(&path)
            .env("CASEFILE_TEST_DB_KEY", key.secret().expose())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().expect("piped");
        let reader = std::thread::spawn(move || BufReader::new(stdout).lines().count());
        std::thread::sleep(delay);
        child.kill()?; // SIGKILL
        child.wait()?;
        acknowledged += reader.join().expect("reader thread");
    }

    let store = Store::open(&path, &key, false)?;
    let health = store.check()?;
    ensure!(
        health.integrity == "ok",
        "integrity_check: {}",
        health.integrity
    );
    let revisions = usize::try_from(health.revisions)?;
    // Every acknowledged commit is there; at most one unacknowledged commit per kill may be too.
    ensure!(
        (acknowledged..=acknowledged + runs).contains(&revisions),
        "{acknowledged} commits acknowledged, {revisions} revisions found"
    );
    ensure!(
        acknowledged > runs,
        "the writer barely wrote ({acknowledged} commits): kills too early"
    );
    eprintln!(
        "{runs} kills, {acknowledged} acknowledged commits, {revisions} revisions, integrity ok"
    );
    Ok(())
}
