//! Helpers shared by the integration tests: where Nix is required, when the
//! expensive end-to-end tests run, and the offline nixpkgs fixture.
#![allow(dead_code)]

use std::process::Command;

use camino::{Utf8Path, Utf8PathBuf};

/// The repository root.
pub fn root() -> Utf8PathBuf {
    Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `true` when Nix tests should run. Nix is required: a missing Nix fails
/// the test unless `CGOFLAKE_SKIP_NIX_TESTS=1` says to skip on purpose.
pub fn nix_available() -> bool {
    if std::env::var("CGOFLAKE_SKIP_NIX_TESTS").as_deref() == Ok("1") {
        eprintln!("skipped: CGOFLAKE_SKIP_NIX_TESTS=1");
        return false;
    }
    let ok = Command::new("nix-instantiate")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "Nix is not on PATH: install it (scripts/setup) or set CGOFLAKE_SKIP_NIX_TESTS=1"
    );
    true
}

/// The expensive tests (real builds in the Nix sandbox) run when
/// `CGOFLAKE_E2E=1`; scripts/test, and so CI, sets it.
pub fn e2e_enabled(what: &str) -> bool {
    let on = std::env::var("CGOFLAKE_E2E").is_ok_and(|v| v == "1");
    if !on {
        eprintln!("skipped: set CGOFLAKE_E2E=1 to {what} (scripts/test does)");
    }
    on
}

/// Where the end-to-end tests work: `$CGOFLAKE_E2E_DIR`, else
/// `$TMPDIR/cgoflake-e2e`. Shared, so the fixture is prepared once.
pub fn e2e_dir() -> Utf8PathBuf {
    let work = Utf8PathBuf::from(std::env::var("CGOFLAKE_E2E_DIR").unwrap_or_else(|_| {
        std::env::temp_dir()
            .join("cgoflake-e2e")
            .to_string_lossy()
            .into_owned()
    }));
    std::fs::create_dir_all(&work).unwrap();
    work
}

/// The offline nixpkgs fixture, prepared once per test binary
/// (`prepare` itself serialises concurrent runs and caches its work).
pub fn fixture() -> Utf8PathBuf {
    static FIXTURE: std::sync::Mutex<Option<Utf8PathBuf>> = std::sync::Mutex::new(None);
    let mut f = FIXTURE.lock().unwrap_or_else(|e| e.into_inner());
    f.get_or_insert_with(|| {
        let out = Command::new("bash")
            .arg(root().join("tests/fixture-nixpkgs/prepare"))
            .arg(e2e_dir().join("fixture"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "prepare failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Utf8PathBuf::from(
            String::from_utf8(out.stdout)
                .unwrap()
                .trim()
                .lines()
                .last()
                .unwrap(),
        )
    })
    .clone()
}

/// `cp -a`: modification times are kept, so every copy of a flake has the
/// same lastModified and shares derivations with the others.
pub fn copy_tree(from: &Utf8Path, to: &Utf8Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    let status = Command::new("cp")
        .args(["-a", from.as_str(), to.as_str()])
        .status()
        .unwrap();
    assert!(status.success(), "cp -a {from} {to}");
}

/// `nix hash path --type sha256` (SRI, or Nix base-32 with `base32`).
pub fn nix_hash_path(path: &std::path::Path, base32: bool) -> String {
    let mut cmd = Command::new("nix");
    cmd.args([
        "--extra-experimental-features",
        "nix-command",
        "hash",
        "path",
        "--type",
        "sha256",
    ]);
    if base32 {
        cmd.arg("--base32");
    }
    let out = cmd.arg(path).output().expect("run nix hash path");
    assert!(
        out.status.success(),
        "nix hash path failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}
