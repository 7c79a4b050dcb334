//! `casefile-admin`: the command line an MSP admin scripts to set up Casefile on many desktops.
//!
//! Exit codes (stable; scripts rely on them):
//!   0  success
//!   1  unexpected internal error (see the log file)
//!   2  invalid usage or input
//!   3  the named item does not exist
//!   4  the OS keychain is unreachable or refused access
//!   5  the workspace folder cannot be used
//!   6  the case database cannot be used (damaged, or its key does not open it)
//!   7  the workspace was written by a newer version of Casefile
//!   8  an import finished, but some lines failed (each is reported)

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use casefile_core::paths::{DATA_DIR_ENV, Locations};
use casefile_core::secrets::{Secret, SecretName, off_thread};
use casefile_core::store::SearchFilter;
use casefile_core::workspace::{KeychainStatus, Workspace};
use casefile_core::{Error, ErrorCode, logging};
use clap::{Parser, Subcommand};
use serde_json::json;

#[derive(Parser)]
#[command(
    name = "casefile-admin",
    version,
    about = "Set up and inspect Casefile on this desktop"
)]
#[command(
    after_help = "Exit codes: 0 success, 1 internal error, 2 invalid usage or input, \
    3 not found, 4 keychain unreachable or refused, 5 workspace folder unusable, \
    6 case database unusable, 7 workspace from a newer Casefile, \
    8 import finished with failed lines."
)]
struct Cli {
    /// Workspace folder (default: the OS per-user data folder).
    #[arg(long, global = true, value_name = "DIR", env = DATA_DIR_ENV)]
    data_dir: Option<PathBuf>,

    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show the version, the workspace and log folders, and whether the keychain is reachable.
    Status,
    /// Manage credentials in the OS keychain. Values are never printed.
    #[command(subcommand)]
    Secret(SecretCommand),
    #[command(flatten)]
    Store(StoreCommand),
    /// Encrypted backups of the case database, keyed by a passphrase the firm keeps (read from
    /// standard input, or asked for without echo on a terminal).
    #[command(subcommand)]
    Backup(BackupCommand),
}

#[derive(Subcommand)]
enum BackupCommand {
    /// Write an encrypted backup to FILE (which must not exist).
    Create { file: PathBuf },
    /// Restore FILE into an empty workspace folder (see --data-dir). A wrong passphrase writes nothing.
    Restore { file: PathBuf },
}

/// Commands on the case database.
#[derive(Subcommand)]
enum StoreCommand {
    /// Import contacts, matters and notes from a JSON Lines file (one record per line).
    ///
    /// Records carry their own `id`: importing again updates them, never duplicates them, so an
    /// interrupted import is completed by running it again. Bad lines are reported with their
    /// line number and skipped; the rest is imported.
    #[command(after_help = "Record shapes (fields beyond these are ignored):\n  \
        {\"type\":\"contact\",\"id\":\"C-1\",\"kind\":\"person|institution\",\"given_name\":…,\"middle_name\":…,\"family_name\":…,\n   \
         \"institution_name\":…,\"other_names\":[…],\"a_number\":…,\"date_of_birth\":…,\"country_of_birth\":…,\n   \
         \"preferred_language\":…,\"jurisdiction\":\"US|EU|UK|CA|other\"}\n  \
        {\"type\":\"matter\",\"id\":\"M-1\",\"client_id\":\"C-1\",\"title\":…,\"number\":…,\"description\":…}\n  \
        {\"type\":\"note\",\"id\":\"N-1\",\"matter_id\":\"M-1\",\"body\":…,\"title\":…,\"created_at\":\"RFC 3339\"}")]
    Import { file: PathBuf },
    /// Search notes, matters and contacts as the app's search box does.
    Search {
        query: String,
        /// Most hits to show.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Check the case database's integrity and count its records. Exit 6 if it is damaged.
    Check,
}

#[derive(Subcommand)]
enum SecretCommand {
    /// Store a secret. The value is read from standard input (one trailing newline removed),
    /// or asked for without echo when standard input is a terminal.
    Set { name: String },
    /// Exit 0 if the secret is set, 3 if it is not. Never prints the value.
    Check { name: String },
    /// Remove a secret. Exit 3 if there was none.
    Delete { name: String },
}

