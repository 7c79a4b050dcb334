//! Audit forwarding: every entry leaves the desktop for the firm's syslog collector (its SIEM),
//! which keeps a copy the desktop user cannot rewrite.
//!
//! The `audit_forward` setting names the collector: `tcp://HOST:PORT` (RFC 6587 octet-counting
//! framing) or `tls://HOST:PORT` (RFC 5425: TLS 1.2 or later, the OS's trusted CAs plus
//! `extra_ca_file`, the host name verified). Each entry is one frame `LEN SP SYSLOG-MSG`, the
//! message RFC 5424:
//!
//! ```text
//! <86>1 2026-12-08T03:06:14.123456Z desk-12 casefile 4242 request [casefile@32473 seq="7" hash="9f…"] {"seq":7,…}
//! ```
//!
//! * PRI: facility 10 (authpriv: security messages, which every collector can select, unlike
//!   13 "log audit"); severity 6 (informational) for `request` and `result`, 5
//!   (notice) for `blocked`, `deletion` and `restore`.
//! * TIMESTAMP: the entry's `at` (UTC, at most 6 fractional digits); HOSTNAME: the computer's
//!   name; APP-NAME `casefile`; PROCID: the sending process; MSGID: the entry kind.
//! * STRUCTURED-DATA `[casefile@32473 seq="N" hash="ENTRY_HASH"]`, so a collector can index and
//!   de-duplicate without parsing the message (32473 is the enterprise number RFC 5612 reserves
//!   for examples: no private number is registered).
//! * MSG: the entry as `audit export --format json` holds it (every stored field, `entry_hash`
//!   and `final_outcome`), as one line of compact JSON, no BOM.
//!
//! # Delivery
//!
//! The database keeps, per collector, the newest entry written to it ([`forwarded_mark`]);
//! every later entry waits. Appending an entry is therefore queueing it: nothing can be
//! appended and not queued. Entries go in sequence order; the mark moves only after a batch was
//! written and flushed to the connection, so a collector that is down or a connection that
//! breaks loses nothing: the batch is sent again (at least once, in order; a collector may see
//! an entry twice, with the same `seq` and `hash`). A request whose result is not written yet
//! is held back (with what follows it) for up to [`REQUEST_HOLD_MINUTES`], so that its
//! `final_outcome` is the real one rather than "unknown".
//!
//! Logs name the collector, never an entry's contents.

use std::collections::HashSet;
use std::fmt;
use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

use rusqlite::OptionalExtension;

use super::{ExportedEntry, exported_entries};
use crate::policy::EffectivePolicy;
use crate::store::Store;
use crate::{Error, Result};

/// How long a connection to the collector may take to open, for the app's background task and
/// `audit forward`.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the CLI waits for the collector after a command that wrote audit entries: it
/// never holds up the command for long; what is not sent waits for the next attempt.
pub const BRIEF_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// A write (or a TLS handshake step) that stalls longer fails the attempt.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Entries written before the mark moves: a broken connection repeats at most this many.
const BATCH: usize = 200;
/// How long a request without a result holds back forwarding.
pub const REQUEST_HOLD_MINUTES: i64 = 10;

/// The structured-data id of the entry's sequence number and hash.
const SD_ID: &str = "casefile@32473";
/// Syslog facility 10: authpriv.
const FACILITY_AUTHPRIV: u8 = 10;

/// A syslog collector, as the `audit_forward` setting names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collector {
    tls: bool,
    /// A DNS name or IP address (IPv6 without brackets).
    host: String,
    port: u16,
}

impl Collector {
    /// Parses `tcp://HOST:PORT` or `tls://HOST:PORT`; the error says what is wrong in words.
    pub fn parse(url: &str) -> std::result::Result<Self, String> {
        let form = "use the form tls://host:port (or tcp://host:port)";
        let parsed =
            url::Url::parse(url).map_err(|e| format!("{url:?} is not a URL ({e}); {form}"))?;
        let tls = match parsed.scheme() {
            "tls" => true,
            "tcp" => false,
            other => return Err(format!("{url:?} has the scheme {other:?}; {form}")),
        };
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(format!(
                "{url:?} holds a user name or password; a syslog collector takes none"
            ));
        }
        if !matches!(parsed.path(), "" | "/") || parsed.query().is_some() {
            return Err(format!("{url:?} has a path or query; {form}"));
        }
        let host = match parsed.host() {
            Some(url::Host::Domain(name)) if !name.is_empty() => name.to_owned(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            _ => return Err(format!("{url:?} names no host; {form}")),
        };
        let port = parsed
            .port()
            .filter(|port| *port != 0)
            .ok_or_else(|| format!("{url:?} names no port; {form}"))?;
        Ok(Self { tls, host, port })
    }

