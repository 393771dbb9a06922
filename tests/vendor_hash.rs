//! `cgoflake::hash::vendor` against doing it by hand: `go mod vendor` (or
//! `go mod download` for proxyVendor) in a copy of the module, then
//! `nix hash path`; and against a real fixed-output derivation.
//!
//! Needs `go` and network access to the Go module proxy (or a warm module
//! cache); without `go` (or `nix`, for the comparison) a test says so and
//! stops, or fails in CI (tests/common). The fixed-output derivation needs
//! the Nix sandbox and is `#[ignore]`d; scripts/test runs it.

use std::fs;
use std::path::Path;
use std::process::Command;

use camino::{Utf8Path, Utf8PathBuf};
use cgoflake::hash::vendor::{self as vendor_hash, VendorHash, VendorRequest};

mod common;
use common::{copy_tree, nix_available, nix_hash_path};

/// The `go` binary, or `None` (a visible skip) without Go.
fn go_bin() -> Option<Utf8PathBuf> {
    let out = Command::new("sh")
        .args(["-c", "command -v go"])
        .output()
        .expect("sh");
    let path = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    common::require("Go (go)", out.status.success() && !path.is_empty()).then(|| path.into())
}

/// `go` with a plain environment, the way the goModules derivation has it
/// (no GOFLAGS, no workspace, no toolchain switching).
fn go(go: &Utf8Path, dir: &Path) -> Command {
    let mut cmd = Command::new(go.as_std_path());
    cmd.current_dir(dir)
        .env_remove("GOFLAGS")
        .env("GOWORK", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GO111MODULE", "on");
    cmd
}

fn run_ok(mut cmd: Command) -> String {
    let out = cmd.output().expect("spawn");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Write a module `example.com/m` with `main.go` and `go mod tidy` it.
fn make_module(go_bin: &Utf8Path, dir: &Path, main_go: &str) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("go.mod"), "module example.com/m\n\ngo 1.22\n").unwrap();
    fs::write(dir.join("main.go"), main_go).unwrap();
    let mut tidy = go(go_bin, dir);
    tidy.args(["mod", "tidy"]);
    run_ok(tidy);
}

const UUID_MAIN: &str = r#"package main

import (
	"fmt"

	"github.com/google/uuid"
)

func main() { fmt.Println(uuid.NewString()) }
"#;

const SQLITE_MAIN: &str = r#"package main

import (
	"database/sql"
	"fmt"

	_ "github.com/mattn/go-sqlite3"
)

func main() { db, err := sql.Open("sqlite3", ":memory:"); fmt.Println(db, err) }
"#;

/// By hand: `go mod vendor` in a copy, `nix hash path vendor`.
fn by_hand_vendor(go_bin: &Utf8Path, module: &Path, scratch: &Path) -> Option<String> {
    let copy = scratch.join("copy");
    copy_tree(utf8(module), utf8(&copy));
    let mut v = go(go_bin, &copy);
    v.args(["mod", "vendor"]);
    run_ok(v);
    let vendor = copy.join("vendor");
    vendor.exists().then(|| nix_hash_path(&vendor, false))
}

/// By hand, proxyVendor: fresh GOPATH, `go mod download` straight from the
/// network proxy, drop sumdb, `nix hash path` the download cache.
fn by_hand_proxy(go_bin: &Utf8Path, module: &Path, scratch: &Path) -> String {
    let copy = scratch.join("copy-proxy");
    copy_tree(utf8(module), utf8(&copy));
    let gopath = scratch.join("gopath");
    let download = gopath.join("pkg/mod/cache/download");
    fs::create_dir_all(&download).unwrap();
    let mut d = go(go_bin, &copy);
    d.env("GOPATH", &gopath)
        .env("GOMODCACHE", gopath.join("pkg/mod"))
        .env("GOFLAGS", "-modcacherw")
        .args(["mod", "download"]);
    run_ok(d);
    let _ = fs::remove_dir_all(download.join("sumdb"));
    nix_hash_path(&download, false)
}

fn req<'a>(dir: &'a Utf8Path, go: &'a Utf8Path, proxy_vendor: bool) -> VendorRequest<'a> {
    VendorRequest {
        module_dir: dir,
        go,
        // The local Go itself, which the reference trees here are made with.
        toolchain: None,
        proxy_vendor,
    }
}

fn utf8(p: &Path) -> &Utf8Path {
    Utf8Path::from_path(p).unwrap()
}