/// What a command prints on success: a text line and its JSON form.
struct Report {
    text: String,
    json: serde_json::Value,
    exit: ExitCode,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let locations = match Locations::resolve(cli.data_dir.clone()) {
        Ok(loc) => loc,
        Err(e) => return fail(&e, cli.json),
    };
    let _log = logging::init(&locations.log_dir, "casefile-admin", &locations.log_filter)
        .inspect_err(|e| eprintln!("warning: running without a log file: {e}"))
        .ok();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&Error::Internal(format!("cannot start: {e}")), cli.json),
    };
    match runtime.block_on(run(cli.command, locations)) {
        Ok(report) => {
            if cli.json {
                println!("{}", report.json);
            } else {
                println!("{}", report.text);
            }
            report.exit
        }
        Err(e) => fail(&e, cli.json),
    }
}

async fn run(command: Command, locations: Locations) -> casefile_core::Result<Report> {
    let workspace = Workspace::open(locations)?;
    match command {
        Command::Status => Ok(status(&workspace).await),
        Command::Secret(command) => secret(&workspace, command).await,
        // The store blocks on disk and keychain: keep it off the async workers.
        Command::Store(command) => off_async(move || case_store(&workspace, command)).await,
        Command::Backup(command) => off_async(move || backup(&workspace, command)).await,
    }
}

async fn off_async<F>(call: F) -> casefile_core::Result<Report>
where
    F: FnOnce() -> casefile_core::Result<Report> + Send + 'static,
{
    tokio::task::spawn_blocking(call)
        .await
        .map_err(|e| Error::Internal(format!("command failed: {e}")))?
}

fn backup(workspace: &Workspace, command: BackupCommand) -> casefile_core::Result<Report> {
    let passphrase = read_secret_value("The backup passphrase")?;
    match command {
        BackupCommand::Create { file } => {
            workspace.open_store()?.backup_to(&file, &passphrase)?;
            Ok(Report {
                text: format!("Backup written to {}.", file.display()),
                json: json!({ "file": file, "created": true }),
                exit: ExitCode::SUCCESS,
            })
        }
        BackupCommand::Restore { file } => {
            let health = workspace.restore_backup(&file, &passphrase)?.check()?;
            Ok(Report {
                text: format!(
                    "Restored {} into {}: {} contacts, {} matters, {} notes.",
                    file.display(),
                    workspace.locations().data_dir.display(),
                    health.contacts,
                    health.matters,
                    health.notes
                ),
                json: serde_json::to_value(&health).unwrap_or_default(),
                exit: ExitCode::SUCCESS,
            })
        }
    }
}

