//! Redaction throughput on ~10 MB of case notes with ~30 stored values, and rehydration of a
//! streamed answer, each against a baseline from the same run. Reports only; never fails on
//! numbers (target: redaction ≥100 MB/s in release). Times are the thread's CPU time where
//! Linux reports it, so a busy shared machine distorts them less. `CASEFILE_BENCH_MB` changes
//! the corpus size.
//!
//! Baselines, chosen to be honest rather than flattering:
//! - redaction: a plain `str::replace` loop over the same stored values (exact case, no accents,
//!   no variants, no identifiers): the least a redactor could do, one pass per value;
//! - rehydration: copying the same chunks into a `String` (showing the stream untouched).

use std::hint::black_box;
use std::time::{Duration, Instant};

use casefile_core::drafting::redaction::{Kind, KnownValue, ManualChanges, Redactor, Rehydrator};

/// Best of this many runs, so that a busy shared machine distorts less.
const RUNS: usize = 5;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "the",
    "client",
    "stated",
    "that",
    "she",
    "entered",
    "in",
    "and",
    "was",
    "with",
    "her",
    "husband",
    "on",
    "a",
    "visa",
    "employer",
    "filed",
    "petition",
    "for",
    "interview",
    "notice",
    "received",
    "evidence",
    "request",
    "we",
    "discussed",
    "options",
    "adjustment",
    "status",
    "consular",
    "processing",
    "waiver",
    "hardship",
    "children",
    "school",
    "tax",
    "returns",
    "affidavit",
    "support",
    "biometrics",
    "appointment",
    "scheduled",
    "officer",
    "asked",
    "about",
    "prior",
    "travel",
    "marriage",
    "certificate",
    "birth",
    "translation",
    "court",
    "hearing",
    "continued",
    "attorney",
    "will",
    "prepare",
    "declaration",
    "next",
    "week",
    "call",
    "back",
    "niño",
    "señora",
    "también",
    "después",
    "documentos",
    "café",
    "résumé",
    "naïve",
];

const NAMES: &[&str] = &[
    "Ana Lucía Peña",
    "Ana Pena",
    "PEÑA, Ana",
    "Ms. Peña",
    "Ana Ruiz",
    "José Peña",
    "Mr. Ortiz",
    "Carlos Ortiz Peña",
    "Sofía Ortiz",
    "Nguyễn Văn An",
    "Gulf Coast Shipyards",
    "Bayou Logistics LLC",
    "12 Main Street",
    "4410 Westheimer Road",
    "Ana",
    "Dr. Smith",
    "Officer Brown",
];

fn identifier(rng: &mut Rng) -> String {
    let n = rng.next();
    match rng.below(8) {
        0 => format!("EAC-{:02}-{:03}-{:05}", n % 30, n % 1000, n % 100_000),
        1 => format!(
            "A# {:03}-{:03}-{:03}",
            n % 1000,
            (n >> 10) % 1000,
            (n >> 20) % 1000
        ),
        2 => format!("(713) 555-{:04}", n % 10_000),
        3 => format!("client{}@example.org", n % 1000),
        4 => format!(
            "{:03}-{:02}-{:04}",
            100 + n % 500,
            10 + n % 80,
            1000 + n % 9000
        ),
        5 => format!("I-94 {:09}A{}", n % 1_000_000_000, n % 10),
        6 => format!("WAC{:010}", n % 10_000_000_000),
        _ => format!("${}.{:02}", n % 10_000, n % 100),
    }
}

/// Notes of 1–4 KB: prose with a name every ~25 words and an identifier every ~60.
fn corpus(bytes: usize, rng: &mut Rng) -> Vec<String> {
    let mut notes = Vec::new();
    let mut total = 0;
    while total < bytes {
        let size = 1_000 + rng.below(3_000);
        let mut note = String::with_capacity(size + 100);
        while note.len() < size {
            match rng.below(60) {
                0 => note.push_str(&identifier(rng)),
                1 | 2 => note.push_str(rng.pick(NAMES)),
                3 => note.push_str(".\n"),
                _ => note.push_str(rng.pick(WORDS)),
            }
            note.push(' ');
        }
        total += note.len();
        notes.push(note);
    }
    notes
}

