//! Contacts from a CSV file with a header row, as spreadsheets and other case systems export
//! them: one contact per row, columns named like the JSON Lines contact's fields.
//!
//! Each row becomes the JSON Lines contact it stands for and takes the same road from there (the
//! same checks, the same idempotent write by `id`). A list column (`other_names`,
//! `citizenships`, `sensitivity_flags`, `address_lines`) holds its entries separated by `;` or
//! line breaks. The
//! row's one passport, I-94, address, phone and e-mail have flat columns (`passport_number`,
//! `i94_admit_until`, `address_city`, `phone`, `email`…). A refused value is reported with the
//! row's line number and its column. Quoted fields may hold commas, quotes (`""`) and line breaks;
//! a UTF-8 byte order mark and CRLF line ends are accepted. An unknown column refuses the whole
//! file before anything is written: its data would otherwise be dropped without a word.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Read;
use std::rc::Rc;

use serde_json::{Map, Value};

use super::{ContactRecord, ImportFailure, ImportReport, Numbered, Record, read_record, refused};
use crate::store::Store;
use crate::{Error, Result};

/// How a column's cells become the JSON contact's values.
#[derive(Clone, Copy)]
enum Shape {
    /// The text as it is.
    Text,
    /// Entries separated by `;` or line breaks.
    List,
    /// true/false, yes/no, y/n, 1/0 (blank is false).
    Flag,
}

/// Every column a contacts CSV may have: its name, where its value goes in the JSON Lines
/// contact (a path of object keys; `0` is the first row of a list) and its shape.
const COLUMNS: &[(&str, &[&str], Shape)] = &[
    ("id", &["id"], Shape::Text),
    ("kind", &["kind"], Shape::Text),
    ("given_name", &["given_name"], Shape::Text),
    ("middle_name", &["middle_name"], Shape::Text),
    ("family_name", &["family_name"], Shape::Text),
    ("institution_name", &["institution_name"], Shape::Text),
    ("other_names", &["other_names"], Shape::List),
    ("date_of_birth", &["date_of_birth"], Shape::Text),
    ("country_of_birth", &["country_of_birth"], Shape::Text),
    ("citizenships", &["citizenships"], Shape::List),
    ("a_number", &["a_number"], Shape::Text),
    (
        "uscis_account_number",
        &["uscis_account_number"],
        Shape::Text,
    ),
    ("ssn_itin", &["ssn_itin"], Shape::Text),
    ("sevis_id", &["sevis_id"], Shape::Text),
    (
        "passport_number",
        &["passports", "0", "number"],
        Shape::Text,
    ),
    (
        "passport_country",
        &["passports", "0", "country"],
        Shape::Text,
    ),
    (
        "passport_issued",
        &["passports", "0", "issued"],
        Shape::Text,
    ),
    (
        "passport_expires",
        &["passports", "0", "expires"],
        Shape::Text,
    ),
    ("i94_number", &["latest_i94", "number"], Shape::Text),
    (
        "i94_admission_date",
        &["latest_i94", "admission_date"],
        Shape::Text,
    ),
    ("i94_class", &["latest_i94", "class"], Shape::Text),
    (
        "i94_admit_until",
        &["latest_i94", "admit_until"],
        Shape::Text,
    ),
    ("address_kind", &["addresses", "0", "kind"], Shape::Text),
    ("address_lines", &["addresses", "0", "lines"], Shape::List),
    ("address_city", &["addresses", "0", "city"], Shape::Text),
    ("address_region", &["addresses", "0", "region"], Shape::Text),
    (
        "address_postal_code",
        &["addresses", "0", "postal_code"],
        Shape::Text,
    ),
    (
        "address_country",
        &["addresses", "0", "country"],
        Shape::Text,
    ),
    ("address_from", &["addresses", "0", "from"], Shape::Text),
    ("address_to", &["addresses", "0", "to"], Shape::Text),
    ("phone", &["phones", "0", "number"], Shape::Text),
    ("phone_kind", &["phones", "0", "kind"], Shape::Text),
    ("email", &["emails", "0", "address"], Shape::Text),
    ("email_kind", &["emails", "0", "kind"], Shape::Text),
    ("preferred_language", &["preferred_language"], Shape::Text),
    ("interpreter_needed", &["interpreter_needed"], Shape::Flag),
    ("detained", &["detained"], Shape::Flag),
    ("sensitivity_flags", &["sensitivity_flags"], Shape::List),
    ("jurisdiction", &["jurisdiction"], Shape::Text),
];

