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
//!   9  the AI provider refused or failed the request (the message says why)
//!  10  the firm's managed policy forbids it, or the policy file is invalid (which blocks every
//!      send); the message names the rule or the file, place and reason
//!  11  `audit verify`: the audit log's hash chain is broken (the first broken entry is named)
//!  12  the matter is under legal hold, which blocks deleting its drafts (the hold is named)
//!  13  `audit forward`: the firm's audit collector cannot be reached (the entries wait)

mod audit;
mod config;
mod consent;
mod draft;
mod export;
mod retention;

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use casefile_core::audit::{self as audit_log, AuditedSend, Outcome, Purpose};
use casefile_core::paths::{DATA_DIR_ENV, Locations};
use casefile_core::policy::{
    EffectivePolicy, PolicyState, PolicyStatus, PreparedSend, ProfileEntry, SendSubject,
    SettingSource,
};
use casefile_core::providers::{
    ChatRequest, Credential, DataProcessing, Message, ModelLimits, ProviderClient, ProviderError,
    ProviderKind, ProviderProfile, RetentionMode, StopReason, StreamEvent,
};
use casefile_core::secrets::Secret;
use casefile_core::store::{DATABASE_FILE, ImportFailure, Jurisdiction, Kind, SearchFilter};
use casefile_core::workspace::{KeychainStatus, SharedStore, Workspace};
use casefile_core::{Error, ErrorCode, logging};
use clap::{Parser, Subcommand};
use futures_util::StreamExt;
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
    8 import finished with failed lines, 9 the AI provider refused or failed, \
    10 blocked by the firm's managed policy (or the policy file is invalid), \
    11 the audit log's hash chain is broken, 12 the matter is under legal hold, 13 the audit \
    collector cannot be reached."
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
    /// AI provider profiles: where drafts are sent, and the facts about how the provider
    /// handles the firm's data. Credentials are set separately (`secret set`).
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// A profile's credentials, and the values of its credential headers (`header:NAME`), kept
    /// only in the OS keychain. Values are never printed.
    #[command(subcommand)]
    Secret(SecretCommand),
    #[command(flatten)]
    Store(StoreCommand),
    /// Send a prompt through profile NAME and stream the answer to standard output as it
    /// arrives; usage goes to standard error at the end. With --json, prints one JSON object
    /// when the answer is complete.
    Ask {
        name: String,
        #[arg(long)]
        prompt: String,
        #[arg(long)]
        system: Option<String>,
        #[arg(long)]
        max_tokens: Option<u32>,
        /// The client the prompt is about: its internal id or the id it was imported under.
        /// The policy's mapping of the client's jurisdiction to regions applies to the send.
        #[arg(long, value_name = "CLIENT", conflicts_with = "jurisdiction")]
        client: Option<String>,
        /// A jurisdiction (US, EU, UK, CA or other) to apply instead of a client's, for a
        /// prompt about no recorded client.
        #[arg(long, value_parser = parse_jurisdiction)]
        jurisdiction: Option<Jurisdiction>,
    },
    /// The firm's managed policy: check a policy file before placing it, and show the
    /// configuration in force on this desktop.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// This desktop's settings and provider profiles as a file, to apply on other desktops
    /// (never a credential).
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Encrypted backups of the case database, keyed by a passphrase the firm keeps (read from
    /// standard input, or asked for without echo on a terminal).
    #[command(subcommand)]
    Backup(BackupCommand),
    /// Draft a document for MATTER from a template: the record sections filled on this
    /// computer, the others by the AI provider (policy, consent, redaction and the audit log
    /// apply as in the app), or all from the record with --offline. Prints the draft with its
    /// review banner and provenance; a draft cut short is kept and exits with its error's code.
    /// `draft delete ID` deletes a draft instead.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Draft(Box<draft::DraftArgs>),
    /// Drafting templates.
    #[command(subcommand)]
    Template(draft::TemplateCommand),
    /// Export a matter's draft (default: its latest; the case summary is made from the record
    /// when it has none) as docx, pdf, md or json, with its review banner, provenance and
    /// SHA-256; or --all drafts of the matter in one ZIP with a manifest. Refused (exit 10)
    /// for a draft not approved when the policy requires approval before export.
    Export(Box<export::ExportArgs>),
    /// Clients' consent to sending their information to an AI provider: record, list, revoke.
    #[command(subcommand)]
    Consent(consent::ConsentCommand),
    /// The audit log of every request to an AI provider: check its hash chain, export it.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Legal holds: a held matter's drafts are never deleted, by hand or by retention.
    #[command(subcommand)]
    Hold(retention::HoldCommand),
    /// Retention of AI history: delete AI drafts past their period, show or set a matter's.
    #[command(subcommand)]
    Retention(retention::RetentionCommand),
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Check the content of policy FILE before placing it: exit 0 if valid, 2 if not (with the
    /// place, line and column or field, and the reason). Its owner and permissions are checked
    /// where it is placed (`policy effective` says whether the placed file is trusted).
    Validate { file: PathBuf },
    /// Every setting in force on this desktop, its value, who chose it, and whether the policy
    /// locked it and why; the policy's rules and profiles; which policy file was read. Exit 10
    /// when the policy file is invalid (every send is then blocked).
    Effective,
}

fn parse_jurisdiction(value: &str) -> Result<Jurisdiction, String> {
    serde_json::from_value(json!(value))
        .map_err(|_| format!("{value:?} is not one of US, EU, UK, CA, other"))
}

#[derive(Subcommand)]
enum BackupCommand {
    /// Write an encrypted backup to FILE (which must not exist).
    Create { file: PathBuf },
    /// Restore FILE into an empty workspace folder (see --data-dir). A wrong passphrase writes nothing.
    Restore {
        file: PathBuf,
        /// Replace the workspace in the folder: its audit log is first written beside it
        /// (audit-replaced-STAMP.json) and sent to the firm's collector, and the restored log
        /// records the restore and the log it replaced.
        #[arg(long)]
        replace: bool,
    },
}

/// Commands on the case database.
#[derive(Subcommand)]
enum StoreCommand {
    /// Import contacts, matters and notes from a JSON Lines file (one record per line), or
    /// contacts from a CSV file with a header row.
    ///
    /// Records carry their own `id`: importing again updates them, never duplicates them, so an
    /// interrupted import is completed by running it again. A contact or matter line is the
    /// whole record, checked as the app checks a save: a field left out is emptied. Bad lines
    /// are reported with their line number and the field at fault, and nothing of them is
    /// written; the rest is imported.
    #[command(after_help = import_help())]
    Import {
        file: PathBuf,
        /// The file's format; by default, csv for a FILE ending in .csv, jsonl otherwise.
        #[arg(long, value_enum)]
        format: Option<ImportFormat>,
    },
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

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ImportFormat {
    /// JSON Lines: contacts, matters and notes, one per line.
    Jsonl,
    /// Contacts only, one per row, under a header row.
    Csv,
}

impl ImportFormat {
    fn of(file: &std::path::Path) -> Self {
        let csv = file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if csv { Self::Csv } else { Self::Jsonl }
    }
}

fn import_help() -> String {
    // The CSV columns, wrapped as the rest of the help is.
    let mut columns = String::from(" ");
    let mut width = 1;
    for name in casefile_core::store::csv_columns() {
        if width + name.len() > 92 {
            columns.push_str("\n ");
            width = 1;
        }
        columns.push(' ');
        columns.push_str(name);
        width += name.len() + 1;
    }
    format!(
        "{IMPORT_HELP}

CSV (contacts only): a header row naming some of these columns, in any order:
{columns}
The passport_*, i94_*, address_*, phone and email columns fill the contact's first passport, its
latest I-94, its first address, phone and e-mail. List cells (other_names, citizenships,
sensitivity_flags, address_lines) separate entries with ';' or line breaks; interpreter_needed
and detained take yes/no or true/false. Cells may be quoted (\"O'Brien, Jr.\"; \"\" inside quotes
is one quote; line breaks allowed). UTF-8 with or without a byte order mark, LF or CRLF. A
column Casefile does not know refuses the file before anything is written. A bad row is
reported by the line it starts on and its column."
    )
}

/// The record shapes `import --help` shows. Keep in step with `store/import.rs`.
const IMPORT_HELP: &str = r#"Record shapes (snake_case names; null is the same as leaving a field out; other fields are ignored):

contact  {"type":"contact", "id":"C-1", "kind":"person"|"institution",
  "given_name", "middle_name", "family_name", "institution_name", "other_names":[…],
  "date_of_birth":"YYYY-MM-DD", "country_of_birth", "citizenships":[…],
  "a_number", "uscis_account_number", "ssn_itin", "sevis_id",
  "passports":[{"number", "country", "issued", "expires"}],
  "latest_i94":{"number", "admission_date", "class", "admit_until":date|"D/S"},
  "addresses":[{"kind":residence|mailing|work|foreign|other, "lines":[…], "city",
                  "region", "postal_code", "country", "from", "to"}],
  "phones":[{"kind":mobile|home|work|other, "number"}],
  "emails":[{"kind":personal|work|other, "address"}],
  "preferred_language", "interpreter_needed":bool, "detained":bool,
  "sensitivity_flags":[asylum|vawa|tu_visa|minor|medical|criminal],
  "jurisdiction":"US"|"EU"|"UK"|"CA"|"other"}

matter   {"type":"matter", "id":"M-1", "client_id":"C-1", "title", "number",
  "description", "matter_type", "firm_status", "agency_status" (verbatim),
  "agency_status_date", "benefit_sought",
  "forum":uscis|eoir|bia|aao|dos_nvc|cbp|federal_court, "category", "priority_date",
  "chargeability", "premium_processing":bool, "responsible_attorney", "next_hearing",
  "parties":[{"contact_id":"C-2", "role":client|petitioner|beneficiary|applicant|
               derivative|sponsor|employer|co_counsel|interpreter}]}
  With "parties", the matter's parties become exactly those; without it they stay as they are.

note     {"type":"note", "id":"N-1", "matter_id":"M-1", "body", "title",
  "created_at":"RFC 3339"}

Dates are YYYY-MM-DD. Contacts come before the matters that name them, matters before their notes."#;

#[derive(Subcommand)]
enum SecretCommand {
    /// Store credential FIELD of profile NAME. The value is read from standard input (one
    /// trailing newline removed), or asked for without echo when standard input is a terminal;
    /// never from the command line, where other users could see it. `header:NAME` stores the
    /// value of a request header (a gateway's subscription key) and has the profile send it.
    Set {
        name: String,
        #[arg(value_parser = parse_credential, help = CREDENTIAL_FIELDS_HELP)]
        field: Credential,
    },
    /// Remove credential FIELD of profile NAME from the keychain (a `header:NAME` is no longer
    /// sent). Exit 3 if it was not set.
    #[command(visible_alias = "delete")]
    Remove {
        name: String,
        #[arg(value_parser = parse_credential, help = CREDENTIAL_FIELDS_HELP)]
        field: Credential,
    },
    /// Which credentials of profile NAME are set, and since when. Never their values.
    Status { name: String },
}

const CREDENTIAL_FIELDS_HELP: &str = "api_key, aws_access_key_id, aws_secret_access_key, \
    aws_session_token, bedrock_api_key, service_account_json, entra_client_secret, or \
    header:NAME for a request header whose value is a credential \
    (e.g. header:Ocp-Apim-Subscription-Key)";

fn parse_credential(value: &str) -> Result<Credential, String> {
    value.parse().map_err(|e: Error| e.to_string())
}

fn parse_provider_kind(value: &str) -> Result<ProviderKind, String> {
    value.parse().map_err(|e: Error| e.to_string())
}

fn parse_header(value: &str) -> Result<(String, String), String> {
    value
        .split_once('=')
        .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
        .ok_or_else(|| format!("{value:?} is not NAME=VALUE"))
}

#[derive(Subcommand)]
enum ProfileCommand {
    #[command(flatten)]
    Settings(ProfileSettingsCommand),
    /// Send a tiny request through NAME: reports latency and the answer, or why it failed and
    /// what to do. Exit 9 when the provider refused or failed.
    Test { name: String },
}

/// Profile commands that only read or change local settings.
#[derive(Subcommand)]
enum ProfileSettingsCommand {
    /// Create a profile (or, with --replace, change an existing one's settings).
    ///
    /// KIND is one of: openai, openai-responses, azure-openai, bedrock, bedrock-openai,
    /// vertex-gemini, vertex-openai, vertex-anthropic, anthropic, openai-compatible.
    Add(Box<ProfileArgs>),
    /// List the profiles; the default one is marked.
    List,
    /// Show one profile's settings and which credentials are set.
    Show { name: String },
    /// Remove a profile and its credentials from the keychain.
    Remove { name: String },
    /// Make NAME the profile drafts use unless another is chosen.
    Default { name: String },
}

#[derive(clap::Args)]
struct ProfileArgs {
    name: String,
    #[arg(long, value_parser = parse_provider_kind)]
    kind: ProviderKind,
    /// A name people recognise, e.g. "Azure OpenAI (Sweden)".
    #[arg(long)]
    display_name: Option<String>,
    /// The provider's endpoint, when not its public default (Azure resource endpoint, private
    /// endpoint, gateway, local server).
    #[arg(long)]
    base_url: Option<String>,
    #[arg(long)]
    model: Option<String>,
    /// Azure deployment name (not the model name).
    #[arg(long)]
    deployment: Option<String>,
    /// Azure api-version for the classic deployment URL; omit it to use the v1 API.
    #[arg(long)]
    api_version: Option<String>,
    /// AWS region, Vertex AI location (global or a region) or the Azure resource's region.
    #[arg(long)]
    region: Option<String>,
    /// Google Cloud project (default: the service account's own project).
    #[arg(long)]
    project: Option<String>,
    /// Entra ID tenant, for Azure sign-in with an app registration.
    #[arg(long)]
    tenant_id: Option<String>,
    /// Entra ID application (client) id.
    #[arg(long)]
    client_id: Option<String>,
    /// Token endpoint override (sovereign clouds).
    #[arg(long)]
    token_url: Option<String>,
    /// Extra request header NAME=VALUE (repeatable) whose value is not a credential, e.g.
    /// X-Team=immigration. A header that carries a key (Ocp-Apim-Subscription-Key, Helicone-Auth,
    /// Authorization…) is refused here: store it with `secret set NAME header:HEADER`.
    #[arg(long = "header", value_parser = parse_header)]
    headers: Vec<(String, String)>,
    /// Where the provider processes prompts, as the contract says, e.g. "EU (Sweden)".
    #[arg(long)]
    processing_region: Option<String>,
    /// unknown, zero-data-retention, abuse-monitoring or provider-default.
    #[arg(long, value_parser = parse_retention)]
    retention: Option<RetentionMode>,
    /// Whether the contract excludes training on the firm's data.
    #[arg(long)]
    no_training: Option<bool>,
    /// The contract or data-processing agreement reference.
    #[arg(long)]
    contract_reference: Option<String>,
    /// The model's context window in tokens (default 128000): drafts larger than it are refused
    /// before sending, with a choice of fewer notes.
    #[arg(long)]
    context_window: Option<u32>,
    /// The longest answer to ask for, in tokens (default 4096).
    #[arg(long)]
    max_output_tokens: Option<u32>,
    /// US dollars per million input tokens, for the cost estimate and per-matter AI cost.
    #[arg(long)]
    input_price: Option<f64>,
    /// US dollars per million output tokens.
    #[arg(long)]
    output_price: Option<f64>,
    /// Make this the default profile.
    #[arg(long)]
    default: bool,
    /// Replace the settings of an existing profile of that name (credentials stay).
    #[arg(long)]
    replace: bool,
}

fn parse_retention(value: &str) -> Result<RetentionMode, String> {
    serde_json::from_value(json!(value)).map_err(|_| {
        format!("{value:?} is not one of unknown, zero-data-retention, abuse-monitoring, provider-default")
    })
}

impl ProfileArgs {
    fn into_profile(self) -> casefile_core::Result<ProviderProfile> {
        let mut profile = ProviderProfile::new(&self.name, self.kind)?;
        profile.display_name = self.display_name;
        profile.base_url = self.base_url;
        profile.model = self.model;
        profile.deployment = self.deployment;
        profile.api_version = self.api_version;
        profile.region = self.region;
        profile.project = self.project;
        profile.tenant_id = self.tenant_id;
        profile.client_id = self.client_id;
        profile.token_url = self.token_url;
        profile.extra_headers = self.headers.into_iter().collect();
        profile.data_processing = DataProcessing {
            processing_region: self.processing_region,
            retention: self.retention.unwrap_or_default(),
            no_training: self.no_training,
            contract_reference: self.contract_reference,
        };
        profile.model_limits = ModelLimits {
            context_window_tokens: self.context_window,
            max_output_tokens: self.max_output_tokens,
            usd_per_million_input_tokens: self.input_price,
            usd_per_million_output_tokens: self.output_price,
        };
        Ok(profile)
    }
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
    casefile_core::paths::warn_if_policy_variable_ignored();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&Error::Internal(format!("cannot start: {e}")), cli.json),
    };
    let appends_audit_entries = cli.command.appends_audit_entries();
    let result = runtime.block_on(run(cli.command, locations.clone(), cli.json));
    if appends_audit_entries && let Ok(workspace) = Workspace::open(locations) {
        runtime.block_on(async move {
            let _ = tokio::task::spawn_blocking(move || audit::forward_briefly(&workspace)).await;
        });
    }
    match result {
        Ok(report) => {
            if cli.json {
                println!("{}", report.json);
            } else if !report.text.is_empty() {
                println!("{}", report.text);
            }
            report.exit
        }
        Err(e) => fail(&e, cli.json),
    }
}

