//! The whole record of a contact (a client, or anyone who is a party to a matter): identity,
//! identifiers, travel documents, addresses, ways to reach them, language and needs, and the
//! sensitivity flags that decide what may leave the computer.
//!
//! The lists (passports, addresses…) are JSON arrays in their `contacts` column, written whole
//! with the record. Their JSON is the serde form of the structs below, so renaming a field of
//! them needs a migration of the stored JSON.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::fields::{self, Field, RowField};
use super::records::ContactKind;
use super::{Store, now};
use crate::{Error, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct Passport {
    pub number: String,
    /// The issuing country, as written.
    pub country: String,
    pub issued: Option<String>,
    pub expires: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum AddressKind {
    #[default]
    Residence,
    Mailing,
    Work,
    /// An address abroad, e.g. the last one before coming to the United States.
    Foreign,
    Other,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct Address {
    pub kind: AddressKind,
    /// Street lines, first to last.
    pub lines: Vec<String>,
    pub city: String,
    /// State, province or region.
    pub region: String,
    pub postal_code: String,
    pub country: String,
    /// When the client started living (or getting mail) there, YYYY-MM-DD.
    pub from: Option<String>,
    /// When that ended, YYYY-MM-DD; empty while it is current.
    pub to: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum PhoneKind {
    #[default]
    Mobile,
    Home,
    Work,
    Other,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct Phone {
    pub kind: PhoneKind,
    pub number: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum EmailKind {
    #[default]
    Personal,
    Work,
    Other,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct Email {
    pub kind: EmailKind,
    pub address: String,
}

/// The latest I-94 arrival/departure record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct I94 {
    pub number: String,
    pub admission_date: Option<String>,
    /// Class of admission as printed, e.g. B2, F1, H1B.
    pub class: String,
    /// A date, or `D/S` (duration of status).
    pub admit_until: Option<String>,
}

/// What makes a client's information special-category: it may not leave the computer without
/// the client's consent, and patterns alone cannot find it in notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum SensitivityFlag {
    Asylum,
    Vawa,
    /// A T or U visa (trafficking or crime victim).
    TuVisa,
    Minor,
    Medical,
    Criminal,
}

/// Which privacy law governs the client's data: decides where it may be processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Jurisdiction {
    #[serde(rename = "US")]
    Us,
    #[serde(rename = "EU")]
    Eu,
    #[serde(rename = "UK")]
    Uk,
    #[serde(rename = "CA")]
    Ca,
    #[serde(rename = "other")]
    Other,
}

impl Jurisdiction {
    fn as_str(self) -> &'static str {
        match self {
            Jurisdiction::Us => "US",
            Jurisdiction::Eu => "EU",
            Jurisdiction::Uk => "UK",
            Jurisdiction::Ca => "CA",
            Jurisdiction::Other => "other",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        [Self::Us, Self::Eu, Self::Uk, Self::Ca, Self::Other]
            .into_iter()
            .find(|j| j.as_str() == value)
    }
}

/// Everything about a contact that a person edits. Saving replaces the whole record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ContactDetails {
    pub kind: ContactKind,
    pub given_name: String,
    pub middle_name: String,
    pub family_name: String,
    /// For an institution (an employer, a school): its name.
    pub institution_name: String,
    /// Other names used: maiden names, aliases, other spellings.
    pub other_names: Vec<String>,
    pub date_of_birth: Option<String>,
    pub country_of_birth: Option<String>,
    pub citizenships: Vec<String>,
    pub a_number: Option<String>,
    pub uscis_account_number: Option<String>,
    /// Social Security number or ITIN, `AAA-GG-SSSS`.
    pub ssn_itin: Option<String>,
    pub passports: Vec<Passport>,
    pub latest_i94: Option<I94>,
    pub sevis_id: Option<String>,
    pub addresses: Vec<Address>,
    pub phones: Vec<Phone>,
    pub emails: Vec<Email>,
    pub preferred_language: Option<String>,
    pub interpreter_needed: bool,
    pub detained: bool,
    pub sensitivity_flags: Vec<SensitivityFlag>,
    pub jurisdiction: Option<Jurisdiction>,
}

impl ContactDetails {
    /// A person with only a name.
    pub fn person(given_name: &str, family_name: &str) -> Self {
        Self {
            kind: ContactKind::Person,
            given_name: given_name.into(),
            middle_name: String::new(),
            family_name: family_name.into(),
            institution_name: String::new(),
            other_names: Vec::new(),
            date_of_birth: None,
            country_of_birth: None,
            citizenships: Vec::new(),
            a_number: None,
            uscis_account_number: None,
            ssn_itin: None,
            passports: Vec::new(),
            latest_i94: None,
            sevis_id: None,
            addresses: Vec::new(),
            phones: Vec::new(),
            emails: Vec::new(),
            preferred_language: None,
            interpreter_needed: false,
            detained: false,
            sensitivity_flags: Vec::new(),
            jurisdiction: None,
        }
    }
}

/// A stored contact: its details and when it was created and last changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub id: i64,
    pub details: ContactDetails,
    pub created_at: String,
    pub updated_at: String,
}

impl Store {
    /// A contact's whole record. Contacts in the trash are not found.
    pub fn contact(&self, id: i64) -> Result<Contact> {
        self.conn
            .query_row(
                "SELECT id, kind, given_name, middle_name, family_name, institution_name,
                        other_names, date_of_birth, country_of_birth, citizenships, a_number,
                        uscis_account_number, ssn_itin, passports, latest_i94, sevis_id,
                        addresses, phones, emails, preferred_language, interpreter_needed,
                        detained, sensitivity_flags, jurisdiction, created_at, updated_at
                 FROM contacts WHERE id = ?1 AND deleted_at IS NULL",
                [id],
                stored_contact,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("Client {id} does not exist.")))?
            .into_contact()
    }

    /// Replaces a contact's details after checking every field. Saving what is stored already
    /// changes nothing (not even `updated_at`); a contact in the trash is refused.
    pub fn update_contact(&mut self, id: i64, details: &ContactDetails) -> Result<Contact> {
        let d = checked_contact(details)?;
        let tx = self.conn.transaction()?;
        let deleted: Option<Option<String>> = tx
            .query_row("SELECT deleted_at FROM contacts WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        match deleted {
            None => return Err(Error::NotFound(format!("Client {id} does not exist."))),
            Some(Some(_)) => {
                return Err(Error::InvalidInput(format!(
                    "Client {id} is in the trash; restore it before changing it."
                )));
            }
            Some(None) => {}
        }
        write_contact(&tx, id, &d)?;
        tx.commit()?;
        self.contact(id)
    }
}

/// Writes checked details over contact `id` (which must exist) unless they are what is stored;
/// returns how many rows changed (0 or 1).
pub(super) fn write_contact(conn: &Connection, id: i64, d: &ContactDetails) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE contacts SET kind = ?2, given_name = ?3, middle_name = ?4, family_name = ?5,
             institution_name = ?6, other_names = ?7, date_of_birth = ?8,
             country_of_birth = ?9, citizenships = ?10, a_number = ?11,
             uscis_account_number = ?12, ssn_itin = ?13, passports = ?14, latest_i94 = ?15,
             sevis_id = ?16, addresses = ?17, phones = ?18, emails = ?19,
             preferred_language = ?20, interpreter_needed = ?21, detained = ?22,
             sensitivity_flags = ?23, jurisdiction = ?24, updated_at = ?25
         WHERE id = ?1 AND NOT (kind IS ?2 AND given_name IS ?3 AND middle_name IS ?4
             AND family_name IS ?5 AND institution_name IS ?6 AND other_names IS ?7
             AND date_of_birth IS ?8 AND country_of_birth IS ?9 AND citizenships IS ?10
             AND a_number IS ?11 AND uscis_account_number IS ?12 AND ssn_itin IS ?13
             AND passports IS ?14 AND latest_i94 IS ?15 AND sevis_id IS ?16
             AND addresses IS ?17 AND phones IS ?18 AND emails IS ?19
             AND preferred_language IS ?20 AND interpreter_needed IS ?21 AND detained IS ?22
             AND sensitivity_flags IS ?23 AND jurisdiction IS ?24)",
        params![
            id,
            d.kind.as_str(),
            d.given_name,
            d.middle_name,
            d.family_name,
            d.institution_name,
            to_json(&d.other_names),
            d.date_of_birth,
            d.country_of_birth,
            to_json(&d.citizenships),
            d.a_number,
            d.uscis_account_number,
            d.ssn_itin,
            to_json(&d.passports),
            d.latest_i94.as_ref().map(to_json),
            d.sevis_id,
            to_json(&d.addresses),
            to_json(&d.phones),
            to_json(&d.emails),
            d.preferred_language,
            d.interpreter_needed,
            d.detained,
            to_json(&d.sensitivity_flags),
            d.jurisdiction.map(Jurisdiction::as_str),
            now(),
        ],
    )?)
}

