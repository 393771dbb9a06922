//! The generated Nix: snapshots, determinism, syntax (rnix everywhere, and
//! `nix-instantiate --parse` where Nix is installed), and `gen --check`.

mod common;
use std::process::Command;

use camino::{Utf8Path, Utf8PathBuf};
use cgoflake::gen::{self, GenOptions};

fn fixture(name: &str) -> Utf8PathBuf {
    Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn generate(dir: &Utf8Path) -> gen::Generated {
    gen::generate(&GenOptions {
        matrix: dir.join("cgoflake.json"),
        out: dir.to_owned(),
        force: false,
    })
    .unwrap()
}

#[test]
fn snapshots_of_every_generated_file() {
    let generated = generate(&fixture("matrix-all"));
    for (path, text) in &generated.files {
        let name = path.as_str().replace('/', "__");
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn same_input_gives_byte_identical_output() {
    let a = generate(&fixture("matrix-all"));
    let b = generate(&fixture("matrix-all"));
    assert_eq!(a.files, b.files);
}

#[test]
fn every_generated_file_parses_with_rnix() {
    for dir in [fixture("matrix-all"), fixture("no-sqlite")] {
        for (path, text) in generate(&dir)
            .files
            .iter()
            .filter(|(p, _)| p.extension() == Some("nix"))
        {
            let parsed = rnix::Root::parse(text);
            assert!(parsed.errors().is_empty(), "{path}: {:?}", parsed.errors());
        }
    }
}

#[test]
fn every_generated_file_parses_with_nix() {
    if !common::nix_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let files = [fixture("matrix-all"), fixture("no-sqlite")]
        .iter()
        .flat_map(|dir| generate(dir).files)
        .collect::<Vec<_>>();
    for (i, (path, text)) in files
        .iter()
        .filter(|(p, _)| p.extension() == Some("nix"))
        .enumerate()
    {
        let file = tmp
            .path()
            .join(format!("{i}-{}", path.as_str().replace('/', "__")));
        std::fs::write(&file, text).unwrap();
        let out = Command::new("nix-instantiate")
            .arg("--parse")
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// deadnix (unused bindings and arguments) finds nothing in the generated
/// Nix: neither in every template of matrix-all, nor in a program without
/// SQLite (no-sqlite), nor in the repository's own flake (the templates'
/// other branches).
#[test]
fn generated_nix_has_no_dead_code() {
    if !common::require("deadnix", common::runs("deadnix", &["--version"])) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = Utf8Path::from_path(tmp.path()).unwrap();
    let mut files: Vec<Utf8PathBuf> = Vec::new();
    let generated = [fixture("matrix-all"), fixture("no-sqlite")]
        .iter()
        .flat_map(|d| generate(d).files)
        .enumerate()
        .collect::<Vec<_>>();
    for (i, (path, text)) in generated {
        if path.extension() == Some("nix") {
            let file = dir.join(format!("{i}-{}", path.as_str().replace('/', "__")));
            std::fs::write(&file, text).unwrap();
            files.push(file);
        }
    }
    let root = common::root();
    files.push(root.join("flake.nix"));
    for name in ["default", "plan", "zig", "sqlite", "package", "checks"] {
        files.push(root.join(format!("nix/{name}.nix")));
    }
    let out = Command::new("deadnix")
        .args(["--fail", "--output-format", "json"])
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "deadnix found dead code:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_committed_example_flake_is_up_to_date() {
    // The repository's own flake is generated from ./cgoflake.json; the same
    // check CI users run (`cgoflake gen --check`).
    let root = Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_cgoflake"))
        .args(["gen", "--check", "--matrix"])
        .arg(root.join("cgoflake.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "run `cargo run -- gen`:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn check_reports_drift_and_gen_repairs_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = Utf8Path::from_path(tmp.path()).unwrap();
    copy_dir(&fixture("matrix-all"), dir);
    let bin = env!("CARGO_BIN_EXE_cgoflake");
    let run = |args: &[&str]| {
        Command::new(bin)
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap()
    };

    let missing = run(&["gen", "--check"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("missing: flake.nix"));

    assert!(run(&["gen"]).status.success());
    assert!(run(&["gen", "--check"]).status.success());
    assert!(dir.join("flake.lock").is_file());

    // A hand edit is noticed, with the file named.
    let plan = dir.join("nix/plan.nix");
    let edited = std::fs::read_to_string(&plan)
        .unwrap()
        .replace("1.2.3", "9.9.9");
    std::fs::write(&plan, edited).unwrap();
    let drift = run(&["gen", "--check"]);
    assert_eq!(drift.status.code(), Some(1));
    let drift_err = String::from_utf8_lossy(&drift.stderr);
    assert!(drift_err.contains("changed: nix/plan.nix"));
    // ... and shown as a unified diff from the file to what gen writes.
    assert!(drift_err.contains("--- a/nix/plan.nix"), "{drift_err}");
    assert!(drift_err.contains("+++ b/nix/plan.nix"), "{drift_err}");
    assert!(drift_err.contains("@@ "), "{drift_err}");
    assert!(
        drift_err
            .lines()
            .any(|l| l.trim_start().starts_with("-") && l.contains("9.9.9")),
        "{drift_err}"
    );
    assert!(
        drift_err
            .lines()
            .any(|l| l.trim_start().starts_with("+") && l.contains("1.2.3")),
        "{drift_err}"
    );

    // gen refuses to overwrite a file it did not write.
    std::fs::write(dir.join("flake.nix"), "{ }\n").unwrap();
    let refused = run(&["gen"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("refusing to overwrite"));
    assert_eq!(
        std::fs::read_to_string(dir.join("flake.nix")).unwrap(),
        "{ }\n"
    );
    assert!(run(&["gen", "--force"]).status.success());
    assert!(run(&["gen", "--check"]).status.success());
}

#[test]
fn stale_optional_files_are_reported_and_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = Utf8Path::from_path(tmp.path()).unwrap();
    copy_dir(&fixture("matrix-all"), dir);
    let bin = env!("CARGO_BIN_EXE_cgoflake");
    let run = |args: &[&str]| {
        Command::new(bin)
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap()
    };
    assert!(run(&["gen"]).status.success());
    assert!(dir.join("nix/osxcross.nix").is_file());

    // Drop the osxcross target: nix/osxcross.nix is no longer generated.
    let matrix = std::fs::read_to_string(dir.join("cgoflake.json")).unwrap();
    let matrix = matrix.replace(
        r#",
    "darwin-amd64-osxcross": { "goos": "darwin", "goarch": "amd64", "toolchain": "osxcross" }"#,
        "",
    );
    std::fs::write(dir.join("cgoflake.json"), matrix).unwrap();
    let drift = run(&["gen", "--check"]);
    assert!(
        String::from_utf8_lossy(&drift.stderr).contains("stale:   nix/osxcross.nix"),
        "{drift:?}"
    );
    let regen = run(&["gen"]);
    assert!(regen.status.success());
    assert!(!dir.join("nix/osxcross.nix").exists());
    let said = String::from_utf8_lossy(&regen.stdout);
    assert!(said.contains("removed ./nix/osxcross.nix"), "{said}");
    assert!(!said.contains("wrote ./nix/osxcross.nix"), "{said}");
}

#[test]
fn schema_file_is_generated_from_the_types() {
    let root = Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let committed = std::fs::read_to_string(root.join("cgoflake.schema.json")).unwrap();
    assert_eq!(
        committed,
        cgoflake::matrix::json_schema(),
        "cgoflake.schema.json is stale: run `cargo run -- schema > cgoflake.schema.json`"
    );
}

#[test]
fn targets_json_is_the_plan() {
    let dir = fixture("matrix-all");
    let out = Command::new(env!("CARGO_BIN_EXE_cgoflake"))
        .args(["targets", "--json", "--matrix"])
        .arg(dir.join("cgoflake.json"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = plan["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "linux-arm64")
        .unwrap();
    assert_eq!(t["zigTarget"], "aarch64-linux-gnu.2.17");
    assert_eq!(t["goEnv"]["CC"], "zig cc -target aarch64-linux-gnu.2.17");
    assert_eq!(t["goEnv"]["GOARCH"], "arm64");
    assert_eq!(t["runner"], "qemu-aarch64");
    // The rendered plan.nix holds the same flags.
    let rendered = &generate(&dir).files[Utf8Path::new("nix/plan.nix")];
    for flag in t["cgoCflags"].as_array().unwrap() {
        assert!(
            rendered.contains(&format!("\"{}\"", flag.as_str().unwrap())),
            "{flag} not rendered"
        );
    }
}

fn copy_dir(from: &Utf8Path, to: &Utf8Path) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(&entry, &dest).unwrap();
        }
    }
}

fn walk(dir: &Utf8Path) -> Vec<Utf8PathBuf> {
    let mut out = vec![];
    for e in dir.read_dir_utf8().unwrap() {
        let p = e.unwrap().path().to_owned();
        out.push(p.clone());
        if p.is_dir() {
            out.extend(walk(&p));
        }
    }
    out
}
