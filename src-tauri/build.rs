fn main() {
    // Declaring the app's commands makes each one a permission, so the capability file decides
    // exactly which commands the main window may call.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "workspace_status",
        "clients",
        "create_client",
        "client",
        "matters",
        "create_matter",
        "matter",
        "notes",
        "create_note",
        "note",
        "save_note",
        "note_revisions",
        "note_revision",
        "restore_note_revision",
        "trash_note",
        "restore_note",
        "purge_note",
        "trash",
        "search",
        "filings",
        "add_filing",
        "add_notice",
        "add_event_deadline",
        "deadlines",
        "upcoming_deadlines",
        "override_deadline",
        "complete_deadline",
        "contact",
        "update_contact",
        "matter_record",
        "update_matter",
        "matter_parties",
        "add_party",
        "remove_party",
        "note_tags",
        "set_note_tags",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build script failed");
}