    /// The URL that names this collector in the database and in messages.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "tls" } else { "tcp" };
        if self.host.contains(':') {
            format!("{scheme}://[{}]:{}", self.host, self.port)
        } else {
            format!("{scheme}://{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Display for Collector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url())
    }
}

/// Where the log goes: the effective `audit_forward` and `extra_ca_file` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forwarding {
    pub collector: Collector,
    pub extra_ca_file: Option<PathBuf>,
}

impl Forwarding {
    /// The forwarding the settings in force ask for, if any. A collector the policy sets is
    /// locked; one set only in the user's settings was that user's choice.
    pub fn from_policy(policy: &EffectivePolicy) -> Result<Option<Self>> {
        let values = policy.values();
        let Some(url) = &values.audit_forward else {
            return Ok(None);
        };
        let collector = Collector::parse(url).map_err(|message| Error::InvalidField {
            field: "audit_forward".into(),
            message,
        })?;
        Ok(Some(Self {
            collector,
            extra_ca_file: values.extra_ca_file.clone(),
        }))
    }
}

/// The newest entry written to `collector` (0 when none was).
pub fn forwarded_mark(store: &Store, collector: &Collector) -> Result<i64> {
    Ok(store
        .conn
        .query_row(
            "SELECT last_seq FROM audit_forwarded WHERE collector = ?1",
            [collector.url()],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

/// How many entries have not been written to `collector` yet.
pub fn waiting(store: &Store, collector: &Collector) -> Result<u64> {
    let mark = forwarded_mark(store, collector)?;
    let count: i64 = store.conn.query_row(
        "SELECT count(*) FROM audit_log WHERE seq > ?1",
        [mark],
        |r| r.get(0),
    )?;
    Ok(count as u64)
}

/// Records that every entry up to `seq` was written to `collector`. The mark never moves back
/// (two processes forwarding at once both move it forward).
pub fn mark_forwarded(store: &Store, collector: &Collector, seq: i64) -> Result<()> {
    store.conn.execute(
        "INSERT INTO audit_forwarded (collector, last_seq, updated_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (collector) DO UPDATE SET \
             last_seq = max(last_seq, excluded.last_seq), updated_at = excluded.updated_at",
        rusqlite::params![collector.url(), seq, crate::store::now()],
    )?;
    Ok(())
}

/// One waiting entry as its syslog frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub seq: i64,
    pub bytes: Vec<u8>,
}

/// The entries waiting for `collector`, in sequence order, as frames. Stops before a request
/// that is still running (see the module documentation).
pub fn pending(store: &Store, collector: &Collector) -> Result<Vec<Frame>> {
    let mark = forwarded_mark(store, collector)?;
    if !store.conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM audit_log WHERE seq > ?1)",
        [mark],
        |r| r.get::<_, bool>(0),
    )? {
        return Ok(Vec::new());
    }
    let entries = exported_entries(store, None)?;
    let answered: HashSet<i64> = entries.iter().filter_map(|e| e.entry.request_seq).collect();
    let hold_since = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_mins(REQUEST_HOLD_MINUTES))
        .map_err(|e| Error::Internal(format!("clock out of range: {e}")))?;
    let header = Header::of_this_process();
    let mut frames = Vec::new();
    for entry in entries.iter().filter(|e| e.entry.seq > mark) {
        let running = entry.entry.entry == "request"
            && !answered.contains(&entry.entry.seq)
            && entry
                .entry
                .at
                .parse::<jiff::Timestamp>()
                .is_ok_and(|at| at > hold_since);
        if running {
            break;
        }
        frames.push(Frame {
            seq: entry.entry.seq,
            bytes: header.frame(entry)?,
        });
    }
    Ok(frames)
}

/// What the RFC 5424 header takes from the sending process.
struct Header {
    hostname: String,
    procid: u32,
}

impl Header {
    fn of_this_process() -> Self {
        Self {
            hostname: hostname(),
            procid: std::process::id(),
        }
    }

    /// `LEN SP SYSLOG-MSG` for `entry`.
    fn frame(&self, entry: &ExportedEntry) -> Result<Vec<u8>> {
        let message = syslog_message(entry, &self.hostname, self.procid)?;
        let mut frame = format!("{} ", message.len()).into_bytes();
        frame.extend_from_slice(&message);
        Ok(frame)
    }
}

