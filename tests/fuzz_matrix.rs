//! A bounded fuzz harness for matrix parsing and validation: arbitrary text
//! and bytes, arbitrary JSON, and random mutations of a valid matrix go
//! through `cgoflake::matrix::parse` and `cgoflake::plan::resolve`.
//!
//! Properties: nothing panics; every error names the file and has a
//! non-empty message; every accepted plan has only safe target names and
//! serialises.
//!
//! Bounded for CI: about 2,000 cases in all by default (a few seconds in a
//! debug build). `PROPTEST_CASES=N` sets the number of cases of each of the
//! five properties instead.

use std::path::PathBuf;
use std::sync::OnceLock;

use camino::{Utf8Path, Utf8PathBuf};
use cgoflake::matrix::error::MatrixError;
use cgoflake::plan::validate;
use cgoflake::{matrix, plan};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{json, Map, Value};

/// A directory with a real Go module, made once: `mod/go.mod`,
/// `mod/cmd/app/`, and `nomod/` without go.mod.
fn workdir() -> &'static Utf8Path {
    static DIR: OnceLock<Utf8PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz_matrix");
        std::fs::create_dir_all(dir.join("mod/cmd/app")).unwrap();
        std::fs::create_dir_all(dir.join("nomod")).unwrap();
        std::fs::write(
            dir.join("mod/go.mod"),
            "module example.com/app\n\ngo 1.25\n",
        )
        .unwrap();
        Utf8PathBuf::from_path_buf(dir).expect("UTF-8 target dir")
    })
}

/// `default` cases, or `PROPTEST_CASES` when set.
fn config(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        // Generated inputs are cheap to reject; do not let a strategy spin.
        max_global_rejects: 10_000,
        ..Config::default()
    }
}

fn check_error(e: &MatrixError, file: &Utf8Path) -> Result<(), TestCaseError> {
    prop_assert_eq!(&e.file, file);
    prop_assert!(!e.message.trim().is_empty(), "empty message: {:?}", e);
    let shown = e.to_string();
    prop_assert!(shown.starts_with(file.as_str()), "{}", shown);
    if let Some(help) = &e.help {
        prop_assert!(!help.trim().is_empty(), "empty help: {:?}", e);
    }
    Ok(())
}

/// Parse and resolve `text`; check the properties.
fn run(text: &str) -> Result<(), TestCaseError> {
    let dir = workdir();
    let file = dir.join("cgoflake.json");
    let m = match matrix::parse(&file, text) {
        Ok(m) => m,
        Err(e) => return check_error(&e, &file),
    };
    match plan::resolve(&m, &file, dir) {
        Err(e) => check_error(&e, &file),
        Ok(p) => {
            prop_assert!(!p.targets.is_empty());
            for t in &p.targets {
                prop_assert!(
                    validate::target_name(&file, "k", &t.name).is_ok(),
                    "unsafe target name accepted: {:?}",
                    t.name
                );
            }
            prop_assert!(serde_json::to_string(&p).is_ok());
            Ok(())
        }
    }
}

const VALID_SRI: &str = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

/// A valid matrix touching most of the schema.
fn valid() -> Value {
    json!({
        "$schema": "./cgoflake.schema.json",
        "project": {
            "pname": "app",
            "version": "1.0.0",
            "description": "fuzzed",
            "src": "mod",
            "subPackages": ["cmd/app", "."],
            "vendorHash": VALID_SRI,
            "ldflags": ["-X main.x=y"],
            "tags": ["netgo"],
            "env": { "GOEXPERIMENT": "loopvar" },
            "go": "1.25.14",
            "stamp": { "version": "main.version", "commit": "main.commit", "buildTime": "main.buildTime" },
            "defaultTarget": "linux-arm64"
        },
        "pins": {
            "zig": "0.15.2",
            "sqlite": { "version": "3.50.4", "url": "https://sqlite.org/x.tar.gz", "hash": VALID_SRI },
            "sqliteDefines": ["SQLITE_ENABLE_FTS5"]
        },
        "darwinSdk": { "path": "sdk/MacOSX14.5.sdk.tar.xz", "version": "14.5" },
        "defaults": { "libc": "gnu", "glibc": "2.28", "macos": "12.0", "cflags": ["-DX=1"], "ldflags": ["-lm"] },
        "targets": {
            "linux-arm64": { "goos": "linux", "goarch": "arm64", "glibc": "2.17" },
            "linux-arm": { "goos": "linux", "goarch": "arm", "goarm": "6", "libc": "musl" },
            "linux-amd64": { "goos": "linux", "goarch": "amd64", "goamd64": "v3", "cflags": ["-O3"] },
            "windows-amd64": { "goos": "windows", "goarch": "amd64" },
            "darwin-arm64": { "goos": "darwin", "goarch": "arm64", "toolchain": "osxcross", "macos": "13.0" },
            "darwin-amd64": { "goos": "darwin", "goarch": "amd64", "darwinLinker": "stubs" }
        }
    })
}

