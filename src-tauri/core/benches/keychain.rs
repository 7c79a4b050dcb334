//! Keychain round trips (write, read, delete) through the OS keychain, against the in-memory
//! store as the baseline measured in the same run. Reports only; never fails on numbers.
//! Run with `make bench`, which provides a private Secret Service.

use std::time::{Duration, Instant};

use casefile_core::secrets::{KeychainStore, MemoryStore, Secret, SecretName, SecretStore};

const ROUNDS: usize = 40;

fn round_trips(store: &dyn SecretStore) -> Duration {
    let value = Secret::new("x".repeat(64));
    let start = Instant::now();
    for i in 0..ROUNDS {
        let name = SecretName::new(&format!("bench.{i}")).expect("valid name");
        store.set(&name, &value).expect("set");
        assert!(store.get(&name).expect("get").is_some());
        store.delete(&name).expect("delete");
    }
    start.elapsed()
}

fn main() {
    let baseline = round_trips(&MemoryStore::default());
    let keychain = KeychainStore::new(format!("Casefile-bench-{}", std::process::id()));
    if let Err(e) = keychain.probe() {
        println!("keychain: skipped ({e})");
        return;
    }
    let measured = round_trips(&keychain);
    let per_op = |d: Duration| d.as_secs_f64() * 1e6 / (ROUNDS * 3) as f64;
    println!("keychain round trips ({ROUNDS} x write+read+delete)");
    println!("  in-memory baseline: {:>10.2} µs/op", per_op(baseline));
    println!("  OS keychain:        {:>10.2} µs/op", per_op(measured));
    println!(
        "  ratio:              {:>10.0}x the baseline",
        measured.as_secs_f64() / baseline.as_secs_f64().max(f64::EPSILON)
    );
}
