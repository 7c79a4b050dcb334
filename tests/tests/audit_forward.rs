//! Audit forwarding through the admin CLI, as a firm's SIEM receives it: a syslog collector on
//! 127.0.0.1 that parses RFC 6587 octet-counting frames and RFC 5424 headers, in plain TCP and
//! behind TLS with a throwaway CA trusted through the policy's `extra_ca_file`; the real
//! keychain and the real encrypted database.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use casefile_core::audit::{self, Attempt, Purpose};
use casefile_core::workspace::Workspace;
use casefile_tests::Sandbox;
use openssl::asn1::Asn1Time;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{BasicConstraints, SubjectAlternativeName};
use openssl::x509::{X509, X509NameBuilder};
use serde_json::{Value, json};

/// One received message, split as RFC 5424 defines it.
#[derive(Debug, Clone)]
struct Received {
    pri: String,
    timestamp: String,
    app_name: String,
    msgid: String,
    structured_data: String,
    msg: String,
}

fn parse_rfc5424(message: &str) -> Result<Received> {
    let mut fields = message.splitn(7, ' ');
    let mut next = || fields.next().context("a header field is missing");
    let (pri_version, timestamp, _hostname, app_name, _procid, msgid) =
        (next()?, next()?, next()?, next()?, next()?, next()?);
    let rest = next()?;
    let (pri, version) = pri_version.split_once('>').context("no PRI")?;
    ensure!(version == "1", "VERSION {version}");
    let sd_end = rest.find("] ").context("no structured data")?;
    Ok(Received {
        pri: format!("{pri}>"),
        timestamp: timestamp.to_owned(),
        app_name: app_name.to_owned(),
        msgid: msgid.to_owned(),
        structured_data: rest[..=sd_end].to_owned(),
        msg: rest[sd_end + 2..].to_owned(),
    })
}

/// A syslog collector: every message it received, over every connection, in order.
struct Collector {
    address: std::net::SocketAddr,
    messages: Arc<Mutex<Vec<String>>>,
}

impl Collector {
    /// Listens on `listener`; with `tls`, each connection is TLS with that identity first.
    fn start(listener: TcpListener, tls: Option<native_tls::TlsAcceptor>) -> Self {
        let address = listener.local_addr().unwrap();
        let messages: Arc<Mutex<Vec<String>>> = Arc::default();
        let received = messages.clone();
        std::thread::spawn(move || {
            for connection in listener.incoming().flatten() {
                let received = received.clone();
                let stream: Box<dyn Read + Send> = match &tls {
                    Some(acceptor) => match acceptor.accept(connection) {
                        Ok(stream) => Box::new(stream),
                        Err(_) => continue,
                    },
                    None => Box::new(connection),
                };
                std::thread::spawn(move || read_frames(stream, &received));
            }
        });
        Self { address, messages }
    }

