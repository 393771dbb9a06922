//! The per-target Go build cache (nix/go-cache.nix) changes how fast a
//! target rebuilds, never what it builds: the binary is bit-identical with
//! and without it; the cache derivation depends on go.mod, go.sum, the
//! vendored modules and the target's flags, never on the module's own Go
//! files.

mod common;

use std::process::Command;

use camino::{Utf8Path, Utf8PathBuf};

/// A copy of the repository's flake (the files a checkout has), with the
/// matrix edited by `edit` and regenerated.
fn flake_copy(dir: &Utf8Path, edit: impl Fn(&mut serde_json::Value)) -> Utf8PathBuf {
    let flake = dir.to_owned();
    common::copy_example_flake(&flake);
    let matrix = flake.join("cgoflake.json");
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&matrix).unwrap()).unwrap();
    edit(&mut m);
    std::fs::write(&matrix, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cgoflake"))
        .args(["gen", "--matrix", matrix.as_str()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    flake
}

fn attr(flake: &Utf8Path, path: &str) -> String {
    format!("path:{flake}#{path}")
}

/// The binary of `target`, built from `flake`.
fn built_binary(flake: &Utf8Path, target: &str) -> Vec<u8> {
    let json = common::nix_with_fixture(&["build", "--no-link", "--json", &attr(flake, target)]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let out = Utf8PathBuf::from(v[0]["outputs"]["out"].as_str().unwrap());
    let bin = std::fs::read_dir(out.join("bin"))
        .unwrap()
        .next()
        .expect("one binary")
        .unwrap()
        .path();
    std::fs::read(bin).unwrap()
}

#[test]
#[ignore = "builds linux-arm64 twice in the Nix sandbox (minutes); scripts/test runs it"]
fn the_binary_is_the_same_with_and_without_the_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = Utf8Path::from_path(tmp.path()).unwrap();
    let with = flake_copy(&dir.join("with"), |_| {});
    let without = flake_copy(&dir.join("without"), |m| {
        m["project"]["goCache"] = false.into();
    });
    assert!(with.join("nix/go-cache.nix").is_file());
    assert!(!without.join("nix/go-cache.nix").exists());
    let a = built_binary(&with, "linux-arm64");
    let b = built_binary(&without, "linux-arm64");
    assert!(
        a == b,
        "linux-arm64 differs with and without the Go build cache"
    );
}

#[test]
#[ignore = "evaluates the flake with Nix and the offline fixture; scripts/test runs it"]
fn the_cache_follows_go_mod_and_flags_not_the_go_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = Utf8Path::from_path(tmp.path()).unwrap();
    // The cache's output path, not its .drv: the vendored modules come from
    // buildGoModule's fixed-output goModules, whose .drv follows the whole
    // source but whose output (and so the cache's output path, which is what
    // Nix builds or reuses) follows only its hash.
    let cache_out = |flake: &Utf8Path| {
        common::nix_with_fixture(&[
            "eval",
            "--raw",
            &attr(flake, "packages.x86_64-linux.linux-arm64.goCache.outPath"),
        ])
    };
    let package_drv = |flake: &Utf8Path| {
        common::nix_with_fixture(&[
            "eval",
            "--raw",
            &attr(flake, "packages.x86_64-linux.linux-arm64.drvPath"),
        ])
    };
    let base = flake_copy(&dir.join("base"), |_| {});

    // A Go-only change: the package rebuilds, its cache does not.
    let go_only = flake_copy(&dir.join("go-only"), |_| {});
    let main = go_only.join("examples/app/main.go");
    let mut text = std::fs::read_to_string(&main).unwrap();
    text.push_str("\n// a Go-only change\n");
    std::fs::write(&main, text).unwrap();
    assert_ne!(package_drv(&go_only), package_drv(&base));
    assert_eq!(cache_out(&go_only), cache_out(&base));

    // The target's C flags: the cache is compiled with them.
    let flags = flake_copy(&dir.join("flags"), |m| {
        m["targets"]["linux-arm64"]["cflags"] = serde_json::json!(["-DCGOFLAKE_TEST=1"]);
    });
    assert_ne!(cache_out(&flags), cache_out(&base));

    // go.mod: what the cache is made from.
    let go_mod = flake_copy(&dir.join("go-mod"), |_| {});
    let path = go_mod.join("examples/app/go.mod");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n// a go.mod change\n");
    std::fs::write(&path, text).unwrap();
    assert_ne!(cache_out(&go_mod), cache_out(&base));
}
