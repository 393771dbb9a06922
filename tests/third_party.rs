//! The third-party proof: a real CGO Go program that cgoflake has never
//! seen, taken from the Go module proxy at test time (nothing committed),
//! goes through `cgoflake init` → `cgoflake gen` → `cgoflake build
//! linux-arm64` inside the Nix sandbox against the offline nixpkgs fixture
//! (tests/fixture-nixpkgs), and its binaries run under qemu-user.
//!
//! The program: LiteFS (`github.com/superfly/litefs`, v0.5.14, Apache-2.0),
//! a FUSE file system replicating SQLite databases. Two main packages:
//! `cmd/litefs` (FUSE, Consul client, HTTP; pure Go on linux) and
//! `cmd/litefs-bench`, which drives SQLite through
//! `github.com/mattn/go-sqlite3` (CGO). Its go.mod says `go 1.21` (not in
//! nixpkgs 25.11: init falls back to go_1_25), and it has ~40 module
//! dependencies, so `vendorHash` is a real one.
//!
//! Also shown here: a wrong `vendorHash` fails the build with Nix's hash
//! mismatch (and Nix's "got" is the hash `gen` computes), and `gen --check`
//! names `vendorHash` when go.sum changed after the last `gen`.
//!
//! Expensive (a cold build is a few minutes on two cores; the go-modules
//! derivation downloads through the Go module proxy), so its tests are
//! `#[ignore]`d; scripts/test runs them with `--include-ignored`, like
//! tests/e2e.rs.

mod common;

use std::process::{Command, Output};
use std::sync::OnceLock;

use camino::{Utf8Path, Utf8PathBuf};

const MODULE: &str = "github.com/superfly/litefs";
const VERSION: &str = "v0.5.14";
const TARGET: &str = "linux-arm64";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn nix_args() -> Vec<String> {
    vec![
        "--override-input".into(),
        "nixpkgs".into(),
        format!("path:{}", common::fixture()),
        "--option".into(),
        "sandbox".into(),
        "true".into(),
    ]
}

/// The module source from the proxy (checksum-verified by `go mod download`).
fn module_source() -> &'static Utf8PathBuf {
    static SRC: OnceLock<Utf8PathBuf> = OnceLock::new();
    SRC.get_or_init(|| {
        let out = Command::new("go")
            .args(["mod", "download", "-json", &format!("{MODULE}@{VERSION}")])
            .env("GOFLAGS", "")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "go mod download {MODULE}@{VERSION}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        Utf8PathBuf::from(info["Dir"].as_str().unwrap())
    })
}

/// A fresh, writable copy of the module in `common::e2e_dir()/<name>`.
fn fresh_copy(name: &str) -> Utf8PathBuf {
    let dir = common::e2e_dir().join(name);
    if dir.exists() {
        let _ = Command::new("chmod")
            .args(["-R", "u+w", dir.as_str()])
            .status();
        std::fs::remove_dir_all(&dir).unwrap();
    }
    let cp = Command::new("cp")
        .args(["-R", module_source().as_str(), dir.as_str()])
        .status()
        .unwrap();
    assert!(cp.success());
    // The module cache is read-only.
    assert!(Command::new("chmod")
        .args(["-R", "u+w", dir.as_str()])
        .status()
        .unwrap()
        .success());
    dir
}

fn cgoflake(dir: &Utf8Path, args: &[&str]) -> Output {
    let started = std::time::Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_cgoflake"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    eprintln!(
        "cgoflake {} ({:.1}s): exit {:?}\n{}{}",
        args.join(" "),
        started.elapsed().as_secs_f64(),
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

fn init_and_gen(dir: &Utf8Path) {
    let out = cgoflake(dir, &["init"]);
    assert!(out.status.success(), "init failed");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("main packages: cmd/litefs, cmd/litefs-bench"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "github.com/mattn/go-sqlite3 (dependency github.com/mattn/go-sqlite3; used by cmd/litefs-bench)"
        ),
        "{stdout}"
    );
    // LiteFS says `go 1.21`: it gets the oldest Go minor cgoflake holds, pinned.
    assert!(
        stdout.contains("go:            1.21 -> 1.25."),
        "the Go release chosen for `go 1.21` is reported: {stdout}"
    );
    let out = cgoflake(dir, &["gen"]);
    assert!(out.status.success(), "gen failed");
}

