/// The window's commands. Only these exist for the page, and only the
/// capability in src-tauri/capabilities/ grants them, to the main window.
const COMMANDS: &[&str] = &[
    "defaults",
    "validate",
    "generate",
    "prepare_key",
    "copy",
    "remember",
    "forget",
    "confirm_saved",
    "download",
    "save_pem",
    "copy_snippet",
    "export",
    "discard",
    "leave",
    "home",
    "details",
    "export_listed",
    "replacement",
    "copy_from_keychain",
    "remove",
    "settings",
    "set_reminder_days",
    "dismiss_list_notice",
    "test_pending",
    "test_listed",
    "cancel_test",
    "add_pick",
    "add_open",
    "add_confirm",
    "add_cancel",
    "authority_view",
    "authority_create",
    "authority_export",
    "authority_crl",
    "authority_copy_setting",
    "authority_backup_start",
    "authority_backup_copy",
    "authority_backup_save",
    "authority_backup_cancel",
    "authority_restore_pick",
    "authority_restore",
    "authority_remove",
    "revoke",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {e:#}");
    }
}
