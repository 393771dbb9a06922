//! Reliability: interrupted `gen` and `build`, a failing target among good
//! ones, concurrent builds on one project, and every fetch pinned by a hash.
//!
//! `build` runs against a stand-in `nix` (CGOFLAKE_NIX) that answers like
//! `nix build --json` from prepared "store paths", so these tests exercise
//! cgoflake's driver and collector quickly and deterministically; the real
//! Nix path is covered by tests/e2e.rs.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use camino::{Utf8Path, Utf8PathBuf};
use cgoflake::build::collect::{Manifest, Status};

const BIN: &str = env!("CARGO_BIN_EXE_cgoflake");

/// A Go module with a matrix of `targets`, in a temp dir.
fn project(targets: &[&str]) -> (tempfile::TempDir, Utf8PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = Utf8Path::from_path(tmp.path()).unwrap().to_owned();
    std::fs::write(dir.join("go.mod"), "module example.com/r\n\ngo 1.25\n").unwrap();
    let list = targets
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(", ");
    std::fs::write(
        dir.join("cgoflake.json"),
        format!(r#"{{"project": {{"pname": "r", "version": "1", "vendorHash": null}}, "targets": [{list}]}}"#),
    )
    .unwrap();
    (tmp, dir)
}

/// A stand-in `nix`: for `build … <flake>#<target> …` it prints the JSON
/// Nix prints, pointing at `<store>/<target>/bin/app`, after `delay`
/// seconds; targets listed in `fail` fail like a broken build.
fn fake_nix(dir: &Utf8Path, store: &Utf8Path, delay: &str, fail: &[&str]) -> Utf8PathBuf {
    let script = dir.join("fake-nix");
    let fail = fail.join(" ");
    std::fs::write(
        &script,
        format!(
            r#"#!/bin/sh
sleep {delay}
out="["; sep=""
for arg in "$@"; do
  case "$arg" in
    *#*) t="${{arg##*#}}"
         for f in {fail}; do [ "$f" = "$t" ] && {{ echo "error: builder for '$t' failed: cc1: unknown flag -fbroken" >&2; exit 1; }}; done
         out="$out$sep{{\"drvPath\":\"/nix/store/x-$t.drv\",\"outputs\":{{\"out\":\"{store}/$t\"}}}}"; sep="," ;;
  esac
done
echo "$out]"
"#
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// `<store>/<target>/bin/app` holding `size` bytes specific to the target.
fn fake_store(store: &Utf8Path, targets: &[&str], size: usize) -> BTreeMap<String, Vec<u8>> {
    targets
        .iter()
        .map(|t| {
            let name = t.replace('/', "-");
            let bin = store.join(&name).join("bin");
            std::fs::create_dir_all(&bin).unwrap();
            // `repeat`, not `bytes().cycle()`: fast in a debug build too.
            let mut content = name.as_bytes().repeat(size / name.len() + 1);
            content.truncate(size);
            std::fs::write(bin.join("app"), &content).unwrap();
            (name, content)
        })
        .collect()
}

fn build_cmd(dir: &Utf8Path, nix: &Utf8Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["build", "--flake", "path:/unused"])
        .current_dir(dir)
        .env("CGOFLAKE_NIX", nix);
    cmd
}

/// Every visible file under build/ is complete, and manifest and SHA256SUMS agree with them.
fn assert_build_dir_consistent(build: &Utf8Path, contents: &BTreeMap<String, Vec<u8>>) {
    for entry in walk(build) {
        let rel = entry.strip_prefix(build).unwrap();
        if rel.components().any(|c| c.as_str().starts_with('.')) || entry.is_dir() {
            continue;
        }
        let name = rel.as_str();
        if name == "manifest.json" {
            let m: Manifest = serde_json::from_str(&std::fs::read_to_string(&entry).unwrap())
                .expect("manifest is complete JSON");
            for t in m.targets.iter().filter(|t| t.status == Status::Ok) {
                for f in &t.files {
                    assert_eq!(
                        cgoflake::hash::sha256_file(&build.join(&f.path)).unwrap(),
                        f.sha256,
                        "{}",
                        f.path
                    );
                }
            }
        } else if name == "SHA256SUMS" || name.starts_with("logs/") {
            continue;
        } else {
            // linux/amd64/app ← target linux-amd64
            let parts: Vec<&str> = name.split('/').collect();
            let target = format!("{}-{}", parts[0], parts[1]);
            assert_eq!(
                &std::fs::read(&entry).unwrap(),
                &contents[&target],
                "{name} is partial or wrong"
            );
        }
    }
}

#[test]
fn a_failing_target_does_not_lose_the_others_and_is_recorded() {
    let targets = ["linux/amd64", "linux/arm64", "windows/amd64"];
    let (_tmp, dir) = project(&targets);
    let store = dir.join("store");
    let contents = fake_store(&store, &targets, 1000);
    let nix = fake_nix(&dir, &store, "0", &["linux-arm64"]);
    let out = build_cmd(&dir, &nix).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("linux-arm64 failed") && stderr.contains("unknown flag -fbroken"),
        "{stderr}"
    );

    let build = dir.join("build");
    let m = cgoflake::build::collect::read_manifest(&build);
    let status: BTreeMap<&str, Status> = m
        .targets
        .iter()
        .map(|t| (t.target.as_str(), t.status))
        .collect();
    assert_eq!(status["linux-amd64"], Status::Ok);
    assert_eq!(status["windows-amd64"], Status::Ok);
    assert_eq!(status["linux-arm64"], Status::Failed);
    assert!(m
        .targets
        .iter()
        .find(|t| t.target == "linux-arm64")
        .unwrap()
        .error
        .as_deref()
        .unwrap()
        .contains("-fbroken"));
    assert_eq!(
        std::fs::read(build.join("linux/amd64/app")).unwrap(),
        contents["linux-amd64"]
    );
    assert_eq!(
        std::fs::read(build.join("windows/amd64/app")).unwrap(),
        contents["windows-amd64"]
    );
    let sums = std::fs::read_to_string(build.join("SHA256SUMS")).unwrap();
    assert_eq!(sums.lines().count(), 2, "{sums}");
    assert_build_dir_consistent(&build, &contents);
}

#[test]
fn interrupted_builds_leave_no_partial_file() {
    let targets = [
        "linux/amd64",
        "linux/arm64",
        "linux/riscv64",
        "windows/amd64",
    ];
    let (_tmp, dir) = project(&targets);
    let store = dir.join("store");
    // Large enough that copying takes a while, so kills land mid-copy.
    let contents = fake_store(&store, &targets, 24 << 20);
    let nix = fake_nix(&dir, &store, "0", &[]);
    let build = dir.join("build");
    for (i, delay_ms) in [5u64, 20, 40, 60, 90, 120, 160, 220].iter().enumerate() {
        let mut child = build_cmd(&dir, &nix)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(*delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        assert_build_dir_consistent(&build, &contents);
        eprintln!("kill {i} after {delay_ms} ms: consistent");
    }
    // A complete run afterwards repairs everything and leaves no staging files.
    assert!(build_cmd(&dir, &nix).output().unwrap().status.success());
    assert_build_dir_consistent(&build, &contents);
    assert!(!build.join(".staging").exists());
    let m = cgoflake::build::collect::read_manifest(&build);
    assert_eq!(m.targets.len(), targets.len());
}

#[test]
fn concurrent_builds_do_not_corrupt_the_build_dir() {
    let targets = [
        "linux/amd64",
        "linux/arm64",
        "windows/amd64",
        "windows/arm64",
    ];
    let (_tmp, dir) = project(&targets);
    let store = dir.join("store");
    let contents = fake_store(&store, &targets, 4 << 20);
    let nix = fake_nix(&dir, &store, "0", &[]);
    let children: Vec<_> = (0..4)
        .map(|i| {
            let mut cmd = build_cmd(&dir, &nix);
            // Each run builds a different subset, so they race on the manifest.
            let subset: Vec<String> = targets
                .iter()
                .skip(i % 2)
                .step_by(1 + i % 2)
                .map(|t| t.replace('/', "-"))
                .collect();
            cmd.args(&subset)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let build = dir.join("build");
    assert_build_dir_consistent(&build, &contents);
    // The lock serialises manifest updates: no run's targets were lost.
    let m = cgoflake::build::collect::read_manifest(&build);
    assert_eq!(m.targets.len(), targets.len(), "{m:#?}");
    let sums = std::fs::read_to_string(build.join("SHA256SUMS")).unwrap();
    assert_eq!(sums.lines().count(), targets.len());
}

#[test]
fn interrupted_gen_leaves_each_file_old_or_new() {
    // A large matrix makes gen write long enough for kills to land mid-write.
    let platforms = [
        "linux/amd64",
        "linux/arm64",
        "linux/arm",
        "linux/386",
        "linux/riscv64",
        "windows/amd64",
    ];
    let mut long = Vec::new();
    for i in 0..200 {
        let (goos, goarch) = platforms[i % platforms.len()].split_once('/').unwrap();
        long.push(format!(
            r#""t{i}": {{"goos": "{goos}", "goarch": "{goarch}"}}"#
        ));
    }
    let (_tmp, dir) = project(&["linux/amd64"]);
    let matrix = |version: &str| {
        format!(
            r#"{{"project": {{"pname": "r", "version": "{version}", "vendorHash": null}}, "targets": {{{}}}}}"#,
            long.join(", ")
        )
    };
    std::fs::write(dir.join("cgoflake.json"), matrix("1")).unwrap();
    assert!(Command::new(BIN)
        .arg("gen")
        .current_dir(&dir)
        .output()
        .unwrap()
        .status
        .success());
    let old = snapshot(&dir);
    std::fs::write(dir.join("cgoflake.json"), matrix("2")).unwrap();
    let mut new = None;
    for delay_us in [200u64, 1000, 3000, 6000, 10_000, 15_000, 25_000, 40_000] {
        let mut child = Command::new(BIN)
            .arg("gen")
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(delay_us));
        child.kill().ok();
        child.wait().unwrap();
        let now = snapshot(&dir);
        for (file, content) in &now {
            let is_old = old.get(file) == Some(content);
            let is_new =
                content.contains("version = \"2\"") || !content.contains("version = \"1\"");
            assert!(
                is_old || is_new,
                "{file} is neither the old nor a complete new version after a kill at {delay_us}µs"
            );
            // Nix files must still parse (the Go tool beside them, nix/zig-cache-canon.go,
            // is covered by the old-or-new check above).
            assert!(
                !file.ends_with(".nix") || rnix::Root::parse(content).errors().is_empty(),
                "{file} is truncated"
            );
        }
        new = Some(now);
    }
    let _ = new;
    // A full run afterwards is clean and removes leftover temporary files.
    assert!(Command::new(BIN)
        .arg("gen")
        .current_dir(&dir)
        .output()
        .unwrap()
        .status
        .success());
    assert!(Command::new(BIN)
        .args(["gen", "--check"])
        .current_dir(&dir)
        .output()
        .unwrap()
        .status
        .success());
    let leftovers: Vec<_> = walk(&dir)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n.starts_with(".cgoflake-")))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn every_fetch_in_generated_nix_is_pinned_by_a_hash() {
    // Walk the syntax tree of every generated file of a matrix that uses
    // every fetching feature: each call of a fetcher passes a hash.
    let dir = Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/matrix-all");
    let generated = cgoflake::gen::generate(&cgoflake::gen::GenOptions {
        matrix: dir.join("cgoflake.json"),
        out: dir.clone(),
        force: false,
    })
    .unwrap();
    let mut fetches = 0;
    for (path, text) in &generated.files {
        for forbidden in [
            "builtins.fetchurl",
            "builtins.fetchTarball",
            "builtins.fetchGit",
            "fetchTarball",
        ] {
            assert!(!text.contains(forbidden), "{path}: unpinned {forbidden}");
        }
        let root = rnix::Root::parse(text).syntax();
        for node in root
            .descendants()
            .filter(|n| n.kind() == rnix::SyntaxKind::NODE_APPLY)
        {
            let mut children = node.children();
            let (Some(function), Some(argument)) = (children.next(), children.next()) else {
                continue;
            };
            let name = function.text().to_string();
            if [
                "fetchurl",
                "fetchzip",
                "fetchFromGitHub",
                "fetchgit",
                "fetchtarball",
            ]
            .iter()
            .any(|f| name.to_lowercase().ends_with(&f.to_lowercase()))
            {
                fetches += 1;
                let arg = argument.text().to_string();
                let pinned = arg
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w == "hash" || w == "sha256");
                assert!(pinned, "{path}: `{name} {arg}` has no hash");
            }
        }
    }
    assert!(
        fetches >= 2,
        "expected the Zig and SQLite fetches, found {fetches}"
    );
}

fn snapshot(dir: &Utf8Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for p in walk(dir) {
        let rel = p.strip_prefix(dir).unwrap().to_string();
        if p.is_file()
            && (rel == "flake.nix" || rel.starts_with("nix/"))
            && !rel.contains("/.cgoflake-")
        {
            out.insert(rel, std::fs::read_to_string(&p).unwrap());
        }
    }
    out
}

fn walk(dir: &Utf8Path) -> Vec<Utf8PathBuf> {
    let mut out = vec![];
    let Ok(entries) = dir.read_dir_utf8() else {
        return out;
    };
    for e in entries {
        let p = e.unwrap().path().to_owned();
        out.push(p.clone());
        if p.is_dir() {
            out.extend(walk(&p));
        }
    }
    out
}
