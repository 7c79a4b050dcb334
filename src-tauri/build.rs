fn main() {
    // Declaring the app's commands makes each one a permission, so the capability file decides
    // exactly which commands the main window may call.
    let manifest = tauri_build::AppManifest::new().commands(&["workspace_status"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build script failed");
}
