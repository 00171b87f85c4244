//! The real window under test: Xvfb, tauri-driver (which starts
//! WebKitWebDriver and the app), and a minimal W3C WebDriver client.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
pub const ENTER: &str = "\u{E007}";
pub const ESCAPE: &str = "\u{E00C}";
pub const TAB: &str = "\u{E004}";
pub const SHIFT: &str = "\u{E008}";
pub const SPACE: &str = " ";
pub const UP: &str = "\u{E013}";
pub const DOWN: &str = "\u{E015}";

/// Two free ports, distinct: both listeners are held while the second is
/// picked (picked one at a time, the kernel handed out the same port twice,
/// and tauri-driver then hung on a port it could not bind).
fn free_ports() -> (u16, u16) {
    let a = TcpListener::bind("127.0.0.1:0").unwrap();
    let b = TcpListener::bind("127.0.0.1:0").unwrap();
    (
        a.local_addr().unwrap().port(),
        b.local_addr().unwrap().port(),
    )
}

/// A child process that is killed when dropped, so that a test failing
/// half-way leaves no Xvfb or tauri-driver behind.
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tauri_driver() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(&std::env::var_os("HOME").unwrap()).join(".cargo"));
    let installed = home.join("bin/tauri-driver");
    if installed.exists() {
        installed
    } else {
        PathBuf::from("tauri-driver")
    }
}

/// AuthCert's Home, once the list (or its empty state) is shown.
const HOME_READY: &str = "return !document.getElementById('screen-home').hidden && (!document.getElementById('empty').hidden || !document.getElementById('list-box').hidden)";

/// One app in its own X display, driven through WebDriver. Everything it
/// started is stopped on drop.
pub struct App {
    // Dropped after `session` is ended (see Drop), driver before Xvfb.
    driver: Proc,
    xvfb: Proc,
    pub display: String,
    base: String,
    session: String,
    /// A folder of this test's own: home, data and dialog answers.
    pub dir: PathBuf,
    pub name: String,
}

impl App {
    pub fn start(name: &str, extra_env: &[(&str, &str)]) -> App {
        App::start_binary(
            name,
            extra_env,
            Path::new(env!("CARGO_BIN_EXE_authcert-app")),
        )
    }

    /// As `start`, with another build of the app (the benchmark drives the
    /// binary that ships in the `.deb`).
    pub fn start_binary(name: &str, extra_env: &[(&str, &str)], binary: &Path) -> App {
        App::start_page(name, extra_env, binary, HOME_READY)
    }

