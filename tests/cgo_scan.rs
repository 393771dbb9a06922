//! `cgo_scan::scan` against real `go list`: a small offline module pair
//! built here (a cgo dependency through a local `replace`), Zig's macOS
//! headers, and (ignored: they download from the Go module proxy) the
//! real modules the findings are about.

mod common;

use common::{temp_dir as temp, write_file as write};

use camino::{Utf8Path, Utf8PathBuf};
use cgoflake::cgo_scan::{self, DarwinNeed, VendorReference, ZIG_MACOS_CAPITALISED_DIRS};
use cgoflake::platform::{Goarch, Goos};

const TARGETS: &[(Goos, Goarch)] = &[
    (Goos::Linux, Goarch::Amd64),
    (Goos::Linux, Goarch::Arm64),
    (Goos::Linux, Goarch::Amd64),
    (Goos::Windows, Goarch::Amd64),
    (Goos::Darwin, Goarch::Arm64),
];

/// `app` (cmd/app) uses `example.com/cdep`, whose cgo package includes C
/// from a plain directory and, on darwin only, a framework.
fn modules(root: &Utf8Path) -> Utf8PathBuf {
    let dep = root.join("cdep");
    write(&dep.join("go.mod"), "module example.com/cdep\n\ngo 1.24\n");
    write(
        &dep.join("cdep.go"),
        "package cdep\n\n// #include \"csrc/one.c\"\nimport \"C\"\n\nfunc One() int { return int(C.one()) }\n",
    );
    write(
        &dep.join("csrc/one.c"),
        "static int one(void) { return 1; }\n",
    );
    write(
        &dep.join("mac_darwin.go"),
        "package cdep\n\n// #cgo LDFLAGS: -framework CoreFoundation -framework IOKit\n\
         // #include <IOKit/IOKitLib.h>\nimport \"C\"\n",
    );
    let app = root.join("app");
    write(
        &app.join("go.mod"),
        "module example.com/app\n\ngo 1.24\n\nrequire example.com/cdep v0.0.0\n\nreplace example.com/cdep => ../cdep\n",
    );
    write(
        &app.join("cmd/app/main.go"),
        "package main\n\nimport \"example.com/cdep\"\n\nfunc main() { println(cdep.One()) }\n",
    );
    app
}

#[test]
fn a_local_module_gets_vendoring_and_darwin_findings_per_platform() {
    if !common::go_available() {
        return;
    }
    let (_t, root) = temp();
    let app = modules(&root);
    let scan = cgo_scan::scan(
        &app,
        Utf8Path::new("go"),
        TARGETS,
        &[],
        &["cmd/app".to_owned()],
    )
    .unwrap();
    // Distinct platforms, in the order given.
    let platforms: Vec<String> = scan
        .platforms
        .iter()
        .map(|p| p.platform.to_string())
        .collect();
    assert_eq!(
        platforms,
        [
            "linux/amd64",
            "linux/arm64",
            "windows/amd64",
            "darwin/arm64"
        ]
    );
    for p in &scan.platforms {
        assert_eq!(p.packages.len(), 1, "{p:?}");
        let pkg = &p.packages[0];
        assert_eq!(pkg.import_path, "example.com/cdep");
        assert_eq!(pkg.used_by, ["cmd/app"]);
        let darwin = p.platform.goos == Goos::Darwin;
        assert_eq!(pkg.cgo_files.len(), if darwin { 2 } else { 1 }, "{pkg:?}");
    }
    assert_eq!(scan.vendoring.len(), 1, "{:?}", scan.vendoring);
    let v = &scan.vendoring[0];
    assert_eq!(
        (v.package.as_str(), v.path.as_str()),
        ("example.com/cdep", "csrc/one.c")
    );
    assert_eq!(
        v.reference,
        VendorReference::Include {
            file: "cdep.go".into(),
            directive: "#include \"csrc/one.c\"".into()
        }
    );
    let needs: Vec<&DarwinNeed> = scan.darwin.iter().map(|d| &d.need).collect();
    assert_eq!(
        needs,
        [
            &DarwinNeed::Header("IOKit/IOKitLib.h".into()),
            &DarwinNeed::Framework("IOKit".into())
        ]
    );
    assert!(scan.darwin.iter().all(|d| d.platforms.len() == 1));
    assert!(scan.warnings.is_empty(), "{:?}", scan.warnings);
}