/// Words the schema knows, as keys and as values, plus near misses.
const WORDS: &[&str] = &[
    "$schema",
    "project",
    "pins",
    "darwinSdk",
    "defaults",
    "targets",
    "pname",
    "version",
    "description",
    "src",
    "subPackages",
    "ldflags",
    "tags",
    "env",
    "vendorHash",
    "go",
    "stamp",
    "commit",
    "buildTime",
    "defaultTarget",
    "zig",
    "sqlite",
    "sqliteDefines",
    "url",
    "hash",
    "path",
    "libc",
    "glibc",
    "macos",
    "cflags",
    "goos",
    "goarch",
    "goarm",
    "goamd64",
    "toolchain",
    "darwinLinker",
    "linux",
    "windows",
    "darwin",
    "linix",
    "amd64",
    "arm64",
    "arm65",
    "arm",
    "386",
    "riscv64",
    "mips",
    "gnu",
    "musl",
    "muls",
    "2.28",
    "2.17",
    "2.1",
    "3.0",
    "2.28.1",
    "11.0",
    "10.9",
    "26.9",
    "osxcross",
    "sdk",
    "stubs",
    "auto",
    "nixpkgs",
    "0.15.2",
    "0.14.0",
    "5",
    "7",
    "8",
    "v1",
    "v4",
    "v5",
    "",
    ".",
    "..",
    "../x",
    "/abs",
    "mod",
    "nomod",
    "cmd/app",
    "cmd/nope",
    "GOOS",
    "CGO_CFLAGS",
    "lower",
    "all",
    "default",
    "linux/arm64",
    "linux/arm64/musl",
    "linux/arm64/uclibc",
    "linux-arm64",
    "a/b",
    "${x}",
    "a\"b",
    "\\",
    "\u{0}",
    "é",
    "sha256-",
    "sha512-AAAA",
    "sha256-short",
    VALID_SRI,
    "https://example.com/x.tar.gz",
    "main.version",
    "go_1_25",
    "-O2 -g",
    "SQLITE_X=1",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(WORDS).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9_./$-]{0,12}",
        1 => any::<String>(),
    ]
}

/// Arbitrary JSON, biased towards the schema's words.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        (0u32..40).prop_map(|n| json!(f64::from(n) / 10.0)),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((word(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// One change to a JSON value at one of its locations.
#[derive(Debug, Clone)]
enum Mutation {
    /// Remove the key or item.
    Remove,
    /// Replace a string with a word of the schema (keeps the type, so the
    /// matrix gets past parsing into validation); add it to an array.
    SetWord(String),
    /// Replace the value.
    Replace(Value),
    /// Rename the key (objects) to another word.
    Rename(String),
    /// Add a key with a value (objects) or an item (arrays).
    Insert(String, Value),
    /// Wrap the value in an array.
    Wrap,
    /// Turn a string into a number or the other way round.
    Retype,
    /// Change one character of a string.
    Typo(usize, char),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => Just(Mutation::Remove),
        8 => word().prop_map(Mutation::SetWord),
        2 => json_value().prop_map(Mutation::Replace),
        2 => word().prop_map(Mutation::Rename),
        2 => (word(), json_value()).prop_map(|(k, v)| Mutation::Insert(k, v)),
        1 => Just(Mutation::Wrap),
        1 => Just(Mutation::Retype),
        3 => (any::<usize>(), any::<char>()).prop_map(|(i, c)| Mutation::Typo(i, c)),
    ]
}

