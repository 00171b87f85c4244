//! The Tauri surface: the Content Security Policy (in the configuration and
//! enforced in the real window) and the capabilities, which grant the page
//! the app's own commands, each one the page really calls, and nothing else.

#[path = "support/webdriver.rs"]
mod webdriver;

use serde_json::Value;
use webdriver::App;

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The commands listed in the build script (`COMMANDS`, as (module,
/// command) pairs), from which the handler and the capability are made.
fn commands() -> Vec<String> {
    let build = read("src-tauri/build.rs");
    let start = build.find("const COMMANDS").unwrap();
    let list = &build[start..start + build[start..].find("];").unwrap()];
    let quoted: Vec<String> = list
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(
        quoted.len() > 40 && quoted.len().is_multiple_of(2),
        "{quoted:?}"
    );
    quoted.chunks(2).map(|pair| pair[1].clone()).collect()
}

#[test]
fn the_csp_forbids_inline_code_eval_and_anything_remote() {
    let conf: Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
    let csp = conf["app"]["security"]["csp"]
        .as_str()
        .expect("a CSP is set");
    for forbidden in ["unsafe-inline", "unsafe-eval", "https:", "*"] {
        assert!(!csp.contains(forbidden), "{forbidden} in {csp}");
    }
    let directive = |name: &str| -> String {
        csp.split(';')
            .map(str::trim)
            .find(|d| d.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} missing from {csp}"))
            .to_string()
    };
    assert_eq!(directive("default-src"), "default-src 'self'");
    assert_eq!(directive("script-src"), "script-src 'self'");
    assert_eq!(directive("object-src"), "object-src 'none'");
    assert_eq!(directive("base-uri"), "base-uri 'none'");
    assert_eq!(directive("frame-ancestors"), "frame-ancestors 'none'");
    // No handler attributes in the page, which the CSP would block anyway.
    let html = read("ui/index.html");
    assert!(
        !html.contains(" onclick=") && !html.contains("<script>"),
        "inline code in index.html"
    );
}

#[test]
fn the_capabilities_grant_only_the_commands_the_page_calls() {
    // The capabilities the build compiled into the app, as tauri-build
    // resolved them (written on every build of the window).
    let built: Value = serde_json::from_str(&read("gen/schemas/capabilities.json")).unwrap();
    let built = built.as_object().expect("capabilities by identifier");
    assert_eq!(
        built.keys().collect::<Vec<_>>(),
        ["main-window"],
        "one capability"
    );
    let cap = &built["main-window"];
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    let granted: Vec<String> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().expect("plain permission names").to_string())
        .collect();
    let commands = commands();
    let expected: Vec<String> = commands
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    assert_eq!(
        granted, expected,
        "one permission per registered command, nothing else"
    );
    assert!(
        granted.iter().all(|p| !p.contains(':')),
        "no plugin or core permission: {granted:?}"
    );
    // Each command is called by the page (no grant for something unused).
    let mut scripts: Vec<String> =
        std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".js"))
            .collect();
    scripts.sort();
    assert!(scripts.len() >= 10, "{scripts:?}");
    let js: String = scripts.iter().map(|f| read(&format!("ui/{f}"))).collect();
    for command in &commands {
        assert!(
            js.contains(&format!("'{command}'")),
            "{command} is granted but the page never calls it"
        );
    }
}

#[test]
fn the_window_refuses_inline_scripts_and_eval() {
    let app = App::start("surface-csp", &[]);
    app.wait_screen("screen-home");
    let result = app.js("const s = document.createElement('script');
         s.textContent = 'window.__inlineRan = true';
         document.body.appendChild(s);
         let evalRan = false;
         try { evalRan = eval('true'); } catch (e) { evalRan = e.name; }
         let fnRan = false;
         try { fnRan = new Function('return true')(); } catch (e) { fnRan = e.name; }
         const b = document.createElement('button');
         b.setAttribute('onclick', 'window.__handlerRan = true');
         document.body.appendChild(b);
         b.click();
         return [window.__inlineRan === true, evalRan, fnRan, window.__handlerRan === true];");
    assert_eq!(result[0], false, "an inline script ran");
    assert_eq!(result[1], "EvalError", "eval was not refused: {result}");
    assert_eq!(
        result[2], "EvalError",
        "new Function was not refused: {result}"
    );
    assert_eq!(result[3], false, "an inline handler ran");
}
