use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::ErrorCode;
use crate::audit;
use crate::drafting::provenance::Provenance;
use crate::paths::Locations;
use crate::secrets::MemoryStore;
use crate::store::{DraftOrigin, Kind, NewContact, NewDraft, NewMatter, SearchFilter, Store, now};

/// A workspace with its own policy file path, an open store and two matters of one client.
struct Fixture {
    dir: tempfile::TempDir,
    workspace: Workspace,
    store: Store,
    client: i64,
    matters: [i64; 2],
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let locations = Locations {
            data_dir: dir.path().join("workspace"),
            log_dir: dir.path().join("logs"),
            keychain_service: "Casefile-unit".into(),
            log_filter: "info".into(),
            policy_file: dir.path().join("policy.json"),
        };
        let workspace =
            Workspace::open_with_secrets(locations, Arc::new(MemoryStore::default())).unwrap();
        let mut store = workspace.open_store().unwrap();
        let client = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        let asylum = store
            .create_matter(&NewMatter::new(client, "Asylum"))
            .unwrap();
        let removal = store
            .create_matter(&NewMatter::new(client, "Removal defense"))
            .unwrap();
        Self {
            dir,
            workspace,
            store,
            client,
            matters: [asylum, removal],
        }
    }

    fn policy(&self, policy: serde_json::Value) {
        std::fs::write(
            self.dir.path().join("policy.json"),
            serde_json::to_string(&policy).unwrap(),
        )
        .unwrap();
    }

    fn user_retention(&self, days: u32) {
        std::fs::write(
            self.workspace
                .locations()
                .data_dir
                .join(crate::policy::USER_SETTINGS_FILE),
            json!({ "ai_history_retention_days": days }).to_string(),
        )
        .unwrap();
    }

    fn provenance(&self, matter: i64) -> Provenance {
        Provenance {
            template: "case-summary".into(),
            template_version: 1,
            template_origin: "built-in".into(),
            matter_id: matter,
            client_id: self.client,
            notes: Vec::new(),
            missing: Vec::new(),
            started_at: now(),
            finished_at: None,
            user: "attorney".into(),
            ai: None,
        }
    }

    /// A finished draft of `matter` whose last activity was `days_ago` days ago.
    fn draft(&mut self, matter: i64, origin: DraftOrigin, body: &str, days_ago: i64) -> i64 {
        let provenance = self.provenance(matter);
        let id = self
            .store
            .create_draft(&NewDraft {
                matter_id: matter,
                title: "Case summary",
                origin,
                body,
                provenance: &provenance,
            })
            .unwrap()
            .id;
        self.store
            .conn
            .execute(
                "UPDATE drafts SET updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?2)
                 WHERE id = ?1",
                rusqlite::params![id, format!("-{days_ago} days")],
            )
            .unwrap();
        id
    }

    fn exists(&self, draft: i64) -> bool {
        self.store.draft(draft).is_ok()
    }

    fn run(&mut self, dry_run: bool) -> RetentionRun {
        run_retention(&self.workspace, &mut self.store, dry_run).unwrap()
    }

    fn deletion_entries(&self) -> Vec<audit::Entry> {
        audit::entries(&self.store)
            .unwrap()
            .into_iter()
            .filter(|e| e.entry == "deletion")
            .collect()
    }
}

fn ids(drafts: &[DeletedDraft]) -> Vec<i64> {
    drafts.iter().map(|d| d.draft_id).collect()
}

fn locked_policy(days: u32) -> serde_json::Value {
    json!({
        "version": 1,
        "settings": { "ai_history_retention_days": days },
        "locks": { "ai_history_retention_days": "The firm keeps AI history 90 days (records policy 4.2)." }
    })
}

