//! The window's commands, listed once: from this list the build makes the
//! handler the app registers (`$OUT_DIR/handlers.rs`, included by
//! app/lib.rs), the app manifest's permissions (one `allow-…` per command)
//! and the one capability that grants them to the main window. Only these
//! exist for the page.

use std::path::Path;

/// (module in src-tauri/app/, command).
const COMMANDS: &[(&str, &str)] = &[
    ("creating", "defaults"),
    ("creating", "validate"),
    ("creating", "generate"),
    ("creating", "prepare_key"),
    ("creating", "copy"),
    ("creating", "remember"),
    ("creating", "forget"),
    ("creating", "confirm_saved"),
    ("creating", "download"),
    ("creating", "save_pem"),
    ("creating", "copy_snippet"),
    ("creating", "export"),
    ("creating", "discard"),
    ("creating", "leave"),
    ("listing", "home"),
    ("listing", "details"),
    ("listing", "export_listed"),
    ("listing", "replacement"),
    ("listing", "copy_from_keychain"),
    ("listing", "remove"),
    ("listing", "settings"),
    ("listing", "set_reminder_days"),
    ("listing", "dismiss_list_notice"),
    ("testing", "test_pending"),
    ("testing", "test_listed"),
    ("testing", "cancel_test"),
    ("adding", "add_pick"),
    ("adding", "add_open"),
    ("adding", "add_confirm"),
    ("adding", "add_cancel"),
    ("issuing", "authority_view"),
    ("issuing", "authority_create"),
    ("issuing", "authority_export"),
    ("issuing", "authority_crl"),
    ("issuing", "authority_copy_setting"),
    ("issuing", "authority_backup_start"),
    ("issuing", "authority_backup_copy"),
    ("issuing", "authority_backup_save"),
    ("issuing", "authority_backup_cancel"),
    ("issuing", "authority_restore_pick"),
    ("issuing", "authority_restore"),
    ("issuing", "authority_remove"),
    ("issuing", "revoke"),
    ("requesting", "request_make"),
    ("requesting", "request_view"),
    ("requesting", "request_copy"),
    ("requesting", "request_copy_example"),
    ("requesting", "request_save"),
    ("requesting", "request_cancel"),
    ("requesting", "complete_open"),
    ("requesting", "complete_paste"),
    ("integrating", "integration_add"),
    ("integrating", "integration_remove"),
    ("integrating", "integrations_test_all"),
    ("integrating", "integrations_cancel"),
];

/// The capability: the page may call its own commands and nothing else.
fn capability() -> String {
    let permissions: Vec<String> = COMMANDS
        .iter()
        .map(|(_, c)| format!("    \"allow-{}\"", c.replace('_', "-")))
        .collect();
    format!(
        r#"{{
  "identifier": "main-window",
  "description": "The AuthCert window may call its own commands and nothing else: no file system, no shell, and no plugin API from the page (the save dialog, the clipboard and the reminder notification are used from Rust).",
  "windows": ["main"],
  "permissions": [
{}
  ]
}}
"#,
        permissions.join(",\n")
    )
}

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/build.rs");
    let Some(out) = std::env::var_os("OUT_DIR") else {
        panic!("cargo sets OUT_DIR for build scripts");
    };
    let out = Path::new(&out);
    let paths: Vec<String> = COMMANDS.iter().map(|(m, c)| format!("{m}::{c}")).collect();
    let handlers = format!("tauri::generate_handler![{}]\n", paths.join(", "));
    let capabilities = out.join("capabilities");
    let written = std::fs::write(out.join("handlers.rs"), handlers)
        .and_then(|()| std::fs::create_dir_all(&capabilities))
        .and_then(|()| std::fs::write(capabilities.join("main.json"), capability()));
    if let Err(e) = written {
        panic!(
            "writing the generated command list into {}: {e}",
            out.display()
        );
    }
    // tauri-build reads capabilities through a glob: the folder's path is
    // escaped; it wants the pattern for the whole build, hence 'static.
    let mut escaped = String::new();
    for c in capabilities.display().to_string().chars() {
        match c {
            '[' | ']' | '*' | '?' => escaped.extend(['[', c, ']']),
            c => escaped.push(c),
        }
    }
    escaped.push_str("/*.json");
    let pattern: &'static str = Box::leak(escaped.into_boxed_str());
    let names: Vec<&str> = COMMANDS.iter().map(|(_, c)| *c).collect();
    let names: &'static [&'static str] = Box::leak(names.into_boxed_slice());
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern(pattern)
        .app_manifest(tauri_build::AppManifest::new().commands(names));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {e:#}");
    }
}
