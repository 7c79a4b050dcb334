//! The first connections of a process, opened at the same moment from several threads, must all
//! accept their key. SQLite flags itself started a moment before SQLCipher is, and a connection
//! opened in that moment used to fail `PRAGMA key` (one process in a hundred or two on a two-core
//! machine).
//!
//! The race exists only once per process, so the test runs its own binary again as fresh
//! processes, each opening keyed connections on several threads at once.

use std::process::Command;
use std::sync::{Arc, Barrier};

use casefile_core::store::open_connection;
use rusqlite::OpenFlags;

const CHILD: &str = "CASEFILE_FIRST_OPEN_CHILD";
const TEST_NAME: &str = "first_connections_of_a_process_all_accept_their_key";
const PROCESSES: usize = 200;
const THREADS: usize = 8;

#[test]
fn first_connections_of_a_process_all_accept_their_key() {
    if std::env::var_os(CHILD).is_some() {
        open_keyed_connections_at_once();
        return;
    }
    let me = std::env::current_exe().unwrap();
    for run in 1..=PROCESSES {
        let child = Command::new(&me)
            .args([TEST_NAME, "--exact", "--test-threads=1", "--nocapture"])
            .env(CHILD, "1")
            .output()
            .unwrap();
        assert!(
            child.status.success(),
            "process {run} of {PROCESSES}:\n{}",
            String::from_utf8_lossy(&child.stderr)
        );
    }
}

fn open_keyed_connections_at_once() {
    let start = Arc::new(Barrier::new(THREADS));
    let openers: Vec<_> = (0..THREADS)
        .map(|_| {
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                start.wait();
                open_connection(":memory:".as_ref(), OpenFlags::default())
                    .and_then(|conn| {
                        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", "ab".repeat(32)))
                    })
                    .err()
                    .map(|e| e.to_string())
            })
        })
        .collect();
    let failures: Vec<String> = openers
        .into_iter()
        .filter_map(|opener| opener.join().unwrap())
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}
