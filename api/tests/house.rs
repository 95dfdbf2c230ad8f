//! The shape of the code, checked: the modules of `api/src` import one another without circles,
//! the audiences of `routes/` never import one another, and a status is compared with a string
//! only inside its enum's file (everywhere else it is a typed value).
//!
//! A module here is a unit a newcomer reads as one room: a top-level module of the crate
//! (`error`, `workflow`, ...), or a child of one of its folders (`services::patents` with its
//! files, `routes::bank`, `auth::jwt`). Edges are the `crate::`, `super::` and
//! `zhirong_engine::` paths in the code (comments and `#[cfg(test)]` modules left out).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const AUDIENCES: [&str; 5] = ["enterprise", "bank", "gov", "admin", "operator"];

/// The sources of the service and of the engine.
fn crates() -> [PathBuf; 2] {
    let api = Path::new(env!("CARGO_MANIFEST_DIR"));
    [api.join("src"), api.join("../engine/src")]
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.map(|e| e.path()).unwrap_or_default())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `services/patents/upload.rs` -> ["services", "patents", "upload"]; `mod.rs` and `lib.rs`
/// stand for their folder.
fn module_path(root: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root).unwrap_or(file);
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs").to_string();
        if !["mod", "lib", "main"].contains(&stem.as_str()) {
            parts.push(stem);
        }
    }
    parts
}

/// The room a module belongs to.
fn unit(path: &[String]) -> String {
    match path {
        [] => "crate".into(),
        [top, child, ..] => format!("{top}::{child}"),
        [top, ..] => top.clone(),
    }
}

/// The code without comments and without `#[cfg(test)]` modules, line numbers kept.
fn code_of(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        let mut kept = String::new();
        let mut rest = line;
        loop {
            if in_block {
                match rest.find("*/") {
                    Some(i) => {
                        in_block = false;
                        rest = &rest[i + 2..];
                    }
                    None => break,
                }
            } else {
                let line_comment = rest.find("//");
                let block = rest.find("/*");
                match (line_comment, block) {
                    (Some(l), b) if b.is_none_or(|b| l < b) => {
                        kept.push_str(&rest[..l]);
                        break;
                    }
                    (_, Some(b)) => {
                        kept.push_str(&rest[..b]);
                        in_block = true;
                        rest = &rest[b + 2..];
                    }
                    _ => {
                        kept.push_str(rest);
                        break;
                    }
                }
            }
        }
        out.push(kept);
    }
    // Blank out `#[cfg(test)] mod x { ... }`.
    let mut i = 0;
    while i < out.len() {
        if out[i].trim() == "#[cfg(test)]"
            && out
                .get(i + 1)
                .is_some_and(|l| l.trim_start().starts_with("mod "))
        {
            let mut depth = 0i32;
            let mut j = i + 1;
            let mut opened = false;
            while j < out.len() {
                depth += out[j].matches('{').count() as i32 - out[j].matches('}').count() as i32;
                opened |= out[j].contains('{');
                out[j].clear();
                if opened && depth <= 0 {
                    break;
                }
                j += 1;
            }
            i = j;
        }
        i += 1;
    }
    out
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The paths a `crate::` (or `super::`) at `rest` names: `a::b::c`, or each member of a
/// `{a::b, c}` group.
fn named_paths(rest: &str) -> Vec<Vec<String>> {
    let mut segs = Vec::new();
    let mut s = rest;
    loop {
        if let Some(group) = s.strip_prefix('{') {
            // A group: split at top-level commas up to the matching brace.
            let mut depth = 1;
            let mut end = group.len();
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let inner = &group[..end];
            let mut out = Vec::new();
            let (mut depth, mut start) = (0, 0);
            let bytes: Vec<char> = inner.chars().collect();
            let mut members = Vec::new();
            for (i, c) in bytes.iter().enumerate() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        members.push(bytes[start..i].iter().collect::<String>());
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            members.push(bytes[start..].iter().collect::<String>());
            for m in members {
                let m = m.trim();
                if m.is_empty() || m == "self" {
                    out.push(segs.clone());
                    continue;
                }
                for tail in named_paths(m) {
                    let mut p = segs.clone();
                    p.extend(tail);
                    out.push(p);
                }
            }
            return out;
        }
        let id = ident_at(s);
        if id.is_empty() {
            break;
        }
        segs.push(id.to_string());
        s = &s[id.len()..];
        match s.strip_prefix("::") {
            Some(r) => s = r,
            None => break,
        }
    }
    vec![segs]
}

struct Edge {
    from: String,
    to: String,
    at: String,
}

