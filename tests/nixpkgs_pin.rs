//! `gen`'s nixpkgs pin: a user's own (`--nixpkgs-rev`, `--nixpkgs-nar-hash`,
//! `--nixpkgs-last-modified`) lands in flake.lock, new or existing (only its
//! nixpkgs node changes); `--no-lock` writes none; bad values are refused
//! before anything is written.

mod common;

use std::process::{Command, Output};

use camino::{Utf8Path, Utf8PathBuf};
use serde_json::Value;

const REV: &str = "0123456789abcdef0123456789abcdef01234567";
const NAR_HASH: &str = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
const LAST_MODIFIED: &str = "1700000000";

/// A copy of the matrix-all fixture (no generated files yet).
fn project() -> (tempfile::TempDir, Utf8PathBuf) {
    let (tmp, dir) = common::temp_dir();
    let project = dir.join("project");
    common::copy_tree(&common::root().join("tests/fixtures/matrix-all"), &project);
    (tmp, project)
}

fn gen(dir: &Utf8Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cgoflake"))
        .args(["gen", "--matrix", dir.join("cgoflake.json").as_str()])
        .args(extra)
        .output()
        .unwrap()
}

fn pin_args<'a>(rev: &'a str, nar_hash: &'a str, last_modified: &'a str) -> Vec<&'a str> {
    vec![
        "--nixpkgs-rev",
        rev,
        "--nixpkgs-nar-hash",
        nar_hash,
        "--nixpkgs-last-modified",
        last_modified,
    ]
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn lock(dir: &Utf8Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("flake.lock")).unwrap()).unwrap()
}

/// Every path under `dir`, relative, sorted.
fn listing(dir: &Utf8Path) -> Vec<String> {
    let mut out = vec![];
    let mut todo = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        for e in d.read_dir_utf8().unwrap() {
            let p = e.unwrap().into_path();
            out.push(p.strip_prefix(dir).unwrap().to_string());
            if p.is_dir() {
                todo.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_custom_pin_lands_in_a_new_flake_lock() {
    let (_tmp, dir) = project();
    let out = gen(&dir, &pin_args(REV, NAR_HASH, LAST_MODIFIED));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!(
            "wrote {dir}/flake.lock (nixpkgs nixos-25.11 at {REV}, --nixpkgs-rev)"
        )),
        "{}",
        text(&out.stdout)
    );

    let lock = lock(&dir);
    let node = &lock["nodes"][lock["nodes"]["root"]["inputs"]["nixpkgs"].as_str().unwrap()];
    assert_eq!(node["locked"]["rev"], REV);
    assert_eq!(node["locked"]["narHash"], NAR_HASH);
    assert_eq!(node["locked"]["lastModified"], 1700000000);
    assert_eq!(node["locked"]["type"], "github");
    assert_eq!(node["locked"]["owner"], "NixOS");
    assert_eq!(node["locked"]["repo"], "nixpkgs");
    // What flake.nix's input says, so Nix does not re-lock it.
    assert_eq!(node["original"]["ref"], "nixos-25.11");
    assert_eq!(lock["version"], 7);

    // `gen --check` with the pin checks flake.lock too.
    let check = gen(
        &dir,
        &[&["--check"][..], &pin_args(REV, NAR_HASH, LAST_MODIFIED)].concat(),
    );
    assert!(check.status.success(), "{}", text(&check.stderr));
    let other = "fedcba9876543210fedcba9876543210fedcba98";
    let drift = gen(
        &dir,
        &[&["--check"][..], &pin_args(other, NAR_HASH, LAST_MODIFIED)].concat(),
    );
    assert_eq!(drift.status.code(), Some(1));
    assert!(
        text(&drift.stderr).contains(&format!(
            "changed: flake.lock (pins nixpkgs {REV}, not --nixpkgs-rev {other})"
        )),
        "{}",
        text(&drift.stderr)
    );
    // Without a pin, check leaves the lock alone, as gen does.
    assert!(gen(&dir, &["--check"]).status.success());
}

#[test]
fn without_flags_gen_writes_the_default_pin_once_and_then_leaves_the_lock_alone() {
    let (_tmp, dir) = project();
    assert!(gen(&dir, &[]).status.success());
    let lock = lock(&dir);
    assert_eq!(
        lock["nodes"]["nixpkgs"]["locked"]["rev"],
        cgoflake::lock::DEFAULT_REV
    );
    let edited = "{ \"edited\": true }\n";
    std::fs::write(dir.join("flake.lock"), edited).unwrap();
    let again = gen(&dir, &[]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        !text(&again.stdout).contains("flake.lock"),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("flake.lock")).unwrap(),
        edited
    );
}

