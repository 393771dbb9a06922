//! nix/overrides.nix is the user's own file beside the generated ones:
//! `cgoflake gen` never writes, checks or removes it, and the generated flake
//! applies it to the packages (`allTargets`, then `targets.<name>`, each an
//! overrideAttrs argument). Shown on tests/fixtures/no-sqlite: an override
//! that adds a `-X` linker flag changes what the built binary prints, `gen`
//! and `gen --check` leave the file alone, and a misspelt target is refused
//! at evaluation with the names it could have meant.

mod common;

use std::process::Command;

use camino::{Utf8Path, Utf8PathBuf};

const OVERRIDES: &str = r#"# Mine: cgoflake gen never touches this file.
{ lib, ... }:
{
  targets.linux-amd64 = prev: {
    ldflags = prev.ldflags ++ [ "-X main.note=overridden" ];
  };
}
"#;

/// tests/fixtures/no-sqlite, generated, with `overrides` as nix/overrides.nix.
fn project(tmp: &Utf8Path, overrides: &str) -> Utf8PathBuf {
    let dir = tmp.join("no-sqlite");
    common::copy_tree(&common::root().join("tests/fixtures/no-sqlite"), &dir);
    let gen = common::cgoflake_in(&dir, &["gen"]);
    assert!(
        gen.status.success(),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );
    common::write_file(&dir.join("nix/overrides.nix"), overrides);
    dir
}

#[test]
fn gen_leaves_the_overrides_file_alone() {
    let (_t, tmp) = common::temp_dir();
    let dir = project(&tmp, OVERRIDES);
    let check = common::cgoflake_in(&dir, &["gen", "--check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let again = common::cgoflake_in(&dir, &["gen", "--force"]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("nix/overrides.nix")).unwrap(),
        OVERRIDES
    );
}

#[test]
#[ignore = "builds a target in the Nix sandbox (minutes); scripts/test runs it"]
fn an_override_changes_the_built_binary_and_a_wrong_target_is_refused() {
    if !common::require("nix", common::nix_available()) {
        return;
    }
    let (_t, tmp) = common::temp_dir();
    let dir = project(&tmp, OVERRIDES);
    let flake = format!("path:{dir}");
    let json = common::nix_with_fixture(&[
        "build",
        "--no-link",
        "--json",
        &format!("{flake}#linux-amd64"),
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let bin = Utf8PathBuf::from(v[0]["outputs"]["out"].as_str().unwrap()).join("bin/nosqlite");
    let run = Command::new("bash")
        .arg(common::root().join("tests/support/run-binary.sh"))
        .arg(&bin)
        .args(["linux", "amd64", "gnu", "selftest"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains("cgo=42 goos=linux goarch=amd64 note=overridden"),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );

    // A target name the matrix does not have: refused, naming the real ones.
    common::write_file(
        &dir.join("nix/overrides.nix"),
        "{ ... }: { targets.linux-amd46 = prev: { }; }\n",
    );
    let fixture = common::fixture();
    let eval = Command::new("nix")
        .args([
            "eval",
            "--raw",
            &format!("{flake}#packages.x86_64-linux.linux-amd64.drvPath"),
        ])
        .args(["--override-input", "nixpkgs", &format!("path:{fixture}")])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&eval.stderr);
    assert!(!eval.status.success());
    assert!(
        err.contains("nix/overrides.nix: targets.linux-amd46 is not a target of the matrix"),
        "{err}"
    );
    assert!(err.contains("linux-amd64"), "{err}");
}
