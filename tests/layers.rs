//! The library's layers: no top-level module of `src/` imports another in a circle, and each
//! imports only the layers below it (domain ← i18n ← geo ← store ← matching ← demo, report ←
//! ui; the spreadsheets of `exchange` sit beside matching, under report; `sync` (the client)
//! above the store, and the `hub` above it). Read from the source, so that a new import that breaks the order fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Which top-level modules each may use. `ui` may use all of them.
const ALLOWED: &[(&str, &[&str])] = &[
    ("assets", &[]),
    ("files", &[]),
    ("domain", &[]),
    ("i18n", &["domain"]),
    ("settings", &["files", "i18n"]),
    ("geo", &["domain", "i18n"]),
    ("store", &["domain", "i18n", "geo", "files"]),
    ("keystore", &["store"]),
    ("exchange", &["domain", "geo", "store", "i18n", "files"]),
    ("matching", &["domain", "geo", "store", "i18n"]),
    ("demo", &["domain", "geo", "store", "matching"]),
    ("sync", &["domain", "store", "files"]),
    ("hub", &["domain", "geo", "store", "sync", "files"]),
    (
        "report",
        &[
            "domain", "geo", "store", "matching", "exchange", "i18n", "files", "assets",
        ],
    ),
];

/// The modules a source text refers to through `crate::`, leaving out `#[cfg(test)]` modules
/// (unit tests may reach for test data above their layer).
fn references(text: &str) -> BTreeSet<String> {
    let code = text
        .find("#[cfg(test)]")
        .or_else(|| text.find("#[cfg(all(test"))
        .map_or(text, |end| &text[..end]);
    // Comments may name other layers ("see `crate::matching`") without using them.
    let code: String = code
        .lines()
        .map(|line| line.split_once("//").map_or(line, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::b, c}`: the first name of each item at the group's own depth.
            let mut depth = 0;
            let mut start = true;
            for (i, ch) in group.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        rest = &group[i..];
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && (c.is_ascii_lowercase() || c == '_') => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|c| {
                                c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit()
                            })
                            .collect();
                        found.insert(name);
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Top-level module → the top-level modules it uses.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src");
        let first = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .expect("a name");
        let module = first.trim_end_matches(".rs").to_owned();
        // The binary's own files (main and what it declares) sit above every layer.
        if module == "lib" || module == "main" || module == "cli_accounts" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        let uses = references(&text)
            .into_iter()
            .filter(|m| *m != module && !m.starts_with('_'))
            .collect::<BTreeSet<_>>();
        graph.entry(module).or_default().extend(uses);
    }
    graph
}

#[test]
fn no_top_level_module_imports_another_in_a_circle() {
    let graph = graph();
    // Depth-first search for a back edge.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        let cycle = visit(node, &graph, &mut Vec::new(), &mut done);
        assert!(
            cycle.is_none(),
            "import cycle: {}",
            cycle.unwrap_or_default().join(" → ")
        );
    }
}

#[test]
fn each_layer_uses_only_the_layers_below_it() {
    let graph = graph();
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    for (module, uses) in &graph {
        if module == "ui" {
            continue;
        }
        let Some(may) = allowed.get(module.as_str()) else {
            panic!("{module} is not placed in the layers of tests/layers.rs");
        };
        let above: Vec<&String> = uses.iter().filter(|u| !may.contains(&u.as_str())).collect();
        assert!(
            above.is_empty(),
            "{module} uses {above:?}, which are not below it"
        );
    }
}

#[test]
fn the_reader_finds_grouped_and_plain_imports() {
    let found = references(
        "use crate::{domain::{a, b}, geo};\nlet x = crate::store::open();\n#[cfg(test)]\nuse crate::ui;",
    );
    let expected: BTreeSet<String> = ["domain", "geo", "store"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(found, expected);
}