#[test]
fn a_pin_replaces_only_the_nixpkgs_node_of_an_existing_lock() {
    let (_tmp, dir) = project();
    assert!(gen(&dir, &[]).status.success());
    // Another input locked beside nixpkgs, as a user's lock may have.
    let mut before = lock(&dir);
    before["nodes"]["other"] = serde_json::json!({
        "flake": false,
        "locked": { "lastModified": 1, "narHash": NAR_HASH, "type": "tarball", "url": "https://example.org/a.tar.gz" },
        "original": { "type": "tarball", "url": "https://example.org/a.tar.gz" }
    });
    before["nodes"]["root"]["inputs"]["other"] = "other".into();
    std::fs::write(
        dir.join("flake.lock"),
        serde_json::to_string_pretty(&before).unwrap() + "\n",
    )
    .unwrap();

    let out = gen(&dir, &pin_args(REV, NAR_HASH, LAST_MODIFIED));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!(
            "updated {dir}/flake.lock: nixpkgs {} -> {REV} (other inputs kept)",
            cgoflake::lock::DEFAULT_REV
        )),
        "{}",
        text(&out.stdout)
    );
    let after = lock(&dir);
    assert_eq!(after["nodes"]["other"], before["nodes"]["other"]);
    assert_eq!(after["nodes"]["root"], before["nodes"]["root"]);
    assert_eq!(after["nodes"]["nixpkgs"]["locked"]["rev"], REV);
    assert_eq!(after["nodes"]["nixpkgs"]["locked"]["narHash"], NAR_HASH);

    // The same pin again changes nothing, and says so.
    let same = gen(&dir, &pin_args(REV, NAR_HASH, LAST_MODIFIED));
    assert!(same.status.success());
    assert!(
        text(&same.stdout).contains("already pins nixpkgs"),
        "{}",
        text(&same.stdout)
    );
    assert_eq!(lock(&dir), after);
}

#[test]
fn a_lock_that_cannot_take_the_pin_is_refused_before_anything_is_written() {
    let (_tmp, dir) = project();
    std::fs::write(dir.join("flake.lock"), "not json").unwrap();
    let before = listing(&dir);
    let out = gen(&dir, &pin_args(REV, NAR_HASH, LAST_MODIFIED));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("cannot set the nixpkgs pin in"), "{err}");
    assert!(
        err.contains(&format!(
            "nix flake lock --override-input nixpkgs github:NixOS/nixpkgs/{REV}"
        )),
        "{err}"
    );
    assert_eq!(listing(&dir), before);
    assert_eq!(
        std::fs::read_to_string(dir.join("flake.lock")).unwrap(),
        "not json"
    );
}

#[test]
fn no_lock_writes_the_flake_but_no_flake_lock() {
    let (_tmp, dir) = project();
    let out = gen(&dir, &["--no-lock"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.join("flake.nix").is_file());
    assert!(dir.join("nix/plan.nix").is_file());
    assert!(!dir.join("flake.lock").exists());
    assert!(
        text(&out.stdout).contains("flake.lock not written (--no-lock)"),
        "{}",
        text(&out.stdout)
    );
    // With a pin, --no-lock makes no sense.
    let both = gen(
        &dir,
        &[&["--no-lock"][..], &pin_args(REV, NAR_HASH, LAST_MODIFIED)].concat(),
    );
    assert_eq!(both.status.code(), Some(2));
    assert!(
        text(&both.stderr).contains("'--no-lock' cannot be used with"),
        "{}",
        text(&both.stderr)
    );
    assert!(!dir.join("flake.lock").exists());
}

#[test]
fn bad_pins_are_refused_precisely_and_nothing_is_written() {
    let upper = "A".repeat(40);
    let cases: &[(Vec<&str>, &[&str])] = &[
        (
            pin_args("8fd9daa", NAR_HASH, LAST_MODIFIED),
            &[
                "'--nixpkgs-rev <REV>'",
                "40 lowercase hex digits",
                "found 7 digits (an abbreviated id is not enough)",
            ],
        ),
        (
            pin_args(&upper, NAR_HASH, LAST_MODIFIED),
            &[
                "'--nixpkgs-rev <REV>'",
                "40 lowercase hex digits",
                "found 'A' at position 1",
            ],
        ),
        (
            pin_args(
                REV,
                "sha256:1i4bkzy1siavmxaskp49lgi9s02gam6crb0d0abbbjmsyl39jbsf",
                LAST_MODIFIED,
            ),
            &[
                "'--nixpkgs-nar-hash <SRI>'",
                "\"sha256-\" followed by 44 base64 characters (32 bytes)",
                "does not start with \"sha256-\"",
            ],
        ),
        (
            pin_args(
                REV,
                "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
                LAST_MODIFIED,
            ),
            &[
                "'--nixpkgs-nar-hash <SRI>'",
                "found 43 characters after \"sha256-\"",
            ],
        ),
        (
            pin_args(
                REV,
                "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF!=",
                LAST_MODIFIED,
            ),
            &["'--nixpkgs-nar-hash <SRI>'", "invalid base64"],
        ),
        (
            pin_args(REV, NAR_HASH, "yesterday"),
            &["'--nixpkgs-last-modified <SECONDS>'", "Unix seconds"],
        ),
        (
            vec!["--nixpkgs-rev", REV, "--nixpkgs-nar-hash", NAR_HASH],
            &[
                "missing: --nixpkgs-last-modified",
                "nix flake metadata --json",
            ],
        ),
        (
            vec!["--nixpkgs-nar-hash", NAR_HASH],
            &["missing: --nixpkgs-rev, --nixpkgs-last-modified"],
        ),
    ];
    let (_tmp, dir) = project();
    let before = listing(&dir);
    for (args, wants) in cases {
        let out = gen(&dir, args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        for want in *wants {
            assert!(err.contains(want), "{args:?}: no {want:?} in\n{err}");
        }
        assert_eq!(listing(&dir), before, "{args:?} wrote something");
    }
}
