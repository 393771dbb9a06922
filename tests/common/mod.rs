//! Helpers shared by the integration tests: which tools a test needs (a
//! missing one is a visible skip, or a failure in CI), the work directory of
//! the end-to-end tests, and the offline nixpkgs fixture.
//!
//! The expensive tests (real builds in the Nix sandbox) are `#[ignore]`d
//! with the reason; scripts/test runs them with `--include-ignored`.
#![allow(dead_code)]

use std::process::Command;

use camino::{Utf8Path, Utf8PathBuf};

/// The repository root.
pub fn root() -> Utf8PathBuf {
    Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// In CI (`CI=true`) and in the full run (`CGOFLAKE_E2E=1`, what
/// scripts/test sets) a missing tool fails the test: nothing may be skipped
/// there.
pub fn strict() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var("CGOFLAKE_E2E").is_ok_and(|v| v == "1")
}

/// `true` when `tool` is there. When it is not, the test fails in
/// [`strict`] mode; otherwise it says so on the terminal (past the test
/// harness's output capture, so a skip is never silent) and the caller
/// returns early.
pub fn require(tool: &str, present: bool) -> bool {
    if present {
        return true;
    }
    let test = std::thread::current().name().unwrap_or("?").to_owned();
    assert!(
        !strict(),
        "{test}: {tool} is missing, and CI=true / CGOFLAKE_E2E=1 allow no skips (scripts/setup installs it)"
    );
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {tool} is not installed (scripts/setup installs it)"
    );
    false
}

/// Whether `program args…` runs and exits 0.
pub fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Nix's command-line tools ([`require`]).
pub fn nix_available() -> bool {
    require(
        "Nix (nix-instantiate)",
        runs("nix-instantiate", &["--version"]),
    )
}

/// Go ([`require`]).
pub fn go_available() -> bool {
    require("Go (go)", runs("go", &["version"]))
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

/// `nix ARGS` against the offline fixture as nixpkgs, in the sandbox; its
/// stdout, or a panic with its stderr.
pub fn nix_with_fixture(args: &[&str]) -> String {
    nix_against(&fixture(), args)
}

/// `nix ARGS` with `fixture` (a prepared fixture directory, or a variant of
/// one) as nixpkgs, in the sandbox; its stdout, or a panic with its stderr.
pub fn nix_against(fixture: &Utf8Path, args: &[&str]) -> String {
    let out = Command::new("nix")
        .args(args)
        .args(["--override-input", "nixpkgs", &format!("path:{fixture}")])
        .args(["--option", "sandbox", "true"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "nix {args:?} against {fixture}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
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

/// A temporary directory (removed when the guard drops) and its UTF-8 path.
pub fn temp_dir() -> (tempfile::TempDir, Utf8PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let p = Utf8PathBuf::from_path_buf(t.path().to_owned()).unwrap();
    (t, p)
}

/// Write `content` to `path`, creating its directory first.
pub fn write_file(path: &Utf8Path, content: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// How to run Zig 0.15 here: `$ZIG`, `zig` on PATH, or `python3 -m
/// ziglang` (PyPI's ziglang, what scripts/setup installs).
pub fn zig_command() -> Option<Vec<String>> {
    let candidates: Vec<Vec<String>> = match std::env::var("ZIG") {
        Ok(z) => vec![z.split_whitespace().map(String::from).collect()],
        Err(_) => vec![
            vec!["zig".into()],
            vec!["python3".into(), "-m".into(), "ziglang".into()],
        ],
    };
    candidates.into_iter().find(|c| {
        Command::new(&c[0])
            .args(&c[1..])
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"0.15"))
    })
}

/// `cgoflake ARGS` run in `dir` (the binary cargo built for these tests).
pub fn cgoflake_in(dir: &Utf8Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cgoflake"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// The repository's flake as a user's checkout has it (flake.nix, flake.lock,
/// the matrix, nix/, the example, and what nix/cgoflake-tool.nix reads),
/// copied with `cp -a` so every copy has the same lastModified and shares
/// derivations with the others.
pub fn copy_example_flake(to: &Utf8Path) {
    if to.exists() {
        std::fs::remove_dir_all(to).unwrap();
    }
    for rel in [
        "flake.nix",
        "flake.lock",
        "cgoflake.json",
        "nix",
        "examples",
        "Cargo.toml",
        "Cargo.lock",
    ] {
        copy_tree(&root().join(rel), &to.join(rel));
    }
}