fn case_store(workspace: &Workspace, command: StoreCommand) -> casefile_core::Result<Report> {
    let mut store = workspace.open_store()?;
    match command {
        StoreCommand::Import { file } => {
            let input = std::fs::File::open(&file)
                .map_err(|e| Error::InvalidInput(format!("cannot read {}: {e}", file.display())))?;
            let show_progress = std::io::stderr().is_terminal();
            let report =
                store.import_jsonl(
                    std::io::BufReader::new(input),
                    |done, failure| match failure {
                        Some(f) => eprintln!("line {}: {}", f.line, f.reason),
                        None if show_progress => eprint!("\r{done} lines read"),
                        None => {}
                    },
                )?;
            if show_progress {
                eprintln!();
            }
            Ok(Report {
                text: format!(
                    "{} lines: {} created, {} updated, {} unchanged, {} failed.",
                    report.lines,
                    report.created,
                    report.updated,
                    report.unchanged,
                    report.failed.len()
                ),
                exit: if report.failed.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(8)
                },
                json: serde_json::to_value(&report).unwrap_or_default(),
            })
        }
        StoreCommand::Search { query, limit } => {
            let filter = SearchFilter {
                limit,
                ..SearchFilter::default()
            };
            let hits = store.search(&query, &filter)?;
            let text = if hits.is_empty() {
                "No matches.".to_owned()
            } else {
                hits.iter()
                    .map(|h| {
                        let snippet: String = h
                            .snippet
                            .iter()
                            .map(|s| {
                                if s.highlight {
                                    format!("[{}]", s.text)
                                } else {
                                    s.text.clone()
                                }
                            })
                            .collect();
                        format!(
                            "{:?} {}  {}\n    {}",
                            h.kind,
                            h.id,
                            h.title,
                            snippet.replace('\n', " ")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            Ok(Report {
                text,
                json: serde_json::to_value(&hits).unwrap_or_default(),
                exit: ExitCode::SUCCESS,
            })
        }
        StoreCommand::Check => {
            let health = store.check()?;
            let sound = health.integrity == "ok";
            Ok(Report {
                text: format!(
                    "Integrity: {}\nData format: {}\nContacts: {}\nMatters: {}\nNotes: {}\nRevisions: {}",
                    health.integrity,
                    health.schema_version,
                    health.contacts,
                    health.matters,
                    health.notes,
                    health.revisions
                ),
                json: serde_json::to_value(&health).unwrap_or_default(),
                exit: if sound {
                    ExitCode::SUCCESS
                } else {
                    exit_code(ErrorCode::Database)
                },
            })
        }
    }
}

async fn status(workspace: &Workspace) -> Report {
    let status = workspace.status().await;
    let (keychain_line, exit) = match &status.keychain {
        KeychainStatus::Reachable { service } => {
            (format!("reachable (service {service})"), ExitCode::SUCCESS)
        }
        KeychainStatus::Unreachable { code, message } => {
            (format!("UNREACHABLE: {message}"), exit_code(*code))
        }
    };
    Report {
        text: format!(
            "Casefile {}\nWorkspace: {}\nLogs:      {}\nKeychain:  {keychain_line}",
            status.app_version, status.data_dir, status.log_dir
        ),
        json: serde_json::to_value(&status).unwrap_or_default(),
        exit,
    }
}

async fn secret(workspace: &Workspace, command: SecretCommand) -> casefile_core::Result<Report> {
    let service = workspace.locations().keychain_service.clone();
    let store = workspace.secrets();
    match command {
        SecretCommand::Set { name } => {
            let name = SecretName::new(&name)?;
            let value = read_secret_value(&format!("The value for {name}"))?;
            let stored = name.clone();
            off_thread(store, move |s| s.set(&stored, &value)).await?;
            Ok(Report {
                text: format!("Stored {name} in the OS keychain (service {service})."),
                json: json!({ "name": name.as_str(), "stored": true }),
                exit: ExitCode::SUCCESS,
            })
        }
        SecretCommand::Check { name } => {
            let name = SecretName::new(&name)?;
            let looked_up = name.clone();
            let set = off_thread(store, move |s| s.get(&looked_up))
                .await?
                .is_some();
            Ok(Report {
                text: format!("{name} is {}.", if set { "set" } else { "not set" }),
                json: json!({ "name": name.as_str(), "set": set }),
                exit: if set {
                    ExitCode::SUCCESS
                } else {
                    exit_code(ErrorCode::NotFound)
                },
            })
        }
        SecretCommand::Delete { name } => {
            let name = SecretName::new(&name)?;
            let removed = name.clone();
            if !off_thread(store, move |s| s.delete(&removed)).await? {
                return Err(Error::NotFound(format!(
                    "No secret named {name} is stored."
                )));
            }
            Ok(Report {
                text: format!("Removed {name} from the OS keychain."),
                json: json!({ "name": name.as_str(), "deleted": true }),
                exit: ExitCode::SUCCESS,
            })
        }
    }
}

/// Reads a secret from standard input (one trailing newline removed), or asks for it without
/// echo on a terminal. `what` names it in the prompt and in errors.
fn read_secret_value(what: &str) -> casefile_core::Result<Secret> {
    let value = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("{what} (not shown): "))
            .map_err(|e| Error::InvalidInput(format!("could not read the value: {e}")))?
    } else {
        let mut value = String::new();
        std::io::stdin()
            .read_to_string(&mut value)
            .map_err(|e| Error::InvalidInput(format!("standard input is not UTF-8 text: {e}")))?;
        let trimmed = value.strip_suffix('\n').unwrap_or(&value);
        trimmed.strip_suffix('\r').unwrap_or(trimmed).to_owned()
    };
    if value.is_empty() {
        return Err(Error::InvalidInput(format!(
            "{what} is empty; nothing was done."
        )));
    }
    Ok(Secret::new(value))
}

fn exit_code(code: ErrorCode) -> ExitCode {
    ExitCode::from(match code {
        ErrorCode::Internal => 1,
        ErrorCode::InvalidInput => 2,
        ErrorCode::NotFound => 3,
        ErrorCode::KeychainUnavailable | ErrorCode::KeychainAccessDenied => 4,
        ErrorCode::Storage => 5,
        ErrorCode::Database => 6,
        ErrorCode::NewerVersion => 7,
    })
}

fn fail(error: &Error, as_json: bool) -> ExitCode {
    tracing::warn!(code = ?error.code(), %error, "command failed");
    if as_json {
        eprintln!(
            "{}",
            json!({ "error": { "code": error.code(), "message": error.to_string() } })
        );
    } else {
        eprintln!("error: {error}");
    }
    exit_code(error.code())
}