#[test]
fn the_period_comes_from_the_matter_then_policy_or_user_then_keeps_history() {
    let mut f = Fixture::new();
    let [asylum, _] = f.matters;
    let shown = matter_retention(&f.workspace, &f.store, asylum).unwrap();
    assert_eq!(shown.effective.days, None);
    assert_eq!(shown.effective.source, PeriodSource::BuiltIn);
    assert!(shown.hold.is_none() && shown.matter_override.is_none());

    f.user_retention(30);
    let shown = matter_retention(&f.workspace, &f.store, asylum).unwrap();
    assert_eq!(
        (shown.effective.days, shown.effective.source),
        (Some(30), PeriodSource::User)
    );

    // The policy's value is a default the user's setting replaces while it is not locked.
    f.policy(json!({"version": 1, "settings": {"ai_history_retention_days": 90}}));
    let shown = matter_retention(&f.workspace, &f.store, asylum).unwrap();
    assert_eq!(shown.effective.source, PeriodSource::User);

    let set = set_matter_retention(&f.workspace, &mut f.store, asylum, Some(10)).unwrap();
    assert_eq!(
        (set.effective.days, set.effective.source),
        (Some(10), PeriodSource::Matter)
    );
    assert_eq!(set.setting.days, Some(30));
    assert_eq!(set.matter_override.as_ref().unwrap().days, 10);
    assert_eq!(set.matter_override.unwrap().set_by, audit::os_user());

    let cleared = set_matter_retention(&f.workspace, &mut f.store, asylum, None).unwrap();
    assert_eq!(cleared.effective.source, PeriodSource::User);
    assert!(cleared.matter_override.is_none());

    let too_long = set_matter_retention(&f.workspace, &mut f.store, asylum, Some(40_000));
    assert_eq!(too_long.unwrap_err().field(), Some("days"));
    let missing = set_matter_retention(&f.workspace, &mut f.store, 999, Some(5));
    assert_eq!(missing.unwrap_err().code(), ErrorCode::NotFound);
}

#[test]
fn a_locked_policy_refuses_a_matter_period_with_its_reason_and_overrides_an_older_one() {
    let mut f = Fixture::new();
    let [asylum, _] = f.matters;
    set_matter_retention(&f.workspace, &mut f.store, asylum, Some(5)).unwrap();
    f.policy(locked_policy(90));
    let refused = set_matter_retention(&f.workspace, &mut f.store, asylum, Some(400)).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::PolicyBlocked);
    let message = refused.to_string();
    assert!(
        message.starts_with("Managed by your IT provider"),
        "{message}"
    );
    assert!(message.contains("records policy 4.2"), "{message}");
    assert_eq!(f.store.retention_override(asylum).unwrap().unwrap().days, 5);

    // The period set before the lock no longer applies: the policy's does.
    let shown = matter_retention(&f.workspace, &f.store, asylum).unwrap();
    assert_eq!(
        (shown.effective.days, shown.effective.source),
        (Some(90), PeriodSource::Policy)
    );
    assert!(shown.effective.locked);
    assert_eq!(
        shown.effective.lock_reason.as_deref(),
        Some("The firm keeps AI history 90 days (records policy 4.2).")
    );
    let old = f.draft(asylum, DraftOrigin::Ai, "older than five days", 6);
    assert!(f.run(false).deleted.is_empty());
    assert!(f.exists(old));
}