    /// Waits until `count` messages arrived.
    fn received(&self, count: usize) -> Result<Vec<Received>> {
        for _ in 0..500 {
            if self.messages.lock().unwrap().len() >= count {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        self.messages
            .lock()
            .unwrap()
            .iter()
            .map(|m| parse_rfc5424(m))
            .collect()
    }
}

/// RFC 6587 octet counting: `LEN SP MSG`, repeated.
fn read_frames(stream: Box<dyn Read + Send>, received: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = Vec::new();
        match reader.read_until(b' ', &mut length) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let Ok(length) = String::from_utf8_lossy(&length[..length.len() - 1]).parse::<usize>()
        else {
            panic!("a frame does not start with its length: {length:?}");
        };
        let mut message = vec![0; length];
        if reader.read_exact(&mut message).is_err() {
            return;
        }
        received
            .lock()
            .unwrap()
            .push(String::from_utf8(message).expect("UTF-8"));
    }
}

/// A throwaway CA (written to `dir/ca.pem`) and a server identity for 127.0.0.1 it signed.
fn private_ca(dir: &Path) -> Result<(PathBuf, native_tls::TlsAcceptor)> {
    let key = || -> Result<PKey<Private>> { Ok(PKey::from_rsa(Rsa::generate(2048)?)?) };
    let name = |cn: &str| -> Result<openssl::x509::X509Name> {
        let mut name = X509NameBuilder::new()?;
        name.append_entry_by_text("CN", cn)?;
        Ok(name.build())
    };
    let certificate = |subject: &str,
                       key: &PKey<Private>,
                       issuer: Option<(&X509, &PKey<Private>)>|
     -> Result<X509> {
        let mut builder = X509::builder()?;
        builder.set_version(2)?;
        let serial = openssl::bn::BigNum::from_u32(if issuer.is_some() { 2 } else { 1 })?;
        let (serial, subject_name) = (serial.to_asn1_integer()?, name(subject)?);
        let (not_before, not_after) = (Asn1Time::days_from_now(0)?, Asn1Time::days_from_now(2)?);
        builder.set_serial_number(&serial)?;
        builder.set_subject_name(&subject_name)?;
        builder.set_pubkey(key)?;
        builder.set_not_before(&not_before)?;
        builder.set_not_after(&not_after)?;
        match issuer {
            Some((ca, ca_key)) => {
                builder.set_issuer_name(ca.subject_name())?;
                let san = SubjectAlternativeName::new()
                    .ip("127.0.0.1")
                    .build(&builder.x509v3_context(Some(ca), None))?;
                builder.append_extension(san)?;
                builder.sign(ca_key, MessageDigest::sha256())?;
            }
            None => {
                builder.set_issuer_name(&subject_name)?;
                builder.append_extension(BasicConstraints::new().critical().ca().build()?)?;
                builder.sign(key, MessageDigest::sha256())?;
            }
        }
        Ok(builder.build())
    };
    let (ca_key, server_key) = (key()?, key()?);
    let ca = certificate("Firm SIEM Test CA", &ca_key, None)?;
    let server = certificate("127.0.0.1", &server_key, Some((&ca, &ca_key)))?;
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, ca.to_pem()?)?;
    let identity = native_tls::Identity::from_pkcs8(
        &server.to_pem()?,
        &server_key.private_key_to_pem_pkcs8()?,
    )?;
    Ok((ca_file, native_tls::TlsAcceptor::new(identity)?))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A command's exit code and both outputs, for a failure message.
fn shown(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        stderr(out)
    )
}

