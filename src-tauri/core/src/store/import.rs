//! Import of case records from JSON Lines, one record per line:
//!
//! ```text
//! {"type":"contact","id":"C-1","kind":"person","given_name":"Ana","family_name":"Peña", …}
//! {"type":"matter","id":"M-1","client_id":"C-1","title":"I-130 for spouse", …,
//!  "parties":[{"contact_id":"C-1","role":"beneficiary"}]}
//! {"type":"note","id":"N-1","matter_id":"M-1","created_at":"2024-03-01T10:00:00Z","body":"…"}
//! ```
//!
//! A contact or matter line carries the whole record, in the snake_case form of
//! [`ContactDetails`](super::ContactDetails) and [`MatterDetails`](super::MatterDetails) (the
//! record types below are that form), and is checked by the same field checks as a save in the
//! app (`fields.rs`). Like a save, it replaces the whole record: a field left out is emptied.
//! A matter's `parties`, when given, become its parties (contacts by their `id` in the file);
//! left out, the parties stay as they are.
//!
//! `id` is the record's id in the system it comes from. Importing the same id again updates the
//! record (a note gets a new revision when its text changed) and never duplicates it, so an
//! interrupted import completes by running it again. A bad line is reported with its number,
//! the field at fault (as the file names it) and the reason, and nothing of it is written; the
//! other lines proceed. Fields not listed on the record types below are ignored.

mod csv_file;

use std::collections::BTreeSet;
use std::io::BufRead;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{Connection, OptionalExtension, params};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use super::contact_details::{checked_contact, write_contact};
use super::matter_details::{checked_matter, write_matter};
use super::notes::{insert_note, update_note};
use super::{
    Address, AddressKind, ContactDetails, ContactKind, Email, Forum, I94, Jurisdiction,
    MatterDetails, NewNote, PartyRole, Passport, Phone, SensitivityFlag, Store, now,
};
use crate::{Error, Result};

pub use csv_file::column_names as csv_columns;

/// Lines committed together: large enough to make import fast, small enough that an
/// interruption loses little work.
const BATCH_LINES: usize = 10_000;

/// FTS5 merges a level's segments once `automerge` of them exist, and all of them once
/// `crisismerge` do. During an import: 16 and 64. Otherwise FTS5's defaults, 4 and 16. (Kept in
/// the index's own configuration, so an import cut short leaves the lazy values until the next
/// import ends: a little more merging saved, nothing lost.)
const LAZY_MERGING: &str = "INSERT INTO search_index (search_index, rank) VALUES ('automerge', 16);
     INSERT INTO search_index (search_index, rank) VALUES ('crisismerge', 64);";
const DEFAULT_MERGING: &str =
    "INSERT INTO search_index (search_index, rank) VALUES ('automerge', 4);
     INSERT INTO search_index (search_index, rank) VALUES ('crisismerge', 16);";

/// One line's record, chosen by its `"type"`.
#[derive(Debug)]
enum Record {
    Contact(Box<ContactRecord>),
    Matter(Box<MatterRecord>),
    Note(NoteRecord),
}

