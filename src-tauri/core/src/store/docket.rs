//! Filings, notices and deadlines of a matter. Recording a notice that starts a period (RFE,
//! NOID, denial) or an event (an IJ decision, a last arrival, the end of conditional residence)
//! computes its deadline with the rules engine and stores the result with its rule and source.

use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{Store, identifiers, now};
use crate::deadlines::{self, Rule, Service, Trigger};
use crate::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Filing {
    pub id: i64,
    pub matter_id: i64,
    pub form_type: String,
    pub form_edition: Option<String>,
    pub filed_on: Option<String>,
    pub receipt_number: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum NoticeKind {
    Receipt,
    Biometrics,
    Rfe,
    Noid,
    Noir,
    Nta,
    Interview,
    Approval,
    Denial,
    Transfer,
}

impl NoticeKind {
    const ALL: [NoticeKind; 10] = [
        NoticeKind::Receipt,
        NoticeKind::Biometrics,
        NoticeKind::Rfe,
        NoticeKind::Noid,
        NoticeKind::Noir,
        NoticeKind::Nta,
        NoticeKind::Interview,
        NoticeKind::Approval,
        NoticeKind::Denial,
        NoticeKind::Transfer,
    ];

    /// As stored (the schema's CHECK list).
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Receipt => "receipt",
            NoticeKind::Biometrics => "biometrics",
            NoticeKind::Rfe => "rfe",
            NoticeKind::Noid => "noid",
            NoticeKind::Noir => "noir",
            NoticeKind::Nta => "nta",
            NoticeKind::Interview => "interview",
            NoticeKind::Approval => "approval",
            NoticeKind::Denial => "denial",
            NoticeKind::Transfer => "transfer",
        }
    }

    /// The deadline this kind of notice starts, if any.
    fn rule(self, form_i539: bool) -> Option<Rule> {
        match self {
            NoticeKind::Rfe => Some(Rule::RfeResponse { form_i539 }),
            NoticeKind::Noid => Some(Rule::NoidResponse),
            NoticeKind::Denial => Some(Rule::I290bAppeal),
            _ => None,
        }
    }
}

/// Events that start a deadline without a USCIS notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum DeadlineEvent {
    /// An immigration judge's decision (appeal to the BIA).
    JudgeDecision,
    /// The applicant's last arrival in the United States (asylum one-year deadline).
    LastArrival,
    /// The date conditional residence expires (joint I-751 window).
    ConditionalResidenceExpires,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    pub id: i64,
    pub matter_id: i64,
    pub kind: NoticeKind,
    pub notice_date: String,
    pub service: Service,
    pub printed_due: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DeadlineRecord {
    pub id: i64,
    pub matter_id: i64,
    pub rule: String,
    pub source: String,
    pub explanation: String,
    pub warnings: Vec<String>,
    pub trigger_date: String,
    pub computed_due: String,
    pub opens_on: Option<String>,
    pub override_due: Option<String>,
    pub override_reason: Option<String>,
    /// The date that counts: the override when there is one.
    pub due: String,
    pub done: bool,
}

/// An open deadline with the client and matter it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UpcomingDeadline {
    pub deadline: DeadlineRecord,
    pub client_id: i64,
    pub client_name: String,
    pub matter_title: String,
}

/// A calendar date as the user typed it (YYYY-MM-DD).
pub(crate) fn parse_date(what: &str, value: &str) -> Result<Date> {
    value.trim().parse::<Date>().map_err(|_| {
        Error::InvalidInput(format!(
            "The {what} {value:?} is not a date; write it as YYYY-MM-DD."
        ))
    })
}

impl Store {
    pub fn add_filing(
        &mut self,
        matter_id: i64,
        form_type: &str,
        filed_on: Option<&str>,
        receipt_number: Option<&str>,
    ) -> Result<Filing> {
        if form_type.trim().is_empty() {
            return Err(Error::InvalidInput("Enter the form, e.g. I-130.".into()));
        }
        let filed_on = filed_on.map(|d| parse_date("filing date", d)).transpose()?;
        let receipt = receipt_number.map(canonical_receipt).transpose()?;
        self.matter(matter_id)?;
        let at = now();
        self.conn.execute(
            "INSERT INTO filings (matter_id, form_type, filed_on, receipt_number, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![matter_id, form_type.trim(), filed_on.map(|d| d.to_string()), receipt, at],
        )?;
        let id = self.conn.last_insert_rowid();
        Ok(self
            .filings_of(matter_id)?
            .into_iter()
            .find(|f| f.id == id)
            .expect("just inserted"))
    }