#[test]
fn zig_ships_exactly_the_capitalised_macos_header_dirs_we_allow() {
    let zig = std::process::Command::new("python3")
        .args(["-m", "ziglang", "env"])
        .output();
    let ok = zig.as_ref().is_ok_and(|o| o.status.success());
    if !common::require("Zig (python3 -m ziglang)", ok) {
        return;
    }
    // `zig env` prints ZON (JSON before 0.14): `.lib_dir = "…",`.
    let env = String::from_utf8(zig.unwrap().stdout).unwrap();
    let field = |name: &str| {
        env.lines()
            .find_map(|l| l.trim().strip_prefix(&format!(".{name} = \"")))
            .and_then(|v| v.strip_suffix("\","))
            .unwrap_or_else(|| panic!("no {name} in `zig env`:\n{env}"))
            .to_owned()
    };
    assert_eq!(field("version"), "0.15.2", "the list is Zig 0.15.2's");
    let lib = Utf8PathBuf::from(field("lib_dir"));
    let macos = lib.join("libc/include/any-macos-any");
    let mut dirs: Vec<String> = macos
        .read_dir_utf8()
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_owned())
        .filter(|n| n.starts_with(|c: char| c.is_ascii_uppercase()))
        .collect();
    dirs.sort();
    assert_eq!(dirs, ZIG_MACOS_CAPITALISED_DIRS);
    // Nothing framework-like among Zig's generic headers either.
    let generic: Vec<String> = lib
        .join("include")
        .read_dir_utf8()
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_owned())
        .filter(|n| n.starts_with(|c: char| c.is_ascii_uppercase()))
        .collect();
    assert!(generic.is_empty(), "{generic:?}");
}

/// A module requiring `requires` (path, version) whose main imports
/// `imports`, with the go.sum a real module has (the scan never writes it).
fn proxy_module(root: &Utf8Path, requires: &[(&str, &str)], imports: &[&str]) {
    let mut go_mod = "module example.com/probe\n\ngo 1.24\n\nrequire (\n".to_owned();
    for (path, version) in requires {
        go_mod.push_str(&format!("\t{path} {version}\n"));
    }
    go_mod.push_str(")\n");
    write(&root.join("go.mod"), &go_mod);
    let imports: String = imports.iter().map(|i| format!("\t_ \"{i}\"\n")).collect();
    write(
        &root.join("main.go"),
        &format!("package main\n\nimport (\n{imports})\n\nfunc main() {{}}\n"),
    );
    let out = std::process::Command::new("go")
        .args(["mod", "tidy"])
        .current_dir(root)
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "go mod tidy: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "needs the Go module proxy"]
fn golz4_needs_proxy_vendor_and_go_sqlite3_does_not() {
    if !common::go_available() {
        return;
    }
    let (_t, root) = temp();
    proxy_module(
        &root,
        &[
            (
                "github.com/cloudflare/golz4",
                "v0.0.0-20240916140612-caecf3c00c06",
            ),
            ("github.com/mattn/go-sqlite3", "v1.14.32"),
        ],
        &["github.com/cloudflare/golz4", "github.com/mattn/go-sqlite3"],
    );
    for tags in [vec![], vec!["libsqlite3".to_owned()]] {
        let scan =
            cgo_scan::scan(&root, Utf8Path::new("go"), TARGETS, &tags, &[".".into()]).unwrap();
        let packages: Vec<&str> = scan.vendoring.iter().map(|v| v.package.as_str()).collect();
        assert!(
            packages.iter().all(|p| *p == "github.com/cloudflare/golz4"),
            "{:?}",
            scan.vendoring
        );
        let paths: Vec<&str> = scan.vendoring.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(
            paths,
            ["src/lz4.c", "src/lz4.h", "src/lz4hc.c", "src/lz4hc.h"]
        );
        assert!(scan.vendoring[0]
            .to_string()
            .starts_with("github.com/cloudflare/golz4 (github.com/cloudflare/golz4@v0.0.0-20240916140612-caecf3c00c06) needs src/lz4.c"));
        assert!(scan.darwin.is_empty(), "{:?}", scan.darwin);
    }
}

#[test]
#[ignore = "needs the Go module proxy"]
fn go_ieproxy_needs_a_macos_sdk_on_darwin_only() {
    if !common::go_available() {
        return;
    }
    let (_t, root) = temp();
    proxy_module(
        &root,
        &[("github.com/mattn/go-ieproxy", "v0.0.12")],
        &["github.com/mattn/go-ieproxy"],
    );
    let scan = cgo_scan::scan(&root, Utf8Path::new("go"), TARGETS, &[], &[".".into()]).unwrap();
    let cgo_on = |goos: Goos| {
        scan.platforms
            .iter()
            .filter(|p| p.platform.goos == goos)
            .any(|p| {
                p.packages
                    .iter()
                    .any(|c| c.import_path == "github.com/mattn/go-ieproxy")
            })
    };
    assert!(cgo_on(Goos::Darwin) && !cgo_on(Goos::Linux) && !cgo_on(Goos::Windows));
    let needs: Vec<&DarwinNeed> = scan.darwin.iter().map(|d| &d.need).collect();
    assert_eq!(
        needs,
        [
            &DarwinNeed::Header("CFNetwork/CFProxySupport.h".into()),
            &DarwinNeed::Framework("CFNetwork".into())
        ]
    );
    assert_eq!(
        scan.darwin[0].to_string(),
        "github.com/mattn/go-ieproxy (darwin/arm64) includes <CFNetwork/CFProxySupport.h>: the \
         SDK-free darwin path has no Apple framework headers; set `darwinSdk` in cgoflake.json (a \
         macOS SDK you packaged) or drop darwin targets"
    );
    assert!(scan.vendoring.is_empty(), "{:?}", scan.vendoring);
}
