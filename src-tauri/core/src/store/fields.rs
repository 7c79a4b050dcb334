//! Checks for the fields of a client or matter record, each returning the value in the one form
//! it is stored in. A refused value is an [`Error::InvalidField`] that names the field twice: as
//! a path for the screen (`passports.0.expires`) and in words for the person ("Passport 1: …").

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;

use super::records::canonical_a_number;
use crate::{Error, Result};

/// Where a value sits in a record: its path for the screen and its name for the person.
#[derive(Debug, Clone, Copy)]
pub(super) struct Field<'a> {
    pub path: &'a str,
    pub label: &'a str,
}

impl<'a> Field<'a> {
    pub fn new(path: &'a str, label: &'a str) -> Self {
        Self { path, label }
    }

    pub fn invalid(self, message: impl Into<String>) -> Error {
        Error::InvalidField {
            field: self.path.to_owned(),
            message: message.into(),
        }
    }
}

/// A field of one row of a list (`passports.0.expires`, "Passport 1, expiry date").
pub(super) struct RowField {
    path: String,
    label: String,
}

impl RowField {
    pub fn new(list: &str, index: usize, name: &str, row_label: &str, label: &str) -> Self {
        Self {
            path: format!("{list}.{index}.{name}"),
            label: format!("{row_label} {}, {label}", index + 1),
        }
    }

    pub fn field(&self) -> Field<'_> {
        Field::new(&self.path, &self.label)
    }
}

/// Trimmed text, or `None` when blank.
pub(super) fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The non-blank entries of a list of names, trimmed, in their order.
pub(super) fn text_list(values: &[String]) -> Vec<String> {
    values.iter().filter_map(|v| text(Some(v))).collect()
}

static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$").expect("valid regex"));

/// A calendar date written YYYY-MM-DD, or `None` when blank.
pub(super) fn date(field: Field<'_>, value: Option<&str>) -> Result<Option<String>> {
    let Some(value) = text(value) else {
        return Ok(None);
    };
    if ISO_DATE.is_match(&value) && value.parse::<Date>().is_ok() {
        return Ok(Some(value));
    }
    Err(field.invalid(format!(
        "{}: {value:?} is not a date; write it as YYYY-MM-DD, e.g. 1990-07-31.",
        field.label
    )))
}

/// Refuses a range whose start is after its end (both already checked dates).
pub(super) fn date_order(
    to_field: Field<'_>,
    from: Option<&str>,
    to: Option<&str>,
    what: &str,
) -> Result<()> {
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(to_field.invalid(format!(
            "{}: {to} is before {from}; {what}.",
            to_field.label
        )));
    }
    Ok(())
}

/// A date that cannot be in the future, such as a date of birth.
pub(super) fn past_date(field: Field<'_>, value: Option<&str>) -> Result<Option<String>> {
    let value = date(field, value)?;
    if let Some(day) = &value {
        let today = jiff::ZonedDateTime::now().date();
        if day.parse::<Date>().expect("checked") > today {
            return Err(field.invalid(format!(
                "{}: {day} is in the future; check the year.",
                field.label
            )));
        }
    }
    Ok(value)
}

/// An A-number in canonical form (`A` + 9 digits), or `None` when blank.
pub(super) fn a_number(field: Field<'_>, value: Option<&str>) -> Result<Option<String>> {
    text(value)
        .map(|v| canonical_a_number(&v).map_err(|e| field.invalid(format!("{}: {e}", field.label))))
        .transpose()
}

static SSN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]{3})[-. ]?([0-9]{2})[-. ]?([0-9]{4})$").expect("valid regex")
});

/// Which of the two taxpayer numbers nine digits are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TaxId {
    Ssn,
    Itin,
}

/// Whether 9 digits (`AAA-GG-SSSS`, dashes or spaces optional) are a valid SSN or ITIN, with the
/// number in its stored form `AAA-GG-SSSS`; otherwise why they are neither. SSNs never start with
/// 000, 666 or 9 and have no 00 group or 0000 serial; ITINs start with 9 and have a group of
/// 50–65, 70–88, 90–92 or 94–99.
pub(crate) fn tax_id(value: &str) -> std::result::Result<(TaxId, String), &'static str> {
    let Some(parts) = SSN.captures(value) else {
        return Err("write 9 digits as AAA-GG-SSSS, e.g. 123-45-6789.");
    };
    let (area, group, serial) = (&parts[1], &parts[2], &parts[3]);
    let group_number: u32 = group.parse().expect("digits");
    let kind = if area.starts_with('9') {
        if !matches!(group_number, 50..=65 | 70..=88 | 90..=92 | 94..=99) {
            return Err(
                "a number starting with 9 is an ITIN, whose middle two digits are 50–65, 70–88, \
                 90–92 or 94–99.",
            );
        }
        TaxId::Itin
    } else if area == "000" || area == "666" {
        return Err("no SSN starts with 000 or 666.");
    } else if group == "00" || serial == "0000" {
        return Err("no SSN has 00 as its middle two digits or 0000 as its last four.");
    } else {
        TaxId::Ssn
    };
    Ok((kind, format!("{area}-{group}-{serial}")))
}