/// JSON pointers of every location in `v` (the root is "").
fn locations(v: &Value, here: String, out: &mut Vec<String>) {
    out.push(here.clone());
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                let k = k.replace('~', "~0").replace('/', "~1");
                locations(child, format!("{here}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                locations(child, format!("{here}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn apply(v: &mut Value, at: usize, m: &Mutation) {
    let mut locs = Vec::new();
    locations(v, String::new(), &mut locs);
    let ptr = &locs[at % locs.len()];
    let (parent_ptr, last) = match ptr.rfind('/') {
        Some(i) => (
            &ptr[..i],
            Some(ptr[i + 1..].replace("~1", "/").replace("~0", "~")),
        ),
        None => ("", None),
    };
    match m {
        Mutation::Replace(new) => *v.pointer_mut(ptr).unwrap() = new.clone(),
        Mutation::SetWord(w) => match v.pointer_mut(ptr).unwrap() {
            Value::String(s) => *s = w.clone(),
            Value::Array(a) => a.push(Value::String(w.clone())),
            _ => {}
        },
        Mutation::Wrap => {
            let t = v.pointer_mut(ptr).unwrap();
            *t = Value::Array(vec![t.take()]);
        }
        Mutation::Retype => {
            let t = v.pointer_mut(ptr).unwrap();
            *t = match t.take() {
                Value::String(s) => s.parse::<f64>().ok().map_or(Value::Null, |f| json!(f)),
                Value::Number(n) => Value::String(n.to_string()),
                other => Value::String(other.to_string()),
            };
        }
        Mutation::Typo(i, c) => {
            if let Value::String(s) = v.pointer_mut(ptr).unwrap() {
                let mut chars: Vec<char> = s.chars().collect();
                if chars.is_empty() {
                    chars.push(*c);
                } else {
                    let n = chars.len();
                    chars[i % n] = *c;
                }
                *s = chars.into_iter().collect();
            }
        }
        Mutation::Insert(k, new) => match v.pointer_mut(ptr).unwrap() {
            Value::Object(o) => {
                o.insert(k.clone(), new.clone());
            }
            Value::Array(a) => a.push(new.clone()),
            _ => {}
        },
        Mutation::Remove | Mutation::Rename(_) => {
            let Some(last) = last else { return };
            match v.pointer_mut(parent_ptr).unwrap() {
                Value::Object(o) => {
                    if let Some(val) = o.shift_remove(&last) {
                        if let Mutation::Rename(k) = m {
                            o.insert(k.clone(), val);
                        }
                    }
                }
                Value::Array(a) => {
                    if let (Ok(i), Mutation::Remove) = (last.parse::<usize>(), m) {
                        if i < a.len() {
                            a.remove(i);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Text-level damage after serialising: none, truncation, garbage, or a
/// duplicated `"key": value` line.
#[derive(Debug, Clone)]
enum TextDamage {
    None,
    Truncate(usize),
    Append(String),
    DuplicateLine(usize),
}

fn text_damage() -> impl Strategy<Value = TextDamage> {
    prop_oneof![
        6 => Just(TextDamage::None),
        1 => any::<usize>().prop_map(TextDamage::Truncate),
        1 => "[ -~]{1,8}".prop_map(TextDamage::Append),
        2 => any::<usize>().prop_map(TextDamage::DuplicateLine),
    ]
}

fn damage(text: String, d: &TextDamage) -> String {
    match d {
        TextDamage::None => text,
        TextDamage::Truncate(n) => {
            let mut n = n % (text.len() + 1);
            while !text.is_char_boundary(n) {
                n -= 1;
            }
            text[..n].to_owned()
        }
        TextDamage::Append(s) => format!("{text}{s}"),
        TextDamage::DuplicateLine(i) => {
            // Repeat one `"key": "scalar",` line: a duplicate key in its object.
            let lines: Vec<&str> = text.lines().collect();
            let candidates: Vec<usize> = (0..lines.len())
                .filter(|&j| lines[j].trim_start().starts_with('"') && lines[j].ends_with(','))
                .collect();
            if candidates.is_empty() {
                return text;
            }
            let j = candidates[i % candidates.len()];
            let mut out: Vec<&str> = lines.clone();
            out.insert(j, lines[j]);
            out.join("\n")
        }
    }
}

#[test]
fn the_valid_matrix_resolves() {
    let dir = workdir();
    let file = dir.join("cgoflake.json");
    let m = matrix::parse(&file, &valid().to_string()).unwrap();
    let p = plan::resolve(&m, &file, dir).unwrap();
    assert_eq!(p.targets.len(), 6);
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn arbitrary_text(text in any::<String>()) {
        run(&text)?;
    }
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        run(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn json_like_text(text in r#"[{}\[\]":,0-9a-z. \n\\-]{0,80}"#) {
        run(&text)?;
        run(&format!(r#"{{"project": {{"pname": "a", "version": "1", "src": "mod"}}, "targets": {text}}}"#))?;
    }
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn arbitrary_json(v in json_value(), project in any::<bool>()) {
        run(&v.to_string())?;
        // Also as the value of a whole section of an otherwise valid matrix.
        let mut m = valid();
        m[if project { "project" } else { "targets" }] = v;
        run(&m.to_string())?;
    }
}

proptest! {
    #![proptest_config(config(800))]

    #[test]
    fn mutated_valid_matrix(
        mutations in proptest::collection::vec((any::<usize>(), mutation()), 1..4),
        short_form in any::<bool>(),
        damage_kind in text_damage(),
    ) {
        let mut v = valid();
        if short_form {
            v["targets"] = json!(["linux/arm64", "linux/amd64/musl", "windows/arm64", "darwin/amd64"]);
            v["project"]["defaultTarget"] = json!("linux-arm64");
        }
        for (at, m) in &mutations {
            apply(&mut v, *at, m);
        }
        let text = serde_json::to_string_pretty(&v).unwrap();
        run(&damage(text, &damage_kind))?;
    }
}
