//! End to end: derive the darwin stubs from the installed Go toolchain, link a
//! small CGO program (runtime/cgo + net + crypto/x509) for darwin/arm64 and
//! darwin/amd64 with `zig cc` and no Apple SDK, and check the Mach-O output.
//!
//! Needs `go` and Zig 0.15 (`$ZIG`, `zig` on PATH, or `python3 -m ziglang`),
//! and two minutes: `#[ignore]`d, scripts/test runs it. Darwin binaries
//! cannot run here: this checks structure (CPU type, minimum OS, dylibs,
//! ad-hoc signature, `__DATA_CONST` flags, every import bound to a library
//! that declares it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use cgoflake::darwin_stubs::*;

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

fn zig_command() -> Option<Vec<String>> {
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

fn go_root() -> Option<PathBuf> {
    let o = Command::new("go").args(["env", "GOROOT"]).output().ok()?;
    o.status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
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

#[test]
#[ignore = "slow: links a CGO program for darwin twice with zig (2 minutes); scripts/test runs it"]
fn links_darwin_without_sdk() {
    let (Some(zig), Some(goroot)) = (zig_command(), go_root()) else {
        panic!(
            "needs go and zig 0.15 (ZIG, zig, or python3 -m ziglang): scripts/setup installs them"
        );
    };
    let work = tempfile::tempdir().unwrap();
    let work = work.path();

    let imports = derive_from_goroot(&goroot, DARWIN_GOARCHES).unwrap();
    assert!(
        imports.unresolved_link_requests().is_empty(),
        "Go asks for libraries no stub covers: {:?}",
        imports.unresolved_link_requests()
    );
    let stubs = work.join("stubs");
    write_stub_tree(&stubs, &imports).unwrap();

    std::fs::create_dir_all(work.join("app")).unwrap();
    std::fs::write(work.join("app/go.mod"), "module example.com/t\n\ngo 1.22\n").unwrap();
    std::fs::write(work.join("app/main.go"), MAIN_GO).unwrap();

    let mut exports: BTreeMap<String, _> = stub_exports(&imports);
    let libsystem = zig_lib_dir(&zig).join("libc/darwin/libSystem.tbd");
    exports.insert(
        LIBSYSTEM.to_string(),
        parse_tbd_symbols(&std::fs::read_to_string(libsystem).unwrap()),
    );

    for (goarch, triple, cputype) in [
        ("arm64", "aarch64-macos.12.0", 0x0100_000c),
        ("amd64", "x86_64-macos.12.0", 0x0100_0007),
    ] {
        let bin = link(work, &zig, &stubs, goarch, triple).unwrap();
        let r = inspect_macho(&std::fs::read(&bin).unwrap()).unwrap();
        assert_eq!(r.cputype, cputype, "{goarch}");
        assert_eq!(r.filetype, 2, "MH_EXECUTE");
        let (platform, minos, _sdk) = r.build_version.clone().expect("LC_BUILD_VERSION");
        assert_eq!((platform, minos.as_str()), (1, "12.0.0"), "{goarch}");
        for d in &r.dylibs {
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
                r.dylibs.iter().any(|d| d == want),
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
        let dangling = dangling_symbols(&r, &exports);
        assert!(dangling.is_empty(), "{goarch}: {dangling:?}");
        if let Some(d) = dangling_binds(&r, &exports) {
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
}
