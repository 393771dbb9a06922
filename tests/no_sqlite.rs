//! A cgo program that does not use SQLite (tests/fixtures/no-sqlite) gets no
//! SQLite: no nix/sqlite.nix, no SQLite derivation among its build inputs,
//! no `libsqlite3` tag; and it builds in the Nix sandbox and runs.

mod common;

use std::process::Command;

use camino::{Utf8Path, Utf8PathBuf};

fn cgoflake(dir: &Utf8Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cgoflake"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cgoflake {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The fixture copied to a temporary directory and generated there.
fn generated_copy(tmp: &Utf8Path) -> Utf8PathBuf {
    let dir = tmp.join("no-sqlite");
    common::copy_tree(&common::root().join("tests/fixtures/no-sqlite"), &dir);
    cgoflake(&dir, &["gen"]);
    dir
}

#[test]
fn a_program_without_sqlite_gets_no_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = generated_copy(Utf8Path::from_path(tmp.path()).unwrap());
    assert!(!dir.join("nix/sqlite.nix").exists());
    let plan: serde_json::Value =
        serde_json::from_str(&cgoflake(&dir, &["targets", "--json"])).unwrap();
    assert!(plan["sqlite"].is_null(), "{plan}");
    assert!(
        !plan["project"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "libsqlite3"),
        "{plan}"
    );
}

#[test]
#[ignore = "builds two targets in the Nix sandbox (minutes); scripts/test runs it"]
fn a_program_without_sqlite_builds_and_runs() {
    if !common::require("nix", common::nix_available()) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = generated_copy(Utf8Path::from_path(tmp.path()).unwrap());
    let flake = format!("path:{dir}");
    // The musl check runs the binary under qemu inside the sandbox.
    common::nix_with_fixture(&[
        "build",
        "--no-link",
        &format!("{flake}#checks.x86_64-linux.linux-arm64-musl"),
    ]);
    // One glibc target more, run natively (each cold target costs CI minutes;
    // windows builds without SQLite the same way, see the plan test above).
    let target = "linux-amd64";
    let drvs = common::nix_with_fixture(&[
        "path-info",
        "--derivation",
        "-r",
        &format!("{flake}#{target}"),
    ]);
    assert!(
        !drvs.lines().any(|d| d.contains("-sqlite-")),
        "{target} depends on SQLite:\n{drvs}"
    );
    let json =
        common::nix_with_fixture(&["build", "--no-link", "--json", &format!("{flake}#{target}")]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let out = Utf8PathBuf::from(v[0]["outputs"]["out"].as_str().unwrap());
    let bin = out.join("bin/nosqlite");
    let run = Command::new("bash")
        .arg(common::root().join("tests/support/run-binary.sh"))
        .arg(&bin)
        .args(["linux", "amd64", "gnu", "selftest"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains("cgo=42 goos=linux goarch=amd64"),
        "{target}: {stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
}
