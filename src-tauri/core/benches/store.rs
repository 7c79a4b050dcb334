//! Case store at scale: JSON Lines import of 100,000 notes of about 1 KB, then 1,000 varied
//! searches, against `LIKE` scans of the same notes in the same database as the baseline.
//! Reports only; never fails on numbers. `CASEFILE_BENCH_NOTES` changes the note count.

use std::time::{Duration, Instant};

use casefile_core::store::{DATABASE_FILE, DatabaseKey, SearchFilter, Store};

/// Names that must be found with and without accents.
const NAMES: &[&str] = &[
    "Peña", "Nguyễn", "García", "Müller", "Okafor", "Kowalski", "Haddad", "Suárez",
];
const SYLLABLES: &[&str] = &[
    "ab", "ka", "lo", "mi", "ne", "tor", "vi", "sa", "ren", "du", "pol", "et", "im", "ga", "ro",
    "zu", "ha", "lin", "qua", "es", "ti", "mon", "ar", "be", "cy", "dro", "fe", "gu", "ix", "jo",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A vocabulary of made-up words, used with a skewed frequency like real prose: a few words are
/// everywhere, most are rare.
struct Vocabulary(Vec<String>);
impl Vocabulary {
    fn new(size: usize) -> Self {
        let mut words: Vec<String> = (0..size)
            .map(|i| {
                let (mut n, mut w) = (i + 1, String::new());
                while n > 0 {
                    w.push_str(SYLLABLES[n % SYLLABLES.len()]);
                    n /= SYLLABLES.len();
                }
                w
            })
            .collect();
        words.extend(NAMES.iter().map(|n| n.to_string()));
        Self(words)
    }
    fn common(&self, rng: &mut Rng) -> &str {
        let index = (self.0.len() as f64 * rng.unit().powi(4)) as usize;
        &self.0[index.min(self.0.len() - 1)]
    }
    fn any(&self, rng: &mut Rng) -> &str {
        &self.0[(rng.next() % self.0.len() as u64) as usize]
    }
}

fn jsonl(notes: usize, vocabulary: &Vocabulary, rng: &mut Rng) -> String {
    let matters = (notes / 100).max(1);
    let mut out = String::with_capacity(notes * 1_100);
    for m in 0..matters {
        out.push_str(&format!(
            "{{\"type\":\"contact\",\"id\":\"C-{m}\",\"given_name\":\"{}\",\"family_name\":\"{}\"}}\n",
            vocabulary.any(rng),
            vocabulary.any(rng)
        ));
        out.push_str(&format!(
            "{{\"type\":\"matter\",\"id\":\"M-{m}\",\"client_id\":\"C-{m}\",\"title\":\"{} {}\"}}\n",
            vocabulary.common(rng),
            vocabulary.common(rng)
        ));
    }
    for n in 0..notes {
        let mut body = String::with_capacity(1_100);
        while body.len() < 1_000 {
            body.push_str(vocabulary.common(rng));
            body.push(' ');
        }
        body.push_str(&format!(
            "receipt EAC-{:02}-{:03}-{:05}",
            n % 100,
            n % 1000,
            n
        ));
        out.push_str(&format!(
            "{{\"type\":\"note\",\"id\":\"N-{n}\",\"matter_id\":\"M-{}\",\"body\":\"{body}\"}}\n",
            n % matters
        ));
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1e3
}

fn main() {
    let notes: usize = std::env::var("CASEFILE_BENCH_NOTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let vocabulary = Vocabulary::new(20_000);
    let input = jsonl(notes, &vocabulary, &mut rng);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    let key = DatabaseKey::generate().expect("key");
    let mut store = Store::open(&path, &key, true).expect("open");

    let start = Instant::now();
    let report = store
        .import_jsonl(input.as_bytes(), |_, _| {})
        .expect("import");
    let import = start.elapsed();
    assert!(report.failed.is_empty(), "{:?}", report.failed.first());
    println!("store: import of {notes} notes (~1 KB) as JSON Lines (target: 100k in 5 s)");
    println!(
        "  {:.2} s, {:.0} notes/s, database {:.0} MB from {:.0} MB of JSON Lines",
        import.as_secs_f64(),
        notes as f64 / import.as_secs_f64(),
        database_bytes(&path) as f64 / 1e6,
        input.len() as f64 / 1e6,
    );

    let queries: Vec<String> = (0..1_000)
        .map(|i| match i % 4 {
            0 => vocabulary.any(&mut rng).to_owned(),
            1 => format!(
                "{} {}",
                vocabulary.common(&mut rng),
                vocabulary.any(&mut rng)
            ),
            2 => vocabulary.any(&mut rng).chars().take(5).collect(),
            _ => format!("EAC-{:02}-{:03}-{:05}", i % 100, i % 1000, i),
        })
        .collect();
    let filter = SearchFilter {
        limit: 20,
        ..SearchFilter::default()
    };
    let mut by_class: [Vec<Duration>; 4] = Default::default();
    let mut fts: Vec<Duration> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let t = Instant::now();
            std::hint::black_box(store.search(q, &filter).expect("search"));
            let elapsed = t.elapsed();
            by_class[i % 4].push(elapsed);
            elapsed
        })
        .collect();
    fts.sort();

    // Baselines: what a search without an index costs, on the same encrypted file. The first
    // answers the same question as the index (every word of the query, in the title or the body,
    // every matching note, which ranking needs); the second only finds the first 20 notes holding
    // the query's first word, so it stops early on common words and answers less.
    let scan = rusqlite::Connection::open(&path).expect("open for baseline");
    scan.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\"; PRAGMA cache_size = -65536;",
        key.secret().expose()
    ))
    .expect("key");
    let like_all = like_scan(
        &scan,
        queries.iter().take(40),
        |q| {
            q.split(|c: char| c.is_whitespace())
                .map(str::to_owned)
                .collect()
        },
        "",
    );
    let like_first = like_scan(
        &scan,
        queries.iter().take(100),
        |q| q.split_whitespace().take(1).map(str::to_owned).collect(),
        " LIMIT 20",
    );
    println!(
        "store: search over {notes} notes, 1,000 queries (words, pairs, prefixes, receipt numbers)"
    );
    println!(
        "  FTS5:                      p50 {:>8.3} ms   p95 {:>8.3} ms",
        percentile(&fts, 0.5),
        percentile(&fts, 0.95)
    );
    for (name, like) in [
        ("LIKE, every word, all hits", &like_all),
        ("LIKE, first word, 20 hits", &like_first),
    ] {
        println!(
            "  {name}: p50 {:>8.3} ms   p95 {:>8.3} ms   ({} queries); FTS5 {:.0}x faster at p50, {:.0}x at p95",
            percentile(like, 0.5),
            percentile(like, 0.95),
            like.len(),
            percentile(like, 0.5) / percentile(&fts, 0.5),
            percentile(like, 0.95) / percentile(&fts, 0.95)
        );
    }
    println!("  (targets: 100x faster than LIKE; p95 5 ms at 100k notes, 20 ms at 1M)");
    for (class, times) in ["one word", "common word + word", "prefix", "receipt number"]
        .iter()
        .zip(by_class.iter_mut())
    {
        times.sort();
        println!(
            "    {class:<20} p50 {:>8.3} ms   p95 {:>8.3} ms   max {:>8.3} ms",
            percentile(times, 0.5),
            percentile(times, 0.95),
            percentile(times, 1.0)
        );
    }
}

