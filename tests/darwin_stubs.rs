//! The SDK-free darwin link (`src/darwin/`): the stub script that ships in
//! every generated flake, checked three ways.
//!
//! * Against the oracle (`tests/support/darwin_oracle.rs`, a Rust derivation
//!   that evaluates Go's build constraints): byte-identical trees for the
//!   installed Go. Needs `go`.
//! * With `shellcheck`, as POSIX sh.
//! * End to end (`#[ignore]`d: two minutes; scripts/test runs it): the
//!   script's stubs link a small CGO program (runtime/cgo + net +
//!   crypto/x509) for darwin/arm64 and darwin/amd64 with `zig cc` and no
//!   Apple SDK. Darwin binaries cannot run here: the test checks structure
//!   (CPU type, minimum OS, dylibs, ad-hoc signature, `__DATA_CONST` flags,
//!   every import bound to a library that declares it). Needs `go` and Zig
//!   0.15 (`$ZIG`, `zig` on PATH, or `python3 -m ziglang`).
//!
//! A missing tool is a visible skip, or a failure in CI (tests/common).

mod common;
#[path = "support/darwin_oracle.rs"]
mod darwin_oracle;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use cgoflake::binary::{self, SG_READ_ONLY};
use cgoflake::darwin::STUB_SCRIPT;
use darwin_oracle::*;

const MAIN_GO: &str = r#"package main

/*
static int answer(void) { return 42; }
*/
import "C"

import (
	"crypto/x509"
	"fmt"
	"net"
)

func main() {
	pool, err := x509.SystemCertPool()
	// Verify with the system roots: the crypto/x509/internal/macos path
	// (CoreFoundation + Security) becomes reachable.
	_, verr := (&x509.Certificate{}).Verify(x509.VerifyOptions{})
	addrs, err2 := net.LookupHost("localhost")
	fmt.Println(int(C.answer()), pool != nil, err, verr, addrs, err2)
}
"#;

/// `go env GOROOT`.
fn go_root() -> Option<PathBuf> {
    let o = Command::new("go").args(["env", "GOROOT"]).output().ok()?;
    let s = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    (o.status.success() && !s.is_empty()).then(|| PathBuf::from(s))
}

/// `.lib_dir = "..."` from `zig env` (ZON in Zig 0.15).
fn zig_lib_dir(zig: &[String]) -> PathBuf {
    let o = Command::new(&zig[0])
        .args(&zig[1..])
        .arg("env")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(".lib_dir"))
        .expect("lib_dir in zig env");
    PathBuf::from(line.split('"').nth(1).unwrap())
}

fn link(
    work: &Path,
    zig: &[String],
    stubs: &Path,
    goarch: &str,
    triple: &str,
) -> std::io::Result<PathBuf> {
    let out = work.join(format!("app-{goarch}"));
    let cc = format!("{} cc -target {triple}", zig.join(" "));
    let status = Command::new("go")
        .current_dir(work.join("app"))
        .args(["build", "-trimpath", "-ldflags=-s -w -buildid=", "-o"])
        .arg(&out)
        .arg(".")
        .env("GOOS", "darwin")
        .env("GOARCH", goarch)
        .env("CGO_ENABLED", "1")
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .env("CC", cc)
        .env("CGO_CFLAGS", "-O2 -fno-sanitize=undefined")
        .env(
            "CGO_LDFLAGS",
            format!(
                "-L{} -F{}",
                stubs.join("lib").display(),
                stubs.join("Frameworks").display()
            ),
        )
        .env("ZIG_GLOBAL_CACHE_DIR", work.join("zig-global"))
        .env(
            "ZIG_LOCAL_CACHE_DIR",
            work.join(format!("zig-local-{goarch}")),
        )
        .status()?;
    assert!(status.success(), "go build for darwin/{goarch} failed");
    Ok(out)
}

/// Run the shipped script on `goroot`, writing the stub tree to `out`.
fn run_script(work: &Path, goroot: &Path, out: &Path) {
    let script = work.join("stubs.sh");
    std::fs::write(&script, STUB_SCRIPT).unwrap();
    let status = Command::new("sh")
        .arg(&script)
        .arg(goroot)
        .arg(out)
        .status()
        .unwrap();
    assert!(status.success(), "stubs.sh failed");
}

/// Relative path → content of every file under `dir`.
fn read_tree(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_path_buf();
                files.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    files
}

/// The Go toolchain, or a visible skip.
fn goroot() -> Option<PathBuf> {
    if !common::go_available() {
        return None;
    }
    Some(go_root().expect("`go env GOROOT`"))
}

#[test]
fn the_oracle_covers_every_library_go_asks_for() {
    let Some(goroot) = goroot() else { return };
    let i = derive_from_goroot(&goroot, DARWIN_GOARCHES).unwrap();
    assert!(i.libs["/usr/lib/libresolv.9.dylib"].contains("res_9_nsearch"));
    assert!(
        i.unresolved_link_requests().is_empty(),
        "Go asks for libraries no stub covers: {:?}",
        i.unresolved_link_requests()
    );
}