fn json_out(out: &Output) -> Result<Value> {
    ensure!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        stderr(out)
    );
    serde_json::from_slice(&out.stdout)
        .with_context(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Places the firm's policy: consent required, the log forwarded to `collector`.
fn place_policy(sandbox: &Sandbox, collector: &str, ca_file: Option<&Path>) -> Result<()> {
    let mut settings = json!({ "audit_forward": collector, "require_client_consent": true });
    if let Some(file) = ca_file {
        settings["extra_ca_file"] = json!(file);
    }
    let policy = json!({
        "version": 1,
        "settings": settings,
        "locks": { "audit_forward": "The firm's SIEM keeps the audit log." }
    });
    std::fs::write(
        sandbox.locations().policy_file,
        serde_json::to_vec_pretty(&policy)?,
    )?;
    Ok(())
}

/// A client, a profile, and `count` blocked attempts written through core (as the send
/// pipeline writes them).
fn prepared(count: usize) -> Result<Arc<Sandbox>> {
    let sandbox = Sandbox::new()?;
    let records = sandbox.path().join("records.jsonl");
    std::fs::write(
        &records,
        "{\"type\":\"contact\",\"id\":\"C-1\",\"kind\":\"person\",\"given_name\":\"Ana\",\"family_name\":\"Peña\"}\n",
    )?;
    let out = sandbox.admin(&[OsStr::new("import"), records.as_os_str()], None)?;
    ensure!(out.status.success(), "{}", shown(&out));
    let profile = [
        "profile",
        "add",
        "firm-eu",
        "--kind",
        "openai-compatible",
        "--base-url",
        "http://127.0.0.1:9/v1",
        "--model",
        "drafting-model",
    ];
    let out = sandbox.admin(&profile, None)?;
    ensure!(out.status.success(), "{}", shown(&out));
    append_blocked(&sandbox, count)?;
    Ok(sandbox)
}

fn append_blocked(sandbox: &Sandbox, count: usize) -> Result<()> {
    let workspace = Workspace::open(sandbox.locations())?;
    let mut store = workspace.open_store()?;
    for _ in 0..count {
        audit::record_blocked(
            &mut store,
            &Attempt::unresolved(Purpose::Ask, "firm-eu"),
            "consentMissing",
        )?;
    }
    Ok(())
}

/// The JSON export with whitespace outside strings removed: every forwarded MSG must be in it
/// byte for byte.
fn compact_export(sandbox: &Sandbox) -> Result<String> {
    let out = sandbox.admin(&["audit", "export", "--format", "json"], None)?;
    ensure!(out.status.success(), "{}", shown(&out));
    let mut compact = String::new();
    let (mut in_string, mut escaped) = (false, false);
    for c in String::from_utf8(out.stdout)?.chars() {
        if in_string {
            compact.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            in_string = c == '"';
            compact.push(c);
        }
    }
    Ok(compact)
}

fn waiting(sandbox: &Sandbox) -> Result<Value> {
    let verify = json_out(&sandbox.admin(&["--json", "audit", "verify"], None)?)?;
    Ok(verify["forwarding"]["waiting"].clone())
}

fn free_port() -> Result<std::net::SocketAddr> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

#[test]
#[ignore = "needs an OS keychain session (make test starts one)"]
fn a_collector_that_is_down_gets_every_entry_in_order_once_it_is_back() -> Result<()> {
    let sandbox = prepared(2)?;
    let address = free_port()?;
    place_policy(&sandbox, &format!("tcp://{address}"), None)?;
    assert_eq!(waiting(&sandbox)?, json!(2));

    let down = sandbox.admin(&["audit", "forward"], None)?;
    let message = String::from_utf8_lossy(&down.stdout);
    ensure!(down.status.code() == Some(13), "{}", shown(&down));
    ensure!(
        message.contains("could not be reached")
            && message.contains("2 entries wait")
            && message.contains(&address.to_string()),
        "{}",
        shown(&down)
    );

    // A send refused for want of consent appends a blocked entry; the command is not held up
    // by the collector and says the entries wait.
    let ask = [
        "ask",
        "firm-eu",
        "--prompt",
        "Summarise the file.",
        "--client",
        "C-1",
    ];
    let refused = sandbox.admin(&ask, None)?;
    ensure!(refused.status.code() == Some(10), "{}", shown(&refused));
    ensure!(
        stderr(&refused).contains("3 entries wait"),
        "{}",
        shown(&refused)
    );
    let verify = sandbox.admin(&["audit", "verify"], None)?;
    let text = String::from_utf8_lossy(&verify.stdout);
    ensure!(
        text.contains(&format!(
            "3 entries wait to be forwarded to tcp://{address}"
        )),
        "{text}"
    );

    let collector = Collector::start(TcpListener::bind(address)?, None);
    let flushed = json_out(&sandbox.admin(&["--json", "audit", "forward"], None)?)?;
    assert_eq!(
        (flushed["forwarded"].clone(), flushed["waiting"].clone()),
        (json!(3), json!(0))
    );
    assert_eq!(waiting(&sandbox)?, json!(0));

    // The next refused send reaches the collector by the CLI's own short attempt.
    let refused = sandbox.admin(&ask, None)?;
    ensure!(refused.status.code() == Some(10), "{}", shown(&refused));
    let received = collector.received(4)?;
    let exported = compact_export(&sandbox)?;
    let seqs: Vec<String> = received
        .iter()
        .map(|r| {
            let entry: Value = serde_json::from_str(&r.msg).unwrap();
            entry["seq"].to_string()
        })
        .collect();
    assert_eq!(
        seqs,
        ["1", "2", "3", "4"],
        "in order, none lost, none repeated"
    );
    for r in &received {
        assert_eq!(
            (r.pri.as_str(), r.app_name.as_str(), r.msgid.as_str()),
            ("<85>", "casefile", "blocked")
        );
        let entry: Value = serde_json::from_str(&r.msg)?;
        assert_eq!(
            r.structured_data,
            format!(
                "[casefile@32473 seq=\"{}\" hash=\"{}\"]",
                entry["seq"],
                entry["entry_hash"].as_str().unwrap()
            )
        );
        assert!(
            r.timestamp
                .starts_with(&entry["at"].as_str().unwrap()[..19])
        );
        assert!(
            exported.contains(&format!("[{}", r.msg)) || exported.contains(&format!(",{}", r.msg)),
            "the MSG is not an entry of the export byte for byte: {}",
            r.msg
        );
    }
    // Only the names of the collector reach the log, never an entry's contents.
    let logs = std::fs::read_dir(sandbox.locations().log_dir)?
        .flatten()
        .map(|f| std::fs::read_to_string(f.path()).unwrap_or_default())
        .collect::<String>();
    for r in &received {
        let entry: Value = serde_json::from_str(&r.msg)?;
        assert!(!logs.contains(entry["entry_hash"].as_str().unwrap()));
    }
    Ok(())
}

#[test]
#[ignore = "needs an OS keychain session (make test starts one)"]
fn tls_forwarding_trusts_the_policys_extra_ca_and_nothing_else() -> Result<()> {
    let sandbox = prepared(2)?;
    let (ca_file, acceptor) = private_ca(sandbox.path())?;
    let collector = Collector::start(TcpListener::bind("127.0.0.1:0")?, Some(acceptor));
    let url = format!("tls://{}", collector.address);

    // Without the firm's CA the collector's certificate is not trusted: nothing is sent.
    place_policy(&sandbox, &url, None)?;
    let untrusted = sandbox.admin(&["audit", "forward"], None)?;
    ensure!(untrusted.status.code() == Some(13), "{}", shown(&untrusted));
    ensure!(
        String::from_utf8_lossy(&untrusted.stdout).contains("refused the TLS connection"),
        "{}",
        shown(&untrusted)
    );
    assert_eq!(waiting(&sandbox)?, json!(2));

    place_policy(&sandbox, &url, Some(&ca_file))?;
    let out = sandbox.admin(&["audit", "forward"], None)?;
    ensure!(out.status.success(), "{}", shown(&out));
    ensure!(
        String::from_utf8_lossy(&out.stdout).contains("Forwarded 2 audit entries"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let received = collector.received(2)?;
    assert_eq!(received.len(), 2);
    let exported = compact_export(&sandbox)?;
    for r in &received {
        assert!(exported.contains(&r.msg), "{}", r.msg);
    }
    assert_eq!(waiting(&sandbox)?, json!(0));

    Ok(())
}

#[test]
#[ignore = "needs an OS keychain session (make test starts one)"]
fn a_restore_keeps_the_replaced_entries_and_records_their_head() -> Result<()> {
    let sandbox = prepared(1)?;
    let passphrase = "a long firm passphrase";
    let backup = sandbox.path().join("firm.casefile-backup");
    let out = sandbox.admin(
        &[
            OsStr::new("backup"),
            OsStr::new("create"),
            backup.as_os_str(),
        ],
        Some(passphrase),
    )?;
    ensure!(out.status.success(), "{}", shown(&out));
    append_blocked(&sandbox, 2)?;
    let before = json_out(&sandbox.admin(&["--json", "audit", "verify"], None)?)?;
    assert_eq!(before["entries"], json!(3));
    let collector = Collector::start(TcpListener::bind("127.0.0.1:0")?, None);
    place_policy(&sandbox, &format!("tcp://{}", collector.address), None)?;

    let restore = [
        OsStr::new("backup"),
        OsStr::new("restore"),
        backup.as_os_str(),
    ];
    let refused = sandbox.admin(&restore, Some(passphrase))?;
    ensure!(
        !refused.status.success(),
        "a restore replaced a workspace without --replace"
    );
    let mut replace = restore.to_vec();
    replace.push(OsStr::new("--replace"));
    let out = sandbox.admin(&replace, Some(passphrase))?;
    ensure!(out.status.success(), "{}", shown(&out));

    let after =
        json_out(&sandbox.admin(&["--json", "audit", "export", "--format", "json"], None)?)?;
    let entries = after["entries"].as_array().context("entries")?;
    assert_eq!(entries.len(), 2, "the backup's entry, then the restore");
    assert_eq!(entries[1]["entry"], json!("restore"));
    assert_eq!(
        entries[1]["outcome"],
        json!(format!(
            "restored: replaced seq 3 entry_hash {}",
            before["last_hash"].as_str().unwrap()
        ))
    );
    let kept: Vec<PathBuf> = std::fs::read_dir(sandbox.locations().data_dir)?
        .flatten()
        .map(|f| f.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("audit-replaced-")
        })
        .collect();
    assert_eq!(kept.len(), 1);
    let replaced: Value = serde_json::from_slice(&std::fs::read(&kept[0])?)?;
    assert_eq!(replaced["entries"].as_array().unwrap().len(), 3);
    assert_eq!(replaced["entries"][2]["entry_hash"], before["last_hash"]);

    // The collector holds the three replaced entries, then the restored log: its first entry
    // again (the backup's copy was never marked as sent: at least once, same hash) and the
    // restore.
    let received = collector.received(5)?;
    let kinds: Vec<&str> = received.iter().map(|r| r.msgid.as_str()).collect();
    assert_eq!(
        kinds,
        ["blocked", "blocked", "blocked", "blocked", "restore"]
    );
    assert_eq!(received[3].structured_data, received[0].structured_data);
    assert!(
        received[..3]
            .iter()
            .zip(replaced["entries"].as_array().unwrap())
            .all(
                |(r, e)| serde_json::from_str::<Value>(&r.msg).unwrap()["entry_hash"]
                    == e["entry_hash"]
            )
    );
    Ok(())
}