/// Times `queries` as `LIKE` scans of the notes' titles and bodies, one condition per word that
/// `words` picks, sorted.
fn like_scan<'q>(
    scan: &rusqlite::Connection,
    queries: impl Iterator<Item = &'q String>,
    words: impl Fn(&str) -> Vec<String>,
    limit: &str,
) -> Vec<Duration> {
    let mut times: Vec<Duration> = queries
        .map(|q| {
            let words = words(q);
            let conditions = vec!["(title || ' ' || body) LIKE '%' || ? || '%'"; words.len()];
            let sql = format!(
                "SELECT id FROM notes WHERE deleted_at IS NULL AND {} ORDER BY id DESC{limit}",
                conditions.join(" AND ")
            );
            let t = Instant::now();
            let mut stmt = scan.prepare_cached(&sql).expect("prepare");
            let rows: Vec<i64> = stmt
                .query_map(rusqlite::params_from_iter(&words), |r| r.get(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows");
            std::hint::black_box(rows);
            t.elapsed()
        })
        .collect();
    times.sort();
    times
}

/// The database and its write-ahead log, as they are on disk.
fn database_bytes(path: &std::path::Path) -> u64 {
    let wal = path.with_file_name(format!("{DATABASE_FILE}-wal"));
    [path, wal.as_path()]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}