impl Command {
    /// Whether the command may append audit entries (sends, blocked sends, deletions, a
    /// restore), which are then forwarded to the firm's collector.
    fn appends_audit_entries(&self) -> bool {
        matches!(
            self,
            Command::Ask { .. }
                | Command::Profile(ProfileCommand::Test { .. })
                | Command::Draft(_)
                | Command::Retention(_)
                | Command::Backup(BackupCommand::Restore { .. })
        )
    }
}

async fn run(
    command: Command,
    locations: Locations,
    as_json: bool,
) -> casefile_core::Result<Report> {
    let workspace = Workspace::open(locations)?;
    match command {
        Command::Status => Ok(status(&workspace).await),
        Command::Profile(ProfileCommand::Test { name }) => test_profile(workspace, name).await,
        Command::Profile(ProfileCommand::Settings(command)) => {
            off_async(move || profile(&workspace, command)).await
        }
        Command::Ask {
            name,
            prompt,
            system,
            max_tokens,
            client,
            jurisdiction,
        } => {
            let request = ChatRequest {
                system,
                messages: vec![Message::user(prompt)],
                max_tokens,
                ..ChatRequest::default()
            };
            let client = match (client, jurisdiction) {
                (Some(reference), _) => Client::Recorded(reference),
                (None, jurisdiction) => Client::Stated(jurisdiction),
            };
            ask(workspace, name, client, request, as_json).await
        }
        Command::Secret(command) => secret(workspace, command).await,
        Command::Policy(command) => off_async(move || policy(&workspace, command)).await,
        // The store blocks on disk and keychain: keep it off the async workers.
        Command::Store(command) => off_async(move || case_store(&workspace, command)).await,
        Command::Backup(command) => off_async(move || backup(&workspace, command)).await,
        Command::Draft(args) => match args.action {
            Some(action) => off_async(move || retention::draft_action(&workspace, action)).await,
            None => draft::run(workspace, *args, as_json).await,
        },
        Command::Template(command) => {
            off_async(move || draft::templates(&workspace, command)).await
        }
        Command::Export(args) => off_async(move || export::run(&workspace, *args, as_json)).await,
        Command::Config(command) => off_async(move || config::run(&workspace, command)).await,
        Command::Consent(command) => off_async(move || consent::run(&workspace, command)).await,
        Command::Audit(command) => {
            off_async(move || audit::run(&workspace, command, as_json)).await
        }
        Command::Hold(command) => off_async(move || retention::hold(&workspace, command)).await,
        Command::Retention(command) => {
            off_async(move || retention::retention(&workspace, command)).await
        }
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
        BackupCommand::Restore { file, replace } => {
            let health = workspace
                .restore_backup(&file, &passphrase, replace)?
                .check()?;
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
        StoreCommand::Import { file, format } => {
            let format = format.unwrap_or_else(|| ImportFormat::of(&file));
            let input = std::fs::File::open(&file)
                .map_err(|e| Error::InvalidInput(format!("cannot read {}: {e}", file.display())))?;
            let input = std::io::BufReader::new(input);
            let show_progress = std::io::stderr().is_terminal();
            let units = match format {
                ImportFormat::Jsonl => "lines",
                ImportFormat::Csv => "rows",
            };
            let progress = |done: usize, failure: Option<&ImportFailure>| match failure {
                Some(f) => eprintln!("line {}: {}", f.line, f.reason),
                None if show_progress => eprint!("\r{done} {units} read"),
                None => {}
            };
            let report = match format {
                ImportFormat::Jsonl => store.import_jsonl(input, progress)?,
                ImportFormat::Csv => store.import_csv(input, progress)?,
            };
            if show_progress {
                eprintln!();
            }
            Ok(Report {
                text: format!(
                    "{} {units}: {} created, {} updated, {} unchanged, {} failed.",
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

fn profile(
    workspace: &Workspace,
    command: ProfileSettingsCommand,
) -> casefile_core::Result<Report> {
    let mut store = workspace.open_store()?;
    let done = |text: String, json: serde_json::Value| Report {
        text,
        json,
        exit: ExitCode::SUCCESS,
    };
    match command {
        ProfileSettingsCommand::Add(args) => {
            let (replace, make_default) = (args.replace, args.default);
            let profile = args.into_profile()?;
            workspace.save_profile(&mut store, &profile, replace, make_default)?;
            let saved = entry(workspace, &store, &profile.name)?;
            let needs: Vec<_> = profile
                .kind
                .credential_fields()
                .iter()
                .map(|f| f.as_str())
                .collect();
            Ok(done(
                format!(
                    "Saved profile {}{}. Set its credentials with: casefile-admin secret set {} \
                     FIELD (FIELD: {}, or header:NAME for a gateway's key header).",
                    profile.name,
                    if saved.is_default { " (default)" } else { "" },
                    profile.name,
                    needs.join(" or ")
                ),
                serde_json::to_value(&saved).unwrap_or_default(),
            ))
        }
        ProfileSettingsCommand::List => {
            let profiles = workspace.profile_entries(&store)?;
            let text = if profiles.is_empty() {
                "No profiles. Add one with: casefile-admin profile add NAME --kind KIND …"
                    .to_owned()
            } else {
                profiles
                    .iter()
                    .map(|p| {
                        let mut line = format!(
                            "{} {:<24} {:<18} {}{}",
                            if p.is_default { "*" } else { " " },
                            p.profile.name,
                            p.profile.kind,
                            target_of(&p.profile),
                            if p.managed {
                                "  [managed by your IT provider]"
                            } else {
                                ""
                            }
                        );
                        if let Some(why) = &p.blocked {
                            line.push_str(&format!("\n    BLOCKED: {why}"));
                        }
                        line
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            Ok(done(
                text,
                serde_json::to_value(&profiles).unwrap_or_default(),
            ))
        }
        ProfileSettingsCommand::Show { name } => {
            let stored = entry(workspace, &store, &name)?;
            Ok(done(
                describe(&stored),
                serde_json::to_value(&stored).unwrap_or_default(),
            ))
        }
        ProfileSettingsCommand::Remove { name } => {
            workspace.remove_profile(&mut store, &name)?;
            Ok(done(
                format!("Removed profile {name} and its credentials."),
                json!({ "name": name, "removed": true }),
            ))
        }
        ProfileSettingsCommand::Default { name } => {
            workspace.set_default_profile(&mut store, &name)?;
            Ok(done(
                format!("{name} is now the default profile."),
                json!({ "name": name, "default": true }),
            ))
        }
    }
}

/// Whose data a send carries, for the policy's jurisdiction rules.
enum Client {
    /// A client in the case store (internal or imported id): its recorded jurisdiction applies.
    Recorded(String),
    /// A jurisdiction given on the command line, or none (only the firm-wide rules apply).
    Stated(Option<Jurisdiction>),
}

/// The profile and its credentials, cleared by the managed policy read just now (for `client`'s
/// jurisdiction and consent), and the audited send it will be, off the async workers. A blocked
/// send reads no credential, and is written to the audit log as blocked.
async fn prepare_send(
    workspace: Workspace,
    name: String,
    client: Client,
    purpose: Purpose,
) -> casefile_core::Result<(PreparedSend, AuditedSend)> {
    let workspace = Arc::new(workspace);
    let store = SharedStore::new(workspace.clone());
    let (prepared, _, attempt) = store
        .call(move |s| {
            let subject = match client {
                Client::Recorded(reference) => SendSubject {
                    client_id: Some(s.resolve(Kind::Contact, &reference)?),
                    ..SendSubject::default()
                },
                Client::Stated(jurisdiction) => SendSubject {
                    jurisdiction,
                    ..SendSubject::default()
                },
            };
            workspace.prepare_audited_send(s, purpose, &name, &subject)
        })
        .await?;
    Ok((prepared, AuditedSend::new(&store, attempt)))
}

/// One profile as listed (the policy's or the user's).
fn entry(
    workspace: &Workspace,
    store: &casefile_core::store::Store,
    name: &str,
) -> casefile_core::Result<ProfileEntry> {
    workspace
        .profile_entries(store)?
        .into_iter()
        .find(|p| p.profile.name == name)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "No provider profile named {name:?}. List them with casefile-admin profile list."
            ))
        })
}

async fn test_profile(workspace: Workspace, name: String) -> casefile_core::Result<Report> {
    let store = SharedStore::new(Arc::new(workspace));
    let report = store.test_connection(name.clone()).await?;
    let text = match &report.failure {
        None => format!(
            "{}: OK in {} ms (first text after {} ms). The model answered: {:?}",
            name,
            report.total_ms,
            report.first_text_ms.unwrap_or(report.total_ms),
            report.reply.trim()
        ),
        Some(failure) => format!(
            "{}: FAILED after {} ms ({}): {}",
            name,
            report.total_ms,
            serde_json::to_value(failure.kind)
                .unwrap_or_default()
                .as_str()
                .unwrap_or("error"),
            failure.message
        ),
    };
    Ok(Report {
        text,
        json: serde_json::to_value(&report).unwrap_or_default(),
        exit: if report.ok {
            ExitCode::SUCCESS
        } else {
            exit_code(ErrorCode::Provider)
        },
    })
}

async fn ask(
    workspace: Workspace,
    name: String,
    client: Client,
    request: ChatRequest,
    as_json: bool,
) -> casefile_core::Result<Report> {
    use std::io::Write;
    let (prepared, audited) = prepare_send(workspace, name, client, Purpose::Ask).await?;
    let PreparedSend {
        profile,
        credentials,
        transport,
        clearance,
    } = prepared;
    if let (Some(exception), false) = (&clearance.exception, as_json) {
        eprintln!("note: allowed by the policy's exception {exception:?}");
    }
    let client = ProviderClient::new(&transport)?;
    let (mut text, mut usage, mut stop) = (String::new(), None, None);
    let streamed = async {
        let mut stream = client
            .stream_recorded(&profile, &credentials, &request, audited.exchange())
            .await?;
        while let Some(event) = stream.next().await {
            match event? {
                StreamEvent::TextDelta { text: delta } => {
                    if !as_json {
                        print!("{delta}");
                        // The point of streaming is to see the answer grow: flush every piece.
                        let _ = std::io::stdout().flush();
                    }
                    text.push_str(&delta);
                }
                StreamEvent::Usage { usage: u } => usage = Some(u),
                StreamEvent::Stop { reason } => stop = Some(reason),
                StreamEvent::Annotation { .. } => {}
            }
        }
        Ok::<(), ProviderError>(())
    }
    .await;
    let outcome = match &streamed {
        Ok(()) => Outcome::Completed,
        Err(e) => audit_log::failed(e.kind()),
    };
    audited.finish(outcome, usage).await?;
    streamed?;
    let usage = usage.unwrap_or_default();
    let warning = match &stop {
        Some(StopReason::MaxTokens) => {
            Some("the answer was cut short at the token limit (raise --max-tokens)")
        }
        Some(StopReason::ContentFilter) => {
            Some("the provider's content filter withheld the rest of the answer")
        }
        _ => None,
    };
    if !as_json {
        println!();
        eprintln!(
            "usage: {} input tokens, {} output tokens",
            usage.input_tokens, usage.output_tokens
        );
        if let Some(warning) = warning {
            eprintln!("warning: {warning}");
        }
    }
    Ok(Report {
        text: String::new(),
        json: json!({ "text": text, "usage": usage, "stop": stop, "warning": warning, "policy_exception": clearance.exception }),
        exit: ExitCode::SUCCESS,
    })
}

/// Where a profile sends requests, in one line.
fn target_of(profile: &ProviderProfile) -> String {
    let what = profile
        .deployment
        .as_deref()
        .or(profile.model.as_deref())
        .unwrap_or("-");
    match (&profile.region, &profile.base_url) {
        (_, Some(url)) => format!("{what} at {url}"),
        (Some(region), None) => format!("{what} in {region}"),
        (None, None) => what.to_owned(),
    }
}

fn describe(stored: &ProfileEntry) -> String {
    let p = &stored.profile;
    let facts = &p.data_processing;
    let mut lines = vec![
        format!(
            "Profile:     {}{}{}",
            p.name,
            if stored.is_default { " (default)" } else { "" },
            if stored.managed {
                " (managed by your IT provider)"
            } else {
                ""
            }
        ),
        format!("Kind:        {}", p.kind),
    ];
    let optional = [
        ("Name", &p.display_name),
        ("Endpoint", &p.base_url),
        ("Region", &p.region),
        ("Model", &p.model),
        ("Deployment", &p.deployment),
        ("API version", &p.api_version),
        ("Project", &p.project),
        ("Tenant id", &p.tenant_id),
        ("Client id", &p.client_id),
        ("Token URL", &p.token_url),
    ];
    for (label, value) in optional {
        if let Some(value) = value {
            lines.push(format!("{:<13}{value}", format!("{label}:")));
        }
    }
    for name in p.extra_headers.keys() {
        lines.push(format!("Header:      {name} (value not shown)"));
    }
    lines.push(format!(
        "Processing:  {}; retention {}; training on firm data {}; contract {}",
        facts
            .processing_region
            .as_deref()
            .unwrap_or("region not recorded"),
        serde_json::to_value(facts.retention)
            .unwrap_or_default()
            .as_str()
            .unwrap_or("unknown"),
        match facts.no_training {
            Some(true) => "excluded",
            Some(false) => "NOT excluded",
            None => "not recorded",
        },
        facts
            .contract_reference
            .as_deref()
            .unwrap_or("not recorded"),
    ));
    lines.push(credential_lines(stored));
    if let Some(why) = &stored.blocked {
        lines.push(format!("BLOCKED:     {why}"));
    }
    lines.join("\n")
}

/// Each credential the profile's kind can use and each of its keychain headers: set (and when)
/// or not.
fn credential_lines(stored: &ProfileEntry) -> String {
    let fields = stored
        .credential_fields
        .iter()
        .copied()
        .map(Credential::Field);
    let headers = (stored.profile.keychain_headers.iter().cloned()).map(Credential::Header);
    fields
        .chain(headers)
        .map(|credential| {
            let set = stored.credentials.iter().find(|c| c.field == credential);
            let name = credential.to_string();
            match set {
                Some(c) => format!("  {name:<22} set on {}", c.set_at),
                None => format!("  {name:<22} not set"),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        .replacen("  ", "Credentials:\n  ", 1)
}

async fn secret(workspace: Workspace, command: SecretCommand) -> casefile_core::Result<Report> {
    off_async(move || match command {
        SecretCommand::Set { name, field } => {
            // Read the value first: a refused value must not touch the keychain or the database.
            let value = read_secret_value(&format!("The {field} of profile {name}"))?;
            workspace.set_credential(&mut workspace.open_store()?, &name, field.clone(), &value)?;
            Ok(Report {
                text: format!(
                    "Stored {field} of profile {name} in the OS keychain (service {}).",
                    workspace.locations().keychain_service
                ),
                json: json!({ "name": name, "field": field, "stored": true }),
                exit: ExitCode::SUCCESS,
            })
        }
        SecretCommand::Remove { name, field } => {
            workspace.remove_credential(&mut workspace.open_store()?, &name, field.clone())?;
            Ok(Report {
                text: format!("Removed {field} of profile {name} from the OS keychain."),
                json: json!({ "name": name, "field": field, "removed": true }),
                exit: ExitCode::SUCCESS,
            })
        }
        SecretCommand::Status { name } => {
            let stored = entry(&workspace, &workspace.open_store()?, &name)?;
            Ok(Report {
                text: credential_lines(&stored),
                json: json!({ "name": name, "credentials": stored.credentials }),
                exit: ExitCode::SUCCESS,
            })
        }
    })
    .await
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
        ErrorCode::Provider => 9,
        ErrorCode::PolicyBlocked => 10,
        ErrorCode::LegalHold => 12,
    })
}

fn fail(error: &Error, as_json: bool) -> ExitCode {
    error.log("command failed");
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

fn policy(workspace: &Workspace, command: PolicyCommand) -> casefile_core::Result<Report> {
    match command {
        PolicyCommand::Validate { file } => {
            let state = match PolicyState::check_draft(&file) {
                PolicyState::Absent { .. } => {
                    return Err(Error::InvalidInput(format!(
                        "{} does not exist.",
                        file.display()
                    )));
                }
                state => state,
            };
            Ok(match state {
                PolicyState::Invalid {
                    path,
                    location,
                    reason,
                } => Report {
                    text: format!("{}: INVALID at {location}: {reason}", path.display()),
                    json: json!({ "file": path, "valid": false, "location": location, "reason": reason }),
                    exit: exit_code(ErrorCode::InvalidInput),
                },
                PolicyState::Valid { path, policy } => Report {
                    text: format!(
                        "{}: valid (version {}, {} profiles, {} locked settings).",
                        path.display(),
                        policy.version,
                        policy.profiles.len(),
                        policy.locks.len()
                    ),
                    json: json!({ "file": path, "valid": true }),
                    exit: ExitCode::SUCCESS,
                },
                PolicyState::Absent { .. } => unreachable!("handled above"),
            })
        }
        PolicyCommand::Effective => {
            // The default profile lives in the case store; a desktop without one yet has none.
            let store = if workspace.locations().data_dir.join(DATABASE_FILE).exists() {
                Some(workspace.open_store()?)
            } else {
                None
            };
            let effective = workspace.effective_policy(store.as_ref())?;
            Ok(Report {
                text: describe_effective(&effective),
                json: serde_json::to_value(&effective).unwrap_or_default(),
                exit: if effective.is_invalid() {
                    exit_code(ErrorCode::PolicyBlocked)
                } else {
                    ExitCode::SUCCESS
                },
            })
        }
    }
}

fn describe_effective(effective: &EffectivePolicy) -> String {
    let file = effective.policy_file().display();
    let mut lines = vec![match &effective.status {
        PolicyStatus::Absent => format!("Policy file: {file} (not present: the user decides)"),
        PolicyStatus::Valid => format!("Policy file: {file} (valid)"),
        PolicyStatus::Invalid { location, reason } => format!(
            "Policy file: {file} is INVALID at {location}: {reason}\nEvery send is blocked until \
             it is fixed."
        ),
    }];
    lines.push("Settings:".to_owned());
    for setting in &effective.settings {
        let who = match (setting.locked, setting.source) {
            (true, _) => format!(
                "locked by policy: {}{}",
                setting.reason.as_deref().unwrap_or(""),
                setting
                    .overridden_user_value
                    .as_ref()
                    .map(|mine| format!(" (the user's {mine} is not used)"))
                    .unwrap_or_default()
            ),
            (false, SettingSource::Policy) => "policy default (may be changed)".to_owned(),
            (false, SettingSource::User) => "user".to_owned(),
            (false, SettingSource::BuiltIn) => "built in".to_owned(),
        };
        let value = match &setting.value {
            serde_json::Value::Null => "(none)".to_owned(),
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        lines.push(format!(
            "  {:<31} {:<34} {who}",
            setting.name.as_str(),
            value
        ));
    }
    if let Some(policy) = effective.policy() {
        let list = |items: Option<Vec<String>>| match items {
            None => "any".to_owned(),
            Some(items) if items.is_empty() => "none".to_owned(),
            Some(items) => items.join(", "),
        };
        lines.push("Rules:".to_owned());
        lines.push(format!(
            "  allowed kinds:   {}",
            list(
                policy
                    .allowed_kinds
                    .as_ref()
                    .map(|k| k.iter().map(|k| k.to_string()).collect())
            )
        ));
        lines.push(format!(
            "  allowed regions: {}",
            list(
                policy
                    .allowed_regions
                    .as_ref()
                    .map(|r| r.iter().map(|r| r.to_string()).collect())
            )
        ));
        lines.push(format!(
            "  allowed models:  {}",
            list(
                policy
                    .allowed_models
                    .as_ref()
                    .map(|m| m.iter().map(|m| m.to_string()).collect())
            )
        ));
        for (jurisdiction, rule) in policy.jurisdictions.iter() {
            let regions: Vec<_> = rule.regions.iter().map(|r| r.to_string()).collect();
            let mut line = format!(
                "  {jurisdiction} clients: {}",
                if regions.is_empty() {
                    "no region".to_owned()
                } else {
                    regions.join(", ")
                }
            );
            for exception in &rule.exceptions {
                line.push_str(&format!(
                    "; exception {:?}: {}",
                    exception.name,
                    exception
                        .regions
                        .iter()
                        .map(|r| r.to_string())
                        .chain(exception.profiles.iter().map(|p| format!("profile {p}")))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            lines.push(line);
        }
        let names: Vec<_> = policy.profiles.iter().map(|p| p.name.as_str()).collect();
        lines.push(format!(
            "Managed profiles: {}",
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        ));
    }
    lines.join("\n")
}