/// The entry as one RFC 5424 message (see the module documentation).
pub fn syslog_message(entry: &ExportedEntry, hostname: &str, procid: u32) -> Result<Vec<u8>> {
    let kind = entry.entry.entry.as_str();
    let severity = match kind {
        "request" | "result" => 6,
        _ => 5,
    };
    let msgid: String = kind
        .chars()
        .filter(char::is_ascii_graphic)
        .take(32)
        .collect();
    let json = serde_json::to_string(entry)
        .map_err(|e| Error::Internal(format!("audit entry not serializable: {e}")))?;
    let mut message = format!(
        "<{}>1 {} {hostname} casefile {procid} {} [{SD_ID} seq=\"{}\" hash=\"{}\"] ",
        FACILITY_AUTHPRIV * 8 + severity,
        syslog_timestamp(&entry.entry.at),
        if msgid.is_empty() { "-" } else { &msgid },
        entry.entry.seq,
        sd_escape(&entry.entry.entry_hash),
    )
    .into_bytes();
    message.extend_from_slice(json.as_bytes());
    Ok(message)
}

/// RFC 5424 allows at most 6 fractional digits; stored times may have up to 9.
fn syslog_timestamp(at: &str) -> String {
    match at.split_once('.') {
        Some((seconds, fraction)) => {
            let digits: String = fraction
                .chars()
                .take_while(char::is_ascii_digit)
                .take(6)
                .collect();
            let zone = fraction.trim_start_matches(|c: char| c.is_ascii_digit());
            format!("{seconds}.{digits}{zone}")
        }
        None => at.to_owned(),
    }
}

/// A PARAM-VALUE with `"`, `\` and `]` escaped.
fn sd_escape(value: &str) -> String {
    value
        .chars()
        .flat_map(|c| match c {
            '"' | '\\' | ']' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}

/// The computer's name as RFC 5424 allows it (printable ASCII, at most 255), or `-`.
fn hostname() -> String {
    #[cfg(unix)]
    let name = nix::unistd::gethostname()
        .ok()
        .and_then(|n| n.into_string().ok());
    #[cfg(not(unix))]
    let name = std::env::var("COMPUTERNAME").ok();
    name.map(|n| {
        n.chars()
            .filter(char::is_ascii_graphic)
            .take(255)
            .collect::<String>()
    })
    .filter(|n| !n.is_empty())
    .unwrap_or_else(|| "-".to_owned())
}

/// Why the collector did not take the entries, in words (host and port, never contents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreachable(pub String);

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How far a send got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The newest entry flushed to the collector's connection.
    pub last_seq: Option<i64>,
    pub count: u64,
    /// Why it stopped before the end.
    pub error: Option<Unreachable>,
}

/// Opens a connection to the collector and writes `frames` in order, flushing after each batch
/// of [`BATCH`]. Blocking: run it off the async workers.
pub fn send(forwarding: &Forwarding, frames: &[Frame], connect_timeout: Duration) -> Sent {
    let mut sent = Sent {
        last_seq: None,
        count: 0,
        error: None,
    };
    let mut connection = match connect(forwarding, connect_timeout) {
        Ok(connection) => connection,
        Err(e) => {
            sent.error = Some(e);
            return sent;
        }
    };
    for batch in frames.chunks(BATCH) {
        let written = batch
            .iter()
            .try_for_each(|frame| connection.write_all(&frame.bytes))
            .and_then(|()| connection.flush());
        if let Err(e) = written {
            sent.error = Some(Unreachable(format!(
                "writing to the collector {} failed: {e}",
                forwarding.collector
            )));
            break;
        }
        sent.last_seq = batch.last().map(|f| f.seq);
        sent.count += batch.len() as u64;
    }
    sent
}

fn connect(
    forwarding: &Forwarding,
    timeout: Duration,
) -> std::result::Result<Box<dyn Write>, Unreachable> {
    let collector = &forwarding.collector;
    let failed = |why: String| Unreachable(format!("the collector {collector} {why}"));
    let addresses = (collector.host.as_str(), collector.port)
        .to_socket_addrs()
        .map_err(|e| failed(format!("could not be resolved ({e})")))?;
    let mut last_error = None;
    let mut stream = None;
    for address in addresses {
        match TcpStream::connect_timeout(&address, timeout) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last_error = Some(e),
        }
    }
    let stream = stream.ok_or_else(|| {
        failed(match last_error {
            Some(e) => format!("could not be reached ({e})"),
            None => "has no address".to_owned(),
        })
    })?;
    let timeouts = stream
        .set_write_timeout(Some(WRITE_TIMEOUT))
        .and_then(|()| stream.set_read_timeout(Some(WRITE_TIMEOUT)));
    timeouts.map_err(|e| failed(format!("connection could not be set up ({e})")))?;
    if !collector.tls {
        return Ok(Box::new(stream));
    }
    let mut builder = native_tls::TlsConnector::builder();
    builder.min_protocol_version(Some(native_tls::Protocol::Tlsv12));
    if let Some(file) = &forwarding.extra_ca_file {
        let certificates = crate::providers::extra_ca_certificates(file)
            .map_err(|e| Unreachable(e.to_string()))?;
        for der in certificates {
            let certificate = native_tls::Certificate::from_der(&der)
                .map_err(|e| failed(format!("CA certificate not usable ({e})")))?;
            builder.add_root_certificate(certificate);
        }
    }
    let connector = builder
        .build()
        .map_err(|e| failed(format!("TLS could not be set up ({e})")))?;
    let tls = connector
        .connect(&collector.host, stream)
        .map_err(|e| failed(format!("refused the TLS connection ({e})")))?;
    Ok(Box::new(tls))
}