/// The stored JSON of one of the record's lists.
fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("record values serialize")
}

/// A contact's row as stored, before its JSON columns are read.
struct StoredContact {
    id: i64,
    kind: String,
    names: [String; 4],
    other_names: String,
    date_of_birth: Option<String>,
    country_of_birth: Option<String>,
    citizenships: String,
    a_number: Option<String>,
    uscis_account_number: Option<String>,
    ssn_itin: Option<String>,
    passports: String,
    latest_i94: Option<String>,
    sevis_id: Option<String>,
    addresses: String,
    phones: String,
    emails: String,
    preferred_language: Option<String>,
    interpreter_needed: bool,
    detained: bool,
    sensitivity_flags: String,
    jurisdiction: Option<String>,
    created_at: String,
    updated_at: String,
}

fn stored_contact(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredContact> {
    Ok(StoredContact {
        id: r.get(0)?,
        kind: r.get(1)?,
        names: [r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?],
        other_names: r.get(6)?,
        date_of_birth: r.get(7)?,
        country_of_birth: r.get(8)?,
        citizenships: r.get(9)?,
        a_number: r.get(10)?,
        uscis_account_number: r.get(11)?,
        ssn_itin: r.get(12)?,
        passports: r.get(13)?,
        latest_i94: r.get(14)?,
        sevis_id: r.get(15)?,
        addresses: r.get(16)?,
        phones: r.get(17)?,
        emails: r.get(18)?,
        preferred_language: r.get(19)?,
        interpreter_needed: r.get(20)?,
        detained: r.get(21)?,
        sensitivity_flags: r.get(22)?,
        jurisdiction: r.get(23)?,
        created_at: r.get(24)?,
        updated_at: r.get(25)?,
    })
}

impl StoredContact {
    /// Reads the JSON columns. A value this version cannot read is reported, never replaced.
    fn into_contact(self) -> Result<Contact> {
        let id = self.id;
        fn read<T: serde::de::DeserializeOwned>(id: i64, column: &str, text: &str) -> Result<T> {
            serde_json::from_str(text).map_err(|e| unreadable(id, column, &e.to_string()))
        }
        let [given_name, middle_name, family_name, institution_name] = self.names;
        Ok(Contact {
            id,
            details: ContactDetails {
                kind: ContactKind::parse(&self.kind)
                    .ok_or_else(|| unreadable(id, "kind", &self.kind))?,
                given_name,
                middle_name,
                family_name,
                institution_name,
                other_names: read(id, "other_names", &self.other_names)?,
                date_of_birth: self.date_of_birth,
                country_of_birth: self.country_of_birth,
                citizenships: read(id, "citizenships", &self.citizenships)?,
                a_number: self.a_number,
                uscis_account_number: self.uscis_account_number,
                ssn_itin: self.ssn_itin,
                passports: read(id, "passports", &self.passports)?,
                latest_i94: self
                    .latest_i94
                    .map(|text| read(id, "latest_i94", &text))
                    .transpose()?,
                sevis_id: self.sevis_id,
                addresses: read(id, "addresses", &self.addresses)?,
                phones: read(id, "phones", &self.phones)?,
                emails: read(id, "emails", &self.emails)?,
                preferred_language: self.preferred_language,
                interpreter_needed: self.interpreter_needed,
                detained: self.detained,
                sensitivity_flags: read(id, "sensitivity_flags", &self.sensitivity_flags)?,
                jurisdiction: self
                    .jurisdiction
                    .map(|j| {
                        Jurisdiction::parse(&j).ok_or_else(|| unreadable(id, "jurisdiction", &j))
                    })
                    .transpose()?,
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn unreadable(id: i64, column: &str, detail: &str) -> Error {
    Error::Database(format!(
        "client {id}'s {column} cannot be read by this version of Casefile ({detail}); it is \
         left as it is."
    ))
}

/// The details as they will be stored: every field checked and in its one stored form.
pub(super) fn checked_contact(d: &ContactDetails) -> Result<ContactDetails> {
    let given_name = d.given_name.trim().to_owned();
    let family_name = d.family_name.trim().to_owned();
    let institution_name = d.institution_name.trim().to_owned();
    match d.kind {
        ContactKind::Person if given_name.is_empty() && family_name.is_empty() => {
            return Err(Field::new("givenName", "Given name")
                .invalid("Enter the client's given or family name."));
        }
        ContactKind::Institution if institution_name.is_empty() => {
            return Err(
                Field::new("institutionName", "Name").invalid("Enter the institution's name.")
            );
        }
        _ => {}
    }

    let mut passports = Vec::new();
    for (i, p) in d.passports.iter().enumerate() {
        let at = |name: &str, label: &str| RowField::new("passports", i, name, "Passport", label);
        let number = p
            .number
            .split_whitespace()
            .collect::<String>()
            .to_uppercase();
        let country = p.country.trim().to_owned();
        let issued = fields::date(at("issued", "issue date").field(), p.issued.as_deref())?;
        let expires = fields::date(at("expires", "expiry date").field(), p.expires.as_deref())?;
        if number.is_empty() {
            if country.is_empty() && issued.is_none() && expires.is_none() {
                continue; // an empty row
            }
            let f = at("number", "number");
            return Err(f.field().invalid(format!(
                "{}: enter the passport number, or remove the row.",
                f.field().label
            )));
        }
        fields::date_order(
            at("expires", "expiry date").field(),
            issued.as_deref(),
            expires.as_deref(),
            "a passport expires after it is issued",
        )?;
        passports.push(Passport {
            number,
            country,
            issued,
            expires,
        });
    }

    let mut addresses = Vec::new();
    for (i, a) in d.addresses.iter().enumerate() {
        let at = |name: &str, label: &str| RowField::new("addresses", i, name, "Address", label);
        let address = Address {
            kind: a.kind,
            lines: fields::text_list(&a.lines),
            city: a.city.trim().to_owned(),
            region: a.region.trim().to_owned(),
            postal_code: a.postal_code.trim().to_owned(),
            country: a.country.trim().to_owned(),
            from: fields::date(at("from", "from").field(), a.from.as_deref())?,
            to: fields::date(at("to", "to").field(), a.to.as_deref())?,
        };
        let place_empty = address.lines.is_empty()
            && address.city.is_empty()
            && address.region.is_empty()
            && address.postal_code.is_empty()
            && address.country.is_empty();
        if place_empty {
            if address.from.is_none() && address.to.is_none() {
                continue;
            }
            let f = at("lines", "street");
            return Err(f.field().invalid(format!(
                "Address {}: enter the street, city or country, or remove the row.",
                i + 1
            )));
        }
        fields::date_order(
            at("to", "to").field(),
            address.from.as_deref(),
            address.to.as_deref(),
            "the end of a stay comes after its start",
        )?;
        addresses.push(address);
    }

    let mut phones = Vec::new();
    for (i, p) in d.phones.iter().enumerate() {
        if p.number.trim().is_empty() {
            continue;
        }
        let f = RowField::new("phones", i, "number", "Phone", "number");
        phones.push(Phone {
            kind: p.kind,
            number: fields::phone(f.field(), &p.number)?,
        });
    }

    let mut emails = Vec::new();
    for (i, e) in d.emails.iter().enumerate() {
        if e.address.trim().is_empty() {
            continue;
        }
        let f = RowField::new("emails", i, "address", "E-mail", "address");
        emails.push(Email {
            kind: e.kind,
            address: fields::email(f.field(), &e.address)?,
        });
    }

    let latest_i94 = match &d.latest_i94 {
        None => None,
        Some(i) => {
            let number = fields::i94_number(
                Field::new("latestI94.number", "I-94 number"),
                Some(&i.number),
            )?;
            let admission_date = fields::date(
                Field::new("latestI94.admissionDate", "I-94 admission date"),
                i.admission_date.as_deref(),
            )?;
            let admit_until = fields::admit_until(
                Field::new("latestI94.admitUntil", "I-94 admit until"),
                i.admit_until.as_deref(),
            )?;
            if admit_until.as_deref() != Some("D/S") {
                fields::date_order(
                    Field::new("latestI94.admitUntil", "I-94 admit until"),
                    admission_date.as_deref(),
                    admit_until.as_deref(),
                    "admission ends after it starts",
                )?;
            }
            let class = i.class.trim().to_uppercase();
            let blank = number.is_none()
                && admission_date.is_none()
                && admit_until.is_none()
                && class.is_empty();
            (!blank).then(|| I94 {
                number: number.unwrap_or_default(),
                admission_date,
                class,
                admit_until,
            })
        }
    };

    let mut sensitivity_flags = d.sensitivity_flags.clone();
    sensitivity_flags.sort();
    sensitivity_flags.dedup();

    Ok(ContactDetails {
        kind: d.kind,
        given_name,
        middle_name: d.middle_name.trim().to_owned(),
        family_name,
        institution_name,
        other_names: fields::text_list(&d.other_names),
        date_of_birth: fields::past_date(
            Field::new("dateOfBirth", "Date of birth"),
            d.date_of_birth.as_deref(),
        )?,
        country_of_birth: fields::text(d.country_of_birth.as_deref()),
        citizenships: fields::text_list(&d.citizenships),
        a_number: fields::a_number(Field::new("aNumber", "A-number"), d.a_number.as_deref())?,
        uscis_account_number: fields::uscis_account(
            Field::new("uscisAccountNumber", "USCIS online account number"),
            d.uscis_account_number.as_deref(),
        )?,
        ssn_itin: fields::ssn_itin(Field::new("ssnItin", "SSN or ITIN"), d.ssn_itin.as_deref())?,
        passports,
        latest_i94,
        sevis_id: fields::sevis_id(Field::new("sevisId", "SEVIS ID"), d.sevis_id.as_deref())?,
        addresses,
        phones,
        emails,
        preferred_language: fields::text(d.preferred_language.as_deref()),
        interpreter_needed: d.interpreter_needed,
        detained: d.detained,
        sensitivity_flags,
        jurisdiction: d.jurisdiction,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::store::{NewContact, SearchFilter, test_support};

    fn client(store: &mut Store) -> i64 {
        store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap()
    }

    fn full() -> ContactDetails {
        ContactDetails {
            middle_name: "Lucía".into(),
            other_names: vec!["Ana Ruiz".into(), "  ".into()],
            date_of_birth: Some("1990-07-31".into()),
            country_of_birth: Some("Honduras".into()),
            citizenships: vec!["Honduras".into(), "Spain ".into()],
            a_number: Some("A# 012-345-678".into()),
            uscis_account_number: Some("1234 5678 9012".into()),
            ssn_itin: Some("912701234".into()),
            passports: vec![
                Passport {
                    number: "c 1234567".into(),
                    country: "Honduras".into(),
                    issued: Some("2019-01-02".into()),
                    expires: Some("2029-01-01".into()),
                },
                Passport::default(), // an empty row is dropped
            ],
            latest_i94: Some(I94 {
                number: "123456789a1".into(),
                admission_date: Some("2023-05-01".into()),
                class: "f1".into(),
                admit_until: Some("d/s".into()),
            }),
            sevis_id: Some("N0012345678".into()),
            addresses: vec![Address {
                kind: AddressKind::Residence,
                lines: vec!["12 Main St".into(), "Apt 4".into(), "".into()],
                city: "Houston".into(),
                region: "TX".into(),
                postal_code: "77002".into(),
                country: "United States".into(),
                from: Some("2023-05-02".into()),
                to: None,
            }],
            phones: vec![Phone {
                kind: PhoneKind::Mobile,
                number: "+1 713 555 0100".into(),
            }],
            emails: vec![Email {
                kind: EmailKind::Personal,
                address: "ana@example.org".into(),
            }],
            preferred_language: Some("Spanish".into()),
            interpreter_needed: true,
            detained: false,
            sensitivity_flags: vec![SensitivityFlag::Minor, SensitivityFlag::Asylum],
            jurisdiction: Some(Jurisdiction::Us),
            ..ContactDetails::person("Ana", "Peña")
        }
    }

    #[test]
    fn every_field_round_trips_in_its_stored_form() {
        let (_dir, mut store) = test_support::store();
        let id = client(&mut store);
        let saved = store.update_contact(id, &full()).unwrap();
        let d = &saved.details;
        assert_eq!(d.other_names, ["Ana Ruiz"]);
        assert_eq!(d.citizenships, ["Honduras", "Spain"]);
        assert_eq!(d.a_number.as_deref(), Some("A012345678"));
        assert_eq!(d.uscis_account_number.as_deref(), Some("123456789012"));
        assert_eq!(d.ssn_itin.as_deref(), Some("912-70-1234"));
        assert_eq!(d.passports.len(), 1);
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
        assert_eq!(d.addresses[0].lines, ["12 Main St", "Apt 4"]);
        assert_eq!(
            d.sensitivity_flags,
            [SensitivityFlag::Asylum, SensitivityFlag::Minor]
        );
        assert_eq!(store.contact(id).unwrap(), saved, "read back as saved");
        // The list of clients shows the new A-number.
        assert_eq!(
            store.client(id).unwrap().a_number.as_deref(),
            Some("A012345678")
        );
        // Saving the stored record again changes nothing.
        let again = store.update_contact(id, &saved.details).unwrap();
        assert_eq!(again.updated_at, saved.updated_at);
    }

    #[test]
    fn an_update_keeps_updated_at_and_the_search_index_current() {
        let (_dir, mut store) = test_support::store();
        let id = client(&mut store);
        let before = store.contact(id).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let mut details = before.details.clone();
        details.other_names = vec!["Anita Quispe".into()];
        details.a_number = Some("A987654321".into());
        let after = store.update_contact(id, &details).unwrap();
        assert!(after.updated_at > before.updated_at);
        assert_eq!(after.created_at, before.created_at);
        let filter = SearchFilter {
            limit: 5,
            ..SearchFilter::default()
        };
        for query in ["Quispe", "A-987654321"] {
            let hits = store.search(query, &filter).unwrap();
            assert_eq!(hits.len(), 1, "{query}");
            assert_eq!(hits[0].id, id);
        }
    }

    #[test]
    fn each_refused_field_is_named_and_nothing_is_written() {
        let (_dir, mut store) = test_support::store();
        let id = client(&mut store);
        let stored = store.contact(id).unwrap();
        type Edit = Box<dyn Fn(&mut ContactDetails)>;
        let cases: Vec<(&str, Edit, &str)> = vec![
            (
                "aNumber",
                Box::new(|d| d.a_number = Some("12345".into())),
                "not an A-number",
            ),
            (
                "dateOfBirth",
                Box::new(|d| d.date_of_birth = Some("31/07/1990".into())),
                "YYYY-MM-DD",
            ),
            (
                "ssnItin",
                Box::new(|d| d.ssn_itin = Some("666-12-3456".into())),
                "SSN or ITIN",
            ),
            (
                "sevisId",
                Box::new(|d| d.sevis_id = Some("123".into())),
                "SEVIS",
            ),
            (
                "uscisAccountNumber",
                Box::new(|d| d.uscis_account_number = Some("1".into())),
                "12 digits",
            ),
            (
                "givenName",
                Box::new(|d| {
                    d.given_name = " ".into();
                    d.family_name = String::new();
                }),
                "given or family name",
            ),
            (
                "passports.0.expires",
                Box::new(|d| d.passports[0].expires = Some("2018-01-01".into())),
                "Passport 1, expiry date",
            ),
            (
                "passports.1.number",
                Box::new(|d| d.passports[1].country = "Spain".into()),
                "enter the passport number",
            ),
            (
                "addresses.0.to",
                Box::new(|d| d.addresses[0].to = Some("2020-01-01".into())),
                "Address 1, to",
            ),
            (
                "addresses.0.from",
                Box::new(|d| d.addresses[0].from = Some("2020-13-01".into())),
                "not a date",
            ),
            (
                "phones.0.number",
                Box::new(|d| d.phones[0].number = "12".into()),
                "not a phone number",
            ),
            (
                "emails.0.address",
                Box::new(|d| d.emails[0].address = "ana at example".into()),
                "not an e-mail address",
            ),
            (
                "latestI94.number",
                Box::new(|d| d.latest_i94.as_mut().unwrap().number = "99".into()),
                "I-94",
            ),
            (
                "latestI94.admitUntil",
                Box::new(|d| {
                    d.latest_i94.as_mut().unwrap().admit_until = Some("2020-01-01".into())
                }),
                "admission ends after it starts",
            ),
        ];
        for (field, edit, words) in cases {
            let mut details = full();
            edit(&mut details);
            let err = store.update_contact(id, &details).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidInput, "{field}");
            assert_eq!(err.field(), Some(field), "{err}");
            assert!(err.to_string().contains(words), "{field}: {err}");
            assert_eq!(
                store.contact(id).unwrap(),
                stored,
                "{field}: nothing written"
            );
        }
    }

    #[test]
    fn missing_and_trashed_contacts_are_refused() {
        let (_dir, mut store) = test_support::store();
        let id = client(&mut store);
        assert_eq!(
            store.update_contact(999, &full()).unwrap_err().code(),
            ErrorCode::NotFound
        );
        store
            .conn
            .execute("UPDATE contacts SET deleted_at = 'x' WHERE id = ?1", [id])
            .unwrap();
        let err = store.update_contact(id, &full()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains("in the trash"), "{err}");
        store
            .conn
            .execute("UPDATE contacts SET deleted_at = NULL WHERE id = ?1", [id])
            .unwrap();
        assert_eq!(store.contact(id).unwrap().details.a_number, None);
    }

    #[test]
    fn a_stored_value_this_version_cannot_read_is_reported_not_replaced() {
        let (_dir, mut store) = test_support::store();
        let id = client(&mut store);
        store
            .conn
            .execute(
                r#"UPDATE contacts SET passports = '[{"number": 5}]' WHERE id = ?1"#,
                [id],
            )
            .unwrap();
        let err = store.contact(id).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Database);
        assert!(err.to_string().contains("passports"), "{err}");
    }

    #[test]
    fn institutions_need_a_name() {
        let (_dir, mut store) = test_support::store();
        let id = client(&mut store);
        let mut details = ContactDetails::person("", "");
        details.kind = ContactKind::Institution;
        let err = store.update_contact(id, &details).unwrap_err();
        assert_eq!(err.field(), Some("institutionName"));
        details.institution_name = "Acme Farms LLC".into();
        store.update_contact(id, &details).unwrap();
        assert_eq!(store.client(id).unwrap().name, "Acme Farms LLC");
    }
}