/// A null in the file counts as the field left out.
fn or_default<'de, D, T>(d: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A contact: [`ContactDetails`] with snake_case names. The list rows `passports`, `phones`
/// and `emails` use the stored rows' own (one-word) names.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ContactRecord {
    #[serde(deserialize_with = "or_default")]
    id: String,
    /// `person` (when left out) or `institution`.
    kind: Option<ContactKind>,
    #[serde(deserialize_with = "or_default")]
    given_name: String,
    #[serde(deserialize_with = "or_default")]
    middle_name: String,
    #[serde(deserialize_with = "or_default")]
    family_name: String,
    #[serde(deserialize_with = "or_default")]
    institution_name: String,
    #[serde(deserialize_with = "or_default")]
    other_names: Vec<String>,
    date_of_birth: Option<String>,
    country_of_birth: Option<String>,
    #[serde(deserialize_with = "or_default")]
    citizenships: Vec<String>,
    a_number: Option<String>,
    uscis_account_number: Option<String>,
    ssn_itin: Option<String>,
    #[serde(deserialize_with = "or_default")]
    passports: Vec<Passport>,
    latest_i94: Option<I94Record>,
    sevis_id: Option<String>,
    #[serde(deserialize_with = "or_default")]
    addresses: Vec<AddressRecord>,
    #[serde(deserialize_with = "or_default")]
    phones: Vec<Phone>,
    #[serde(deserialize_with = "or_default")]
    emails: Vec<Email>,
    preferred_language: Option<String>,
    #[serde(deserialize_with = "or_default")]
    interpreter_needed: bool,
    #[serde(deserialize_with = "or_default")]
    detained: bool,
    #[serde(deserialize_with = "or_default")]
    sensitivity_flags: Vec<FlagRecord>,
    jurisdiction: Option<Jurisdiction>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AddressRecord {
    #[serde(deserialize_with = "or_default")]
    kind: AddressKind,
    #[serde(deserialize_with = "or_default")]
    lines: Vec<String>,
    #[serde(deserialize_with = "or_default")]
    city: String,
    #[serde(deserialize_with = "or_default")]
    region: String,
    #[serde(deserialize_with = "or_default")]
    postal_code: String,
    #[serde(deserialize_with = "or_default")]
    country: String,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct I94Record {
    #[serde(deserialize_with = "or_default")]
    number: String,
    admission_date: Option<String>,
    #[serde(deserialize_with = "or_default")]
    class: String,
    admit_until: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum FlagRecord {
    Asylum,
    Vawa,
    TuVisa,
    Minor,
    Medical,
    Criminal,
}

impl From<FlagRecord> for SensitivityFlag {
    fn from(flag: FlagRecord) -> Self {
        match flag {
            FlagRecord::Asylum => SensitivityFlag::Asylum,
            FlagRecord::Vawa => SensitivityFlag::Vawa,
            FlagRecord::TuVisa => SensitivityFlag::TuVisa,
            FlagRecord::Minor => SensitivityFlag::Minor,
            FlagRecord::Medical => SensitivityFlag::Medical,
            FlagRecord::Criminal => SensitivityFlag::Criminal,
        }
    }
}

impl ContactRecord {
    fn details(self) -> ContactDetails {
        ContactDetails {
            kind: self.kind.unwrap_or(ContactKind::Person),
            given_name: self.given_name,
            middle_name: self.middle_name,
            family_name: self.family_name,
            institution_name: self.institution_name,
            other_names: self.other_names,
            date_of_birth: self.date_of_birth,
            country_of_birth: self.country_of_birth,
            citizenships: self.citizenships,
            a_number: self.a_number,
            uscis_account_number: self.uscis_account_number,
            ssn_itin: self.ssn_itin,
            passports: self.passports,
            latest_i94: self.latest_i94.map(|i| I94 {
                number: i.number,
                admission_date: i.admission_date,
                class: i.class,
                admit_until: i.admit_until,
            }),
            sevis_id: self.sevis_id,
            addresses: self
                .addresses
                .into_iter()
                .map(|a| Address {
                    kind: a.kind,
                    lines: a.lines,
                    city: a.city,
                    region: a.region,
                    postal_code: a.postal_code,
                    country: a.country,
                    from: a.from,
                    to: a.to,
                })
                .collect(),
            phones: self.phones,
            emails: self.emails,
            preferred_language: self.preferred_language,
            interpreter_needed: self.interpreter_needed,
            detained: self.detained,
            sensitivity_flags: self.sensitivity_flags.into_iter().map(Into::into).collect(),
            jurisdiction: self.jurisdiction,
        }
    }
}

/// A matter: [`MatterDetails`] with snake_case names, its client and, optionally, its parties.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MatterRecord {
    #[serde(deserialize_with = "or_default")]
    id: String,
    /// The `id` of the client's contact line.
    #[serde(deserialize_with = "or_default")]
    client_id: String,
    #[serde(deserialize_with = "or_default")]
    title: String,
    number: Option<String>,
    #[serde(deserialize_with = "or_default")]
    description: String,
    matter_type: Option<String>,
    firm_status: Option<String>,
    agency_status: Option<String>,
    agency_status_date: Option<String>,
    benefit_sought: Option<String>,
    forum: Option<ForumRecord>,
    category: Option<String>,
    priority_date: Option<String>,
    chargeability: Option<String>,
    #[serde(deserialize_with = "or_default")]
    premium_processing: bool,
    responsible_attorney: Option<String>,
    next_hearing: Option<String>,
    parties: Option<Vec<PartyRecord>>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ForumRecord {
    Uscis,
    Eoir,
    Bia,
    Aao,
    DosNvc,
    Cbp,
    FederalCourt,
}

impl From<ForumRecord> for Forum {
    fn from(forum: ForumRecord) -> Self {
        match forum {
            ForumRecord::Uscis => Forum::Uscis,
            ForumRecord::Eoir => Forum::Eoir,
            ForumRecord::Bia => Forum::Bia,
            ForumRecord::Aao => Forum::Aao,
            ForumRecord::DosNvc => Forum::DosNvc,
            ForumRecord::Cbp => Forum::Cbp,
            ForumRecord::FederalCourt => Forum::FederalCourt,
        }
    }
}

#[derive(Debug, Deserialize)]
struct PartyRecord {
    /// The `id` of the party's contact line.
    contact_id: String,
    role: RoleRecord,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RoleRecord {
    Client,
    Petitioner,
    Beneficiary,
    Applicant,
    Derivative,
    Sponsor,
    Employer,
    #[serde(alias = "co-counsel")]
    CoCounsel,
    Interpreter,
}

impl From<RoleRecord> for PartyRole {
    fn from(role: RoleRecord) -> Self {
        match role {
            RoleRecord::Client => PartyRole::Client,
            RoleRecord::Petitioner => PartyRole::Petitioner,
            RoleRecord::Beneficiary => PartyRole::Beneficiary,
            RoleRecord::Applicant => PartyRole::Applicant,
            RoleRecord::Derivative => PartyRole::Derivative,
            RoleRecord::Sponsor => PartyRole::Sponsor,
            RoleRecord::Employer => PartyRole::Employer,
            RoleRecord::CoCounsel => PartyRole::CoCounsel,
            RoleRecord::Interpreter => PartyRole::Interpreter,
        }
    }
}

impl MatterRecord {
    fn details(&self) -> MatterDetails {
        MatterDetails {
            number: self.number.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            matter_type: self.matter_type.clone(),
            firm_status: self.firm_status.clone(),
            agency_status: self.agency_status.clone(),
            agency_status_date: self.agency_status_date.clone(),
            benefit_sought: self.benefit_sought.clone(),
            forum: self.forum.map(Into::into),
            category: self.category.clone(),
            priority_date: self.priority_date.clone(),
            chargeability: self.chargeability.clone(),
            premium_processing: self.premium_processing,
            responsible_attorney: self.responsible_attorney.clone(),
            next_hearing: self.next_hearing.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct NoteRecord {
    id: String,
    matter_id: String,
    body: String,
    #[serde(default)]
    title: String,
    created_at: Option<String>,
}

/// What one import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Lines read (for CSV: data rows).
    pub lines: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub failed: Vec<ImportFailure>,
}

/// A line that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportFailure {
    /// Its line number in the file (for CSV, the line its row starts on).
    pub line: usize,
    /// The field at fault as the file names it (`passports.0.expires`, a CSV column), when one
    /// field is.
    pub field: Option<String>,
    /// What is wrong and what to change; starts with the field, when there is one.
    pub reason: String,
}

impl ImportFailure {
    /// `column` renames a field from the JSON Lines form to the file's own.
    fn new(line: usize, error: Error, column: fn(&str) -> String) -> Self {
        match error {
            Error::InvalidField { field, message } => {
                let field = column(&field);
                Self {
                    line,
                    reason: format!("{field}: {message}"),
                    field: Some(field),
                }
            }
            other => Self {
                line,
                field: None,
                reason: other.to_string(),
            },
        }
    }
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// One line (or CSV row) of an import file: where it starts, and its record (`None` when blank).
struct Numbered {
    line: usize,
    record: Option<Result<Record>>,
}

impl Store {
    /// Imports JSON Lines from `input`. `on_progress` hears the number of lines done after each
    /// committed batch, and every failed line as it happens.
    pub fn import_jsonl(
        &mut self,
        input: impl BufRead,
        on_progress: impl FnMut(usize, Option<&ImportFailure>),
    ) -> Result<ImportReport> {
        let lines = input.lines().enumerate().map(|(i, line)| {
            let line = line
                .map_err(|e| Error::InvalidInput(format!("line {}: cannot be read: {e}", i + 1)))?;
            Ok(Numbered {
                line: i + 1,
                record: (!line.trim().is_empty()).then(|| parse_line(&line)),
            })
        });
        self.import_records(lines, str::to_owned, on_progress)
    }

    /// Imports `records` in batches, each line in its own savepoint. An `Err` item stops the
    /// import (what was committed stays); a refused record is reported and skipped.
    ///
    /// Meanwhile the search index merges its segments less eagerly (`LAZY_MERGING`): FTS5's
    /// default merged most of what each batch wrote into what earlier batches wrote, again and
    /// again. An import of 100,000 notes took 20% less time; searches right after it, over the
    /// extra segments, a few percent more (p95 3.6 -> 3.7 ms), until later saves merge them.
    fn import_records(
        &mut self,
        records: impl Iterator<Item = Result<Numbered>>,
        column: fn(&str) -> String,
        on_progress: impl FnMut(usize, Option<&ImportFailure>),
    ) -> Result<ImportReport> {
        self.conn.execute_batch(LAZY_MERGING)?;
        let imported = self.import_batches(records, column, on_progress);
        let restored = self.conn.execute_batch(DEFAULT_MERGING);
        let report = imported?;
        restored?;
        Ok(report)
    }

    fn import_batches(
        &mut self,
        records: impl Iterator<Item = Result<Numbered>>,
        column: fn(&str) -> String,
        mut on_progress: impl FnMut(usize, Option<&ImportFailure>),
    ) -> Result<ImportReport> {
        let mut report = ImportReport::default();
        let mut records = records.peekable();
        let trigger_indexing = Arc::clone(&self.trigger_indexing);
        loop {
            let tx = self.conn.transaction()?;
            let bulk = BulkIndexing::start(&tx, &trigger_indexing)?;
            let mut in_batch = 0;
            for item in records.by_ref() {
                let Numbered { line, record } = item?;
                report.lines += 1;
                in_batch += 1;
                let result = match record {
                    None => Ok(Outcome::Unchanged),
                    Some(record) => record.and_then(|r| in_line_savepoint(&tx, r)),
                };
                match result {
                    Ok(Outcome::Created) => report.created += 1,
                    Ok(Outcome::Updated) => report.updated += 1,
                    Ok(Outcome::Unchanged) => report.unchanged += 1,
                    Err(e) => {
                        let failure = ImportFailure::new(line, e, column);
                        on_progress(report.lines, Some(&failure));
                        report.failed.push(failure);
                    }
                }
                if in_batch == BATCH_LINES {
                    break;
                }
            }
            bulk.finish(&tx)?;
            tx.commit()?;
            on_progress(report.lines, None);
            if records.peek().is_none() {
                return Ok(report);
            }
        }
    }
}

/// A refusal of one field, named as the JSON Lines file names it.
fn refused(field: impl Into<String>, message: impl Into<String>) -> Error {
    Error::InvalidField {
        field: field.into(),
        message: message.into(),
    }
}

/// Reads `value` as a `T`; a value of the wrong shape is refused naming its field
/// (`passports.0.kind`).
fn read_record<T: DeserializeOwned>(value: serde_json::Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e
            .path()
            .iter()
            .map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => index.to_string(),
                serde_path_to_error::Segment::Map { key } => key.clone(),
                serde_path_to_error::Segment::Enum { variant } => variant.clone(),
                serde_path_to_error::Segment::Unknown => "?".into(),
            })
            .collect::<Vec<_>>()
            .join(".");
        let message = e.into_inner().to_string();
        if field.is_empty() {
            Error::InvalidInput(format!("not a valid record: {message}"))
        } else {
            refused(field, message)
        }
    })
}

fn parse_line(line: &str) -> Result<Record> {
    let value: serde_json::Value = serde_json::from_str(line)
        .map_err(|e| Error::InvalidInput(format!("not a valid record: {e}")))?;
    let kind = value.get("type").and_then(serde_json::Value::as_str);
    match kind {
        Some("contact") => Ok(Record::Contact(Box::new(read_record(value)?))),
        Some("matter") => Ok(Record::Matter(Box::new(read_record(value)?))),
        Some("note") => Ok(Record::Note(read_record(value)?)),
        _ if !value.is_object() => Err(Error::InvalidInput(
            "not a valid record: a line holds one JSON object".into(),
        )),
        _ => Err(refused(
            "type",
            format!(
                "{} is not \"contact\", \"matter\" or \"note\"",
                value.get("type").unwrap_or(&serde_json::Value::Null)
            ),
        )),
    }
}

/// Imports one line inside its own savepoint, so a line refused halfway writes nothing. The
/// savepoint statements are prepared once: parsing them again for every line cost about 5% of
/// an import.
fn in_line_savepoint(conn: &Connection, record: Record) -> Result<Outcome> {
    conn.prepare_cached("SAVEPOINT import_line")?.execute([])?;
    let outcome = import_record(conn, record);
    if outcome.is_err() {
        conn.prepare_cached("ROLLBACK TO import_line")?
            .execute([])?;
    }
    conn.prepare_cached("RELEASE import_line")?.execute([])?;
    outcome
}

fn import_record(conn: &Connection, record: Record) -> Result<Outcome> {
    match record {
        Record::Contact(c) => import_contact(conn, *c),
        Record::Matter(m) => import_matter(conn, *m),
        Record::Note(n) => import_note(conn, n),
    }
}

/// The internal id of the record `table` imported under `external_id`, if any.
fn imported(conn: &Connection, table: &str, external_id: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(&format!("SELECT id FROM {table} WHERE external_id = ?1"))?
        .query_row([external_id], |r| r.get(0))
        .optional()?)
}