#[test]
fn uuid_module_matches_go_mod_vendor_and_nix() {
    let Some(go_bin) = go_bin() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let module = tmp.path().join("mod");
    make_module(&go_bin, &module, UUID_MAIN);
    let gomod_before = fs::read(module.join("go.mod")).unwrap();

    let got = vendor_hash::compute(&req(utf8(&module), &go_bin, false)).unwrap();
    let VendorHash::Sri(sri) = &got else {
        panic!("expected a hash, got {got:?}")
    };
    cgoflake::hash::sri::parse_sri_sha256(sri).unwrap();
    // The module directory is left alone.
    assert!(!module.join("vendor").exists());
    assert_eq!(fs::read(module.join("go.mod")).unwrap(), gomod_before);

    if nix_available() {
        let want = by_hand_vendor(&go_bin, &module, tmp.path()).expect("vendor dir");
        assert_eq!(sri, &want);
    }

    // An existing (stale) vendor/ in the source does not change the result.
    fs::create_dir_all(module.join("vendor/junk")).unwrap();
    fs::write(module.join("vendor/modules.txt"), "garbage\n").unwrap();
    assert!(vendor_hash::has_vendor_dir(utf8(&module)));
    let again = vendor_hash::compute(&req(utf8(&module), &go_bin, false)).unwrap();
    assert_eq!(again, got);
}

#[test]
fn uuid_module_proxy_vendor_matches_fresh_download() {
    let Some(go_bin) = go_bin() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let module = tmp.path().join("mod");
    make_module(&go_bin, &module, UUID_MAIN);
    let got = vendor_hash::compute(&req(utf8(&module), &go_bin, true)).unwrap();
    let VendorHash::Sri(sri) = &got else {
        panic!("expected a hash, got {got:?}")
    };
    if nix_available() {
        assert_eq!(sri, &by_hand_proxy(&go_bin, &module, tmp.path()));
    }
    // With the flake's Go pinned to another release than the local one, the
    // pinned toolchain runs the download; it must not land in the download
    // cache that is hashed (it once did: golang.org/toolchain/@v/…zip).
    let out = Command::new(go_bin.as_str())
        .args(["env", "GOVERSION"])
        .output()
        .unwrap();
    let local = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let other = cgoflake::pins::GO_RELEASES
        .iter()
        .map(|r| r.version)
        .find(|v| format!("go{v}") != local)
        .unwrap();
    let pinned = VendorRequest {
        toolchain: Some(other),
        ..req(utf8(&module), &go_bin, true)
    };
    assert_eq!(vendor_hash::compute(&pinned).unwrap(), got, "Go {other}");
    // Differs from the vendor/ tree.
    let plain = vendor_hash::compute(&req(utf8(&module), &go_bin, false)).unwrap();
    assert_ne!(plain, got);
}

/// A CGO dependency: vendor/ must carry its C sources, as in the real app.
#[test]
fn cgo_dependency_matches_go_mod_vendor_and_nix() {
    let Some(go_bin) = go_bin() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let module = tmp.path().join("mod");
    make_module(&go_bin, &module, SQLITE_MAIN);
    let got = vendor_hash::compute(&req(utf8(&module), &go_bin, false)).unwrap();
    if nix_available() {
        let want = by_hand_vendor(&go_bin, &module, tmp.path()).expect("vendor dir");
        assert_eq!(got, VendorHash::Sri(want));
        assert!(tmp
            .path()
            .join("copy/vendor/github.com/mattn/go-sqlite3/sqlite3-binding.c")
            .is_file());
    }
}

#[test]
fn module_without_requirements_has_no_dependencies() {
    let Some(go_bin) = go_bin() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let module = tmp.path().join("mod");
    make_module(
        &go_bin,
        &module,
        "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(1) }\n",
    );
    assert!(!module.join("go.sum").exists());
    for proxy in [false, true] {
        assert_eq!(
            vendor_hash::compute(&req(utf8(&module), &go_bin, proxy)).unwrap(),
            VendorHash::NoDependencies,
            "proxy_vendor={proxy}"
        );
    }
}

#[test]
fn errors_name_the_module_and_go_stderr() {
    let Some(go_bin) = go_bin() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let module = tmp.path().join("broken");
    fs::create_dir_all(&module).unwrap();
    // A requirement missing from go.sum: go mod vendor refuses.
    fs::write(
        module.join("go.mod"),
        "module example.com/b\n\ngo 1.22\n\nrequire github.com/google/uuid v1.6.0\n",
    )
    .unwrap();
    fs::write(
        module.join("main.go"),
        "package main\n\nimport _ \"github.com/google/uuid\"\n\nfunc main() {}\n",
    )
    .unwrap();
    let err = vendor_hash::compute(&req(utf8(&module), &go_bin, false)).unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains(module.to_str().unwrap()), "{msg}");
    assert!(msg.contains("go.sum"), "{msg}");

    let missing = tmp.path().join("nothing-here");
    fs::create_dir_all(&missing).unwrap();
    let err = vendor_hash::compute(&req(utf8(&missing), &go_bin, false)).unwrap_err();
    assert!(format!("{err:#}").contains("no go.mod"), "{err:#}");
}

