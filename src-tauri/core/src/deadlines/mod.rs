//! Deadline rules: due dates computed locally from notices and events, never by a model. Each
//! result names the rule and its source so the attorney can check it; an attorney's override is
//! kept beside the computed date, never in place of it.

mod holidays;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

pub use holidays::{federal_holidays, is_business_day, next_business_day};

use crate::{Error, Result};

/// How a notice or decision reached the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Service {
    Personal,
    Mail,
    Electronic,
}

impl Service {
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Personal => "personal",
            Service::Mail => "mail",
            Service::Electronic => "electronic",
        }
    }
}

/// The event a deadline runs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Response to a USCIS Request for Evidence; `form_i539` for the shorter I-539 period.
    RfeResponse { form_i539: bool },
    /// Response to a USCIS Notice of Intent to Deny.
    NoidResponse,
    /// Form I-290B appeal or motion to the AAO, from the decision's service.
    I290bAppeal,
    /// Form EOIR-26 appeal to the BIA, from the immigration judge's decision.
    BiaAppeal,
    /// Form I-589 asylum application, from the applicant's last arrival.
    AsylumOneYear,
    /// Joint Form I-751, from the date conditional residence expires.
    JointI751,
}

/// The facts a rule needs.
#[derive(Debug, Clone, Copy)]
pub struct Trigger {
    pub rule: Rule,
    /// Notice date, decision date, last arrival, or conditional residence expiry.
    pub date: Date,
    pub service: Service,
    /// The due date printed on the notice, where there is one: it controls.
    pub printed_due: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deadline {
    pub due: Date,
    /// First day the filing may be made, for rules with a window.
    pub opens: Option<Date>,
    pub rule: &'static str,
    pub source: &'static str,
    /// How the date was reached, in plain words.
    pub explanation: String,
    /// Things the attorney should look at (e.g. a printed date beyond the regulatory maximum).
    pub warnings: Vec<String>,
}

/// USCIS adds three days to a response period when the notice was served by mail.
const MAIL_DAYS: i64 = 3;
const MAIL_SOURCE: &str = "8 CFR 103.8(b)";

pub fn compute(trigger: &Trigger) -> Result<Deadline> {
    let mailed = trigger.service == Service::Mail;
    let plus = |days: i64| -> Result<Date> {
        trigger
            .date
            .checked_add(days.days())
            .map_err(|e| Error::InvalidInput(format!("date out of range: {e}")))
    };
    let uscis_period = |days: i64, rule: &'static str, source: &'static str| -> Result<Deadline> {
        let extra = if mailed { MAIL_DAYS } else { 0 };
        let computed = plus(days + extra)?;
        let mut explanation = format!("{days} days from the notice date {}", trigger.date);
        if mailed {
            explanation.push_str(&format!(
                ", plus {MAIL_DAYS} days for service by mail ({MAIL_SOURCE})"
            ));
        }
        let mut warnings = Vec::new();
        let due = match trigger.printed_due {
            Some(printed) => {
                if printed > computed {
                    warnings.push(format!(
                        "The printed due date {printed} is later than the longest period the rule \
                         allows ({computed}); confirm it before relying on it."
                    ));
                }
                explanation = format!(
                    "the due date printed on the notice controls ({printed}); by the rule it would be {computed}: {explanation}"
                );
                printed
            }
            None => computed,
        };
        Ok(Deadline {
            due,
            opens: None,
            rule,
            source,
            explanation,
            warnings,
        })
    };
    match trigger.rule {
        Rule::RfeResponse { form_i539: false } => uscis_period(
            84,
            "Response to a Request for Evidence (12 weeks)",
            "8 CFR 103.2(b)(8)(iv)",
        ),
        Rule::RfeResponse { form_i539: true } => uscis_period(
            30,
            "Response to a Request for Evidence on Form I-539 (30 days)",
            "8 CFR 103.2(b)(8)(iv)",
        ),
        Rule::NoidResponse => uscis_period(
            30,
            "Response to a Notice of Intent to Deny (30 days)",
            "8 CFR 103.2(b)(8)(iv)",
        ),
        Rule::I290bAppeal => uscis_period(
            30,
            "Form I-290B appeal or motion (30 days)",
            "8 CFR 103.3(a)(2)(i)",
        ),
        Rule::BiaAppeal => {
            let day_30 = plus(30)?;
            let due = next_business_day(day_30);
            let mut explanation = format!(
                "must be received by the Board 30 calendar days after the decision of {}; no \
                 extra days for mail",
                trigger.date
            );
            if due != day_30 {
                explanation.push_str(&format!(
                    "; day 30 ({day_30}) is a weekend or federal holiday, so it moves to the next business day"
                ));
            }
            Ok(Deadline {
                due,
                opens: None,
                rule: "Form EOIR-26 appeal to the BIA (30 days, received)",
                source: "8 CFR 1003.38(b)",
                explanation,
                warnings: Vec::new(),
            })
        }
        Rule::AsylumOneYear => {
            let due = trigger
                .date
                .checked_add(1.year())
                .map_err(|e| Error::InvalidInput(format!("date out of range: {e}")))?;
            Ok(Deadline {
                due,
                opens: None,
                rule: "Form I-589 within one year of the last arrival",
                source: "INA 208(a)(2)(B); 8 CFR 208.4(a)(2)",
                explanation: format!(
                    "one year after the last arrival on {}; exceptions for changed or \
                     extraordinary circumstances exist",
                    trigger.date
                ),
                warnings: Vec::new(),
            })
        }
        Rule::JointI751 => {
            let opens = plus(-90)?;
            Ok(Deadline {
                due: trigger.date,
                opens: Some(opens),
                rule: "Joint Form I-751 in the 90 days before conditional residence expires",
                source: "INA 216(d)(2); 8 CFR 216.4(a)(1)",
                explanation: format!(
                    "may be filed from {opens}, 90 days before conditional residence expires on {}",
                    trigger.date
                ),
                warnings: Vec::new(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn due(rule: Rule, on: Date, service: Service) -> Deadline {
        compute(&Trigger {
            rule,
            date: on,
            service,
            printed_due: None,
        })
        .unwrap()
    }

    #[test]
    fn rfe_is_84_days_plus_3_by_mail() {
        let rfe = Rule::RfeResponse { form_i539: false };
        assert_eq!(
            due(rfe, date(2026, 3, 2), Service::Personal).due,
            date(2026, 5, 25)
        );
        assert_eq!(
            due(rfe, date(2026, 3, 2), Service::Electronic).due,
            date(2026, 5, 25)
        );
        let mailed = due(rfe, date(2026, 3, 2), Service::Mail);
        assert_eq!(mailed.due, date(2026, 5, 28));
        assert!(mailed.explanation.contains("8 CFR 103.8(b)"));
    }

    #[test]
    fn rfe_on_i539_is_30_days() {
        let rfe = Rule::RfeResponse { form_i539: true };
        assert_eq!(
            due(rfe, date(2026, 1, 15), Service::Personal).due,
            date(2026, 2, 14)
        );
        assert_eq!(
            due(rfe, date(2026, 1, 15), Service::Mail).due,
            date(2026, 2, 17)
        );
    }

    #[test]
    fn the_printed_due_date_controls_and_a_late_one_is_flagged() {
        let rfe = Rule::RfeResponse { form_i539: false };
        let printed = compute(&Trigger {
            rule: rfe,
            date: date(2026, 3, 2),
            service: Service::Mail,
            printed_due: Some(date(2026, 5, 20)),
        })
        .unwrap();
        assert_eq!(printed.due, date(2026, 5, 20));
        assert!(printed.warnings.is_empty());
        let late = compute(&Trigger {
            rule: rfe,
            date: date(2026, 3, 2),
            service: Service::Personal,
            printed_due: Some(date(2026, 6, 30)),
        })
        .unwrap();
        assert_eq!(late.due, date(2026, 6, 30));
        assert!(
            late.warnings[0].contains("later than the longest period"),
            "{late:?}"
        );
    }

    #[test]
    fn noid_is_30_days_plus_3_by_mail() {
        assert_eq!(
            due(Rule::NoidResponse, date(2026, 2, 1), Service::Personal).due,
            date(2026, 3, 3)
        );
        assert_eq!(
            due(Rule::NoidResponse, date(2026, 2, 1), Service::Mail).due,
            date(2026, 3, 6)
        );
    }

    #[test]
    fn i290b_is_30_days_personal_33_mailed() {
        assert_eq!(
            due(Rule::I290bAppeal, date(2026, 4, 10), Service::Personal).due,
            date(2026, 5, 10)
        );
        assert_eq!(
            due(Rule::I290bAppeal, date(2026, 4, 10), Service::Mail).due,
            date(2026, 5, 13)
        );
    }

    #[test]
    fn bia_appeal_gets_no_mail_days_and_rolls_past_weekends_and_holidays() {
        // Plain case: day 30 is a Thursday.
        assert_eq!(
            due(Rule::BiaAppeal, date(2026, 3, 10), Service::Mail).due,
            date(2026, 4, 9)
        );
        // Day 30 is Saturday 2026-10-10; Monday the 12th is Columbus Day: Tuesday the 13th.
        let rolled = due(Rule::BiaAppeal, date(2026, 9, 10), Service::Personal);
        assert_eq!(rolled.due, date(2026, 10, 13));
        assert!(rolled.explanation.contains("next business day"));
        // Day 30 is Thanksgiving 2026-11-26: Friday the 27th.
        assert_eq!(
            due(Rule::BiaAppeal, date(2026, 10, 27), Service::Personal).due,
            date(2026, 11, 27)
        );
        // Day 30 is Friday 2026-07-03, the observed Independence Day: Monday the 6th.
        assert_eq!(
            due(Rule::BiaAppeal, date(2026, 6, 3), Service::Personal).due,
            date(2026, 7, 6)
        );
    }

    #[test]
    fn asylum_is_one_year_from_last_arrival() {
        assert_eq!(
            due(Rule::AsylumOneYear, date(2025, 8, 15), Service::Personal).due,
            date(2026, 8, 15)
        );
        // A leap-day arrival: the anniversary falls on February 28.
        assert_eq!(
            due(Rule::AsylumOneYear, date(2024, 2, 29), Service::Personal).due,
            date(2025, 2, 28)
        );
    }

    #[test]
    fn joint_i751_window_is_the_90_days_before_expiry() {
        let window = due(Rule::JointI751, date(2026, 9, 1), Service::Personal);
        assert_eq!(window.opens, Some(date(2026, 6, 3)));
        assert_eq!(window.due, date(2026, 9, 1));
    }

    #[test]
    fn every_rule_names_its_source() {
        let rules = [
            Rule::RfeResponse { form_i539: false },
            Rule::RfeResponse { form_i539: true },
            Rule::NoidResponse,
            Rule::I290bAppeal,
            Rule::BiaAppeal,
            Rule::AsylumOneYear,
            Rule::JointI751,
        ];
        for rule in rules {
            let d = due(rule, date(2026, 1, 5), Service::Mail);
            assert!(
                d.source.contains("CFR") || d.source.contains("INA"),
                "{rule:?}"
            );
            assert!(!d.explanation.is_empty());
        }
    }
}