fn edges(root: &Path) -> Vec<Edge> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_path(root, f)).collect();
    let mut out = Vec::new();
    for file in &files {
        let me = module_path(root, file);
        let text = std::fs::read_to_string(file).unwrap_or_default();
        // The whole file as one string (a `use` may span lines), with line starts to report.
        let code = code_of(&text);
        let mut joined = String::new();
        let mut starts = Vec::new();
        for l in &code {
            starts.push(joined.len());
            joined.push_str(l);
            joined.push('\n');
        }
        let line_of = |pos: usize| starts.partition_point(|&s| s <= pos);
        let mut pos = 0;
        while let Some(found) = joined[pos..].find(['c', 's']) {
            let at = pos + found;
            pos = at + 1;
            let before = joined[..at].chars().last();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let rest = &joined[at..];
            let (base, tail) = if let Some(t) = rest.strip_prefix("crate::") {
                (Vec::new(), t)
            } else if rest.starts_with("super::") {
                // Each `super::` is one step up from this module.
                let mut base = me.clone();
                let mut t = rest;
                while let Some(r) = t.strip_prefix("super::") {
                    base.pop();
                    t = r;
                }
                (base, t)
            } else {
                continue;
            };
            for tail in named_paths(tail) {
                let mut target = base.clone();
                target.extend(tail);
                // The longest prefix that is a module of the crate.
                while !target.is_empty() && !modules.contains(&target) {
                    target.pop();
                }
                let (from, to) = (unit(&me), unit(&target));
                if from != to && to != "crate" {
                    out.push(Edge {
                        from,
                        to,
                        at: format!("{}:{}", file.display(), line_of(at)),
                    });
                }
            }
        }
    }
    out
}

/// Strongly connected components of more than one unit (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'g> {
        g: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on: BTreeSet<&'g str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'g>(t: &mut T<'g>, v: &'g str) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        if let Some(ws) = t.g.get(v) {
            for w in ws {
                if !t.index.contains_key(w.as_str()) {
                    visit(t, w);
                    let lw = t.low[w.as_str()];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(lw));
                } else if t.on.contains(w.as_str()) {
                    let iw = t.index[w.as_str()];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(iw));
                }
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g: graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn modules_import_one_another_without_circles() {
    for root in crates() {
        modules_of_one_crate_without_circles(&root);
    }
}

fn modules_of_one_crate_without_circles(root: &Path) {
    let edges = edges(root);
    assert!(
        edges.len() > 100,
        "the reader finds the imports of {} ({} edges)",
        root.display(),
        edges.len()
    );
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in &edges {
        graph
            .entry(e.from.clone())
            .or_default()
            .insert(e.to.clone());
        graph.entry(e.to.clone()).or_default();
    }
    let found = cycles(&graph);
    let mut report = String::new();
    for comp in &found {
        report.push_str(&format!("circle among {}:\n", comp.join(", ")));
        for e in edges
            .iter()
            .filter(|e| comp.contains(&e.from) && comp.contains(&e.to))
        {
            report.push_str(&format!("  {} -> {}  ({})\n", e.from, e.to, e.at));
        }
    }
    assert!(found.is_empty(), "{report}");
}

#[test]
fn the_audiences_of_routes_never_import_one_another() {
    let audience = |u: &str| {
        u.strip_prefix("routes::")
            .filter(|a| AUDIENCES.contains(a))
            .map(str::to_string)
    };
    let [api, _] = crates();
    let crossing: Vec<String> = edges(&api)
        .into_iter()
        .filter_map(|e| match (audience(&e.from), audience(&e.to)) {
            (Some(a), Some(b)) if a != b => Some(format!("{} -> {} ({})", e.from, e.to, e.at)),
            _ => None,
        })
        .collect();
    assert!(
        crossing.is_empty(),
        "routes import across audiences:\n{}",
        crossing.join("\n")
    );
}

#[test]
fn the_reader_sees_a_planted_circle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, b) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")] {
        graph.entry(a.into()).or_default().insert(b.into());
        graph.entry(b.into()).or_default();
    }
    assert_eq!(
        cycles(&graph),
        vec![vec!["a".to_string(), "b".into(), "c".into()]]
    );
    assert_eq!(
        named_paths("services::{patents::{self, Foo}, loans::bank_loan};"),
        vec![
            vec!["services".to_string(), "patents".into()],
            vec!["services".to_string(), "patents".into(), "Foo".into()],
            vec!["services".to_string(), "loans".into(), "bank_loan".into()],
        ]
    );
}

