//! C libraries per target (`cLibs`) and proxy vendoring, on real third-party
//! Go modules from the Go module proxy (tests/fixtures/c-libs):
//!
//! * `github.com/google/brotli/go/cbrotli` links `-lbrotlicommon -lbrotlidec
//!   -lbrotlienc`: brotli 1.0.9 built from a plain file list (`files`);
//! * `github.com/seccomp/libseccomp-golang` asks `#cgo pkg-config:
//!   libseccomp`: libseccomp 2.5.4 built by its configure + make
//!   (`configure`), Linux only (`goos`);
//! * `github.com/cloudflare/golz4` compiles lz4's C sources from a directory
//!   without Go files, which `go mod vendor` drops: `gen` must choose
//!   `proxyVendor` by itself.
//!
//! Both library tarballs are the upstream release files, pinned by their
//! official hashes (the offline fixture serves the same bytes, from Debian's
//! source packages). The binaries of four targets are built in the Nix
//! sandbox, checked by the generated checks (darwin: structurally) and run
//! under qemu-user and wine; every target must print the same results.

mod common;

use std::process::Command;

use camino::{Utf8Path, Utf8PathBuf};

const TARGETS: [(&str, &str, &str, &str); 4] = [
    ("linux-arm64", "linux", "arm64", "gnu"),
    ("linux-amd64-musl", "linux", "amd64", "musl"),
    ("windows-amd64", "windows", "amd64", "-"),
    ("darwin-arm64", "darwin", "arm64", "-"),
];

