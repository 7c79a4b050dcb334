//! What encryption costs: the same insert-and-search workload on the same SQLite build, once
//! without a key (plain SQLite file format) and once with SQLCipher's raw key, at SQLite's default
//! page cache and at the cache the case store uses. Reports ratios; never fails on numbers.
//! `CASEFILE_BENCH_NOTES` changes the note count (default 50,000).

use std::time::{Duration, Instant};

use casefile_core::store::DatabaseKey;
use rusqlite::Connection;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// A made-up word; low numbers are far more common, as in prose.
    fn word(&mut self) -> String {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        format!("w{}", (20_000.0 * unit.powi(4)) as u32)
    }
}

struct Run {
    insert: Duration,
    search_p50: Duration,
    search_p95: Duration,
}

fn run(notes: usize, key: Option<&DatabaseKey>, cache_kib: i64) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    let conn = Connection::open(dir.path().join("bench.db")).expect("open");
    if let Some(key) = key {
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.secret().expose()))
            .expect("key");
    }
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -{cache_kib};
         CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
         CREATE VIRTUAL TABLE notes_index USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');
         CREATE TRIGGER notes_indexed AFTER INSERT ON notes BEGIN
             INSERT INTO notes_index (rowid, body) VALUES (NEW.id, NEW.body);
         END;"
    ))
    .expect("schema");
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let start = Instant::now();
    for batch in (0..notes).collect::<Vec<_>>().chunks(2_000) {
        conn.execute_batch("BEGIN").expect("begin");
        let mut insert = conn
            .prepare_cached("INSERT INTO notes (body) VALUES (?1)")
            .expect("prepare");
        for _ in batch {
            let mut body = String::with_capacity(1_100);
            while body.len() < 1_000 {
                body.push_str(&rng.word());
                body.push(' ');
            }
            insert.execute([&body]).expect("insert");
        }
        conn.execute_batch("COMMIT").expect("commit");
    }
    let insert = start.elapsed();
    let mut searches: Vec<Duration> = (0..1_000)
        .map(|_| {
            let query = format!("\"{}\" \"{}\"", rng.word(), rng.word());
            let t = Instant::now();
            let mut stmt = conn
                .prepare_cached(
                    "SELECT rowid, snippet(notes_index, 0, '[', ']', '…', 12) FROM notes_index
                     WHERE notes_index MATCH ?1 ORDER BY rank LIMIT 20",
                )
                .expect("prepare");
            let hits = stmt
                .query_map([&query], |r| r.get::<_, i64>(0))
                .expect("query")
                .count();
            std::hint::black_box(hits);
            t.elapsed()
        })
        .collect();
    searches.sort();
    Run {
        insert,
        search_p50: searches[500],
        search_p95: searches[950],
    }
}

fn main() {
    let notes: usize = std::env::var("CASEFILE_BENCH_NOTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let key = DatabaseKey::generate().expect("key");
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("encryption: {notes} notes of ~1 KB with FTS5, then 1,000 two-word searches");
    for (label, cache_kib) in [
        ("SQLite default cache (2 MiB)", 2_000),
        ("case store cache (64 MiB)", 64 * 1024),
    ] {
        let plain = run(notes, None, cache_kib);
        let encrypted = run(notes, Some(&key), cache_kib);
        println!("  {label}");
        println!(
            "    insert: plain {:>8.0} ms, SQLCipher {:>8.0} ms, ratio {:.2}",
            ms(plain.insert),
            ms(encrypted.insert),
            encrypted.insert.as_secs_f64() / plain.insert.as_secs_f64()
        );
        println!(
            "    search p50: plain {:.3} ms, SQLCipher {:.3} ms, ratio {:.2}; p95: {:.3} / {:.3} ms, ratio {:.2}",
            ms(plain.search_p50),
            ms(encrypted.search_p50),
            encrypted.search_p50.as_secs_f64() / plain.search_p50.as_secs_f64(),
            ms(plain.search_p95),
            ms(encrypted.search_p95),
            encrypted.search_p95.as_secs_f64() / plain.search_p95.as_secs_f64()
        );
    }
}