impl Outcome {
    /// After an UPDATE that only writes when something differs.
    fn of_update(changed_rows: usize) -> Self {
        if changed_rows == 0 {
            Outcome::Unchanged
        } else {
            Outcome::Updated
        }
    }
}

fn required_id(id: &str) -> Result<()> {
    if id.trim().is_empty() {
        return Err(refused(
            "id",
            "enter the record's id in the system it comes from",
        ));
    }
    Ok(())
}

/// `passports.0.expires` → itself, `latestI94.admitUntil` → `latest_i94.admit_until`: a field
/// path of a record as the import file spells it.
fn snake_case(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 4);
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A record's field check, its field named as the import file names it.
fn file_names(error: Error) -> Error {
    match error {
        Error::InvalidField { field, message } => refused(snake_case(&field), message),
        other => other,
    }
}

fn import_contact(conn: &Connection, c: ContactRecord) -> Result<Outcome> {
    required_id(&c.id)?;
    let external_id = c.id.clone();
    let details = checked_contact(&c.details()).map_err(file_names)?;
    match imported(conn, "contacts", &external_id)? {
        None => {
            let at = now();
            conn.execute(
                "INSERT INTO contacts (external_id, kind, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?3)",
                params![external_id, details.kind.as_str(), at],
            )?;
            write_contact(conn, conn.last_insert_rowid(), &details)?;
            Ok(Outcome::Created)
        }
        Some(id) => Ok(Outcome::of_update(write_contact(conn, id, &details)?)),
    }
}