/// The fixture copied into `tmp` and generated there; `gen`'s stderr.
fn generated_copy(tmp: &Utf8Path) -> (Utf8PathBuf, String) {
    let dir = tmp.join("c-libs");
    common::copy_tree(&common::root().join("tests/fixtures/c-libs"), &dir);
    let out = common::cgoflake_in(&dir, &["gen"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "cgoflake gen: {stderr}");
    (dir, stderr)
}

#[test]
#[ignore = "downloads modules from the Go module proxy to decide proxyVendor"]
fn gen_chooses_proxy_vendor_and_wires_each_library_where_it_is_built() {
    if !common::require("go", common::go_available()) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (dir, stderr) = generated_copy(Utf8Path::from_path(tmp.path()).unwrap());
    assert!(
        stderr.contains("proxyVendor chosen") && stderr.contains("github.com/cloudflare/golz4"),
        "gen did not say why it chose proxyVendor: {stderr}"
    );
    let plan_nix = std::fs::read_to_string(dir.join("nix/plan.nix")).unwrap();
    assert!(plan_nix.contains("proxyVendor = true;"), "{plan_nix}");
    // `targets --json` shows the matrix's choice: none, left to `gen`.
    let out = common::cgoflake_in(&dir, &["targets", "--json"]);
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(plan["project"]["proxyVendor"].is_null(), "{plan}");
    assert!(plan["sqlite"].is_null(), "no SQLite here: {plan}");
    for t in plan["targets"].as_array().unwrap() {
        let libs = t["cLibs"].as_object().unwrap();
        let linux = t["goos"] == "linux";
        assert!(libs.contains_key("brotli"), "{t}");
        assert_eq!(libs.contains_key("libseccomp"), linux, "{t}");
        if linux {
            let host = &t["cLibs"]["libseccomp"]["configureArgs"][0];
            assert!(host.as_str().unwrap().starts_with("--host="), "{t}");
        }
    }
    assert!(dir.join("nix/c-lib.nix").exists());
}

#[test]
#[ignore = "builds C libraries and four targets in the Nix sandbox (minutes); scripts/test runs it"]
fn third_party_c_libraries_build_and_run_on_every_target() {
    if !common::require("nix", common::nix_available())
        || !common::require("go", common::go_available())
    {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (dir, _) = generated_copy(Utf8Path::from_path(tmp.path()).unwrap());
    let flake = format!("path:{dir}");
    // The generated checks: binary format, architecture, interpreter and
    // linked libraries of each target (darwin's Mach-O included), and for
    // the static musl binary a run under qemu inside the sandbox.
    let checks: Vec<String> = TARGETS
        .iter()
        .map(|(name, ..)| format!("{flake}#checks.x86_64-linux.{name}"))
        .collect();
    let mut args = vec!["build", "--no-link", "--keep-going"];
    args.extend(checks.iter().map(String::as_str));
    common::nix_with_fixture(&args);

    let mut reference: Option<String> = None;
    for (name, goos, goarch, libc) in TARGETS {
        let json =
            common::nix_with_fixture(&["build", "--no-link", "--json", &format!("{flake}#{name}")]);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let out = Utf8PathBuf::from(v[0]["outputs"]["out"].as_str().unwrap());
        let exe = if goos == "windows" { ".exe" } else { "" };
        let bin = out.join(format!("bin/clibs{exe}"));
        assert!(bin.is_file(), "{name}: no {bin}");
        if goos == "darwin" {
            continue; // checked structurally above
        }
        let run = Command::new("bash")
            .arg(common::root().join("tests/support/run-binary.sh"))
            .arg(&bin)
            .args([goos, goarch, libc])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
        assert!(
            run.status.success(),
            "{name}: {stdout}{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(stdout.contains("brotli 2624 -> "), "{name}: {stdout}");
        assert!(stdout.contains("lz4 2624 -> "), "{name}: {stdout}");
        assert_eq!(
            stdout.contains("libseccomp 2.5.4 filter ok"),
            goos == "linux",
            "{name}: {stdout}"
        );
        // Same library versions, same input: the same compressed bytes everywhere.
        let portable: String = stdout
            .lines()
            .filter(|l| !l.starts_with("libseccomp"))
            .collect::<Vec<_>>()
            .join("\n");
        match &reference {
            None => reference = Some(portable),
            Some(r) => assert_eq!(&portable, r, "{name} differs from the first target"),
        }
    }

    // Each recipe's library builds bit-identically again (`--rebuild`
    // fails on any difference).
    let rebuild: Vec<String> = [".cLibs.brotli", ".cLibs.libseccomp"]
        .iter()
        .map(|kind| format!("{flake}#linux-arm64{kind}"))
        .collect();
    let mut args = vec!["build", "--rebuild", "--no-link", "--keep-going"];
    args.extend(rebuild.iter().map(String::as_str));
    common::nix_with_fixture(&args);
}

/// A darwin target without an SDK whose cgo code includes an Apple framework
/// header is refused by `gen` (naming package, header and `darwinSdk`),
/// before anything compiles; with `darwinSdk` the same matrix generates.
#[test]
fn gen_refuses_apple_frameworks_on_sdk_free_darwin() {
    if !common::require("go", common::go_available()) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = Utf8Path::from_path(tmp.path()).unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/fw\n\ngo 1.25\n").unwrap();
    std::fs::write(
        dir.join("main.go"),
        "package main\n\nfunc main() { proxy() }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("proxy_darwin.go"),
        "package main\n\n// #cgo LDFLAGS: -framework CFNetwork\n// #include <CFNetwork/CFProxySupport.h>\nimport \"C\"\n\nfunc proxy() {}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("proxy_other.go"),
        "//go:build !darwin\n\npackage main\n\nfunc proxy() {}\n",
    )
    .unwrap();
    let matrix = |extra: &str| {
        format!(
            r#"{{"project": {{"pname": "fw", "version": "1", "vendorHash": null, "go": "1.25.14"}}, {extra}"targets": ["linux/amd64", "darwin/arm64"]}}"#
        )
    };
    std::fs::write(dir.join("cgoflake.json"), matrix("")).unwrap();
    let out = common::cgoflake_in(dir, &["gen"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "gen accepted it: {stderr}");
    for want in [
        "darwin-arm64",
        "example.com/fw",
        "<CFNetwork/CFProxySupport.h>",
        "darwinSdk",
    ] {
        assert!(stderr.contains(want), "no {want:?} in: {stderr}");
    }
    assert!(
        !dir.join("flake.nix").exists(),
        "gen wrote files before refusing"
    );

    std::fs::write(
        dir.join("cgoflake.json"),
        matrix(r#""darwinSdk": {"path": "MacOSX14.5.sdk.tar.xz", "version": "14.5"}, "#),
    )
    .unwrap();
    let out = common::cgoflake_in(dir, &["gen"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