/// The shipped script writes the same tree as the oracle (verified for Go
/// 1.25 and 1.26, with coreutils and with busybox).
#[test]
fn the_shipped_script_matches_the_oracle() {
    let Some(goroot) = goroot() else { return };
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    run_script(work.path(), &goroot, &out);
    let want = stub_files(&derive_from_goroot(&goroot, DARWIN_GOARCHES).unwrap()).unwrap();
    assert_eq!(read_tree(&out), want);
}

#[test]
fn the_shipped_script_passes_shellcheck() {
    if !common::require("shellcheck", common::runs("shellcheck", &["--version"])) {
        return;
    }
    let script = common::root().join("src/darwin/stubs.sh");
    assert_eq!(std::fs::read_to_string(&script).unwrap(), STUB_SCRIPT);
    // SC2034 (unused variables `lib` and `path` of one `read`) is known and
    // left alone: the script is copied byte for byte into every generated
    // flake (nix/darwin-stubs.sh), which this change keeps identical.
    let out = Command::new("shellcheck")
        .args(["--shell=sh", "--exclude=SC2034", script.as_str()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "slow: links a CGO program for darwin twice with zig (2 minutes); scripts/test runs it"]
fn links_darwin_without_sdk() {
    let (Some(zig), Some(goroot)) = (common::zig_command(), go_root()) else {
        panic!(
            "needs go and zig 0.15 (ZIG, zig, or python3 -m ziglang): scripts/setup installs them"
        );
    };
    let work = tempfile::tempdir().unwrap();
    let work = work.path();
    // The stubs the generated flake would write, and what they export (the
    // oracle's view, equal to the script's by the test above).
    let stubs = work.join("stubs");
    run_script(work, &goroot, &stubs);
    let imports = derive_from_goroot(&goroot, DARWIN_GOARCHES).unwrap();
    let mut exports: BTreeMap<String, _> = stub_exports(&imports);
    let libsystem = zig_lib_dir(&zig).join("libc/darwin/libSystem.tbd");
    exports.insert(
        LIBSYSTEM.to_string(),
        parse_tbd_symbols(&std::fs::read_to_string(libsystem).unwrap()),
    );

    std::fs::create_dir_all(work.join("app")).unwrap();
    std::fs::write(work.join("app/go.mod"), "module example.com/t\n\ngo 1.22\n").unwrap();
    std::fs::write(work.join("app/main.go"), MAIN_GO).unwrap();
    for (goarch, triple, cputype) in [
        ("arm64", "aarch64-macos.12.0", 0x0100_000c),
        ("amd64", "x86_64-macos.12.0", 0x0100_0007),
    ] {
        let bin = link(work, &zig, &stubs, goarch, triple).unwrap();
        check_darwin_binary(&std::fs::read(&bin).unwrap(), goarch, cputype, &exports);
    }
}

/// Structure, signature, and every import bound to a library declaring it.
fn check_darwin_binary(
    bytes: &[u8],
    goarch: &str,
    cputype: u32,
    exports: &BTreeMap<String, std::collections::BTreeSet<String>>,
) {
    let info = binary::read_bytes(bytes).unwrap();
    let r = info.macho.as_ref().expect("a thin Mach-O");
    assert_eq!(r.cputype, cputype, "{goarch}");
    assert_eq!(r.filetype, 2, "MH_EXECUTE");
    let (platform, minos, _sdk) = r.build_version.clone().expect("LC_BUILD_VERSION");
    assert_eq!((platform, minos.as_str()), (1, "12.0.0"), "{goarch}");
    for d in &info.libraries {
        assert!(
            d.starts_with("/usr/lib/") || d.starts_with("/System/Library/"),
            "{goarch}: non-system dylib {d}"
        );
    }
    for want in [
        LIBSYSTEM,
        "/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation",
        "/System/Library/Frameworks/Security.framework/Versions/A/Security",
    ] {
        assert!(
            info.libraries.iter().any(|d| d == want),
            "{goarch}: {want} not loaded"
        );
    }
    if goarch == "arm64" {
        assert!(r.code_signature.is_some(), "arm64 must be signed");
        let flags = r.code_directory_flags.expect("CodeDirectory");
        assert_ne!(flags & 0x2, 0, "CS_ADHOC");
    }
    let dc = r.data_const_flags().expect("__DATA_CONST");
    assert_ne!(
        dc & SG_READ_ONLY,
        0,
        "{goarch}: __DATA_CONST lacks SG_READ_ONLY"
    );
    assert!(!r.undefined.is_empty());
    let dangling = dangling_symbols(&r.undefined, exports);
    assert!(dangling.is_empty(), "{goarch}: {dangling:?}");
    if let Some(binds) = binary::macho::binds(bytes) {
        let d = dangling_binds(&binds, exports);
        assert!(d.is_empty(), "{goarch}: {d:?}");
    }
    // The x509 imports are bound to the frameworks, by two-level namespace.
    for fw in ["CoreFoundation", "Security"] {
        let lib = format!("/System/Library/Frameworks/{fw}.framework/Versions/A/{fw}");
        assert!(
            r.undefined
                .iter()
                .any(|u| u.dylib.as_deref() == Some(lib.as_str())),
            "{goarch}: nothing bound to {fw}"
        );
    }
}