fn import_matter(conn: &Connection, m: MatterRecord) -> Result<Outcome> {
    required_id(&m.id)?;
    let details = checked_matter(&m.details()).map_err(file_names)?;
    let client = imported(conn, "contacts", &m.client_id)?.ok_or_else(|| {
        refused(
            "client_id",
            format!(
                "{:?} is not an imported contact (contacts must come before their matters)",
                m.client_id
            ),
        )
    })?;
    let (id, created) = match imported(conn, "matters", &m.id)? {
        Some(id) => (id, false),
        None => {
            conn.execute(
                "INSERT INTO matters (external_id, client_id, title, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
                params![m.id, client, details.title, now()],
            )?;
            (conn.last_insert_rowid(), true)
        }
    };
    let mut changed = conn.execute(
        "UPDATE matters SET client_id = ?2, updated_at = ?3 WHERE id = ?1 AND client_id IS NOT ?2",
        params![id, client, now()],
    )? > 0;
    changed |= write_matter(conn, id, &details)? > 0;
    if let Some(parties) = &m.parties
        && set_parties(conn, id, parties)?
    {
        conn.execute(
            "UPDATE matters SET updated_at = ?2 WHERE id = ?1",
            params![id, now()],
        )?;
        changed = true;
    }
    Ok(if created {
        Outcome::Created
    } else if changed {
        Outcome::Updated
    } else {
        Outcome::Unchanged
    })
}

