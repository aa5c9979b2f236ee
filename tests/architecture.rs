//! The layering of `src/` (see ARCHITECTURE.md), checked from the source:
//! every `crate::...` path in a module must name a module of its own layer
//! or a lower one, and the top-level modules must not import each other in
//! a cycle. `cargo test --test architecture -- --nocapture` prints the
//! import graph between top-level modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules, bottom layer first. A module may import its own
/// layer and those below.
const LAYERS: &[(&str, u8)] = &[
    ("store", 1),
    ("error", 1),
    ("config", 1),
    ("http", 2),
    ("directory", 3),
    ("criteria", 4),
    ("curation", 5),
    ("documents", 5),
    ("readmodel", 6),
    ("state", 7),
    ("handlers", 8),
    ("web", 8),
    ("routes", 9),
    ("openapi", 9),
    ("startup", 10),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`None`: lib.rs, main.rs).
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.trim_end_matches(".rs");
    (name != "lib" && name != "main").then(|| name.to_owned())
}

/// Every top-level module a source text names with `crate::`, including
/// grouped imports such as `use crate::{a, b::c}`.
fn referenced(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let code: String = text
        .lines()
        .map(|l| match l.trim_start().starts_with("//") {
            true => "",
            false => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Edges `from -> to` between top-level modules, with a file that makes each.
fn import_graph() -> BTreeMap<(String, String), String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "found only {} files in src/", files.len());
    let mut edges = BTreeMap::new();
    for file in files {
        let Some(from) = top_module(&src, &file) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).expect("source is UTF-8");
        for to in referenced(&text) {
            if to != from && !["self", "super"].contains(&to.as_str()) {
                let shown = file.strip_prefix(&src).unwrap().display().to_string();
                edges.entry((from.clone(), to)).or_insert(shown);
            }
        }
    }
    edges
}

#[test]
fn every_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';'))
        .collect();
    assert!(declared.len() >= 10, "lib.rs declares {declared:?}");
    for m in declared {
        assert!(layer(m).is_some(), "src/{m} has no layer in LAYERS");
    }
}

#[test]
fn modules_import_only_their_layer_or_below() {
    let edges = import_graph();
    assert!(!edges.is_empty());
    let mut wrong = Vec::new();
    for ((from, to), file) in &edges {
        let (Some(lf), Some(lt)) = (layer(from), layer(to)) else {
            wrong.push(format!("{file}: {from} -> {to} (a module with no layer)"));
            continue;
        };
        if lt > lf {
            wrong.push(format!(
                "{file}: {from} (layer {lf}) imports {to} (layer {lt})"
            ));
        }
    }
    for (from, to) in edges.keys() {
        eprintln!("{from} -> {to}");
    }
    assert!(
        wrong.is_empty(),
        "imports against the layering:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn top_level_modules_form_no_cycle() {
    let edges = import_graph();
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        next.entry(from).or_default().push(to);
    }
    // Depth-first search for a back edge.
    fn visit<'a>(
        m: &'a str,
        next: &BTreeMap<&'a str, Vec<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(at) = path.iter().position(|p| *p == m) {
            let mut cycle = path[at..].to_vec();
            cycle.push(m);
            return Some(cycle);
        }
        if !done.insert(m) {
            return None;
        }
        path.push(m);
        for n in next.get(m).into_iter().flatten() {
            if let Some(c) = visit(n, next, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for m in next.keys() {
        let mut path = Vec::new();
        if let Some(cycle) = visit(m, &next, &mut path, &mut done) {
            panic!(
                "top-level modules import in a cycle: {}",
                cycle.join(" -> ")
            );
        }
    }
}

#[test]
fn the_checker_sees_grouped_and_inline_paths() {
    let found = referenced(
        "use crate::{store, http::params};\n// crate::startup in a comment\nlet x = crate::error::ApiError::x();",
    );
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        ["error", "http", "store"]
    );
}