/// The names of the columns a contacts CSV may have, in their documented order.
pub fn column_names() -> impl Iterator<Item = &'static str> {
    COLUMNS.iter().map(|(name, _, _)| *name)
}

/// The CSV column of a field path of the JSON Lines contact (`passports.0.expires` →
/// `passport_expires`, `other_names.2` → `other_names`).
fn column_of(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    COLUMNS
        .iter()
        .filter(|(_, at, _)| parts.starts_with(at))
        .max_by_key(|(_, at, _)| at.len())
        .map_or_else(|| path.to_owned(), |(name, _, _)| (*name).to_owned())
}

impl Store {
    /// Imports contacts from CSV with a header row. `on_progress` hears the number of rows done
    /// after each committed batch, and every failed row as it happens. A header with a column
    /// this version does not know is refused before anything is written.
    pub fn import_csv(
        &mut self,
        input: impl Read,
        on_progress: impl FnMut(usize, Option<&ImportFailure>),
    ) -> Result<ImportReport> {
        let breaks = Rc::new(RefCell::new(VecDeque::new()));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::Headers)
            .from_reader(LineBreaks {
                inner: input,
                read: 0,
                breaks: Rc::clone(&breaks),
            });
        let columns = header(&mut reader)?;
        let mut lines = LineCounter { breaks, passed: 0 };
        let rows = reader.into_records().map(move |row| match row {
            Ok(row) => Ok(Numbered {
                line: lines.line_of(row.position()),
                record: contact(&columns, &row),
            }),
            Err(e) => {
                let line = lines.line_of(e.position());
                let refused = |message: String| {
                    Ok(Numbered {
                        line,
                        record: Some(Err(Error::InvalidInput(message))),
                    })
                };
                match e.into_kind() {
                    csv::ErrorKind::Io(e) => Err(Error::InvalidInput(format!(
                        "line {line}: the file cannot be read: {e}"
                    ))),
                    csv::ErrorKind::Utf8 { .. } => refused(
                        "this row is not UTF-8 text; save the file as CSV UTF-8 and import it \
                         again"
                            .into(),
                    ),
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => refused(format!(
                        "this row has {len} cells where the header has {expected_len}; check \
                         for a missing comma or an unclosed quote"
                    )),
                    other => Err(Error::InvalidInput(format!(
                        "line {line}: the file cannot be read as CSV: {other:?}"
                    ))),
                }
            }
        });
        self.import_records(rows, column_of, on_progress)
    }
}

/// Passes the file through to the CSV reader, noting where each line break is: the reader
/// counts one line per row, but a quoted cell may hold line breaks, and a row is reported by the
/// line of the file it starts on.
struct LineBreaks<R> {
    inner: R,
    /// Where the next byte read is, as the reader counts positions.
    read: i64,
    breaks: Rc<RefCell<VecDeque<i64>>>,
}

impl<R: Read> Read for LineBreaks<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.read == 0 && buf[..n].starts_with(b"\xef\xbb\xbf") {
            // The reader skips a byte order mark and counts its positions from after it.
            self.read = -3;
        }
        let mut breaks = self.breaks.borrow_mut();
        for (i, _) in buf[..n].iter().enumerate().filter(|(_, b)| **b == b'\n') {
            breaks.push_back(self.read + i as i64);
        }
        self.read += n as i64;
        Ok(n)
    }
}

/// The line numbers of rows, asked for in the file's order.
struct LineCounter {
    breaks: Rc<RefCell<VecDeque<i64>>>,
    /// Line breaks before the last row asked about.
    passed: usize,
}

impl LineCounter {
    fn line_of(&mut self, at: Option<&csv::Position>) -> usize {
        if let Some(at) = at {
            let mut breaks = self.breaks.borrow_mut();
            while breaks.front().is_some_and(|b| *b < at.byte() as i64) {
                breaks.pop_front();
                self.passed += 1;
            }
        }
        self.passed + 1
    }
}

/// The header row, each column's index into [`COLUMNS`]; refuses unknown and repeated columns
/// and a file without an `id` column.
fn header<R: Read>(reader: &mut csv::Reader<R>) -> Result<Vec<usize>> {
    let names = reader.headers().map_err(|e| {
        Error::InvalidInput(format!(
            "the header row cannot be read as CSV UTF-8 text: {e}"
        ))
    })?;
    let mut columns = Vec::with_capacity(names.len());
    let mut unknown = Vec::new();
    for name in names {
        let wanted = name.to_lowercase();
        match COLUMNS.iter().position(|(known, _, _)| *known == wanted) {
            Some(i) if columns.contains(&i) => {
                return Err(Error::InvalidInput(format!(
                    "the header names column {name:?} twice; keep one"
                )));
            }
            Some(i) => columns.push(i),
            None => unknown.push(format!("{name:?}")),
        }
    }
    if !unknown.is_empty() {
        return Err(Error::InvalidInput(format!(
            "the header has columns Casefile does not know: {}. Rename or remove them; the \
             columns are: {}",
            unknown.join(", "),
            column_names().collect::<Vec<_>>().join(", ")
        )));
    }
    if !columns.contains(&0) {
        return Err(Error::InvalidInput(
            "the header has no \"id\" column: each row needs its id in the system it comes from"
                .into(),
        ));
    }
    Ok(columns)
}

