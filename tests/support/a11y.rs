//! The accessibility audit, shared by the window tests: axe-core (pinned;
//! installed into target/a11y by scripts/deps.sh, never committed or
//! shipped) injected into the real page, plus a check for anything cut off
//! or scrolling sideways at the smallest window and 200% text.
#![allow(dead_code)]

use std::path::Path;

use serde_json::{json, Value};

use super::webdriver::App;

/// Moderate findings that stay, and why.
const MODERATE_KEPT: &[(&str, &str)] = &[];

pub fn axe_source() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/a11y/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{} ({e}): scripts/deps.sh test installs axe-core from npm there",
            path.display()
        )
    })
}

/// Every audit of one run: what was found, by state.
pub struct Audit {
    axe: String,
    pub mode: &'static str,
    /// Also check each state at 100% and 200% text for sideways scrolling,
    /// with a screenshot of each (the window at its minimum size).
    pub sizes: bool,
    cut_off: Vec<String>,
    pub serious: Vec<String>,
    moderate: Vec<String>,
    pub states: usize,
}

impl Audit {
    pub fn new(mode: &'static str) -> Audit {
        Audit {
            axe: axe_source(),
            mode,
            sizes: false,
            cut_off: Vec::new(),
            serious: Vec::new(),
            moderate: Vec::new(),
            states: 0,
        }
    }

    /// Runs axe on the page as it is now (dialogs open included).
    pub fn check(&mut self, app: &App, state: &str) {
        if app.js("return typeof window.axe === 'object'") != json!(true) {
            app.js(&format!("{}\nreturn true;", self.axe));
        }
        let found = app.js_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {
               runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
               resultTypes: ['violations'],
               // Off by default (experimental): a control's accessible name
               // contains its visible label.
               rules: {'label-content-name-mismatch': {enabled: true}},
             }).then((r) => done(r.violations.map((v) => ({
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200)),
             })))).catch((e) => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));",
        );
        self.states += 1;
        if self.sizes {
            // 200% text: the root size doubled (every size in the page is
            // in rem, so this is what a browser's text zoom does).
            for (font, tag) in [("", "min"), ("30px", "min-200")] {
                app.js(&format!(
                    "document.documentElement.style.fontSize = '{font}'; return true;"
                ));
                let found = overflow(app);
                if found.as_array().is_some_and(|a| !a.is_empty()) {
                    self.cut_off.push(format!("{state} ({tag}): {found}"));
                }
                let label: String = state
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .collect();
                app.screenshot(&format!("{label}-{tag}"));
            }
            app.js("document.documentElement.style.fontSize = ''; return true;");
        }
        for v in found.as_array().cloned().unwrap_or_default() {
            let line = format!(
                "[{}] {state}: {} ({}) {}",
                self.mode,
                v["id"].as_str().unwrap_or(""),
                v["help"].as_str().unwrap_or(""),
                v["nodes"]
            );
            match v["impact"].as_str() {
                Some("serious" | "critical") => self.serious.push(line),
                _ => {
                    let id = v["id"].as_str().unwrap_or("");
                    if !MODERATE_KEPT.iter().any(|(kept, _)| *kept == id) {
                        self.moderate.push(line);
                    }
                }
            }
        }
    }

    pub fn assert_clean(&self) {
        println!("{}: {} states audited", self.mode, self.states);

        let all = [
            self.cut_off.clone(),
            self.serious.clone(),
            self.moderate.clone(),
        ]
        .concat();
        assert!(
            all.is_empty(),
            "cut off or scrolling sideways, then accessibility violations:\n{}",
            all.join("\n")
        );
    }
}

/// Whether anything needs scrolling sideways: the page, or an element cut
/// off (wider than its box, with its overflow hidden). Code boxes (`pre`)
/// scroll inside themselves and are allowed to.
fn overflow(app: &App) -> Value {
    app.js(
        "const out = [];
         const doc = document.documentElement;
         if (doc.scrollWidth > doc.clientWidth + 1) out.push('the page: ' + doc.scrollWidth + ' > ' + doc.clientWidth);
         for (const e of document.querySelectorAll('body *')) {
           if (e.closest('[hidden]') || e.closest('dialog:not([open])') || e.closest('pre')) continue;
           // Visually hidden on purpose (read by screen readers only).
           let clipped = false;
           for (let a = e; a; a = a.parentElement) if (getComputedStyle(a).clipPath !== 'none') clipped = true;
           if (clipped) continue;
           const r = e.getBoundingClientRect();
           if (r.width === 0) continue;
           if (r.right > doc.clientWidth + 1) out.push((e.id || e.tagName) + ' ends at ' + Math.round(r.right));
           const s = getComputedStyle(e);
           if (e.scrollWidth > e.clientWidth + 1 && (s.overflowX === 'hidden' || s.overflowX === 'clip') && e.tagName !== 'SELECT') out.push((e.id || e.tagName) + ' is cut off');
           // Content wider than its box that spills out (a control's text).
           else if (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0 && s.overflowX === 'visible' && !['HTML', 'BODY', 'MAIN', 'SECTION', 'FORM', 'DIV', 'DL', 'DD', 'DETAILS', 'TABLE', 'TBODY', 'TR', 'TD'].includes(e.tagName)) out.push((e.id || e.tagName) + ' spills out of its box');
         }
         if (out.length) {
           // The widest element, to say what pushes the page.
           let widest = null;
           for (const e of document.querySelectorAll('body *')) {
             const r = e.getBoundingClientRect();
             if (r.right > doc.clientWidth + 1 && !e.closest('pre') && (!widest || r.width < widest.w)) widest = {w: r.width, what: (e.id || e.tagName) + '.' + e.className};
           }
           if (widest) out.push('narrowest element past the edge: ' + widest.what);
         }
         return out.slice(0, 12);",
    )
}