    /// As `start_binary`, for any Tauri app: ready once `ready` (a script)
    /// returns true.
    pub fn start_page(name: &str, extra_env: &[(&str, &str)], binary: &Path, ready: &str) -> App {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("e2e")
            .join(name);
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_file(dir.with_extension("driver-first-start.log"));
        std::fs::create_dir_all(dir.join("home")).unwrap();
        let app = App::launch(name, extra_env, binary, &dir);
        if app.came_up(ready) {
            return app;
        }
        // The window's process went away before its page was ready (seen
        // once in a CI run, with two other windows starting beside it on
        // two cores): its log is kept (`<dir>.driver-first-start.log`) and
        // it is started once more; a second failure fails the test with
        // the log.
        drop(app);
        let log = dir.with_extension("driver.log");
        let _ = std::fs::rename(&log, dir.with_extension("driver-first-start.log"));
        let app = App::launch(name, extra_env, binary, &dir);
        assert!(
            app.came_up(ready),
            "{name}: the window stopped twice before its page was ready; its log: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        app
    }

    /// Xvfb, tauri-driver and a WebDriver session of `binary`, its files
    /// in `dir`; the app's and the drivers' output beside it, in
    /// `<dir>.driver.log` (the folder itself is checked for what the app
    /// wrote).
    fn launch(name: &str, extra_env: &[(&str, &str)], binary: &Path, dir: &Path) -> App {
        let dir = dir.to_path_buf();

        let mut xvfb_child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x1024x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb runs (scripts/test.sh installs it)");
        let mut line = String::new();
        BufReader::new(xvfb_child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let xvfb = Proc(xvfb_child);
        let display = format!(":{}", line.trim());

        // tauri-driver, on two ports of its own; started again on new ports
        // if it stops before it answers (a port taken meanwhile).
        let mut attempt = 0;
        let (driver, base) = loop {
            attempt += 1;
            let (port, native) = free_ports();
            let mut driver = Command::new(tauri_driver());
            driver
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native.to_string(),
                ])
                .env("DISPLAY", &display)
                .env("HOME", dir.join("home"))
                .env("XDG_DATA_HOME", dir.join("home/.local/share"))
                .env("XDG_CONFIG_HOME", dir.join("home/.config"))
                .env("XDG_CACHE_HOME", dir.join("home/.cache"))
                .env("AUTHCERT_TEST_DIALOG", dir.join("dialog-answer"))
                .env_remove("WAYLAND_DISPLAY")
                .stdout(Stdio::null())
                .stderr(
                    std::fs::File::create(dir.with_extension("driver.log"))
                        .map(Stdio::from)
                        .unwrap_or_else(|_| Stdio::null()),
                );
            for (k, v) in extra_env {
                driver.env(k, v);
            }
            let mut driver = Proc(
                driver
                    .spawn()
                    .expect("tauri-driver runs (scripts/test.sh installs it)"),
            );
            let base = format!("http://127.0.0.1:{port}");
            let deadline = Instant::now() + Duration::from_secs(30);
            let answered = loop {
                if ureq::get(&format!("{base}/status")).call().is_ok() {
                    break true;
                }
                if driver.0.try_wait().ok().flatten().is_some() {
                    break false;
                }
                assert!(Instant::now() < deadline, "tauri-driver did not answer");
                std::thread::sleep(Duration::from_millis(50));
            };
            if answered {
                break (driver, base);
            }
            assert!(attempt < 3, "tauri-driver stopped three times");
        };
        let caps =
            json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": binary}}}});
        let resp: Value = ureq::post(&format!("{base}/session"))
            .send_json(caps)
            .expect("a WebDriver session starts")
            .into_json()
            .unwrap();
        let session = resp["value"]["sessionId"].as_str().unwrap().to_string();
        App {
            xvfb,
            driver,
            display,
            base,
            session,
            dir,
            name: name.to_string(),
        }
    }

    /// Waits (30 s at most) for `ready`; false when the session ended
    /// before, as it does when the app's process stops.
    fn came_up(&self, ready: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match self.try_post("/execute/sync", json!({"script": ready, "args": []})) {
                Ok(Value::Bool(true)) => return true,
                Err(why) if why.contains("invalid session id") => return false,
                Err(why) => panic!("{}: WebDriver: {why}", self.name),
                Ok(_) => {}
            }
            assert!(
                Instant::now() < deadline,
                "{}: timed out waiting for the page",
                self.name
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{}", self.base, self.session, path)
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.try_post(path, body)
            .unwrap_or_else(|why| panic!("WebDriver {path}: {why}"))
    }

    /// As `post`, a WebDriver error (status and body) returned, not raised.
    fn try_post(&self, path: &str, body: Value) -> Result<Value, String> {
        match ureq::post(&self.url(path)).send_json(body) {
            Ok(r) => Ok(r.into_json::<Value>().unwrap()["value"].clone()),
            Err(ureq::Error::Status(code, r)) => {
                Err(format!("{code} {}", r.into_string().unwrap_or_default()))
            }
            Err(e) => panic!("WebDriver {path}: {e}"),
        }
    }

    fn get(&self, path: &str) -> Value {
        ureq::get(&self.url(path))
            .call()
            .unwrap()
            .into_json::<Value>()
            .unwrap()["value"]
            .clone()
    }

    /// Runs `script` (a function body) in the page and returns its value.
    pub fn js(&self, script: &str) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": []}))
    }

