//! The core's modules form layers that only point down: a module uses only
//! modules of a lower layer, so no two of them can form a circle, and each
//! can be read and tested with only what lies beneath it. The same holds for
//! the files inside each module folder. Read from the source (every
//! `crate::x` and `super::x` path), so a new `use` that points up fails here
//! with the file that made it; the order is printed for the test log.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The core's top-level modules, lowest layer first. A module may use any
/// module of a lower layer and none of its own or a higher one.
const LAYERS: &[&[&str]] = &[
    // Leaves: plain values and rules with no I/O of their own.
    &["hooks", "text", "filename", "wipe_alloc", "ids", "tested"],
    // The system: files, time zone.
    &["platform"],
    &["clock"],
    // Certificates and PKCS#12 files, in memory.
    &["engine"],
    // The list, the keychain, saving; how-to texts.
    &["store", "keychain", "save", "howto"],
    // What is done to a listed certificate; the form's choices.
    &["listed", "form"],
    &["authority"],
    // Testing against an API; adding certificates made elsewhere.
    &["connect", "import"],
    // A request to a CA, and its answer joined with the waiting key; where
    // each certificate is used, checked together.
    &["requested", "integrations"],
    // A pending certificate's life.
    &["life"],
    // What the front ends show and call.
    &["overview"],
];

fn core_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/core/src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read the source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without comments, so that a comment naming a module is no use.
fn code_of(path: &Path) -> String {
    let text = fs::read_to_string(path).expect("read a source file");
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The first path segments after every `prefix` in `code`: `crate::a::b`
/// gives `a`, `crate::{a, b::c}` gives `a` and `b`.
fn names_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(is_ident) {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // The top-level items of the group: after `{` or a `,` at depth 0.
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && is_ident(c) => {
                        start = false;
                        let name: String =
                            group[i..].chars().take_while(|&c| is_ident(c)).collect();
                        names.insert(name);
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest.chars().take_while(|&c| is_ident(c)).collect();
            if !name.is_empty() {
                names.insert(name);
            }
        }
    }
    names
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level module a file belongs to (`engine/pkcs12/read.rs` →
/// `engine`), or None for lib.rs.
fn top_module(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(core_src()).expect("under src");
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib").then_some(name)
}

#[test]
fn every_module_of_the_core_is_in_a_layer() {
    let lib = fs::read_to_string(core_src().join("lib.rs")).unwrap();
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .chain(lib.lines().filter_map(|l| l.trim().strip_prefix("mod ")))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    assert!(declared.len() > 10, "lib.rs declares {declared:?}");
    for module in &declared {
        assert!(
            layer_of(module).is_some(),
            "the core's module `{module}` is in no layer of tests/layers.rs: put it where it belongs"
        );
    }
    for layer in LAYERS {
        for module in *layer {
            assert!(
                declared.contains(module),
                "tests/layers.rs names `{module}`, which lib.rs does not declare"
            );
        }
    }
}

#[test]
fn the_core_s_modules_only_point_down() {
    let mut files = Vec::new();
    rust_files(&core_src(), &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut upward = Vec::new();
    for file in &files {
        let Some(module) = top_module(file) else {
            continue;
        };
        let from = layer_of(&module).unwrap_or_else(|| panic!("{module} has no layer"));
        for used in names_after(&code_of(file), "crate::") {
            if used == module {
                continue;
            }
            let Some(to) = layer_of(&used) else {
                continue; // a macro or item at the crate root
            };
            edges
                .entry(module.clone())
                .or_default()
                .insert(used.clone());
            if to >= from {
                upward.push(format!(
                    "{} uses crate::{used} (layer {to}) from {module} (layer {from})",
                    file.strip_prefix(core_src()).unwrap().display()
                ));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "modules pointing sideways or up (move the shared piece down a layer):\n{}",
        upward.join("\n")
    );
    // Guards the reader itself: the engine is used by the store, and the
    // list is used by the overview.
    assert!(edges["store"].contains("engine"), "{edges:?}");
    assert!(edges["overview"].contains("store"), "{edges:?}");
    eprintln!("The core's modules are acyclic; layers, lowest first:");
    for (i, layer) in LAYERS.iter().enumerate() {
        let uses: Vec<String> = layer
            .iter()
            .map(|m| {
                let down: Vec<&str> = edges
                    .get(*m)
                    .map(|e| e.iter().map(String::as_str).collect())
                    .unwrap_or_default();
                format!("{m} → {{{}}}", down.join(", "))
            })
            .collect();
        eprintln!("  {i}: {}", uses.join("; "));
    }
}

/// Inside a module folder, the files use one another without a circle
/// (through `super::x` or `crate::module::x`); mod.rs, which declares and
/// re-exports them, is left out.
#[test]
fn the_files_inside_each_module_form_no_circle() {
    let mut checked = 0;
    for entry in fs::read_dir(core_src()).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let module = dir.file_name().unwrap().to_str().unwrap().to_string();
        let children: BTreeSet<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                p.file_name()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .filter(|name| name != "mod" && name != "tests")
            .collect();
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for child in &children {
            let path = dir.join(child);
            let mut files = Vec::new();
            if path.is_dir() {
                rust_files(&path, &mut files);
            } else {
                files.push(dir.join(format!("{child}.rs")));
            }
            for file in files {
                let code = code_of(&file);
                // From a file in a subfolder, `super::` is its own module.
                let direct = file.parent() == Some(dir.as_path());
                let mut used = names_after(&code, &format!("crate::{module}::"));
                if direct {
                    used.extend(names_after(&code, "super::"));
                }
                for u in used {
                    if u != *child && children.contains(&u) {
                        edges.entry(child.clone()).or_default().insert(u);
                    }
                }
            }
        }
        if let Some(circle) = find_circle(&edges) {
            panic!("a circle inside {module}/: {}", circle.join(" → "));
        }
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} module folders found");
}

/// A circle in `edges`, as the modules along it, if there is one.
fn find_circle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut circle = path[i..].to_vec();
            circle.push(node.to_string());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        if let Some(c) = visit(node, edges, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[test]
fn a_circle_is_found_and_a_line_is_not() {
    let graph = |pairs: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in pairs {
            g.entry(a.to_string()).or_default().insert(b.to_string());
        }
        g
    };
    assert_eq!(find_circle(&graph(&[("a", "b"), ("b", "c")])), None);
    assert_eq!(
        find_circle(&graph(&[("a", "b"), ("b", "c"), ("c", "a")])),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(
        names_after(
            "use crate::{store::{Record, Store}, engine};\nx_crate::no; crate::text::shown",
            "crate::"
        ),
        ["engine", "store", "text"].map(String::from).into()
    );
}
