//! Dates of birth in the ways people write them: every spelling of a recorded date (ISO, US,
//! European, long forms), and the canonical ISO form of a date written any of those ways, so
//! that a date found after a "DOB" label is the recorded date when it is one.

/// Month names, full and abbreviated, lower case; index + 1 is the month's number.
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month name or its abbreviation (`Mar`, `Mar.`, `Sept`), for the identifier patterns
/// (written for the flags `(?i-u)`).
pub(super) const MONTH_PATTERN: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";

/// A date in any of the forms [`spellings`] writes (written for the flags `(?i-u)`).
pub(super) fn date_pattern() -> String {
    let day = r"[0-9]{1,2}(?:st|nd|rd|th)?";
    format!(
        r"(?:[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}|[0-9]{{1,2}}[/.\-][0-9]{{1,2}}[/.\-](?:[0-9]{{4}}|[0-9]{{2}})|{MONTH_PATTERN}[ \t]+{day},?[ \t]+[0-9]{{4}}|{day}[ \t]+(?:of[ \t]+)?{MONTH_PATTERN},?[ \t]+[0-9]{{4}})\b"
    )
}

/// `(year, month, day)` of an ISO date (`1987-03-14`), when it is one.
fn parse_iso(iso: &str) -> Option<(u32, u32, u32)> {
    let mut parts = iso.trim().splitn(3, '-');
    let year = parts.next()?;
    let (month, day) = (parts.next()?, parts.next()?);
    if year.len() != 4 {
        return None;
    }
    let date = (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    valid(date).then_some(date)
}

fn valid((_, month, day): (u32, u32, u32)) -> bool {
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Every common spelling of the ISO date `iso`; empty when it is no date.
pub(super) fn spellings(iso: &str) -> Vec<String> {
    let Some((year, month, day)) = parse_iso(iso) else {
        return Vec::new();
    };
    let years = [format!("{year:04}"), format!("{:02}", year % 100)];
    let months = [format!("{month:02}"), month.to_string()];
    let days = [format!("{day:02}"), day.to_string()];
    let mut out = vec![format!("{year:04}-{month:02}-{day:02}")];
    out.push(format!("{year:04}/{month:02}/{day:02}"));
    for sep in ['/', '-', '.'] {
        for y in &years {
            for m in &months {
                for d in &days {
                    out.push(format!("{m}{sep}{d}{sep}{y}")); // US
                    out.push(format!("{d}{sep}{m}{sep}{y}")); // European
                }
            }
        }
    }
    let full = MONTHS[month as usize - 1];
    let short = &full[..3];
    let mut names = vec![full.to_owned(), short.to_owned(), format!("{short}.")];
    if month == 9 {
        names.extend(["sept".to_owned(), "sept.".to_owned()]);
    }
    let ordinal = format!("{day}{}", ordinal_suffix(day));
    for name in &names {
        for d in [&days[1], &days[0], &ordinal] {
            out.push(format!("{name} {d}, {year}"));
            out.push(format!("{name} {d} {year}"));
            out.push(format!("{d} {name} {year}"));
            out.push(format!("{d} {name}, {year}"));
        }
        out.push(format!("{ordinal} of {name} {year}"));
        out.push(format!("{ordinal} of {name}, {year}"));
    }
    out.sort();
    out.dedup();
    out
}

fn ordinal_suffix(day: u32) -> &'static str {
    match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// The ISO form of a date written in one of [`spellings`]' forms (numeric dates read as US
/// month/day first, European when that cannot be), or `None`.
pub(super) fn iso(written: &str) -> Option<String> {
    let lower = written.trim().to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty() && *w != "of")
        .collect();
    let date = match words.as_slice() {
        [one] => numeric(one)?,
        [a, b, year] => {
            let year = year.parse().ok()?;
            let (month, day) = match (month_number(a), month_number(b)) {
                (Some(m), None) => (m, day_number(b)?),
                (None, Some(m)) => (m, day_number(a)?),
                _ => return None,
            };
            (year, month, day)
        }
        _ => return None,
    };
    valid(date).then(|| format!("{:04}-{:02}-{:02}", date.0, date.1, date.2))
}

fn numeric(text: &str) -> Option<(u32, u32, u32)> {
    if let Some(date) = parse_iso(text) {
        return Some(date);
    }
    let parts: Vec<u32> = text
        .split(['/', '-', '.'])
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [a, b, year] = parts.as_slice() else {
        return None;
    };
    let year = if text.rsplit(['/', '-', '.']).next()?.len() == 2 {
        // Two-digit years: a date of birth is in the past, so 30 and up is the 1900s.
        if *year >= 30 {
            1900 + year
        } else {
            2000 + year
        }
    } else {
        *year
    };
    if valid((year, *a, *b)) {
        Some((year, *a, *b))
    } else {
        Some((year, *b, *a))
    }
}

fn month_number(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.');
    if word.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(word))
        .map(|i| i as u32 + 1)
}

fn day_number(word: &str) -> Option<u32> {
    word.trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_date_reads_back_as_that_date() {
        let all = spellings("1987-03-14");
        for written in [
            "1987-03-14",
            "03/14/1987",
            "3/14/87",
            "14.03.1987",
            "14/03/1987",
            "march 14, 1987",
            "14 march 1987",
            "mar. 14, 1987",
            "14th of march 1987",
        ] {
            assert!(all.contains(&written.to_owned()), "{written} not spelled");
            assert_eq!(iso(written).as_deref(), Some("1987-03-14"), "{written}");
        }
        assert!(spellings("not a date").is_empty());
        assert_eq!(iso("13/45/1987"), None);
    }
}