/// The vendorHash `gen` wrote into nix/plan.nix.
fn generated_vendor_hash(dir: &Utf8Path) -> String {
    let plan = std::fs::read_to_string(dir.join("nix/plan.nix")).unwrap();
    let line = plan
        .lines()
        .find(|l| l.trim_start().starts_with("vendorHash"))
        .expect("nix/plan.nix has a vendorHash");
    let hash = line.split('"').nth(1).expect("a quoted hash").to_owned();
    assert!(hash.starts_with("sha256-"), "{line}");
    hash
}

struct Built {
    dir: Utf8PathBuf,
    build: Output,
    seconds: f64,
}

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = fresh_copy("third-party-litefs");
        init_and_gen(&dir);
        let flake = format!("path:{dir}");
        let started = std::time::Instant::now();
        let mut args = vec!["build", TARGET, "--flake", &flake, "--"];
        let nix = nix_args();
        args.extend(nix.iter().map(String::as_str));
        let build = cgoflake(&dir, &args);
        Built {
            dir,
            build,
            seconds: started.elapsed().as_secs_f64(),
        }
    })
}

fn run_arm64(bin: &Utf8Path, args: &[&str]) -> Output {
    Command::new("bash")
        .arg(common::root().join("tests/support/run-binary.sh"))
        .args([bin.as_str(), "linux", "arm64", "gnu"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
#[ignore = "e2e: builds a third-party program in the Nix sandbox (minutes); scripts/test runs it"]
fn litefs_builds_for_linux_arm64_and_runs_under_qemu() {
    let b = built();
    eprintln!("build took {:.0}s", b.seconds);
    assert!(b.build.status.success(), "cgoflake build failed");
    let out_dir = b.dir.join("build/linux/arm64");
    let litefs = out_dir.join("litefs");
    let bench = out_dir.join("litefs-bench");
    let matrix = b.dir.join("cgoflake.json");
    let m = cgoflake::matrix::load(&matrix).unwrap();
    let plan = cgoflake::plan::resolve(&m, &matrix, &b.dir).unwrap();
    let target = plan.targets.iter().find(|t| t.name == TARGET).unwrap();
    for bin in [&litefs, &bench] {
        assert!(bin.is_file(), "{bin} was not collected");
        let info = cgoflake::binary::read(bin).unwrap();
        assert_eq!(info.arch, "aarch64", "{bin}: {info:?}");
        let problems = cgoflake::binary::problems(&info, &target.target);
        assert!(problems.is_empty(), "{bin}: {problems:?}");
    }

    let out = run_arm64(&litefs, &["version"]);
    if out.status.code() == Some(77) {
        eprintln!("cannot run linux/arm64 here: {}", text(&out.stderr));
        // A visible skip, or a failure in CI.
        common::require("qemu-user for linux/arm64", false);
        return;
    }
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(text(&out.stdout).trim(), "LiteFS development build");

    // litefs-bench drives SQLite through go-sqlite3 (CGO, linked against the
    // flake's SQLite): create a database, insert, query.
    let db_dir = tempfile::tempdir().unwrap();
    let db = Utf8PathBuf::from_path_buf(db_dir.path().join("bench.db")).unwrap();
    // litefs-go's HALT lock wants the LiteFS lock file beside the database.
    std::fs::write(format!("{db}-lock"), b"").unwrap();
    for mode in ["insert", "query"] {
        let out = run_arm64(
            &bench,
            &["-mode", mode, "-iter", "5", "-seed", "1", db.as_str()],
        );
        assert!(
            out.status.success(),
            "litefs-bench -mode {mode}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        assert!(
            text(&out.stdout).contains("running litefs-bench"),
            "{}",
            text(&out.stdout)
        );
    }
    let header = std::fs::read(&db).unwrap();
    assert!(
        header.starts_with(b"SQLite format 3\0"),
        "not an SQLite database"
    );
}

#[test]
#[ignore = "e2e: builds a third-party program in the Nix sandbox (minutes); scripts/test runs it"]
fn a_wrong_vendor_hash_fails_with_nixs_hash_mismatch() {
    let dir = fresh_copy("third-party-litefs-badhash");
    init_and_gen(&dir);
    let right = generated_vendor_hash(&dir);
    // A fixed, wrong hash in the matrix, as a user might paste.
    let wrong = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let matrix = dir.join("cgoflake.json");
    let text_before = std::fs::read_to_string(&matrix).unwrap();
    let edited = text_before.replace(
        "\"vendorHash\": \"auto\"",
        &format!("\"vendorHash\": \"{wrong}\""),
    );
    assert_ne!(edited, text_before);
    std::fs::write(&matrix, edited).unwrap();
    assert!(cgoflake(&dir, &["gen"]).status.success());
    assert_eq!(generated_vendor_hash(&dir), wrong);

    // Build only the go-modules derivation: that is where the hash is checked.
    let started = std::time::Instant::now();
    let out = Command::new("nix")
        .args(["build", "--no-link", &format!("path:{dir}#{TARGET}")])
        .args(nix_args())
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    eprintln!(
        "nix build with a wrong vendorHash ({:.0}s):\n{stderr}",
        started.elapsed().as_secs_f64()
    );
    assert!(!out.status.success(), "the build must fail");
    assert!(stderr.contains("hash mismatch"), "{stderr}");
    assert!(stderr.contains(wrong), "the wrong hash is named: {stderr}");
    // What Nix got is what `cgoflake gen` computed locally.
    assert!(
        stderr.contains(&right),
        "Nix's hash is {right} (cgoflake's): {stderr}"
    );
}

#[test]
#[ignore = "e2e: builds a third-party program in the Nix sandbox (minutes); scripts/test runs it"]
fn gen_check_names_the_vendor_hash_when_go_sum_changed() {
    let dir = fresh_copy("third-party-litefs-check");
    init_and_gen(&dir);
    let before = generated_vendor_hash(&dir);
    let out = cgoflake(&dir, &["gen", "--check"]);
    assert!(out.status.success(), "fresh output must be up to date");

    // A legitimate dependency update: go-sqlite3 to a release (go.mod and
    // go.sum change; the generated files do not).
    let go_sum_before = std::fs::read_to_string(dir.join("go.sum")).unwrap();
    let get = Command::new("go")
        .args(["get", "github.com/mattn/go-sqlite3@v1.14.32"])
        .current_dir(&dir)
        .env("GOFLAGS", "")
        .env("GOWORK", "off")
        .output()
        .unwrap();
    assert!(get.status.success(), "go get: {}", text(&get.stderr));
    assert_ne!(
        std::fs::read_to_string(dir.join("go.sum")).unwrap(),
        go_sum_before
    );

    let out = cgoflake(&dir, &["gen", "--check"]);
    assert_eq!(out.status.code(), Some(1), "gen --check must fail");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("nix/plan.nix"), "{stderr}");
    assert!(stderr.contains("vendorHash"), "{stderr}");
    assert!(stderr.contains("cgoflake gen"), "{stderr}");
    assert_eq!(
        generated_vendor_hash(&dir),
        before,
        "--check writes nothing"
    );

    // `gen` refreshes it, and the check passes again.
    assert!(cgoflake(&dir, &["gen"]).status.success());
    assert_ne!(generated_vendor_hash(&dir), before);
    assert!(cgoflake(&dir, &["gen", "--check"]).status.success());
}
