//! [`analyse`] against a fake module cache and main module on disk (what
//! `go list` would say about them is written by hand), and the small
//! helpers of this module.

use super::go_list::ListedError;
use super::*;

/// `&str`s as owned strings.
pub(super) fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn normalize_resolves_dots_lexically() {
    assert_eq!(normalize(Utf8Path::new("/a/b/../c/./d")), "/a/c/d");
    assert_eq!(normalize(Utf8Path::new("/a/b/")), "/a/b");
}

/// A fake module-cache module and a main module on disk, and what
/// `go list` would say about them.
struct Fixture {
    _tmp: tempfile::TempDir,
    root: Utf8PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let root = Utf8PathBuf::from_path_buf(tmp.path().to_owned()).unwrap();
        Fixture { _tmp: tmp, root }
    }

    fn write(&self, rel: &str, text: &str) -> Utf8PathBuf {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    fn dir(&self, rel: &str) -> String {
        self.root.join(rel).into_string()
    }
}

fn module(f: &Fixture, path: &str, rel: &str, main: bool) -> Option<ListedModule> {
    Some(ListedModule {
        path: path.to_owned(),
        version: if main { String::new() } else { "v1.0.0".into() },
        dir: f.dir(rel),
        main,
        replace: None,
    })
}

/// A dependency `example.com/dep` whose cgo package `.` includes
/// files from a plain directory (`csrc/`), a sibling package (`util/`),
/// a header through `-I${SRCDIR}/include`, and a darwin framework.
fn dependency(f: &Fixture) -> Vec<ListedPackage> {
    f.write(
        "cache/dep@v1.0.0/dep.go",
        "package dep\n\n// #include \"csrc/impl.c\"\n// #include \"util/util.h\"\n\
         // #include <api/api.h>\n// #include <CoreServices/CoreServices.h>\n\
         // #include <Local/local.h>\nimport \"C\"\n",
    );
    f.write("cache/dep@v1.0.0/csrc/impl.c", "#include \"impl.h\"\n");
    f.write("cache/dep@v1.0.0/csrc/impl.h", "int impl(void);\n");
    f.write("cache/dep@v1.0.0/util/util.go", "package util\n");
    f.write("cache/dep@v1.0.0/util/util.h", "int util(void);\n");
    f.write("cache/dep@v1.0.0/include/api/api.h", "int api(void);\n");
    f.write(
        "cache/dep@v1.0.0/include/Local/local.h",
        "int local(void);\n",
    );
    f.write("cache/dep@v1.0.0/include/top.h", "int top(void);\n");
    f.write("cache/dep@v1.0.0/LICENSE", "MIT\n");
    let inc = format!("-I{}", f.dir("cache/dep@v1.0.0/include"));
    vec![
        ListedPackage {
            dir: f.dir("cache/dep@v1.0.0"),
            import_path: "example.com/dep".into(),
            name: "dep".into(),
            dep_only: true,
            cgo_files: strings(&["dep.go"]),
            cgo_cflags: vec![inc],
            cgo_ldflags: strings(&["-framework", "CoreFoundation", "-framework", "IOKit"]),
            module: module(f, "example.com/dep", "cache/dep@v1.0.0", false),
            ..ListedPackage::default()
        },
        ListedPackage {
            dir: f.dir("cache/dep@v1.0.0/util"),
            import_path: "example.com/dep/util".into(),
            name: "util".into(),
            dep_only: true,
            module: module(f, "example.com/dep", "cache/dep@v1.0.0", false),
            ..ListedPackage::default()
        },
    ]
}

fn app(f: &Fixture) -> ListedPackage {
    f.write(
        "app/main.go",
        "package main\n\n// #include \"own/x.c\"\nimport \"C\"\n",
    );
    f.write("app/own/x.c", "int x;\n");
    ListedPackage {
        dir: f.dir("app"),
        import_path: "example.com/app".into(),
        name: "main".into(),
        matched: strings(&["."]),
        cgo_files: strings(&["main.go"]),
        deps: strings(&["example.com/dep", "example.com/dep/util"]),
        module: module(f, "example.com/app", "app", true),
        ..ListedPackage::default()
    }
}

fn platform(goos: Goos, goarch: Goarch) -> GoPlatform {
    GoPlatform { goos, goarch }
}

fn fixture_scan(f: &Fixture) -> CgoScan {
    let mut listed = dependency(f);
    listed.push(app(f));
    analyse(&[
        (platform(Goos::Linux, Goarch::Amd64), listed.clone()),
        (platform(Goos::Darwin, Goarch::Arm64), listed.clone()),
        (platform(Goos::Darwin, Goarch::Amd64), listed),
    ])
}

#[test]
fn vendoring_findings_name_what_go_mod_vendor_leaves_out() {
    let f = Fixture::new();
    let scan = fixture_scan(&f);
    let got: Vec<(&str, &str, &VendorReference)> = scan
        .vendoring
        .iter()
        .map(|v| (v.package.as_str(), v.path.as_str(), &v.reference))
        .collect();
    // csrc/impl.c and what it includes; the -I directory once (its
    // headers not again); util/ is a package directory, kept; the main
    // module's own files are never vendored.
    assert_eq!(
        got,
        [
            (
                "example.com/dep",
                "csrc/impl.c",
                &VendorReference::Include {
                    file: "dep.go".into(),
                    directive: "#include \"csrc/impl.c\"".into()
                }
            ),
            (
                "example.com/dep",
                "csrc/impl.h",
                &VendorReference::Include {
                    file: "csrc/impl.c".into(),
                    directive: "#include \"impl.h\"".into()
                }
            ),
            (
                "example.com/dep",
                "include",
                &VendorReference::Flag { flag: "-I".into() }
            ),
        ]
    );
    assert!(scan
        .vendoring
        .iter()
        .all(|v| v.module == "example.com/dep@v1.0.0"));
    assert_eq!(
        scan.vendoring[0].to_string(),
        "example.com/dep (example.com/dep@v1.0.0) needs csrc/impl.c (`#include \"csrc/impl.c\"` \
         in dep.go), outside every package directory of its module: `go mod vendor` leaves it \
         out, so the build needs buildGoModule's `proxyVendor` (whole modules; `cgoflake gen` \
         chooses it)"
    );
}