/// The contact a row stands for, or `None` for a row of blank cells.
fn contact(columns: &[usize], row: &csv::StringRecord) -> Option<Result<Record>> {
    if row.iter().all(|cell| cell.trim().is_empty()) {
        return None;
    }
    let mut object = Map::new();
    for (&column, cell) in columns.iter().zip(row.iter()) {
        let (_, at, shape) = COLUMNS[column];
        if cell.trim().is_empty() {
            continue;
        }
        let value = match shape {
            Shape::Text => Value::String(cell.to_owned()),
            Shape::List => cell
                .split([';', '\n'])
                .map(|v| Value::String(v.trim().into()))
                .collect(),
            Shape::Flag => match flag(cell) {
                Some(yes) => Value::Bool(yes),
                None => {
                    return Some(Err(refused(
                        at.join("."),
                        format!("{cell:?} is not yes or no; write true or false"),
                    )));
                }
            },
        };
        put(&mut object, at, value);
    }
    Some(read_record::<ContactRecord>(Value::Object(object)).map(|c| Record::Contact(Box::new(c))))
}

fn flag(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "x" => Some(true),
        "false" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// Sets `value` at `path` in `object`, making the objects and one-row lists on the way.
fn put(object: &mut Map<String, Value>, path: &[&str], value: Value) {
    let (key, rest) = path.split_first().expect("a column has a path");
    if rest.is_empty() {
        object.insert((*key).to_owned(), value);
        return;
    }
    let slot = object.entry(*key).or_insert_with(|| {
        if rest[0] == "0" {
            Value::Array(vec![Value::Object(Map::new())])
        } else {
            Value::Object(Map::new())
        }
    });
    let inner = match slot {
        Value::Array(rows) => &mut rows[0],
        other => other,
    };
    let rest = if rest[0] == "0" { &rest[1..] } else { rest };
    if let Value::Object(inner) = inner {
        put(inner, rest, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{SearchFilter, test_support};

    fn run(store: &mut Store, text: &str) -> ImportReport {
        store.import_csv(text.as_bytes(), |_, _| {}).unwrap()
    }

    fn contact_of(store: &Store, external_id: &str) -> crate::store::Contact {
        let id = super::super::imported(&store.conn, "contacts", external_id)
            .unwrap()
            .unwrap();
        store.contact(id).unwrap()
    }

    /// A BOM, CRLF line ends, quoted cells with commas, doubled quotes and a line break,
    /// accented names, and rows that must fail one by one.
    const TRICKY: &str = "\u{feff}id,kind,given_name,family_name,other_names,a_number,date_of_birth,email,phone,address_lines,address_city,interpreter_needed,sensitivity_flags,jurisdiction\r\n\
        C-1,person,José,\"Peña Núñez\",\"Pepe; \"\"El Güero\"\" Peña\",A# 012-345-678,1990-07-31,jose@example.org,+1 713 555 0100,\"12 Main St\r\nApt 4, rear\",Houston,yes,asylum;minor,US\r\n\
        C-2,person,Zoë,\"O'Brien, Jr.\",,12345,,,,,,,,\r\n\
        ,,,,,,,,,,,,,\r\n\
        C-3,institution,,,,,,,,,,,,\r\n\
        C-4,,Łukasz,Żółć,,,,,,,,maybe,,\r\n\
        C-5,,Ana\r\n\
        C-6,person,Zoë,\"O'Brien, Jr.\",,A012345679,,zoe@example.org,,,,no,,EU\r\n";

    #[test]
    fn tricky_csv_is_read_as_a_spreadsheet_wrote_it_and_each_bad_row_fails_alone() {
        let (_dir, mut store) = test_support::store();
        let mut heard = Vec::new();
        let report = store
            .import_csv(TRICKY.as_bytes(), |_, f| heard.extend(f.map(|f| f.line)))
            .unwrap();
        let failed: Vec<(usize, Option<&str>)> = report
            .failed
            .iter()
            .map(|f| (f.line, f.field.as_deref()))
            .collect();
        assert_eq!(
            failed,
            [
                (4, Some("a_number")),
                (6, Some("institution_name")),
                (7, Some("interpreter_needed")),
                (8, None),
            ],
            "{:#?}",
            report.failed
        );
        assert_eq!(heard, [4, 6, 7, 8]);
        assert!(
            report.failed[0]
                .reason
                .starts_with("a_number: A-number: \"12345\"")
        );
        assert!(report.failed[1].reason.contains("institution's name"));
        assert!(
            report.failed[2]
                .reason
                .contains("\"maybe\" is not yes or no")
        );
        assert!(
            report.failed[3]
                .reason
                .contains("3 cells where the header has 14")
        );
        assert_eq!(
            (report.lines, report.created, report.unchanged),
            (7, 2, 1),
            "the blank row changes nothing"
        );

        let jose = contact_of(&store, "C-1").details;
        assert_eq!(
            (jose.given_name.as_str(), jose.family_name.as_str()),
            ("José", "Peña Núñez")
        );
        assert_eq!(jose.other_names, ["Pepe", "\"El Güero\" Peña"]);
        assert_eq!(jose.a_number.as_deref(), Some("A012345678"));
        assert_eq!(jose.emails[0].address, "jose@example.org");
        assert_eq!(jose.phones[0].number, "+1 713 555 0100");
        assert_eq!(jose.addresses[0].lines, ["12 Main St", "Apt 4, rear"]);
        assert_eq!(jose.addresses[0].city, "Houston");
        assert!(jose.interpreter_needed);
        assert_eq!(jose.sensitivity_flags.len(), 2);
        assert_eq!(jose.jurisdiction, Some(crate::store::Jurisdiction::Us));
        let zoe = contact_of(&store, "C-6").details;
        assert_eq!(zoe.family_name, "O'Brien, Jr.");
        assert!(!zoe.interpreter_needed);

        let hits = store
            .search(
                "guero",
                &SearchFilter {
                    limit: 5,
                    ..SearchFilter::default()
                },
            )
            .unwrap();
        assert_eq!(hits[0].external_id.as_deref(), Some("C-1"));

        let again = run(&mut store, TRICKY);
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
        assert_eq!(store.check().unwrap().contacts, 2);
        let renamed = TRICKY.replace("Zoë,", "Zoé,");
        assert_eq!(run(&mut store, &renamed).updated, 1);
    }

    #[test]
    fn plain_lf_without_a_bom_and_any_column_order_work() {
        let (_dir, mut store) = test_support::store();
        let text = "Family_Name , ID,passport_number,passport_expires,passport_issued\n\
                    Quispe,C-9,c 1234567,2029-01-01,2019-01-02\n\
                    Mamani,C-10,X1,2018-01-01,2019-01-02\n";
        let report = run(&mut store, text);
        assert_eq!(report.created, 1);
        assert_eq!(report.failed[0].line, 3);
        assert_eq!(report.failed[0].field.as_deref(), Some("passport_expires"));
        assert!(report.failed[0].reason.contains("Passport 1, expiry date"));
        assert_eq!(
            contact_of(&store, "C-9").details.passports[0].number,
            "C1234567"
        );
    }

    #[test]
    fn a_header_this_version_cannot_place_refuses_the_file_before_anything_is_written() {
        let (_dir, mut store) = test_support::store();
        for (text, words) in [
            (
                "id,family_name,A-Number\nC-1,Peña,A012345678\n",
                "\"A-Number\"",
            ),
            ("family_name\nPeña\n", "no \"id\" column"),
            ("id,email,EMAIL\nC-1,a@b.org,c@d.org\n", "twice"),
        ] {
            let err = store.import_csv(text.as_bytes(), |_, _| {}).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::InvalidInput);
            assert!(err.to_string().contains(words), "{err}");
        }
        assert_eq!(store.check().unwrap().contacts, 0);
    }

    #[test]
    fn refused_fields_are_reported_by_their_column() {
        for (path, column) in [
            ("passports.0.expires", "passport_expires"),
            ("latest_i94.admit_until", "i94_admit_until"),
            ("addresses.0.lines", "address_lines"),
            ("addresses.0.postal_code", "address_postal_code"),
            ("emails.0.address", "email"),
            ("phones.0.number", "phone"),
            ("other_names.2", "other_names"),
            ("sensitivity_flags.0", "sensitivity_flags"),
            ("a_number", "a_number"),
        ] {
            assert_eq!(column_of(path), column, "{path}");
        }
    }
}