#[test]
fn cache_key_and_compute_cached() {
    let Some(go_bin) = go_bin() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let module = tmp.path().join("mod");
    make_module(&go_bin, &module, UUID_MAIN);
    let cache = Utf8PathBuf::from_path_buf(tmp.path().join("cache")).unwrap();
    let r = req(utf8(&module), &go_bin, false);

    let k1 = vendor_hash::cache_key(&r).unwrap();
    assert_eq!(k1.len(), 64);
    assert_eq!(vendor_hash::cache_key(&r).unwrap(), k1, "deterministic");
    assert_ne!(
        vendor_hash::cache_key(&req(utf8(&module), &go_bin, true)).unwrap(),
        k1,
        "proxy_vendor is part of the key"
    );
    // Non-Go files do not matter; Go files do (imports decide modules.txt).
    fs::write(module.join("README.md"), "docs\n").unwrap();
    assert_eq!(vendor_hash::cache_key(&r).unwrap(), k1);
    fs::write(module.join("extra.go"), "package main\n").unwrap();
    let k2 = vendor_hash::cache_key(&r).unwrap();
    assert_ne!(k2, k1);

    let first = vendor_hash::compute_cached(&r, &cache).unwrap();
    let entry = cache.join(format!("vendor-hash-{k2}.json"));
    assert!(entry.is_file());
    assert_eq!(vendor_hash::compute(&r).unwrap(), first);
    // Served from the cache: poison the entry with another valid hash.
    let other = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let text = fs::read_to_string(&entry).unwrap();
    let VendorHash::Sri(real) = &first else {
        panic!()
    };
    fs::write(&entry, text.replace(real.as_str(), other)).unwrap();
    assert_eq!(
        vendor_hash::compute_cached(&r, &cache).unwrap(),
        VendorHash::Sri(other.into())
    );
    // A corrupt entry is recomputed and rewritten.
    fs::write(&entry, "{not json").unwrap();
    assert_eq!(vendor_hash::compute_cached(&r, &cache).unwrap(), first);
    assert!(fs::read_to_string(&entry).unwrap().contains(real.as_str()));
    // No temporary files left behind.
    assert_eq!(fs::read_dir(&cache).unwrap().count(), 1);
}

#[test]
fn local_go_version_looks_like_a_go_version() {
    let Some(go_bin) = go_bin() else { return };
    let v = vendor_hash::local_go_version(&go_bin).unwrap();
    assert!(v.starts_with("go"), "{v}");
    assert!(vendor_hash::go_minor_version(&v).is_some(), "{v}");
}

/// The hash is what Nix itself computes for a fixed-output derivation with
/// `outputHashMode = "recursive"` whose builder copies the vendor tree
/// (`cp -r`, as goModules' installPhase does). Uses a static busybox as the
/// builder, since the sandbox has no shell.
#[test]
#[ignore = "nix: builds a fixed-output derivation in the Nix sandbox; scripts/test runs it"]
fn fixed_output_derivation_accepts_the_hash() {
    let Some(go_bin) = go_bin() else { return };
    if !nix_available() {
        return;
    }
    let busybox = Path::new("/usr/bin/busybox");
    let is_static = Command::new("sh")
        .arg("-c")
        .arg("file -L /usr/bin/busybox | grep -q 'statically linked'")
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !common::require(
        "a static /usr/bin/busybox (busybox-static)",
        busybox.exists() && is_static,
    ) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let module = tmp.path().join("mod");
    make_module(&go_bin, &module, UUID_MAIN);
    let VendorHash::Sri(sri) = vendor_hash::compute(&req(utf8(&module), &go_bin, false)).unwrap()
    else {
        panic!("expected a hash")
    };
    let copy = tmp.path().join("copy");
    copy_tree(utf8(&module), utf8(&copy));
    let mut v = go(&go_bin, &copy);
    v.args(["mod", "vendor"]);
    run_ok(v);

    // busybox picks its applet from argv[0], which must end in "busybox".
    let bbdir = tmp.path().join("bb");
    fs::create_dir(&bbdir).unwrap();
    fs::copy(busybox, bbdir.join("busybox")).unwrap();

    let expr = format!(
        r#"derivation {{
  name = "cgoflake-test-go-modules";
  system = builtins.currentSystem;
  builder = "${{builtins.path {{ path = {bbdir}; name = "busybox"; }}}}/busybox";
  vendor = builtins.path {{ path = {vendor}; name = "vendor"; }};
  args = [ "sh" "-c" "$builder cp -r $vendor $out" ];
  outputHashMode = "recursive";
  outputHashAlgo = null;
  outputHash = "{sri}";
}}"#,
        bbdir = bbdir.display(),
        vendor = copy.join("vendor").display(),
    );
    let expr_file = tmp.path().join("fod.nix");
    fs::write(&expr_file, &expr).unwrap();
    let mut build = Command::new("nix-build");
    build.arg("--no-out-link").arg(&expr_file);
    let out = run_ok(build);
    assert!(out.trim().starts_with("/nix/store/"), "{out}");

    // And a wrong hash is rejected, so the check above is meaningful.
    let wrong = expr.replace(&sri, "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    fs::write(&expr_file, wrong).unwrap();
    let status = Command::new("nix-build")
        .arg("--no-out-link")
        .arg(&expr_file)
        .output()
        .unwrap();
    assert!(!status.status.success());
    assert!(
        String::from_utf8_lossy(&status.stderr).contains(&sri),
        "Nix should report the real hash {sri}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}