/// A Social Security number or ITIN (see [`tax_id`]), stored as `AAA-GG-SSSS`.
pub(super) fn ssn_itin(field: Field<'_>, value: Option<&str>) -> Result<Option<String>> {
    let Some(value) = text(value) else {
        return Ok(None);
    };
    match tax_id(&value) {
        Ok((_, stored)) => Ok(Some(stored)),
        Err(why) => Err(field.invalid(format!(
            "{}: {value:?} is not a valid SSN or ITIN: {why}",
            field.label
        ))),
    }
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$").expect("valid regex"));

/// An e-mail address that is plausibly shaped: `name@domain.tld`, no spaces.
pub(super) fn email(field: Field<'_>, value: &str) -> Result<String> {
    let value = value.trim();
    if EMAIL.is_match(value) {
        return Ok(value.to_owned());
    }
    Err(field.invalid(format!(
        "{}: {value:?} is not an e-mail address; write it as name@example.com.",
        field.label
    )))
}

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(\+?[0-9 ().\-/]+?)(?:\s*(?:ext\.?|x)\s*[0-9]{1,6})?$").expect("valid regex")
});

/// A phone number: 7 to 15 digits with the usual separators, a leading `+` and an extension.
pub(super) fn phone(field: Field<'_>, value: &str) -> Result<String> {
    let value = value.trim();
    let digits = PHONE
        .captures(value)
        .map(|c| c[1].chars().filter(char::is_ascii_digit).count());
    if matches!(digits, Some(7..=15)) {
        return Ok(value.to_owned());
    }
    Err(field.invalid(format!(
        "{}: {value:?} is not a phone number; write 7 to 15 digits, e.g. +1 212 555 0100.",
        field.label
    )))
}

/// Upper case without spaces or dashes: how identifiers printed in groups are stored.
pub(crate) fn compact(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase()
}

static SEVIS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^N[0-9]{10}$").expect("valid regex"));

/// A SEVIS ID: `N` and 10 digits.
pub(super) fn sevis_id(field: Field<'_>, value: Option<&str>) -> Result<Option<String>> {
    let Some(value) = text(value) else {
        return Ok(None);
    };
    let canonical = compact(&value);
    if SEVIS.is_match(&canonical) {
        return Ok(Some(canonical));
    }
    Err(field.invalid(format!(
        "{}: {value:?} is not a SEVIS ID; write N followed by 10 digits, e.g. N0012345678.",
        field.label
    )))
}

static USCIS_ACCOUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{12}$").expect("valid regex"));

/// A USCIS online account number: 12 digits, stored without grouping.
pub(super) fn uscis_account(field: Field<'_>, value: Option<&str>) -> Result<Option<String>> {
    let Some(value) = text(value) else {
        return Ok(None);
    };
    let canonical = compact(&value);
    if USCIS_ACCOUNT.is_match(&canonical) {
        return Ok(Some(canonical));
    }
    Err(field.invalid(format!(
        "{}: {value:?} is not a USCIS online account number, which has 12 digits.",
        field.label
    )))
}

static I94: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[0-9]{9}[A-Z][0-9]|[0-9]{11})$").expect("valid regex"));

/// An I-94 admission record number: 11 characters, 9 digits + letter + digit (since 2019) or 11
/// digits (older records).
pub(super) fn i94_number(field: Field<'_>, value: Option<&str>) -> Result<Option<String>> {
    let Some(value) = text(value) else {
        return Ok(None);
    };
    let canonical = compact(&value);
    if I94.is_match(&canonical) {
        return Ok(Some(canonical));
    }
    Err(field.invalid(format!(
        "{}: {value:?} is not an I-94 number; it has 11 characters, e.g. 123456789A1.",
        field.label
    )))
}