#[test]
fn darwin_findings_merge_architectures_and_skip_local_headers() {
    let f = Fixture::new();
    let scan = fixture_scan(&f);
    let both = vec![
        platform(Goos::Darwin, Goarch::Amd64),
        platform(Goos::Darwin, Goarch::Arm64),
    ];
    // <Local/local.h> is found through -I: not a framework.
    assert_eq!(
        scan.darwin,
        [
            DarwinFinding {
                package: "example.com/dep".into(),
                platforms: both.clone(),
                need: DarwinNeed::Header("CoreServices/CoreServices.h".into()),
            },
            DarwinFinding {
                package: "example.com/dep".into(),
                platforms: both,
                need: DarwinNeed::Framework("IOKit".into()),
            },
        ]
    );
    assert_eq!(
        scan.darwin[0].to_string(),
        "example.com/dep (darwin/amd64, darwin/arm64) includes <CoreServices/CoreServices.h>: \
         the SDK-free darwin path has no Apple framework headers; set `darwinSdk` in \
         cgoflake.json (a macOS SDK you packaged) or drop darwin targets"
    );
    assert!(scan.darwin[1]
        .to_string()
        .contains("links `-framework IOKit`: the SDK-free darwin path links only CoreFoundation, Security and libresolv"));
}

#[test]
fn packages_per_platform_with_their_users() {
    let f = Fixture::new();
    let scan = fixture_scan(&f);
    assert_eq!(scan.platforms.len(), 3);
    let linux = &scan.platforms[0];
    let names: Vec<&str> = linux
        .packages
        .iter()
        .map(|p| p.import_path.as_str())
        .collect();
    assert_eq!(names, ["example.com/app", "example.com/dep"]);
    assert_eq!(linux.packages[1].used_by, ["."]);
    let m = linux.packages[1].module.as_ref().unwrap();
    assert_eq!(m.to_string(), "example.com/dep@v1.0.0");
    assert!(!m.main && linux.packages[0].module.as_ref().unwrap().main);
    assert!(scan.warnings.is_empty());
}

#[test]
fn an_include_directory_above_the_package_is_a_finding_its_own_directory_not() {
    let f = Fixture::new();
    f.write("cache/up@v1.0.0/root.h", "int root(void);\n");
    f.write("cache/up@v1.0.0/README.md", "not C\n");
    f.write(
        "cache/up@v1.0.0/pkg/p.go",
        "package p\n\n// #include \"p.h\"\nimport \"C\"\n",
    );
    f.write("cache/up@v1.0.0/pkg/p.h", "#include <root.h>\n");
    let pkg = |flags: Vec<String>| ListedPackage {
        dir: f.dir("cache/up@v1.0.0/pkg"),
        import_path: "example.com/up/pkg".into(),
        name: "p".into(),
        cgo_files: strings(&["p.go"]),
        h_files: strings(&["p.h"]),
        cgo_cppflags: flags,
        module: module(&f, "example.com/up", "cache/up@v1.0.0", false),
        ..ListedPackage::default()
    };
    let linux = platform(Goos::Linux, Goarch::Amd64);
    let up = format!("-I{}/..", f.dir("cache/up@v1.0.0/pkg"));
    let scan = analyse(&[(linux, vec![pkg(vec![up])])]);
    let got: Vec<(&str, &VendorReference)> = scan
        .vendoring
        .iter()
        .map(|v| (v.path.as_str(), &v.reference))
        .collect();
    // root.h, found through the directory, is not reported again.
    assert_eq!(got, [(".", &VendorReference::Flag { flag: "-I".into() })]);
    let own = format!("-I{}", f.dir("cache/up@v1.0.0/pkg"));
    assert!(analyse(&[(linux, vec![pkg(vec![own])])])
        .vendoring
        .is_empty());
}

#[test]
fn listing_errors_become_warnings_once() {
    let broken = ListedPackage {
        import_path: "example.com/missing".into(),
        error: Some(ListedError {
            err: "cannot find module\nmore".into(),
        }),
        ..ListedPackage::default()
    };
    let scan = analyse(&[
        (platform(Goos::Linux, Goarch::Amd64), vec![broken.clone()]),
        (platform(Goos::Windows, Goarch::Amd64), vec![broken]),
    ]);
    assert_eq!(
        scan.warnings,
        ["could not list example.com/missing: cannot find module"]
    );
}

#[test]
fn sub_packages_become_patterns_and_back() {
    assert_eq!(package_pattern("."), ".");
    assert_eq!(package_pattern("cmd/x/"), "./cmd/x");
    assert_eq!(sub_package_name("./cmd/x"), "cmd/x");
    assert_eq!(sub_package_name("."), ".");
}