/// Every status spelling the migrations allow (`status ... CHECK (status IN ('a', 'b'))`, and
/// the patents' `legal_status`).
fn status_spellings() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/postgres");
    let mut out = BTreeSet::new();
    let mut dirs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path().join("up.sql")))
        .collect();
    dirs.sort();
    for up in dirs {
        let sql = std::fs::read_to_string(&up).unwrap_or_default();
        for line in sql.lines() {
            let Some(at) = line.find("CHECK (") else {
                continue;
            };
            let check = &line[at + 7..];
            let column = ident_at(check);
            if !(column == "status" || column == "legal_status")
                || !check[column.len()..].trim_start().starts_with("IN (")
            {
                continue;
            }
            let list = &check[..check.find(')').unwrap_or(check.len())];
            for (i, part) in list.split('\'').enumerate() {
                if i % 2 == 1 {
                    out.insert(part.to_string());
                }
            }
        }
    }
    out
}

/// Where `code` compares one of `spellings` with a string literal: `== "open"`, `"open" !=`,
/// `.eq("open")`, `.ne(…)`, `eq_any([… "open" …])`, `["a", "open"].contains(…)`, or a pattern
/// (`"open" =>`, `"open" |`, `matches!(…, "open")`).
fn status_comparisons(code: &str, spellings: &BTreeSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    let mut offset = 0;
    while let Some(q) = rest.find('"') {
        let start = offset + q;
        let after_quote = &code[start + 1..];
        let Some(end) = after_quote.find('"') else {
            break;
        };
        let literal = &after_quote[..end];
        let before = code[..start].trim_end();
        let after = code[start + end + 2..].trim_start();
        if spellings.contains(literal) {
            let compared = before.ends_with("==")
                || before.ends_with("!=")
                || before.ends_with(".eq(")
                || before.ends_with(".ne(")
                || after.starts_with("==")
                || after.starts_with("!=")
                || after.starts_with("=>")
                || (after.starts_with('|') && !after.starts_with("||"))
                || (before.ends_with('|') && !before.ends_with("||"))
                || {
                    // Inside a bracket list that is then compared: `eq_any([..])`, `[..].contains(`.
                    let open = before.rfind('[');
                    let close = before.rfind(']');
                    open.is_some_and(|o| close.is_none_or(|c| c < o))
                        && (before[..open.unwrap_or(0)].trim_end().ends_with("eq_any(")
                            || before[..open.unwrap_or(0)].trim_end().ends_with("ne_all(")
                            || after[after.find(']').unwrap_or(0)..].starts_with("].contains("))
                }
                || {
                    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                    before[line_start..].contains("matches!(")
                };
            if compared {
                found.push(literal.to_string());
            }
        }
        offset = start + end + 2;
        rest = &code[offset..];
    }
    found
}

#[test]
fn a_status_is_compared_with_a_string_only_in_its_enum_file() {
    let spellings = status_spellings();
    for s in [
        "draft",
        "active",
        "sent_back",
        "valid",
        "pending_registration",
    ] {
        assert!(
            spellings.contains(s),
            "the migrations give status {s}: {spellings:?}"
        );
    }
    let [api, _] = crates();
    let mut files = Vec::new();
    rust_files(&api, &mut files);
    let mut report = Vec::new();
    for file in files {
        if file.ends_with("domain/status.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in code_of(&text).iter().enumerate() {
            for literal in status_comparisons(line, &spellings) {
                report.push(format!(
                    "{}:{}: \"{literal}\" in `{}`",
                    file.display(),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        report.is_empty(),
        "statuses compared with strings ({}):\n{}",
        report.len(),
        report.join("\n")
    );
}

#[test]
fn the_status_reader_sees_each_kind_of_comparison() {
    let spellings: BTreeSet<String> = ["open", "paid", "approved"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for code in [
        r#"if c.5 != "open" {"#,
        r#"if "paid" == status {"#,
        r#".filter(claims::status.eq("paid"))"#,
        r#".filter(claims::status.eq_any(["approved", "paid"]))"#,
        r#"if ["open", "x"].contains(&s) {"#,
        r#"    "approved" => 1,"#,
        r#"    "paid" | "open" => 1,"#,
        r#"matches!(s.as_str(), "open")"#,
    ] {
        assert!(!status_comparisons(code, &spellings).is_empty(), "{code}");
    }
    for code in [
        r#"format!("the pool is open")"#,
        r#"let kind = "approve";"#,
        r#".filter(claims::status.eq(ClaimStatus::Paid))"#,
        r#"json!({"status": "open"})"#,
    ] {
        assert!(status_comparisons(code, &spellings).is_empty(), "{code}");
    }
}