/// The end of an I-94 admission: a date, or `D/S` (duration of status, e.g. for F-1 students).
pub(super) fn admit_until(field: Field<'_>, value: Option<&str>) -> Result<Option<String>> {
    match text(value) {
        Some(v) if compact(&v).replace('/', "") == "DS" => Ok(Some("D/S".into())),
        Some(v) => date(field, Some(&v)).map_err(|_| {
            field.invalid(format!(
                "{}: {v:?} is not a date or D/S; write it as YYYY-MM-DD, or D/S for duration of \
                 status.",
                field.label
            ))
        }),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    const F: Field<'static> = Field {
        path: "x",
        label: "X",
    };

    fn refused<T: std::fmt::Debug>(result: Result<T>) -> String {
        let err = result.unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert_eq!(err.field(), Some("x"));
        err.to_string()
    }

    #[test]
    fn dates_are_iso_calendar_dates() {
        assert_eq!(
            date(F, Some(" 1990-07-31 ")).unwrap().unwrap(),
            "1990-07-31"
        );
        assert_eq!(date(F, Some("  ")).unwrap(), None);
        for bad in [
            "31/07/1990",
            "1990-02-30",
            "19900731",
            "1990-7-31",
            "July 1990",
        ] {
            assert!(refused(date(F, Some(bad))).contains("YYYY-MM-DD"), "{bad}");
        }
        assert!(refused(past_date(F, Some("2999-01-01"))).contains("in the future"));
        assert!(date_order(F, Some("2020-01-01"), Some("2019-12-31"), "why").is_err());
        assert!(date_order(F, Some("2020-01-01"), Some("2020-01-01"), "why").is_ok());
        assert!(date_order(F, None, Some("2020-01-01"), "why").is_ok());
    }

    #[test]
    fn ssns_and_itins_follow_their_shapes() {
        for (typed, stored) in [
            ("123-45-6789", "123-45-6789"),
            ("123456789", "123-45-6789"),
            ("123 45 6789", "123-45-6789"),
            ("912-70-1234", "912-70-1234"), // ITIN
            ("900-94-0000", "900-94-0000"),
        ] {
            assert_eq!(
                ssn_itin(F, Some(typed)).unwrap().unwrap(),
                stored,
                "{typed}"
            );
        }
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "123-00-4567",
            "123-45-0000",
            "912-45-1234", // 9xx with an SSN group: neither
            "912-93-1234",
            "12-345-6789",
            "1234567890",
            "abc-de-fghi",
        ] {
            assert!(refused(ssn_itin(F, Some(bad))).contains("not a valid SSN or ITIN"));
        }
        assert_eq!(ssn_itin(F, None).unwrap(), None);
    }

    #[test]
    fn emails_must_look_like_addresses() {
        assert_eq!(email(F, " ana@example.org ").unwrap(), "ana@example.org");
        assert!(email(F, "ana.pena+case@mail.example.co.uk").is_ok());
        for bad in [
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "ana @example.org",
            "a@b@c.de",
        ] {
            assert!(
                refused(email(F, bad)).contains("not an e-mail address"),
                "{bad}"
            );
        }
    }

    #[test]
    fn phones_have_seven_to_fifteen_digits() {
        for good in [
            "+1 (212) 555-0100",
            "212.555.0100 ext. 12",
            "0044 20 7946 0958",
            "5550100",
        ] {
            assert_eq!(phone(F, good).unwrap(), good);
        }
        for bad in [
            "555",
            "call me",
            "+1 212 555 0100 0100 0100",
            "212-555-01OO",
        ] {
            assert!(
                refused(phone(F, bad)).contains("not a phone number"),
                "{bad}"
            );
        }
    }

    #[test]
    fn identifiers_are_stored_in_one_form() {
        assert_eq!(
            sevis_id(F, Some("n 001234-5678")).unwrap().unwrap(),
            "N0012345678"
        );
        assert!(refused(sevis_id(F, Some("N123"))).contains("SEVIS"));
        assert_eq!(
            uscis_account(F, Some("1234 5678 9012")).unwrap().unwrap(),
            "123456789012"
        );
        assert!(refused(uscis_account(F, Some("12345"))).contains("12 digits"));
        assert_eq!(
            i94_number(F, Some("123456789a1")).unwrap().unwrap(),
            "123456789A1"
        );
        assert_eq!(
            i94_number(F, Some("12345678901")).unwrap().unwrap(),
            "12345678901"
        );
        assert!(refused(i94_number(F, Some("1234"))).contains("I-94"));
        assert_eq!(admit_until(F, Some("d/s")).unwrap().unwrap(), "D/S");
        assert_eq!(
            admit_until(F, Some("2026-09-01")).unwrap().unwrap(),
            "2026-09-01"
        );
        assert!(refused(admit_until(F, Some("soon"))).contains("D/S"));
        assert_eq!(
            a_number(F, Some("A# 012-345-678")).unwrap().unwrap(),
            "A012345678"
        );
        let message = refused(a_number(F, Some("12345")));
        assert!(message.starts_with("X: ") && message.contains("not an A-number"));
    }
}
