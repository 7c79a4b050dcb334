//! Forwarding to a real syslog collector on 127.0.0.1 that parses what it receives.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use super::*;
use crate::audit::{Attempt, Completion, Outcome, Purpose, record_blocked, record_request};
use crate::audit::{ExportFormat, export, record_result};
use crate::providers::{ExchangeRecord, ProviderKind};
use crate::store::test_support;

/// A syslog collector speaking RFC 6587 octet counting: every message it received, in order.
struct SyslogCollector {
    url: String,
    messages: Arc<Mutex<Vec<String>>>,
}

impl SyslogCollector {
    fn start() -> Self {
        Self::start_on(TcpListener::bind("127.0.0.1:0").unwrap())
    }

    fn start_on(listener: TcpListener) -> Self {
        let url = format!("tcp://{}", listener.local_addr().unwrap());
        let messages: Arc<Mutex<Vec<String>>> = Arc::default();
        let received = messages.clone();
        std::thread::spawn(move || {
            for connection in listener.incoming() {
                let mut reader = BufReader::new(connection.unwrap());
                loop {
                    let mut length = Vec::new();
                    if reader.read_until(b' ', &mut length).unwrap() == 0 {
                        break;
                    }
                    let length: usize = std::str::from_utf8(&length[..length.len() - 1])
                        .unwrap()
                        .parse()
                        .expect("a frame starts with its length in decimal");
                    let mut message = vec![0; length];
                    reader.read_exact(&mut message).unwrap();
                    received
                        .lock()
                        .unwrap()
                        .push(String::from_utf8(message).unwrap());
                }
            }
        });
        Self { url, messages }
    }

    fn forwarding(&self) -> Forwarding {
        Forwarding {
            collector: super::Collector::parse(&self.url).unwrap(),
            extra_ca_file: None,
        }
    }