/// ~30 stored values, as `known_values` gathers them for a matter with a family and employers.
fn known() -> Vec<KnownValue> {
    let mut known: Vec<KnownValue> = [
        (Kind::Client, "Ana", "Lucía", "Peña"),
        (Kind::Person, "José", "", "Peña"),
        (Kind::Person, "Carlos", "", "Ortiz Peña"),
        (Kind::Person, "Sofía", "", "Ortiz"),
        (Kind::Person, "Miguel", "Ángel", "Ortiz"),
        (Kind::Person, "Văn An", "", "Nguyễn"),
    ]
    .into_iter()
    .filter_map(|(kind, given, middle, family)| KnownValue::person(kind, given, middle, family))
    .collect();
    known.extend(
        [
            (Kind::Client, "Ana Ruiz"),
            (Kind::Client, "Ana Lucía Ruiz Peña"),
            (Kind::Employer, "Gulf Coast Shipyards"),
            (Kind::Employer, "Bayou Logistics LLC"),
            (Kind::Employer, "Houston Methodist"),
            (Kind::Address, "12 Main Street"),
            (Kind::Address, "4410 Westheimer Road"),
            (Kind::Address, "Colonia Las Palmas 221"),
            (Kind::Address, "1800 Post Oak Blvd"),
            (Kind::ANumber, "A012345678"),
            (Kind::ANumber, "A087654321"),
            (Kind::Ssn, "123-45-6789"),
            (Kind::Passport, "C1234567"),
            (Kind::Passport, "E98765432"),
            (Kind::I94, "123456789A1"),
            (Kind::Sevis, "N0012345678"),
            (Kind::UscisAccount, "123456789012"),
            (Kind::Phone, "+1 713 555 0100"),
            (Kind::Phone, "+52 55 1234 5678"),
            (Kind::Email, "ana@example.org"),
            (Kind::Email, "jose.pena@example.com"),
            (Kind::Receipt, "EAC2390123456"),
            (Kind::Receipt, "IOE0912345678"),
        ]
        .into_iter()
        .filter_map(|(kind, value)| KnownValue::new(kind, value)),
    );
    known
}

/// Time this thread spent on a CPU (Linux's per-thread scheduler statistics), so that other
/// work on a shared machine does not count; `None` where the kernel does not say.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// The best of [`RUNS`] runs, in CPU time where the kernel reports it, else in wall time.
fn best<T>(mut run: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..RUNS {
        let (wall, cpu) = (Instant::now(), cpu_time());
        let out = black_box(run());
        let took = match (cpu, cpu_time()) {
            (Some(before), Some(after)) => after - before,
            _ => wall.elapsed(),
        };
        best = best.min(took);
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

fn main() {
    let megabytes: usize = std::env::var("CASEFILE_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let notes = corpus(megabytes * 1_000_000, &mut rng);
    let bytes: usize = notes.iter().map(String::len).sum();
    let known = known();
    let values: Vec<String> = known.iter().map(|k| k.value().to_owned()).collect();
    println!(
        "redaction: {} notes, {:.1} MB, {} stored values, best of {RUNS} ({})",
        notes.len(),
        bytes as f64 / 1e6,
        values.len(),
        if cpu_time().is_some() {
            "CPU time of the thread"
        } else {
            "wall time"
        }
    );

    let redactor = Redactor::new(known, &ManualChanges::default());
    let (full, redaction) = best(|| redactor.redact(&notes));
    let identifiers_only = Redactor::new(Vec::new(), &ManualChanges::default());
    let (shapes, _) = best(|| identifiers_only.redact(&notes));
    let (naive, _) = best(|| {
        notes
            .iter()
            .map(|note| {
                let mut text = note.clone();
                for (i, value) in values.iter().enumerate() {
                    if text.contains(value.as_str()) {
                        text = text.replace(value.as_str(), &format!("[V_{i}]"));
                    }
                }
                text
            })
            .collect::<Vec<_>>()
    });
    let replaced: usize = redaction.map.entries().iter().map(|e| e.occurrences).sum();
    println!(
        "  redact (identifiers + stored values): {:>7.1} MB/s ({} placeholders, {} replacements)",
        mb_per_s(bytes, full),
        redaction.map.entries().len(),
        replaced
    );
    println!(
        "  identifiers only (no stored values):  {:>7.1} MB/s",
        mb_per_s(bytes, shapes)
    );
    println!(
        "  baseline str::replace loop:           {:>7.1} MB/s; redaction takes {:.2}× its time",
        mb_per_s(bytes, naive),
        full.as_secs_f64() / naive.as_secs_f64()
    );

    // Rehydration: the redacted notes as one long answer, streamed in token-sized chunks.
    let answer: String = redaction.texts.iter().map(|t| t.text.as_str()).collect();
    let mut chunks = Vec::new();
    let mut at = 0;
    while at < answer.len() {
        let mut end = (at + 3 + rng.below(14)).min(answer.len());
        while !answer.is_char_boundary(end) {
            end += 1;
        }
        chunks.push(&answer[at..end]);
        at = end;
    }
    let (restore, restored) = best(|| {
        let mut rehydrator = Rehydrator::new(&redaction.map);
        let mut out = String::with_capacity(answer.len() * 2);
        for chunk in &chunks {
            out.push_str(&rehydrator.push(chunk));
        }
        out.push_str(&rehydrator.finish());
        out
    });
    let (copy, _) = best(|| {
        let mut out = String::with_capacity(answer.len());
        for chunk in &chunks {
            out.push_str(chunk);
        }
        out
    });
    assert_eq!(restored, redaction.map.rehydrate(&answer));
    println!(
        "rehydration: {:.1} MB answer in {} chunks of 3–16 bytes",
        answer.len() as f64 / 1e6,
        chunks.len()
    );
    println!(
        "  rehydrator {:>7.1} MB/s; baseline chunk copy {:>7.1} MB/s; rehydration takes {:.2}× its time",
        mb_per_s(answer.len(), restore),
        mb_per_s(answer.len(), copy),
        restore.as_secs_f64() / copy.as_secs_f64()
    );
}