/// Makes `parties` the matter's parties; true if that changed them.
fn set_parties(conn: &Connection, matter: i64, parties: &[PartyRecord]) -> Result<bool> {
    let mut wanted = BTreeSet::new();
    for (i, p) in parties.iter().enumerate() {
        let contact = imported(conn, "contacts", &p.contact_id)?.ok_or_else(|| {
            refused(
                format!("parties.{i}.contact_id"),
                format!(
                    "{:?} is not an imported contact (contacts must come before the matters \
                     they are party to)",
                    p.contact_id
                ),
            )
        })?;
        wanted.insert((contact, PartyRole::from(p.role).as_str().to_owned()));
    }
    let current = conn
        .prepare_cached("SELECT contact_id, role FROM matter_parties WHERE matter_id = ?1")?
        .query_map([matter], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<BTreeSet<(i64, String)>>>()?;
    if current == wanted {
        return Ok(false);
    }
    conn.execute("DELETE FROM matter_parties WHERE matter_id = ?1", [matter])?;
    for (contact, role) in &wanted {
        conn.execute(
            "INSERT INTO matter_parties (matter_id, contact_id, role) VALUES (?1, ?2, ?3)",
            params![matter, contact, role],
        )?;
    }
    Ok(true)
}

fn import_note(conn: &Connection, n: NoteRecord) -> Result<Outcome> {
    required_id(&n.id)?;
    if let Some(at) = &n.created_at {
        at.parse::<jiff::Timestamp>()
            .map_err(|e| refused("created_at", format!("{at:?} is not an RFC 3339 time: {e}")))?;
    }
    let matter = imported(conn, "matters", &n.matter_id)?.ok_or_else(|| {
        refused(
            "matter_id",
            format!(
                "{:?} is not an imported matter (matters must come before their notes)",
                n.matter_id
            ),
        )
    })?;
    let existing = imported(conn, "notes", &n.id)?;
    match existing {
        None => {
            insert_note(
                conn,
                &NewNote {
                    external_id: Some(n.id),
                    matter_id: matter,
                    title: n.title,
                    body: n.body,
                    created_at: n.created_at,
                },
            )?;
            Ok(Outcome::Created)
        }
        Some(id) => {
            let changed = update_note(conn, id, &n.title, &n.body)?;
            Ok(if changed {
                Outcome::Updated
            } else {
                Outcome::Unchanged
            })
        }
    }
}

/// How a batch's new notes reach the search index: not one by one through their insert trigger,
/// but with one `INSERT … SELECT` just before the batch commits, in the same transaction, so a
/// committed note is always indexed. FTS5 then tokenizes and writes the batch in one pass.
/// Updated notes still go through their trigger.
struct BulkIndexing<'a> {
    trigger_indexing: &'a AtomicBool,
    /// Every note with this id or above was inserted by this batch (ids only grow: rowid tables
    /// give a new row the largest id plus one).
    first_new_note: i64,
}

impl<'a> BulkIndexing<'a> {
    fn start(tx: &Connection, trigger_indexing: &'a AtomicBool) -> Result<Self> {
        let first_new_note = tx
            .prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM notes")?
            .query_row([], |r| r.get(0))?;
        trigger_indexing.store(false, Ordering::Relaxed);
        Ok(Self {
            trigger_indexing,
            first_new_note,
        })
    }

    /// Indexes the notes this batch inserted (a note updated after its insert in the same batch
    /// was already indexed by its update trigger).
    fn finish(self, tx: &Connection) -> Result<()> {
        tx.prepare_cached(
            "INSERT INTO search_index (rowid, title, body, identifiers)
             SELECT (1 << 48) | n.id, n.title, n.body, casefile_identifiers(n.title || ' ' || n.body)
             FROM notes n
             WHERE n.id >= ?1 AND n.deleted_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM search_index s WHERE s.rowid = (1 << 48) | n.id)",
        )?
        .execute([self.first_new_note])?;
        Ok(())
    }
}