/// What a flush did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FlushReport {
    /// The collector's URL.
    pub collector: String,
    /// Entries written now.
    pub forwarded: u64,
    /// Entries still waiting (a request still running holds back itself and what follows).
    pub waiting: u64,
    /// Why the collector did not take them, when it did not.
    pub error: Option<String>,
}

/// Writes every waiting entry to the collector and moves the mark past what was written. The
/// store stays borrowed throughout: for the CLI, which has its own connection (the app sends
/// without holding the store, see [`run_while_open`]).
pub fn flush(
    store: &Store,
    forwarding: &Forwarding,
    connect_timeout: Duration,
) -> Result<FlushReport> {
    let collector = &forwarding.collector;
    let sent = send(forwarding, &pending(store, collector)?, connect_timeout);
    if let Some(last) = sent.last_seq {
        mark_forwarded(store, collector, last)?;
    }
    let waiting = waiting(store, collector)?;
    log_sent(collector, &sent, waiting);
    Ok(FlushReport {
        collector: collector.url(),
        forwarded: sent.count,
        waiting,
        error: sent.error.map(|e| e.0),
    })
}

/// Logs the collector and the counts, never an entry.
fn log_sent(collector: &Collector, sent: &Sent, waiting: u64) {
    if sent.count > 0 {
        tracing::info!(%collector, forwarded = sent.count, waiting, "audit entries forwarded");
    }
    if let Some(why) = &sent.error {
        tracing::warn!(%collector, waiting, error = %why, "audit collector not reached");
    }
}

static NUDGE: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Asks the app's forwarding task to look for new entries now (after a send).
pub fn nudge() {
    NUDGE.notify_one();
}

/// The app's forwarding task: forwards what waits at start, when nudged and every minute; after
/// a failure it retries with a backoff doubling from 5 seconds to 5 minutes. The store is held
/// only to read frames and move the mark, never while the network is used.
pub async fn run_while_open(store: crate::workspace::SharedStore) {
    const IDLE: Duration = Duration::from_secs(60);
    const FIRST_RETRY: Duration = Duration::from_secs(5);
    const LAST_RETRY: Duration = Duration::from_secs(300);
    let mut retry = FIRST_RETRY;
    loop {
        match forward_once(&store).await {
            Ok(()) => {
                retry = FIRST_RETRY;
                let _ = tokio::time::timeout(IDLE, NUDGE.notified()).await;
            }
            Err(why) => {
                tracing::debug!(error = %why, retry_in_s = retry.as_secs(), "audit forwarding retries");
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(LAST_RETRY);
            }
        }
    }
}

async fn forward_once(store: &crate::workspace::SharedStore) -> std::result::Result<(), String> {
    let forwarding = store
        .call_with_workspace(|workspace, s| {
            Forwarding::from_policy(&workspace.effective_policy(Some(s))?)
        })
        .await
        .map_err(|e| e.to_string())?;
    let Some(forwarding) = forwarding else {
        return Ok(());
    };
    let collector = forwarding.collector.clone();
    let frames = store
        .call(move |s| pending(s, &collector))
        .await
        .map_err(|e| e.to_string())?;
    if frames.is_empty() {
        return Ok(());
    }
    let to = forwarding.clone();
    let sent = tokio::task::spawn_blocking(move || send(&to, &frames, CONNECT_TIMEOUT))
        .await
        .map_err(|e| e.to_string())?;
    let (collector, last) = (forwarding.collector.clone(), sent.last_seq);
    let waiting = store
        .call(move |s| {
            if let Some(last) = last {
                mark_forwarded(s, &collector, last)?;
            }
            waiting(s, &collector)
        })
        .await
        .map_err(|e| e.to_string())?;
    log_sent(&forwarding.collector, &sent, waiting);
    match sent.error {
        Some(e) => Err(e.0),
        None => Ok(()),
    }
}

#[cfg(test)]
#[path = "forward_tests.rs"]
mod tests;