    /// Waits until `count` messages arrived (the writer flushed; the reader thread may lag).
    fn received(&self, count: usize) -> Vec<String> {
        for _ in 0..200 {
            let messages = self.messages.lock().unwrap().clone();
            if messages.len() >= count {
                return messages;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        self.messages.lock().unwrap().clone()
    }
}

fn blocked(store: &mut Store, code: &str) -> i64 {
    record_blocked(store, &Attempt::unresolved(Purpose::Ask, "firm-eu"), code).unwrap()
}

fn request(store: &mut Store) -> i64 {
    let mut attempt = Attempt::unresolved(Purpose::Ask, "firm-eu");
    attempt.provider_kind = Some(ProviderKind::OpenAiCompatible);
    attempt.endpoint_host = Some("llm.example.com".into());
    record_request(store, &attempt, b"{\"prompt\":\"hello\"}").unwrap()
}

fn result(store: &mut Store, request_seq: i64) -> i64 {
    let completion = Completion {
        outcome: Outcome::Completed,
        exchange: ExchangeRecord {
            endpoint_host: Some("llm.example.com".into()),
            attempts: 1,
            request_bytes: 18,
            request_sha256: None,
            response_bytes: 3,
            response_sha256: crate::audit::sha256_hex(b"hey"),
        },
        usage: None,
    };
    record_result(store, request_seq, completion).unwrap()
}

/// The JSON export with all whitespace outside strings removed: each forwarded message must be
/// found in it byte for byte.
fn compact_export(store: &Store) -> String {
    let mut bytes = Vec::new();
    export(store, ExportFormat::Json, None, &mut bytes).unwrap();
    let mut out = String::new();
    let (mut in_string, mut escaped) = (false, false);
    for c in String::from_utf8(bytes).unwrap().chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

/// The parts of an RFC 5424 message: PRI, VERSION, TIMESTAMP, HOSTNAME, APP-NAME, PROCID,
/// MSGID, STRUCTURED-DATA and MSG.
fn parse_rfc5424(message: &str) -> (Vec<&str>, &str, &str) {
    let (header, rest) = message.split_once(" [").expect("structured data");
    let (sd, msg) = rest
        .split_once("] ")
        .expect("a message after the structured data");
    (header.split(' ').collect(), sd, msg)
}

#[test]
fn collector_urls_are_checked() {
    let tls = super::Collector::parse("tls://siem.example.com:6514").unwrap();
    assert_eq!(tls.url(), "tls://siem.example.com:6514");
    let v6 = super::Collector::parse("tcp://[::1]:514").unwrap();
    assert_eq!(
        (v6.host.as_str(), v6.url().as_str()),
        ("::1", "tcp://[::1]:514")
    );
    for (bad, words) in [
        ("udp://siem:514", "scheme"),
        ("https://siem:6514", "scheme"),
        ("tls://siem.example.com", "no port"),
        ("tls://user:pw@siem:6514", "password"),
        ("tls://siem:6514/path", "path"),
        ("siem:6514", "scheme"),
        ("not a url", "not a URL"),
    ] {
        let err = super::Collector::parse(bad).unwrap_err();
        assert!(err.contains(words), "{bad}: {err}");
    }
}

#[test]
fn each_entry_is_one_rfc5424_message_whose_msg_is_its_exported_json() {
    let (_dir, mut store) = test_support::store();
    let first = request(&mut store);
    result(&mut store, first);
    blocked(&mut store, "consentMissing");
    let collector = SyslogCollector::start();
    let forwarding = collector.forwarding();
    assert_eq!(waiting(&store, &forwarding.collector).unwrap(), 3);

    let report = flush(&store, &forwarding, CONNECT_TIMEOUT).unwrap();
    assert_eq!(
        (report.forwarded, report.waiting, report.error),
        (3, 0, None)
    );
    let messages = collector.received(3);
    assert_eq!(messages.len(), 3);
    let exported = compact_export(&store);
    let entries = crate::audit::entries(&store).unwrap();
    for ((message, entry), (pri, msgid)) in messages.iter().zip(&entries).zip([
        ("<86>", "request"),
        ("<86>", "result"),
        ("<85>", "blocked"),
    ]) {
        let (header, sd, msg) = parse_rfc5424(message);
        assert_eq!(header[0], format!("{pri}1"), "{message}");
        assert!(header[1].ends_with('Z') && header[1].starts_with(&entry.at[..19]));
        assert!(header[1].len() <= "2026-12-08T03:06:14.123456Z".len());
        assert_eq!(
            &header[3..],
            ["casefile", &std::process::id().to_string(), msgid]
        );
        assert_eq!(
            sd,
            format!(
                "casefile@32473 seq=\"{}\" hash=\"{}\"",
                entry.seq, entry.entry_hash
            )
        );
        assert!(
            exported.contains(&format!("[{msg}")) || exported.contains(&format!(",{msg}")),
            "{msg} is not an entry of {exported}"
        );
        let json: serde_json::Value = serde_json::from_str(msg).unwrap();
        assert_eq!(json["entry_hash"], entry.entry_hash.as_str());
    }
    assert!(messages[0].contains("\"final_outcome\":\"completed\""));
}

#[test]
fn a_collector_that_is_down_loses_nothing_and_gets_everything_in_order_when_back() {
    let (_dir, mut store) = test_support::store();
    // A port nobody listens on: taken, then released.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let forwarding = Forwarding {
        collector: super::Collector::parse(&format!("tcp://{address}")).unwrap(),
        extra_ca_file: None,
    };
    for code in ["one", "two", "three"] {
        blocked(&mut store, code);
        let report = flush(&store, &forwarding, BRIEF_CONNECT_TIMEOUT).unwrap();
        assert_eq!(report.forwarded, 0);
        let error = report.error.expect("the collector is down");
        assert!(error.contains(&address.to_string()), "{error}");
    }
    assert_eq!(waiting(&store, &forwarding.collector).unwrap(), 3);

    let collector = SyslogCollector::start_on(TcpListener::bind(address).unwrap());
    let report = flush(&store, &forwarding, CONNECT_TIMEOUT).unwrap();
    assert_eq!((report.forwarded, report.waiting), (3, 0));
    blocked(&mut store, "four");
    assert_eq!(
        flush(&store, &forwarding, CONNECT_TIMEOUT)
            .unwrap()
            .forwarded,
        1
    );
    assert_eq!(
        flush(&store, &forwarding, CONNECT_TIMEOUT)
            .unwrap()
            .forwarded,
        0
    );
    let outcomes: Vec<String> = collector
        .received(4)
        .iter()
        .map(|m| {
            let json: serde_json::Value = serde_json::from_str(parse_rfc5424(m).2).unwrap();
            json["outcome"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            "blocked: one",
            "blocked: two",
            "blocked: three",
            "blocked: four"
        ]
    );
}

#[test]
fn a_running_request_holds_back_forwarding_until_its_result_is_written() {
    let (_dir, mut store) = test_support::store();
    blocked(&mut store, "first");
    let running = request(&mut store);
    blocked(&mut store, "after");
    let collector = SyslogCollector::start();
    let forwarding = collector.forwarding();
    let report = flush(&store, &forwarding, CONNECT_TIMEOUT).unwrap();
    assert_eq!((report.forwarded, report.waiting), (1, 2));
    result(&mut store, running);
    let report = flush(&store, &forwarding, CONNECT_TIMEOUT).unwrap();
    assert_eq!((report.forwarded, report.waiting), (3, 0));
    let kinds: Vec<String> = collector
        .received(4)
        .iter()
        .map(|m| parse_rfc5424(m).0[5].to_owned())
        .collect();
    assert_eq!(kinds, ["blocked", "request", "blocked", "result"]);
}

#[test]
fn each_collector_has_its_own_mark_and_the_mark_never_moves_back() {
    let (_dir, mut store) = test_support::store();
    blocked(&mut store, "one");
    blocked(&mut store, "two");
    let first = super::Collector::parse("tcp://127.0.0.1:1").unwrap();
    let second = super::Collector::parse("tls://siem.example.com:6514").unwrap();
    mark_forwarded(&store, &first, 2).unwrap();
    mark_forwarded(&store, &first, 1).unwrap();
    assert_eq!(forwarded_mark(&store, &first).unwrap(), 2);
    assert_eq!(waiting(&store, &first).unwrap(), 0);
    assert_eq!(waiting(&store, &second).unwrap(), 2);
}

#[test]
fn stored_times_become_rfc5424_timestamps() {
    assert_eq!(
        syslog_timestamp("2026-12-08T03:06:14.123456789Z"),
        "2026-12-08T03:06:14.123456Z"
    );
    assert_eq!(
        syslog_timestamp("2026-12-08T03:06:14.5Z"),
        "2026-12-08T03:06:14.5Z"
    );
    assert_eq!(
        syslog_timestamp("2026-12-08T03:06:14Z"),
        "2026-12-08T03:06:14Z"
    );
    assert_eq!(sd_escape(r#"a"b\c]"#), r#"a\"b\\c\]"#);
}
