//! Cold start of the real app with a large workspace: time from launch until the window is
//! ready, until the client list shows, and until the first search answers, for a workspace of
//! `CASEFILE_BENCH_NOTES` notes (default 100,000 of about 1 KB) against a one-note workspace in
//! the same run. Each launch includes starting WebDriver and the webview, the same for both,
//! which the small baseline shows. Before each launch the OS file cache is dropped when this
//! process may (root), so the database is read from disk as after a reboot. Reports only; never
//! fails on numbers.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use casefile_core::workspace::Workspace;
use casefile_tests::{App, Key, Launch, Sandbox};

const RUNS: usize = 3;

#[derive(Debug, Clone, Copy)]
struct Timings {
    ready: Duration,
    clients_listed: Duration,
    search_answered: Duration,
}

fn main() -> Result<()> {
    let notes: usize = std::env::var("CASEFILE_BENCH_NOTES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Runtime::new()?;
    let binary = casefile_tests::app_binary()?;

    let small = Sandbox::new()?;
    prepare(&small, 1)?;
    let full = Sandbox::new()?;
    let started = Instant::now();
    prepare(&full, notes)?;
    println!(
        "prepared a workspace of {notes} notes in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let baseline = median(&runtime, &small, "1 note")?;
    let large = median(&runtime, &full, &format!("{notes} notes"))?;
    let profile = binary
        .parent()
        .and_then(|p| p.file_name())
        .unwrap_or_default();
    let disk = if drop_os_file_cache() {
        "cold OS file cache"
    } else {
        "warm OS file cache"
    };
    println!(
        "\ncold start, median of {RUNS} launches ({} build, {disk}):",
        profile.to_string_lossy()
    );
    println!(
        "{:<18}{:>12}{:>16}{:>10}",
        "",
        "1 note",
        format!("{notes} notes"),
        "ratio"
    );
    for (label, base, big) in [
        ("window ready", baseline.ready, large.ready),
        (
            "clients listed",
            baseline.clients_listed,
            large.clients_listed,
        ),
        (
            "search answered",
            baseline.search_answered,
            large.search_answered,
        ),
    ] {
        println!(
            "{label:<18}{:>10} ms{:>13} ms{:>9.2}x",
            base.as_millis(),
            big.as_millis(),
            big.as_secs_f64() / base.as_secs_f64()
        );
    }
    Ok(())
}

/// Fills the sandbox's workspace through core, as an import by the admin CLI would: one client
/// and matter per 100 notes.
fn prepare(sandbox: &Sandbox, notes: usize) -> Result<()> {
    let workspace = Workspace::open(sandbox.locations())?;
    let mut store = workspace.open_store()?;
    let mut lines = String::with_capacity(notes * 1_100);
    for client in 0..notes.div_ceil(100) {
        lines.push_str(&format!(
            "{{\"type\":\"contact\",\"id\":\"C-{client}\",\"given_name\":\"Ana\",\"family_name\":\"Client{client}\"}}\n\
             {{\"type\":\"matter\",\"id\":\"M-{client}\",\"client_id\":\"C-{client}\",\"title\":\"Matter {client}\"}}\n"
        ));
    }
    for note in 0..notes {
        let mut body = format!("Note {note} on the interview with the petitioner. ");
        while body.len() < 1_000 {
            body.push_str(&format!(
                "evidence{} hearing filing{} ",
                note % 977,
                note % 53
            ));
        }
        lines.push_str(&format!(
            "{{\"type\":\"note\",\"id\":\"N-{note}\",\"matter_id\":\"M-{}\",\"body\":\"{body}\"}}\n",
            note / 100
        ));
    }
    let report = store.import_jsonl(lines.as_bytes(), |_, _| {})?;
    anyhow::ensure!(
        report.failed.is_empty(),
        "fixture lines failed: {:?}",
        report.failed
    );
    Ok(())
}

fn median(
    runtime: &tokio::runtime::Runtime,
    sandbox: &std::sync::Arc<Sandbox>,
    label: &str,
) -> Result<Timings> {
    let mut runs = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        let timings = runtime
            .block_on(launch(sandbox))
            .with_context(|| format!("{label}, launch {}", run + 1))?;
        println!(
            "{label}: ready {} ms, clients {} ms, search {} ms",
            timings.ready.as_millis(),
            timings.clients_listed.as_millis(),
            timings.search_answered.as_millis()
        );
        runs.push(timings);
    }
    let pick = |f: fn(&Timings) -> Duration| {
        let mut values: Vec<_> = runs.iter().map(f).collect();
        values.sort();
        values[values.len() / 2]
    };
    Ok(Timings {
        ready: pick(|t| t.ready),
        clients_listed: pick(|t| t.clients_listed),
        search_answered: pick(|t| t.search_answered),
    })
}

/// Asks the kernel to forget cached file pages; `false` when not permitted.
fn drop_os_file_cache() -> bool {
    let synced = std::process::Command::new("sync")
        .status()
        .is_ok_and(|s| s.success());
    synced && std::fs::write("/proc/sys/vm/drop_caches", "3\n").is_ok()
}

async fn launch(sandbox: &std::sync::Arc<Sandbox>) -> Result<Timings> {
    drop_os_file_cache();
    let launched = Instant::now();
    let mut timings = None;
    let launch = Launch {
        sandbox: Some(sandbox.clone()),
        ..Launch::default()
    };
    App::run("cold-start-bench", launch, async |app| {
        let ready = launched.elapsed();
        app.wait_for_css("[data-testid='client-list']").await?;
        let clients_listed = launched.elapsed();
        let focused = app.client().active_element().await?;
        focused
            .send_keys(&format!("{}k", char::from(Key::Control)))
            .await?;
        app.fill("search-input", "hearing").await?;
        app.wait_for_css("[data-testid='search-hit']").await?;
        timings = Some(Timings {
            ready,
            clients_listed,
            search_answered: launched.elapsed(),
        });
        Ok(())
    })
    .await?;
    timings.context("the launch recorded no timings")
}