    pub fn filings_of(&self, matter_id: i64) -> Result<Vec<Filing>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, matter_id, form_type, form_edition, filed_on, receipt_number FROM filings
             WHERE matter_id = ?1 AND deleted_at IS NULL ORDER BY coalesce(filed_on, created_at), id",
        )?;
        let rows = stmt
            .query_map([matter_id], |r| {
                Ok(Filing {
                    id: r.get(0)?,
                    matter_id: r.get(1)?,
                    form_type: r.get(2)?,
                    form_edition: r.get(3)?,
                    filed_on: r.get(4)?,
                    receipt_number: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Records a notice; for an RFE, NOID or denial also computes and stores its deadline.
    pub fn add_notice(
        &mut self,
        matter_id: i64,
        kind: NoticeKind,
        notice_date: &str,
        service: Service,
        printed_due: Option<&str>,
        form_i539: bool,
    ) -> Result<(Notice, Option<DeadlineRecord>)> {
        let date = parse_date("notice date", notice_date)?;
        let printed = printed_due.map(|d| parse_date("due date", d)).transpose()?;
        self.matter(matter_id)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO notices (matter_id, kind, notice_date, service_method, printed_due, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                matter_id,
                kind.as_str(),
                date.to_string(),
                service.as_str(),
                printed.map(|d| d.to_string()),
                now()
            ],
        )?;
        let notice_id = tx.last_insert_rowid();
        let deadline = match kind.rule(form_i539) {
            Some(rule) => {
                let trigger = Trigger {
                    rule,
                    date,
                    service,
                    printed_due: printed,
                };
                Some(insert_deadline(&tx, matter_id, Some(notice_id), &trigger)?)
            }
            None => None,
        };
        tx.commit()?;
        let notice = Notice {
            id: notice_id,
            matter_id,
            kind,
            notice_date: date.to_string(),
            service,
            printed_due: printed.map(|d| d.to_string()),
        };
        let deadline = deadline.map(|id| self.deadline(id)).transpose()?;
        Ok((notice, deadline))
    }

    /// A matter's notices, oldest first.
    pub fn notices_of(&self, matter_id: i64) -> Result<Vec<Notice>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, kind, notice_date, service_method, printed_due FROM notices
             WHERE matter_id = ?1 AND deleted_at IS NULL ORDER BY notice_date, id",
        )?;
        let rows = stmt
            .query_map([matter_id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, kind, notice_date, service, printed_due)| {
                let unreadable = |what: &str, value: &str| {
                    Error::Database(format!(
                        "notice {id}'s {what} {value:?} cannot be read by this version of \
                         Casefile; it is left as it is."
                    ))
                };
                Ok(Notice {
                    id,
                    matter_id,
                    kind: NoticeKind::ALL
                        .into_iter()
                        .find(|k| k.as_str() == kind)
                        .ok_or_else(|| unreadable("kind", &kind))?,
                    notice_date,
                    service: [Service::Personal, Service::Mail, Service::Electronic]
                        .into_iter()
                        .find(|s| s.as_str() == service)
                        .ok_or_else(|| unreadable("service", &service))?,
                    printed_due,
                })
            })
            .collect()
    }

    /// Records an event that starts a deadline and stores the computed deadline.
    pub fn add_event_deadline(
        &mut self,
        matter_id: i64,
        event: DeadlineEvent,
        date: &str,
    ) -> Result<DeadlineRecord> {
        let date = parse_date("date", date)?;
        self.matter(matter_id)?;
        let rule = match event {
            DeadlineEvent::JudgeDecision => Rule::BiaAppeal,
            DeadlineEvent::LastArrival => Rule::AsylumOneYear,
            DeadlineEvent::ConditionalResidenceExpires => Rule::JointI751,
        };
        let trigger = Trigger {
            rule,
            date,
            service: Service::Personal,
            printed_due: None,
        };
        let id = insert_deadline(&self.conn, matter_id, None, &trigger)?;
        self.deadline(id)
    }

    pub fn deadline(&self, id: i64) -> Result<DeadlineRecord> {
        self.conn
            .query_row(
                &format!("{DEADLINE_SELECT} WHERE d.id = ?1 AND d.deleted_at IS NULL"),
                [id],
                deadline_record,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("Deadline {id} does not exist.")))
    }

    /// A matter's deadlines, soonest first.
    pub fn deadlines_of(&self, matter_id: i64) -> Result<Vec<DeadlineRecord>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{DEADLINE_SELECT} WHERE d.matter_id = ?1 AND d.deleted_at IS NULL
             ORDER BY coalesce(d.override_due, d.computed_due), d.id"
        ))?;
        let rows = stmt
            .query_map([matter_id], deadline_record)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Open deadlines across all matters, soonest first (overdue ones included, at the top).
    pub fn upcoming_deadlines(&self, limit: usize) -> Result<Vec<UpcomingDeadline>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{DEADLINE_SELECT}
             JOIN matters m ON m.id = d.matter_id AND m.deleted_at IS NULL
             JOIN contacts c ON c.id = m.client_id
             WHERE d.done_at IS NULL AND d.deleted_at IS NULL
             ORDER BY coalesce(d.override_due, d.computed_due), d.id
             LIMIT ?1"
        ))?;
        let rows = stmt
            .query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                Ok(UpcomingDeadline {
                    deadline: deadline_record(r)?,
                    client_id: r.get("client_id")?,
                    client_name: r.get("client_name")?,
                    matter_title: r.get("matter_title")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Sets (or with `None` clears) the attorney's date beside the computed one.
    pub fn override_deadline(
        &mut self,
        id: i64,
        due: Option<&str>,
        reason: &str,
    ) -> Result<DeadlineRecord> {
        let due = due.map(|d| parse_date("due date", d)).transpose()?;
        if due.is_some() && reason.trim().is_empty() {
            return Err(Error::InvalidInput(
                "Say why the date differs from the computed one (e.g. the notice prints another date).".into(),
            ));
        }
        let changed = self.conn.execute(
            "UPDATE deadlines SET override_due = ?2, override_reason = ?3 WHERE id = ?1 AND deleted_at IS NULL",
            params![id, due.map(|d| d.to_string()), due.map(|_| reason.trim())],
        )?;
        if changed == 0 {
            return Err(Error::NotFound(format!("Deadline {id} does not exist.")));
        }
        self.deadline(id)
    }

    pub fn complete_deadline(&mut self, id: i64, done: bool) -> Result<DeadlineRecord> {
        let changed = self.conn.execute(
            "UPDATE deadlines SET done_at = CASE WHEN ?2 THEN coalesce(done_at, ?3) END
             WHERE id = ?1 AND deleted_at IS NULL",
            params![id, done, now()],
        )?;
        if changed == 0 {
            return Err(Error::NotFound(format!("Deadline {id} does not exist.")));
        }
        self.deadline(id)
    }
}

fn insert_deadline(
    conn: &Connection,
    matter_id: i64,
    notice_id: Option<i64>,
    trigger: &Trigger,
) -> Result<i64> {
    let computed = deadlines::compute(trigger)?;
    conn.execute(
        "INSERT INTO deadlines (matter_id, notice_id, rule, source, explanation, warnings,
                                trigger_date, computed_due, opens_on, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            matter_id,
            notice_id,
            computed.rule,
            computed.source,
            computed.explanation,
            serde_json::to_string(&computed.warnings).expect("strings serialize"),
            trigger.date.to_string(),
            computed.due.to_string(),
            computed.opens.map(|d| d.to_string()),
            now(),
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

const DEADLINE_SELECT: &str = "SELECT d.id, d.matter_id, d.rule, d.source, d.explanation, d.warnings,
        d.trigger_date, d.computed_due, d.opens_on, d.override_due, d.override_reason,
        coalesce(d.override_due, d.computed_due) AS due, d.done_at IS NOT NULL AS done,
        (SELECT client_id FROM matters WHERE id = d.matter_id) AS client_id,
        (SELECT trim(given_name || ' ' || family_name || ' ' || institution_name)
         FROM contacts WHERE id = (SELECT client_id FROM matters WHERE id = d.matter_id)) AS client_name,
        (SELECT title FROM matters WHERE id = d.matter_id) AS matter_title
    FROM deadlines d";

fn deadline_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeadlineRecord> {
    let warnings: String = r.get(5)?;
    Ok(DeadlineRecord {
        id: r.get(0)?,
        matter_id: r.get(1)?,
        rule: r.get(2)?,
        source: r.get(3)?,
        explanation: r.get(4)?,
        warnings: serde_json::from_str(&warnings).unwrap_or_default(),
        trigger_date: r.get(6)?,
        computed_due: r.get(7)?,
        opens_on: r.get(8)?,
        override_due: r.get(9)?,
        override_reason: r.get(10)?,
        due: r.get(11)?,
        done: r.get(12)?,
    })
}

/// A receipt number as typed, in canonical form, or a message saying what is wrong.
fn canonical_receipt(raw: &str) -> Result<String> {
    match identifiers::find(raw).as_slice() {
        [one] if !one.canonical.starts_with('A') && one.range.len() == raw.trim().len() => {
            Ok(one.canonical.clone())
        }
        _ => Err(Error::InvalidInput(format!(
            "{raw:?} is not a receipt number: three letters and ten digits, e.g. EAC2390123456 \
             or EAC-23-901-23456."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::store::{NewContact, NewMatter, test_support};

    fn matter(store: &mut Store) -> i64 {
        let client = store
            .create_contact(&NewContact::person("Ana", "Ruiz"))
            .unwrap();
        store
            .create_matter(&NewMatter::new(client, "I-130"))
            .unwrap()
    }

    #[test]
    fn filings_keep_receipt_numbers_in_canonical_form() {
        let (_dir, mut store) = test_support::store();
        let m = matter(&mut store);
        let filing = store
            .add_filing(m, "I-130", Some("2026-01-05"), Some("eac-26-901-23456"))
            .unwrap();
        assert_eq!(filing.receipt_number.as_deref(), Some("EAC2690123456"));
        for bad in ["EAC12345", "A012345678", "EAC2690123456 and more"] {
            let err = store.add_filing(m, "I-130", None, Some(bad)).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidInput, "{bad}");
            assert!(err.to_string().contains("not a receipt number"));
        }
        assert_eq!(
            store
                .add_filing(m, "I-130", Some("5 Jan"), None)
                .unwrap_err()
                .code(),
            ErrorCode::InvalidInput
        );
        assert_eq!(store.filings_of(m).unwrap().len(), 1);
    }

    #[test]
    fn an_rfe_notice_stores_its_computed_deadline() {
        let (_dir, mut store) = test_support::store();
        let m = matter(&mut store);
        let (notice, deadline) = store
            .add_notice(m, NoticeKind::Rfe, "2026-03-02", Service::Mail, None, false)
            .unwrap();
        assert_eq!(notice.kind, NoticeKind::Rfe);
        let deadline = deadline.unwrap();
        assert_eq!(
            (deadline.computed_due.as_str(), deadline.due.as_str()),
            ("2026-05-28", "2026-05-28")
        );
        assert!(deadline.source.contains("8 CFR"));
        let (_, none) = store
            .add_notice(
                m,
                NoticeKind::Receipt,
                "2026-01-10",
                Service::Mail,
                None,
                false,
            )
            .unwrap();
        assert!(none.is_none(), "a receipt notice starts no deadline");
    }

    #[test]
    fn overrides_sit_beside_the_computed_date_and_need_a_reason() {
        let (_dir, mut store) = test_support::store();
        let m = matter(&mut store);
        let d = store
            .add_event_deadline(m, DeadlineEvent::JudgeDecision, "2026-09-10")
            .unwrap();
        assert_eq!(d.due, "2026-10-13");
        assert_eq!(
            store
                .override_deadline(d.id, Some("2026-10-09"), " ")
                .unwrap_err()
                .code(),
            ErrorCode::InvalidInput
        );
        let o = store
            .override_deadline(d.id, Some("2026-10-09"), "File early: courier")
            .unwrap();
        assert_eq!(
            (o.computed_due.as_str(), o.due.as_str()),
            ("2026-10-13", "2026-10-09")
        );
        let cleared = store.override_deadline(d.id, None, "").unwrap();
        assert_eq!(cleared.due, "2026-10-13");
        assert_eq!(cleared.override_reason, None);
    }

    #[test]
    fn upcoming_lists_open_deadlines_soonest_first_with_their_client() {
        let (_dir, mut store) = test_support::store();
        let m = matter(&mut store);
        let later = store
            .add_event_deadline(m, DeadlineEvent::LastArrival, "2026-08-15")
            .unwrap();
        let sooner = store
            .add_event_deadline(m, DeadlineEvent::JudgeDecision, "2026-03-10")
            .unwrap();
        let upcoming = store.upcoming_deadlines(10).unwrap();
        let ids: Vec<i64> = upcoming.iter().map(|u| u.deadline.id).collect();
        assert_eq!(ids, [sooner.id, later.id]);
        assert_eq!(upcoming[0].client_name, "Ana Ruiz");
        assert_eq!(upcoming[0].matter_title, "I-130");
        store.complete_deadline(sooner.id, true).unwrap();
        assert_eq!(store.upcoming_deadlines(10).unwrap().len(), 1);
        assert!(!store.complete_deadline(sooner.id, false).unwrap().done);
    }
}