    /// Runs `script` (a function body whose last argument is the callback
    /// that returns its value) in the page and waits for its answer.
    pub fn js_async(&self, script: &str) -> Value {
        self.post("/execute/async", json!({"script": script, "args": []}))
    }

    /// As `js_async`, with arguments (`args`: a JSON array).
    pub fn js_async_with(&self, script: &str, args: Value) -> Value {
        self.post("/execute/async", json!({"script": script, "args": args}))
    }

    /// The process ID of tauri-driver, whose descendants are the app and
    /// its WebKit processes.
    pub fn driver_pid(&self) -> u32 {
        self.driver.0.id()
    }

    /// Runs `script` when its effect may end the app before WebDriver can
    /// answer (so the answer is not waited for or checked).
    pub fn js_that_may_quit(&self, script: &str) {
        let _ =
            ureq::post(&self.url("/execute/sync")).send_json(json!({"script": script, "args": []}));
    }

    /// Calls a Tauri command from the page, as a hostile page script could:
    /// Ok(value) or Err(the serialized error).
    pub fn invoke(&self, command: &str, args: Value) -> Result<Value, Value> {
        let script = "const done = arguments[arguments.length - 1];\
            window.__TAURI__.core.invoke(arguments[0], arguments[1])\
              .then(v => done({ok: v === undefined ? null : v}), e => done({err: e}));";
        let r = self.post(
            "/execute/async",
            json!({"script": script, "args": [command, args]}),
        );
        match r.get("ok") {
            Some(v) => Ok(v.clone()),
            None => Err(r["err"].clone()),
        }
    }

    /// Calls `command` once per argument object in `calls`, one after the
    /// other in the page, in batches (one WebDriver round trip per batch).
    pub fn invoke_all(&self, command: &str, calls: &[Value]) -> Vec<Result<Value, Value>> {
        let script = "const done = arguments[arguments.length - 1];\
            (async () => {\
              const out = [];\
              for (const args of arguments[1]) {\
                try { const v = await window.__TAURI__.core.invoke(arguments[0], args);\
                      out.push({ok: v === undefined ? null : v}); }\
                catch (e) { out.push({err: e}); }\
              }\
              return out;\
            })().then(done);";
        let mut results = Vec::new();
        for batch in calls.chunks(50) {
            let r = self.post(
                "/execute/async",
                json!({"script": script, "args": [command, batch]}),
            );
            for one in r.as_array().expect("a list of results") {
                results.push(match one.get("ok") {
                    Some(v) => Ok(v.clone()),
                    None => Err(one["err"].clone()),
                });
            }
        }
        results
    }

    fn element(&self, css: &str) -> String {
        let v = self.post("/element", json!({"using": "css selector", "value": css}));
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    /// Clicks `css` as soon as it can be clicked: an element the page is
    /// still laying out (WebKit says "not interactable", or "stale" when it
    /// was just replaced) is tried again, as a person's click lands once the
    /// button is there; one still not clickable after 10 s fails.
    pub fn click(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let id = self.element(css);
            match self.try_post(&format!("/element/{id}/click"), json!({})) {
                Ok(_) => return,
                Err(why)
                    if (why.contains("element not interactable")
                        || why.contains("stale element reference"))
                        && Instant::now() < deadline =>
                {
                    eprintln!("{}: {css} not clickable yet ({why}); again", self.name);
                    std::thread::sleep(Duration::from_millis(40));
                }
                Err(why) => panic!("{}: WebDriver click on {css}: {why}", self.name),
            }
        }
    }

    /// Presses `key` (a WebDriver key, e.g. TAB) as the keyboard would, on
    /// whatever has the focus; with `shift`, Shift is held.
    pub fn press(&self, key: &str, shift: bool) {
        let mut actions = Vec::new();
        if shift {
            actions.push(json!({"type": "keyDown", "value": SHIFT}));
        }
        actions.push(json!({"type": "keyDown", "value": key}));
        actions.push(json!({"type": "keyUp", "value": key}));
        if shift {
            actions.push(json!({"type": "keyUp", "value": SHIFT}));
        }
        self.post(
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        );
    }

