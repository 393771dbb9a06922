//! Bad input: every malformed or unsupported matrix is rejected with one
//! precise message naming the file, the key path and what is allowed (a
//! "did you mean" where it helps), exit code 2, no panic, and nothing written.
//!
//! The cases are data: `tests/bad_input/cases.toml` (its header says how a
//! case is written). Each runs the real binary (`gen --matrix` and `targets
//! --json --matrix`) in a fresh temporary directory holding a real Go module
//! (`mod/go.mod`, `mod/cmd/app/`) and a directory without `go.mod`
//! (`nomod/`), so that only the intended error can trigger. Every message is
//! kept in one insta snapshot, `tests/snapshots/bad_input__messages.snap`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_cgoflake");
const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad_input/cases.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    case: Vec<Case>,
}

/// One case of `cases.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    /// The key path the message names; empty for the whole file.
    key: String,
    #[serde(default = "bad_input_exit")]
    exit: i32,
    /// JSON pointer → JSON text, in the order written.
    #[serde(default)]
    set: toml::Table,
    #[serde(default)]
    remove: Vec<String>,
    rename: Option<Rename>,
    text: Option<String>,
    bytes: Option<Vec<u8>>,
    #[serde(default)]
    files: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rename {
    at: String,
    from: String,
    to: String,
}

fn bad_input_exit() -> i32 {
    2
}

/// The valid matrix every case breaks one thing of.
fn base() -> Value {
    json!({
        "project": {
            "pname": "app",
            "version": "1.0.0",
            "src": "mod",
            "subPackages": ["cmd/app"],
            "vendorHash": null
        },
        "targets": {
            "linux-arm64": { "goos": "linux", "goarch": "arm64" }
        }
    })
}

fn cases() -> Vec<Case> {
    let text = fs::read_to_string(CASES).unwrap();
    let cases: Cases = toml::from_str(&text).unwrap_or_else(|e| panic!("{CASES}: {e}"));
    let mut names = std::collections::BTreeSet::new();
    for c in &cases.case {
        assert!(names.insert(c.name.as_str()), "case {:?} twice", c.name);
    }
    cases.case
}

/// A JSON pointer's parent and last token (`~1` is `/`, `~0` is `~`).
fn split_pointer(ptr: &str) -> (&str, String) {
    let (parent, last) = ptr
        .rsplit_once('/')
        .unwrap_or_else(|| panic!("bad pointer {ptr:?}"));
    (parent, last.replace("~1", "/").replace("~0", "~"))
}

fn object_at<'v>(v: &'v mut Value, ptr: &str) -> &'v mut serde_json::Map<String, Value> {
    v.pointer_mut(ptr)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {ptr:?}"))
}

/// The bytes of the matrix file of `case`.
fn matrix_bytes(case: &Case) -> Vec<u8> {
    if let Some(bytes) = &case.bytes {
        return bytes.clone();
    }
    let base_text = serde_json::to_string_pretty(&base()).unwrap();
    if let Some(text) = &case.text {
        return text.replace("{base}", &base_text).into_bytes();
    }
    let mut v = base();
    for (ptr, value) in &case.set {
        let value: Value = serde_json::from_str(value.as_str().expect("set values are JSON text"))
            .unwrap_or_else(|e| panic!("[{}] set {ptr}: {e}", case.name));
        let (parent, key) = split_pointer(ptr);
        object_at(&mut v, parent).insert(key, value);
    }
    for ptr in &case.remove {
        let (parent, key) = split_pointer(ptr);
        object_at(&mut v, parent).shift_remove(&key);
    }
    if let Some(r) = &case.rename {
        let obj = object_at(&mut v, &r.at);
        for (k, val) in std::mem::take(obj) {
            obj.insert(if k == r.from { r.to.clone() } else { k }, val);
        }
    }
    serde_json::to_string_pretty(&v).unwrap().into_bytes()
}

/// Every file and directory under `dir` with its content (directories: empty).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
                out.insert(p, Vec::new());
            } else {
                let content = fs::read(&p).unwrap();
                out.insert(p, content);
            }
        }
    }
    out
}

/// A fresh directory with a real Go module and the matrix of `case`.
fn setup(case: &Case) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("mod/cmd/app")).unwrap();
    fs::write(d.join("mod/go.mod"), "module example.com/app\n\ngo 1.25\n").unwrap();
    fs::write(
        d.join("mod/cmd/app/main.go"),
        "package main\n\nfunc main() {}\n",
    )
    .unwrap();
    fs::create_dir_all(d.join("nomod/cmd/app")).unwrap();
    fs::write(d.join("nomod/README"), "no go.mod here\n").unwrap();
    for (rel, content) in &case.files {
        let path = d.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
    let file = d.join("cgoflake.json");
    fs::write(&file, matrix_bytes(case)).unwrap();
    (dir, file)
}