#[test]
fn retention_deletes_expired_ai_drafts_only_and_records_each_in_the_audit_log() {
    let mut f = Fixture::new();
    let [asylum, removal] = f.matters;
    f.policy(json!({"version": 1, "settings": {"ai_history_retention_days": 90}}));
    let expired = f.draft(asylum, DraftOrigin::Ai, "Zanzibar expired answer", 91);
    let approved = f.draft(asylum, DraftOrigin::Ai, "approved but old", 120);
    f.store
        .conn
        .execute(
            "UPDATE drafts SET status = 'approved', approved_by = 'attorney', approved_at = updated_at WHERE id = ?1",
            [approved],
        )
        .unwrap();
    f.store
        .save_redaction_map(expired, r#"{"[CLIENT_1]":"Ana Peña"}"#)
        .unwrap();
    let recent = f.draft(asylum, DraftOrigin::Ai, "recent answer", 89);
    let record = f.draft(asylum, DraftOrigin::Record, "record summary", 400);
    // The other matter keeps its drafts 200 days.
    set_matter_retention(&f.workspace, &mut f.store, removal, Some(200)).unwrap();
    let kept_longer = f.draft(removal, DraftOrigin::Ai, "kept longer", 150);
    let past_its_own = f.draft(removal, DraftOrigin::Ai, "past its own period", 201);

    let dry = f.run(true);
    assert!(dry.dry_run);
    assert_eq!(ids(&dry.deleted), [expired, approved, past_its_own]);
    assert!(dry.deleted.iter().all(|d| d.audit_seq.is_none()));
    assert!(f.exists(expired) && f.deletion_entries().is_empty());

    let done = f.run(false);
    assert_eq!(ids(&done.deleted), [expired, approved, past_its_own]);
    assert_eq!(done.deleted[0].reason, "deleted: retention 90 days");
    assert_eq!(done.deleted[2].reason, "deleted: retention 200 days");
    for gone in [expired, approved, past_its_own] {
        assert!(!f.exists(gone));
    }
    for kept in [recent, record, kept_longer] {
        assert!(f.exists(kept));
    }
    // Versions and the redaction map went with the draft, and search no longer finds it.
    let leftovers: i64 = f
        .store
        .conn
        .query_row(
            "SELECT (SELECT count(*) FROM draft_versions WHERE draft_id = ?1)
                  + (SELECT count(*) FROM draft_redactions WHERE draft_id = ?1)",
            [expired],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leftovers, 0);
    let filter = SearchFilter {
        kind: Some(Kind::Draft),
        limit: 10,
        ..SearchFilter::default()
    };
    assert!(f.store.search("Zanzibar", &filter).unwrap().is_empty());

    let entries = f.deletion_entries();
    let logged: Vec<_> = entries
        .iter()
        .map(|e| (e.draft_id, e.matter_id, e.client_id, e.outcome.clone()))
        .collect();
    assert_eq!(
        logged,
        [
            (
                Some(expired),
                Some(asylum),
                Some(f.client),
                Some("deleted: retention 90 days".into())
            ),
            (
                Some(approved),
                Some(asylum),
                Some(f.client),
                Some("deleted: retention 90 days".into())
            ),
            (
                Some(past_its_own),
                Some(removal),
                Some(f.client),
                Some("deleted: retention 200 days".into())
            ),
        ]
    );
    assert_eq!(
        done.deleted.iter().map(|d| d.audit_seq).collect::<Vec<_>>(),
        entries.iter().map(|e| Some(e.seq)).collect::<Vec<_>>()
    );
    // No draft text in the log.
    let log = serde_json::to_string(&audit::entries(&f.store).unwrap()).unwrap();
    assert!(!log.contains("Zanzibar") && !log.contains("Case summary"));
    assert!(audit::verify(&f.store).unwrap().intact);

    // A second run finds nothing more.
    assert!(f.run(false).deleted.is_empty());
}

#[test]
fn a_legal_hold_blocks_retention_and_deletion_by_hand_until_released() {
    let mut f = Fixture::new();
    let [asylum, removal] = f.matters;
    f.user_retention(30);
    let held_old = f.draft(asylum, DraftOrigin::Ai, "held", 60);
    let held_record = f.draft(asylum, DraftOrigin::Record, "held record draft", 1);
    let free_old = f.draft(removal, DraftOrigin::Ai, "free", 60);

    let hold = f
        .store
        .set_legal_hold(asylum, "Litigation hold: Peña v. DHS", "paralegal")
        .unwrap();
    assert_eq!(hold.set_by, "paralegal");
    let again = f.store.set_legal_hold(asylum, "second", "paralegal");
    assert_eq!(again.unwrap_err().code(), ErrorCode::InvalidInput);
    let blank = f.store.set_legal_hold(removal, "  ", "paralegal");
    assert_eq!(blank.unwrap_err().field(), Some("reason"));

    let run = f.run(false);
    assert_eq!(ids(&run.deleted), [free_old]);
    assert_eq!(ids(&run.held), [held_old]);
    assert!(f.exists(held_old));

    for draft in [held_old, held_record] {
        let refused = delete_draft(&mut f.store, draft).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::LegalHold);
        let message = refused.to_string();
        assert!(
            message.contains("Litigation hold: Peña v. DHS"),
            "{message}"
        );
        assert!(message.contains("hold release"), "{message}");
        assert!(f.exists(draft));
    }
    // The schema refuses too, whatever the caller.
    let raw = f
        .store
        .conn
        .execute("DELETE FROM drafts WHERE id = ?1", [held_old]);
    assert!(raw.is_err());
    assert_eq!(
        f.deletion_entries().len(),
        1,
        "only the free draft's deletion"
    );
    let shown = matter_retention(&f.workspace, &f.store, asylum).unwrap();
    assert_eq!(shown.hold.unwrap().reason, "Litigation hold: Peña v. DHS");

    let released = f.store.release_legal_hold(asylum, "attorney").unwrap();
    assert_eq!(released.released_by.as_deref(), Some("attorney"));
    assert!(released.released_at.is_some());
    let twice = f.store.release_legal_hold(asylum, "attorney");
    assert_eq!(twice.unwrap_err().code(), ErrorCode::InvalidInput);
    // Released holds stay in the history.
    assert!(f.store.legal_holds(false).unwrap().is_empty());
    assert_eq!(f.store.legal_holds(true).unwrap().len(), 1);

    let by_hand = delete_draft(&mut f.store, held_record).unwrap();
    assert_eq!(by_hand.reason, "deleted: by hand");
    assert_eq!(ids(&f.run(false).deleted), [held_old]);
    let outcomes: Vec<_> = f
        .deletion_entries()
        .into_iter()
        .map(|e| (e.draft_id, e.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            (Some(free_old), Some("deleted: retention 30 days".into())),
            (Some(held_record), Some("deleted: by hand".into())),
            (Some(held_old), Some("deleted: retention 30 days".into())),
        ]
    );
    assert!(audit::verify(&f.store).unwrap().intact);
    assert_eq!(
        delete_draft(&mut f.store, held_record).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn holds_cannot_be_deleted_or_rewritten_in_the_database() {
    let mut f = Fixture::new();
    let [asylum, _] = f.matters;
    f.store.set_legal_hold(asylum, "Subpoena", "me").unwrap();
    let conn = &f.store.conn;
    assert!(conn.execute("DELETE FROM legal_holds", []).is_err());
    assert!(
        conn.execute("UPDATE legal_holds SET reason = 'other'", [])
            .is_err()
    );
    f.store.release_legal_hold(asylum, "me").unwrap();
    assert!(
        f.store
            .conn
            .execute("UPDATE legal_holds SET released_by = 'someone else'", [])
            .is_err()
    );
}

#[test]
fn an_invalid_policy_makes_retention_delete_nothing_and_refuses_matter_periods() {
    let mut f = Fixture::new();
    let [asylum, _] = f.matters;
    f.user_retention(1);
    let old = f.draft(asylum, DraftOrigin::Ai, "old", 10);
    std::fs::write(
        f.dir.path().join("policy.json"),
        "{\"version\": 1, \"oops\": 1}",
    )
    .unwrap();
    let refused = run_retention(&f.workspace, &mut f.store, false).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::PolicyBlocked);
    assert!(refused.to_string().contains("deletes nothing"));
    assert!(f.exists(old));
    let refused = set_matter_retention(&f.workspace, &mut f.store, asylum, Some(3)).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::PolicyBlocked);
}

#[test]
fn deleting_by_hand_is_audited_and_refused_while_the_draft_is_being_written() {
    let mut f = Fixture::new();
    let [asylum, _] = f.matters;
    let done = f.draft(asylum, DraftOrigin::Record, "A record draft", 0);
    let deleted = delete_draft(&mut f.store, done).unwrap();
    assert_eq!(deleted.matter_id, asylum);
    assert!(!f.exists(done));
    let entry = &f.deletion_entries()[0];
    assert_eq!(Some(entry.seq), deleted.audit_seq);
    assert_eq!(entry.os_user, audit::os_user());

    let provenance = f.provenance(asylum);
    let writing = f
        .store
        .begin_draft(&NewDraft {
            matter_id: asylum,
            title: "Streaming",
            origin: DraftOrigin::Ai,
            body: "",
            provenance: &provenance,
        })
        .unwrap();
    let refused = delete_draft(&mut f.store, writing).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidInput);
    assert!(f.exists(writing));
    assert_eq!(f.deletion_entries().len(), 1);
}