    /// The focused element, as `#id` or `tag.class` (for assertions).
    pub fn focused(&self) -> String {
        self.js(
            "const e = document.activeElement;
             return e ? (e.id ? '#' + e.id : e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')) : '';",
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Resizes the window (its outer size, in CSS pixels at zoom 1).
    pub fn resize(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({"width": width, "height": height}));
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.post(&format!("/element/{id}/value"), json!({"text": text}));
    }

    pub fn text(&self, css: &str) -> String {
        let id = self.element(css);
        self.get(&format!("/element/{id}/text"))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn visible(&self, screen: &str) -> bool {
        self.js(&format!(
            "return !document.getElementById('{screen}').hidden"
        )) == json!(true)
    }

    /// Waits until `script` returns true (the page's state, polled).
    pub fn wait(&self, what: &str, script: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if self.js(script) == json!(true) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{}: timed out waiting for {what}",
                self.name
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    pub fn wait_screen(&self, screen: &str) {
        self.wait(
            screen,
            &format!("return !document.getElementById('{screen}').hidden"),
        );
    }

    /// Saves a PNG of the window under target/screenshots/, after two frames.
    pub fn screenshot(&self, label: &str) -> PathBuf {
        use base64::Engine;
        let frames = "const done = arguments[arguments.length - 1];\
            requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        self.post("/execute/async", json!({"script": frames, "args": []}));
        let b64 = self.get("/screenshot");
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap())
            .unwrap();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{}-{label}.png", self.name));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Saves a PNG of the whole X display (native dialogs included).
    pub fn screenshot_display(&self, label: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{}-{label}.png", self.name));
        let status = Command::new("import")
            .args(["-window", "root"])
            .arg(&path)
            .env("DISPLAY", &self.display)
            .status()
            .expect("ImageMagick's import runs");
        assert!(status.success());
        path
    }

    pub fn xdotool(&self, args: &[&str]) -> std::process::Output {
        Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .expect("xdotool runs")
    }

    /// The X id of the visible AuthCert window, if there is one.
    pub fn window_id(&self) -> Option<String> {
        let out = self.xdotool(&["search", "--onlyvisible", "--name", "^AuthCert$"]);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .map(str::to_string)
    }

    /// Sends WM_DELETE_WINDOW, as a window manager's close button does.
    pub fn ask_window_to_close(&self) {
        let id = self.window_id().expect("the AuthCert window");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/wm_close.py");
        let status = Command::new("python3")
            .args([script, &id])
            .env("DISPLAY", &self.display)
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn wait_window_gone(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.window_id().is_some() {
            assert!(
                Instant::now() < deadline,
                "{}: the window is still open",
                self.name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Asserts that the app wrote nothing: no file in the test's folder
    /// beside its HOME, and no list or settings in its app-data folder.
    #[allow(dead_code)] // not every test binary that includes this uses it
    pub fn assert_nothing_written(&self) {
        let top: Vec<_> = std::fs::read_dir(&self.dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(top, ["home"], "{}: no file was written", self.name);
        let data = self
            .dir
            .join("home/.local/share")
            .join(authcert_core::store::APP_FOLDER);
        for file in ["certificates.json", "settings.json"] {
            assert!(
                !data.join(file).exists(),
                "{}: {file} was written",
                self.name
            );
        }
    }

    /// Ticks "I have saved the password" and waits until Rust has taken it
    /// and the download button is enabled.
    pub fn tick_saved(&self) {
        self.click("#saved");
        self.wait(
            "the download button",
            "return !document.getElementById('download').disabled",
        );
    }

    /// The next answer the save dialog gives (a path, or "cancel").
    pub fn answer_dialog(&self, answer: &str) {
        std::fs::write(self.dir.join("dialog-answer"), answer).unwrap();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // The session first; the processes go with their `Proc`s.
        let _ = ureq::delete(&self.url("")).call();
    }
}