/// Run `args` and return (exit code, stderr, stdout).
fn run(args: &[&str], cwd: &Path) -> (Option<i32>, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        // vendorHash "auto" would run `go`; no case may get that far, and
        // the cache must not land in the temporary directory.
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("cgoflake-bad-input-cache"),
        )
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run cgoflake");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Every problem with one command's result, or none. What the message says
/// is the snapshot's business; this checks its form.
fn check(case: &Case, file: &str, code: Option<i32>, stderr: &str, stdout: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if code != Some(case.exit) {
        problems.push(format!("exit code {code:?}, want {}", case.exit));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        problems.push("panicked".to_owned());
    }
    if !stdout.is_empty() {
        problems.push(format!("printed to stdout: {stdout:?}"));
    }
    let prefix = format!("error: {file}: ");
    match stderr.strip_prefix(&prefix) {
        None => problems.push(format!("stderr does not start with {prefix:?}")),
        Some(rest) => {
            if !case.key.is_empty() && !rest.starts_with(&format!("{}: ", case.key)) {
                problems.push(format!("key path is not `{}`", case.key));
            }
        }
    }
    // One message: the error line and at most one help line.
    let lines: Vec<&str> = stderr.lines().collect();
    if lines.len() > 2 || (lines.len() == 2 && !lines[1].starts_with("  help: ")) {
        problems.push(format!("more than one message ({} lines)", lines.len()));
    }
    problems
}

/// Run one case with both commands: its problems, and its message with the
/// temporary directory written as `$DIR`.
fn run_case(case: &Case) -> (Vec<String>, String) {
    let (dir, file) = setup(case);
    let file_s = file.to_str().unwrap();
    let before = snapshot(dir.path());
    let mut problems = Vec::new();
    let mut outputs = Vec::new();
    for args in [
        &["gen", "--matrix", file_s][..],
        &["targets", "--json", "--matrix", file_s][..],
    ] {
        let (code, stderr, stdout) = run(args, dir.path());
        for p in check(case, file_s, code, &stderr, &stdout) {
            problems.push(format!(
                "[{}] `{}`: {p}\n    stderr: {}",
                case.name,
                args[0],
                stderr.trim_end().replace('\n', "\n            ")
            ));
        }
        outputs.push(stderr);
    }
    if outputs[0] != outputs[1] {
        problems.push(format!(
            "[{}] `gen` and `targets` disagree:\n    {}\n    {}",
            case.name,
            outputs[0].trim_end(),
            outputs[1].trim_end()
        ));
    }
    let after = snapshot(dir.path());
    if before != after {
        let new: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
        problems.push(format!(
            "[{}] the directory changed; new: {new:?}",
            case.name
        ));
    }
    let message = outputs[0].replace(dir.path().to_str().unwrap(), "$DIR");
    (problems, message)
}

#[test]
fn bad_matrices_are_rejected_precisely() {
    let cases = cases();
    assert!(cases.len() > 100, "{} cases", cases.len());
    // Four at a time (each case runs two processes); results in case order.
    let chunk = cases.len().div_ceil(4);
    let results: Vec<(Vec<String>, String)> = std::thread::scope(|s| {
        let workers: Vec<_> = cases
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(run_case).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a case panicked"))
            .collect()
    });
    let mut failures = Vec::new();
    let mut messages = String::new();
    for (case, (problems, message)) in cases.iter().zip(results) {
        failures.extend(problems);
        messages.push_str(&format!("[{}]\n{message}\n", case.name));
    }
    assert!(
        failures.is_empty(),
        "{} problems in {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    insta::assert_snapshot!("messages", messages);
}

#[test]
fn missing_matrix_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cgoflake.json");
    let file_s = file.to_str().unwrap();
    for args in [
        &["gen", "--matrix", file_s][..],
        &["targets", "--json", "--matrix", file_s][..],
    ] {
        let (code, stderr, _) = run(args, dir.path());
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.starts_with(&format!("error: {file_s}: ")),
            "{stderr}"
        );
        assert!(stderr.contains("cannot read the matrix"), "{stderr}");
        assert!(stderr.contains("cgoflake init"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert!(fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn the_base_matrix_is_valid() {
    // Guards the table: every case must fail only because of its one change.
    let valid = |text: String| {
        let case: Case =
            toml::from_str(&format!("name = 'valid'\nkey = ''\ntext = '''\n{text}'''")).unwrap();
        let (dir, file) = setup(&case);
        let (code, stderr, stdout) = run(
            &["targets", "--json", "--matrix", file.to_str().unwrap()],
            dir.path(),
        );
        assert_eq!(code, Some(0), "{stderr}");
        stdout
    };
    let plan: Value = serde_json::from_str(&valid("{base}".to_owned())).unwrap();
    assert_eq!(plan["targets"][0]["name"], "linux-arm64");
    // `$schema` is the one extra key accepted.
    let mut with_schema = base();
    with_schema["$schema"] = json!("./cgoflake.schema.json");
    valid(serde_json::to_string_pretty(&with_schema).unwrap());
}
