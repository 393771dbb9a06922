//! The pitfall register, docs/pitfalls.md: every "pitfall N" the repository
//! cites (code, templates, generated files, README) has its `## N.` entry,
//! the entries are numbered 1, 2, 3, … without gaps, and no file points to
//! the design note the first numbers were once kept in.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const REGISTER: &str = "docs/pitfalls.md";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The repository's files, relative to its root: what git tracks plus new
/// files it does not ignore; without git, every file outside `.git` and
/// `target`.
fn repository_files() -> Vec<PathBuf> {
    let out = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root())
        .output();
    match out {
        Ok(out) if out.status.success() => String::from_utf8(out.stdout)
            .expect("git ls-files prints UTF-8 paths here")
            .split('\0')
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .collect(),
        _ => {
            let mut files = Vec::new();
            walk(&root(), Path::new(""), &mut files);
            files
        }
    }
}

fn walk(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(root.join(rel)).unwrap() {
        let entry = entry.unwrap();
        let path = rel.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if !matches!(path.to_str(), Some(".git" | "target")) {
                walk(root, &path, out);
            }
        } else {
            out.push(path);
        }
    }
}

/// Every text file of the repository with its content (binary files and
/// files listed but missing from the work tree are skipped).
fn text_files() -> Vec<(PathBuf, String)> {
    repository_files()
        .into_iter()
        .filter_map(|rel| {
            let bytes = std::fs::read(root().join(&rel)).ok()?;
            Some((rel, String::from_utf8(bytes).ok()?))
        })
        .collect()
}

/// The number `s` starts with, and what follows it.
fn leading_number(s: &str) -> Option<(u32, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let rest = &s[end..];
    if end == 0 || rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((s[..end].parse().ok()?, rest))
}

/// `s` without leading blanks; across a line break also without the next
/// line's comment leader (`#`, `//`, `//!`, ` *`), so wrapped citations count.
fn gap(s: &str) -> &str {
    let t = s.trim_start_matches([' ', '\t']);
    match t.strip_prefix('\n').or_else(|| t.strip_prefix("\r\n")) {
        Some(next) => next
            .trim_start()
            .trim_start_matches(['#', '/', '!', '*'])
            .trim_start_matches([' ', '\t']),
        None => t,
    }
}

/// After a cited number: the text of the next number of the same list
/// (`, 2`, ` and 9`, `, or 3`), if the list goes on.
fn next_in_list(s: &str) -> Option<&str> {
    let mut t = gap(s);
    let mut joined = false;
    if let Some(rest) = t.strip_prefix(',') {
        t = gap(rest);
        joined = true;
    }
    for word in ["and", "or"] {
        if let Some(rest) = t.strip_prefix(word) {
            if rest.starts_with(char::is_whitespace) {
                t = gap(rest);
                joined = true;
                break;
            }
        }
    }
    (joined && leading_number(t).is_some()).then_some(t)
}

/// The pitfall numbers cited in `text`, each with the byte offset of its
/// citation: "pitfall 16", "Pitfalls 12 and 13", "pitfalls 1, 2 and 9",
/// "pitfalls 21–23" (or 21-23).
fn citations_at(text: &str) -> Vec<(usize, u32)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("itfall") {
        let before = &text[..at];
        if !before.ends_with(['p', 'P'])
            || before[..before.len() - 1]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let after = &text[at + "itfall".len()..];
        let after = after.strip_prefix('s').unwrap_or(after);
        if !after.starts_with(char::is_whitespace) {
            continue;
        }
        let mut s = gap(after);
        while let Some((n, rest)) = leading_number(s) {
            s = rest;
            match s
                .strip_prefix('–')
                .or_else(|| s.strip_prefix('-'))
                .and_then(leading_number)
            {
                Some((last, rest)) => {
                    out.extend((n..=last).map(|n| (at - 1, n)));
                    s = rest;
                }
                None => out.push((at - 1, n)),
            }
            match next_in_list(s) {
                Some(next) => s = next,
                None => break,
            }
        }
    }
    out
}

fn citations(text: &str) -> Vec<u32> {
    citations_at(text).into_iter().map(|(_, n)| n).collect()
}

/// The numbers of the register's `## N. Title` headings, in order.
fn register_entries() -> Vec<u32> {
    let text = std::fs::read_to_string(root().join(REGISTER))
        .unwrap_or_else(|e| panic!("{REGISTER}: {e}"));
    text.lines()
        .filter_map(|l| l.strip_prefix("## "))
        .filter_map(|h| {
            let (n, rest) = leading_number(h)?;
            rest.starts_with(". ").then_some(n)
        })
        .collect()
}

#[test]
fn citation_forms_are_read() {
    assert_eq!(citations("answers it (pitfall 16)."), [16]);
    assert_eq!(citations("// Pitfalls 12 and 13, as on linux."), [12, 13]);
    assert_eq!(citations("see pitfalls 1, 2 and 9 first"), [1, 2, 9]);
    assert_eq!(citations("pitfalls 21–23 and 5"), [21, 22, 23, 5]);
    assert_eq!(citations("Pitfall 10 again: FreeBSD"), [10]);
    assert_eq!(
        citations("  # the floor (pitfalls\n  # 5 and 11)."),
        [5, 11]
    );
    assert_eq!(
        citations("which pitfall each piece answers; docs/pitfalls.md; \"pitfall N\""),
        Vec::<u32>::new()
    );
}

#[test]
fn the_register_is_numbered_without_gaps() {
    let entries = register_entries();
    assert!(!entries.is_empty(), "{REGISTER} has no `## N. ` headings");
    let want: Vec<u32> = (1..=entries.len() as u32).collect();
    assert_eq!(
        entries, want,
        "{REGISTER}: headings must be `## 1. …`, `## 2. …`, … in order, each once"
    );
}

#[test]
fn every_cited_pitfall_has_an_entry() {
    let entries: BTreeSet<u32> = register_entries().into_iter().collect();
    let mut missing = Vec::new();
    let mut cited = BTreeSet::new();
    for (path, text) in text_files() {
        for (at, n) in citations_at(&text) {
            cited.insert(n);
            if !entries.contains(&n) {
                let line = text[..at].matches('\n').count() + 1;
                missing.push(format!("{}:{line}: pitfall {n}", path.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "citations without a `## N.` entry in {REGISTER}:\n{}",
        missing.join("\n")
    );
    // The scan did read the files that cite pitfalls.
    assert!(cited.len() > 1, "hardly any citations found: {cited:?}");
}

#[test]
fn no_file_names_the_old_design_note() {
    // Spelled apart, so this file does not name them itself.
    let names = [["DESIGN", "md"].join("."), ["..", "shared"].join("/")];
    let mut hits = Vec::new();
    for (path, text) in text_files() {
        for (i, line) in text.lines().enumerate() {
            for name in &names {
                if line.contains(name.as_str()) {
                    hits.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "pitfalls are cited from {REGISTER}, nothing else:\n{}",
        hits.join("\n")
    );
}