impl Drop for BulkIndexing<'_> {
    /// Back to indexing by trigger, also when the batch failed (its transaction rolls back).
    fn drop(&mut self) {
        self.trigger_indexing.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support;

    const GOOD: &str = r#"{"type":"contact","id":"C-1","given_name":"Ana","family_name":"Peña","a_number":"A# 012-345-678","extra":"ignored"}
{"type":"matter","id":"M-1","client_id":"C-1","title":"I-130 for spouse","number":"2024-017"}
{"type":"note","id":"N-1","matter_id":"M-1","created_at":"2024-03-01T10:00:00Z","body":"Receipt EAC-23-901-23456 arrived."}
"#;

    fn run(store: &mut Store, text: &str) -> ImportReport {
        store.import_jsonl(text.as_bytes(), |_, _| {}).unwrap()
    }

    #[test]
    fn importing_twice_updates_and_never_duplicates() {
        let (_dir, mut store) = test_support::store();
        let first = run(&mut store, GOOD);
        assert_eq!((first.lines, first.created, first.failed.len()), (3, 3, 0));
        let again = run(&mut store, GOOD);
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
        let edited = GOOD.replace("arrived.", "arrived on time.");
        let third = run(&mut store, &edited);
        assert_eq!((third.updated, third.unchanged), (1, 2));
        let health = store.check().unwrap();
        assert_eq!(
            (
                health.contacts,
                health.matters,
                health.notes,
                health.revisions
            ),
            (1, 1, 1, 2)
        );
        let hits = store
            .search(
                "EAC2390123456",
                &crate::store::SearchFilter {
                    limit: 5,
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(hits[0].external_id.as_deref(), Some("N-1"));
        assert_eq!(
            store.note(hits[0].id).unwrap().created_at,
            "2024-03-01T10:00:00Z"
        );
    }

    #[test]
    fn bad_lines_are_reported_with_their_number_and_write_nothing() {
        let (_dir, mut store) = test_support::store();
        let text = format!(
            "{GOOD}{}\n{}\n{}\n{}\n{}\n{}\n",
            r#"{"type":"note","id":"N-2","matter_id":"NOPE","body":"x"}"#,
            "not json at all",
            r#"{"type":"contact","id":"C-2","kind":"person"}"#,
            r#"{"type":"contact","id":"C-3","family_name":"X","a_number":"12345"}"#,
            r#"{"type":"note","id":"N-3","matter_id":"M-1","body":"ok","created_at":"yesterday"}"#,
            r#"{"type":"note","id":"N-4","matter_id":"M-1","body":"fine"}"#,
        );
        let mut heard = Vec::new();
        let report = store
            .import_jsonl(text.as_bytes(), |_, f| heard.extend(f.map(|f| f.line)))
            .unwrap();
        let lines: Vec<usize> = report.failed.iter().map(|f| f.line).collect();
        assert_eq!(lines, [4, 5, 6, 7, 8]);
        assert_eq!(heard, lines);
        assert!(
            report.failed[0].reason.contains("NOPE"),
            "{:?}",
            report.failed[0]
        );
        assert!(report.failed[3].reason.contains("not an A-number"));
        assert_eq!(report.created, 4);
        let health = store.check().unwrap();
        assert_eq!((health.contacts, health.notes, health.revisions), (1, 2, 2));
    }

    const WHOLE: &str = r#"{"type":"contact","id":"C-1","given_name":"Ana","middle_name":"Lucía","family_name":"Peña","other_names":["Ana Ruiz",""],"date_of_birth":"1990-07-31","country_of_birth":"Honduras","citizenships":["Honduras","Spain"],"a_number":"A# 012-345-678","uscis_account_number":"1234 5678 9012","ssn_itin":"912701234","passports":[{"number":"c 1234567","country":"Honduras","issued":"2019-01-02","expires":"2029-01-01"}],"latest_i94":{"number":"123456789a1","admission_date":"2023-05-01","class":"f1","admit_until":"d/s"},"sevis_id":"N0012345678","addresses":[{"kind":"residence","lines":["12 Main St","Apt 4"],"city":"Houston","region":"TX","postal_code":"77002","country":"United States","from":"2023-05-02","to":null}],"phones":[{"kind":"mobile","number":"+1 713 555 0100"}],"emails":[{"kind":"work","address":"ana@example.org"}],"preferred_language":"Spanish","interpreter_needed":true,"detained":null,"sensitivity_flags":["tu_visa","asylum"],"jurisdiction":"EU"}
{"type":"contact","id":"C-2","kind":"institution","institution_name":"Acme Farms LLC"}
{"type":"matter","id":"M-1","client_id":"C-1","title":"I-130 for spouse","number":" 2025-014 ","description":"Spousal petition.","matter_type":"Family-based","firm_status":"Filed","agency_status":"Case Was Received","agency_status_date":"2025-02-03","benefit_sought":"Lawful permanent residence","forum":"dos_nvc","category":"ir-1","priority_date":"2025-01-20","chargeability":"Mexico","premium_processing":true,"responsible_attorney":"M. Okafor","next_hearing":"2025-09-01","parties":[{"contact_id":"C-1","role":"beneficiary"},{"contact_id":"C-2","role":"employer"},{"contact_id":"C-2","role":"co_counsel"}]}
"#;

    fn internal(store: &Store, table: &str, external_id: &str) -> i64 {
        imported(&store.conn, table, external_id).unwrap().unwrap()
    }

    #[test]
    fn a_whole_record_is_imported_in_its_stored_form_and_again_changes_nothing() {
        let (_dir, mut store) = test_support::store();
        let report = run(&mut store, WHOLE);
        assert_eq!((report.created, report.failed), (3, vec![]));
        let ana = store.contact(internal(&store, "contacts", "C-1")).unwrap();
        let d = &ana.details;
        assert_eq!(
            (d.middle_name.as_str(), d.other_names.as_slice()),
            ("Lucía", &["Ana Ruiz".to_owned()][..])
        );
        assert_eq!(d.citizenships, ["Honduras", "Spain"]);
        assert_eq!(d.a_number.as_deref(), Some("A012345678"));
        assert_eq!(d.uscis_account_number.as_deref(), Some("123456789012"));
        assert_eq!(d.ssn_itin.as_deref(), Some("912-70-1234"));
        assert_eq!(d.passports[0].number, "C1234567");
        let i94 = d.latest_i94.as_ref().unwrap();
        assert_eq!(
            (
                i94.number.as_str(),
                i94.class.as_str(),
                i94.admit_until.as_deref()
            ),
            ("123456789A1", "F1", Some("D/S"))
        );
        assert_eq!(d.addresses[0].postal_code, "77002");
        assert_eq!(d.addresses[0].lines, ["12 Main St", "Apt 4"]);
        assert_eq!(d.phones[0].number, "+1 713 555 0100");
        assert_eq!(
            (d.emails[0].kind, d.emails[0].address.as_str()),
            (crate::store::EmailKind::Work, "ana@example.org")
        );
        assert!(d.interpreter_needed && !d.detained);
        assert_eq!(
            d.sensitivity_flags,
            [SensitivityFlag::Asylum, SensitivityFlag::TuVisa]
        );
        assert_eq!(d.jurisdiction, Some(Jurisdiction::Eu));

        let matter_id = internal(&store, "matters", "M-1");
        let matter = store.matter_record(matter_id).unwrap();
        assert_eq!(matter.client_id, ana.id);
        let m = &matter.details;
        assert_eq!(m.number.as_deref(), Some("2025-014"));
        assert_eq!(m.category.as_deref(), Some("IR-1"));
        assert_eq!(m.forum, Some(Forum::DosNvc));
        assert_eq!(m.priority_date.as_deref(), Some("2025-01-20"));
        assert_eq!(m.next_hearing.as_deref(), Some("2025-09-01"));
        assert!(m.premium_processing);
        let parties: Vec<(String, PartyRole)> = store
            .matter_parties(matter_id)
            .unwrap()
            .into_iter()
            .map(|p| (p.name, p.role))
            .collect();
        assert_eq!(
            parties,
            [
                ("Ana Peña".to_owned(), PartyRole::Beneficiary),
                ("Acme Farms LLC".to_owned(), PartyRole::Employer),
                ("Acme Farms LLC".to_owned(), PartyRole::CoCounsel),
            ]
        );

        let again = run(&mut store, WHOLE);
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
        assert_eq!(store.contact(ana.id).unwrap(), ana, "not even updated_at");
        assert_eq!(store.matter_record(matter_id).unwrap(), matter);

        // The parties listed become the parties; a matter line without them leaves them be.
        let fewer = WHOLE.replace(r#",{"contact_id":"C-2","role":"co_counsel"}"#, "");
        let third = run(&mut store, &fewer);
        assert_eq!((third.updated, third.unchanged), (1, 2));
        assert_eq!(store.matter_parties(matter_id).unwrap().len(), 2);
        let without = r#"{"type":"matter","id":"M-1","client_id":"C-1","title":"I-130 for spouse","number":"2025-014","description":"Spousal petition.","matter_type":"Family-based","firm_status":"Filed","agency_status":"Case Was Received","agency_status_date":"2025-02-03","benefit_sought":"Lawful permanent residence","forum":"dos_nvc","category":"IR-1","priority_date":"2025-01-20","chargeability":"Mexico","premium_processing":true,"responsible_attorney":"M. Okafor","next_hearing":"2025-09-01"}"#;
        let fourth = run(&mut store, without);
        assert_eq!(fourth.unchanged, 1, "{fourth:?}");
        assert_eq!(store.matter_parties(matter_id).unwrap().len(), 2);
    }

    #[test]
    fn a_refused_field_is_named_as_the_file_names_it_and_nothing_of_its_line_is_written() {
        let (_dir, mut store) = test_support::store();
        run(&mut store, WHOLE);
        let ana_id = internal(&store, "contacts", "C-1");
        let ana = store.contact(ana_id).unwrap();
        let matter_id = internal(&store, "matters", "M-1");
        let matter = store.matter_record(matter_id).unwrap();
        let parties = store.matter_parties(matter_id).unwrap();
        let (contact, matter_line) = {
            let mut lines = WHOLE.lines();
            let contact = lines.next().unwrap().to_owned();
            lines.next();
            (contact, lines.next().unwrap().to_owned())
        };
        let cases: Vec<(String, &str, &str)> = vec![
            (
                contact.replace("\"2029-01-01\"", "\"2018-01-01\""),
                "passports.0.expires",
                "Passport 1, expiry date",
            ),
            (
                contact.replace("\"d/s\"", "\"soon\""),
                "latest_i94.admit_until",
                "D/S",
            ),
            (
                contact.replace("\"tu_visa\"", "\"tuVisa\""),
                "sensitivity_flags.0",
                "unknown variant",
            ),
            (
                contact.replace("\"residence\"", "\"home\""),
                "addresses.0.kind",
                "unknown variant",
            ),
            (
                contact.replace("ana@example.org", "ana at example"),
                "emails.0.address",
                "not an e-mail address",
            ),
            (
                contact.replace(
                    "\"interpreter_needed\":true",
                    "\"interpreter_needed\":\"yes\"",
                ),
                "interpreter_needed",
                "expected a boolean",
            ),
            (
                contact.replace("912701234", "666-12-3456"),
                "ssn_itin",
                "SSN or ITIN",
            ),
            (
                contact.replace("\"EU\"", "\"Europe\""),
                "jurisdiction",
                "unknown variant",
            ),
            (
                contact
                    .replace("\"given_name\":\"Ana\"", "\"given_name\":\"\"")
                    .replace("\"family_name\":\"Peña\"", "\"family_name\":\" \""),
                "given_name",
                "given or family name",
            ),
            (
                matter_line.replace("\"dos_nvc\"", "\"court\""),
                "forum",
                "unknown variant",
            ),
            (
                matter_line.replace("\"2025-01-20\"", "\"01/20/2025\""),
                "priority_date",
                "Priority date",
            ),
            (
                matter_line.replace("\"role\":\"employer\"", "\"role\":\"boss\""),
                "parties.1.role",
                "unknown variant",
            ),
            (
                matter_line.replace(
                    r#""contact_id":"C-2","role":"employer""#,
                    r#""contact_id":"C-404","role":"employer""#,
                ),
                "parties.1.contact_id",
                "C-404",
            ),
            (
                matter_line.replace("\"client_id\":\"C-1\"", "\"client_id\":\"C-9\""),
                "client_id",
                "C-9",
            ),
            (
                r#"{"type":"client","id":"X"}"#.to_owned(),
                "type",
                "\"client\" is not",
            ),
            (
                contact
                    .replace("\"id\":\"C-1\"", "\"id\":\"C-3\"")
                    .replace("A# 012-345-678", "12345"),
                "a_number",
                "not an A-number",
            ),
        ];
        let text: String = cases
            .iter()
            .map(|(line, _, _)| format!("{line}\n"))
            .collect();
        let report = run(&mut store, &text);
        assert_eq!(report.failed.len(), cases.len(), "{:#?}", report.failed);
        for (i, ((_, field, words), failure)) in cases.iter().zip(&report.failed).enumerate() {
            assert_eq!(failure.line, i + 1);
            assert_eq!(failure.field.as_deref(), Some(*field), "{failure:?}");
            assert!(
                failure.reason.starts_with(&format!("{field}: ")) && failure.reason.contains(words),
                "{failure:?}"
            );
        }
        assert_eq!(store.contact(ana_id).unwrap(), ana);
        assert_eq!(store.matter_record(matter_id).unwrap(), matter);
        assert_eq!(store.matter_parties(matter_id).unwrap(), parties);
        assert!(imported(&store.conn, "contacts", "C-3").unwrap().is_none());
        assert_eq!(store.check().unwrap().contacts, 2);
    }

    #[test]
    fn batches_commit_and_report_progress() {
        let (_dir, mut store) = test_support::store();
        let mut text = String::from(GOOD);
        for i in 0..(BATCH_LINES + 10) {
            text.push_str(&format!(
                "{{\"type\":\"note\",\"id\":\"B-{i}\",\"matter_id\":\"M-1\",\"body\":\"note {i}\"}}\n"
            ));
        }
        let mut progress = Vec::new();
        let report = store
            .import_jsonl(text.as_bytes(), |done, _| progress.push(done))
            .unwrap();
        assert_eq!(report.created, BATCH_LINES + 13);
        assert_eq!(progress, [BATCH_LINES, BATCH_LINES + 13]);
    }

    fn note_hits(store: &Store, query: &str) -> Vec<Option<String>> {
        let filter = crate::store::SearchFilter {
            limit: 50,
            ..Default::default()
        };
        let mut ids: Vec<Option<String>> = store
            .search(query, &filter)
            .unwrap()
            .into_iter()
            .filter(|h| h.kind == crate::store::Kind::Note)
            .map(|h| h.external_id)
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn bulk_indexing_finds_every_imported_note_once_with_its_latest_text() {
        let (_dir, mut store) = test_support::store();
        let text = format!(
            "{GOOD}{}\n{}\n{}\n{}\n",
            r#"{"type":"note","id":"N-2","matter_id":"M-1","body":"first draft zebra"}"#,
            r#"{"type":"note","id":"N-3","matter_id":"M-1","body":"Niño zebra"}"#,
            r#"{"type":"note","id":"N-2","matter_id":"M-1","body":"second draft okapi"}"#,
            r#"{"type":"note","id":"N-4","matter_id":"NOPE","body":"zebra never written"}"#,
        );
        let report = run(&mut store, &text);
        assert_eq!(
            (report.created, report.updated, report.failed.len()),
            (5, 1, 1)
        );
        assert_eq!(note_hits(&store, "zebra"), [Some("N-3".into())]);
        assert_eq!(note_hits(&store, "okapi"), [Some("N-2".into())]);
        assert_eq!(note_hits(&store, "nino"), [Some("N-3".into())]);
        assert_eq!(note_hits(&store, "EAC2390123456"), [Some("N-1".into())]);
        let rows: i64 = store
            .conn
            .query_row("SELECT count(*) FROM search_index", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 5, "one index row per contact, matter and live note");
        assert_eq!(
            store
                .conn
                .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
                .unwrap(),
            "ok"
        );
        let integrity: rusqlite::Result<usize> = store.conn.execute(
            "INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)",
            [],
        );
        assert!(integrity.is_ok(), "{integrity:?}");
    }

    #[test]
    fn after_an_import_and_after_a_failed_one_new_notes_are_indexed_by_their_trigger() {
        let (_dir, mut store) = test_support::store();
        run(&mut store, GOOD);
        let matter = imported(&store.conn, "matters", "M-1").unwrap().unwrap();
        store
            .create_note(&NewNote::new(matter, "After", "walrus"))
            .unwrap();
        assert_eq!(note_hits(&store, "walrus").len(), 1);

        let mut broken = format!(
            "{}\n",
            r#"{"type":"note","id":"N-9","matter_id":"M-1","body":"narwhal"}"#
        )
        .into_bytes();
        broken.extend([0xff, 0xfe, b'\n']);
        let err = store.import_jsonl(&broken[..], |_, _| {}).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        assert!(
            note_hits(&store, "narwhal").is_empty(),
            "the batch rolled back"
        );
        store
            .create_note(&NewNote::new(matter, "Later", "narwhal by hand"))
            .unwrap();
        assert_eq!(note_hits(&store, "narwhal"), [None]);
    }

    #[test]
    fn imports_leave_the_index_merging_as_usual_even_when_they_fail() {
        let (_dir, mut store) = test_support::store();
        let merging = |store: &Store| -> Vec<(String, i64)> {
            store
                .conn
                .prepare(
                    "SELECT k, v FROM search_index_config
                     WHERE k IN ('automerge', 'crisismerge') ORDER BY k",
                )
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let usual = [("automerge".to_owned(), 4), ("crisismerge".to_owned(), 16)];
        run(&mut store, GOOD);
        assert_eq!(merging(&store), usual);
        let unreadable = [b'{', 0xff, b'\n'];
        assert!(store.import_jsonl(&unreadable[..], |_, _| {}).is_err());
        assert_eq!(merging(&store), usual);
    }
}
