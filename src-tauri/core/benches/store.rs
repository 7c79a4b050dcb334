//! Case store at scale: JSON Lines import of 100,000 notes of about 1 KB, then 1,000 varied
//! searches, against a `LIKE` scan of the same notes in the same database as the baseline.
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

    // Baseline: what a search without an index costs, on the same encrypted file.
    let scan = rusqlite::Connection::open(&path).expect("open for baseline");
    scan.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\"; PRAGMA cache_size = -65536;",
        key.secret().expose()
    ))
    .expect("key");
    let mut like: Vec<Duration> = queries
        .iter()
        .take(100)
        .map(|q| {
            let word = q.split_whitespace().next().unwrap_or(q);
            let t = Instant::now();
            let mut stmt = scan
                .prepare_cached("SELECT id FROM notes WHERE body LIKE '%' || ?1 || '%' LIMIT 20")
                .expect("prepare");
            let rows: Vec<i64> = stmt
                .query_map([word], |r| r.get(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows");
            std::hint::black_box(rows);
            t.elapsed()
        })
        .collect();
    like.sort();
    println!(
        "store: search over {notes} notes, 1,000 queries (words, pairs, prefixes, receipt numbers)"
    );
    println!(
        "  FTS5:          p50 {:>8.3} ms   p95 {:>8.3} ms",
        percentile(&fts, 0.5),
        percentile(&fts, 0.95)
    );
    println!(
        "  LIKE baseline: p50 {:>8.3} ms   p95 {:>8.3} ms   (100 queries)",
        percentile(&like, 0.5),
        percentile(&like, 0.95)
    );
    println!(
        "  FTS5 is {:.0}x faster at p50, {:.0}x at p95 (target: 100x; p95 5 ms at 100k notes, 20 ms at 1M)",
        percentile(&like, 0.5) / percentile(&fts, 0.5),
        percentile(&like, 0.95) / percentile(&fts, 0.95)
    );
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

/// The database and its write-ahead log, as they are on disk.
fn database_bytes(path: &std::path::Path) -> u64 {
    let wal = path.with_file_name(format!("{DATABASE_FILE}-wal"));
    [path, wal.as_path()]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}
