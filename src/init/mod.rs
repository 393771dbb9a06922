//! `cgoflake init`: write a starter `cgoflake.json` for any Go module.
//!
//! What it looks at, all through the `go` command (so build constraints,
//! `replace` directives and nested modules are Go's own rules):
//!
//! * `go mod edit -json`: the module path (→ `pname`) and the `go` and
//!   `toolchain` lines (→ `project.go`, the official Go release `gen` would
//!   choose by default, written out so the pin is visible);
//! * `go list -e -json ./...`: the module's packages; those named `main`
//!   become `subPackages` (Go's `./...` already leaves out `testdata`, `_*`
//!   and `.*` directories and nested modules; we skip them again to be sure);
//! * [`crate::cgo_scan::scan`] (`go list -e -deps -json <main packages>` per
//!   GOOS/GOARCH of the starter targets): every package the programs build
//!   from; any with `CgoFiles` (a file importing "C") needs a C toolchain,
//!   which is what cgoflake is for. Standard-library packages (`runtime/cgo`,
//!   `net`, `os/user`) are not reported: they fall back to pure Go without
//!   CGO. The scan also says what darwin cgo code needs beyond the SDK-free
//!   path (framework headers, frameworks) and which dependencies' cgo code
//!   `go mod vendor` would break.
//!
//! Listing runs with `CGO_ENABLED=1 GOWORK=off` and an explicit GOOS/GOARCH
//! (`linux/amd64` for the module's own packages), so the answer does not
//! depend on the host (a workspace is not what `buildGoModule` sees either).
//!
//! The matrix uses `"vendorHash": "auto"` (computed by `cgoflake gen`, no
//! fake-hash build) and the long target form, so every choice is visible
//! and editable. The output is a pure function of what was found; it is
//! written atomically (temporary sibling, then rename).
//!
//! `starter` holds the starter targets and renders the matrix text;
//! `summary` says what was found and what to run next.

mod starter;
mod summary;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::{bail, Context as _, Result};
use camino::{Utf8Path, Utf8PathBuf};
use serde::Deserialize;

use crate::cgo_scan::{self, DarwinFinding, GoEnv, GoPlatform, ListedPackage, VendoringFinding};
use crate::matrix::MATRIX_FILE;
use crate::plan::{GoModRequirement, GoVersion};
use crate::platform::{Goarch, Goos};

pub use starter::{render_matrix, STARTER_TARGETS};

/// How `init` runs `go` for the module's own packages: the host does not matter.
const LISTING_ENV: GoEnv<'static> = GoEnv {
    goos: Goos::Linux,
    goarch: Goarch::Amd64,
    goflags: "",
};

/// Options of `init`.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The Go module directory (holding go.mod).
    pub dir: Utf8PathBuf,
    /// Replace an existing matrix.
    pub force: bool,
    /// The `go` binary.
    pub go: Utf8PathBuf,
}

/// A package with CGO files that the programs build from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CgoPackage {
    /// Its import path.
    pub import_path: String,
    /// The module providing it (`None`: unknown).
    pub module: Option<String>,
    /// Part of the module being initialised (not a dependency).
    pub own: bool,
    /// The main packages (relative, as in `subPackages`) that import it.
    pub used_by: Vec<String>,
    /// The starter targets' platforms whose build has it, sorted.
    pub platforms: Vec<GoPlatform>,
}

/// What `init` found and wrote.
#[derive(Debug, Clone)]
pub struct InitReport {
    /// The matrix written.
    pub matrix: Utf8PathBuf,
    /// The module path from go.mod.
    pub module: String,
    /// go.mod's `go` line, if any.
    pub go_line: Option<String>,
    /// The official Go release written as `project.go` (`None`: the module
    /// needs a newer Go than cgoflake holds).
    pub go_release: Option<String>,
    /// `subPackages`.
    pub main_packages: Vec<String>,
    /// Non-standard packages with CGO files on any starter platform, sorted
    /// by import path.
    pub cgo_packages: Vec<CgoPackage>,
    /// The platforms scanned (the starter targets' distinct GOOS/GOARCH).
    pub scanned: Vec<GoPlatform>,
    /// Darwin cgo code needing more than the SDK-free path has.
    pub darwin_findings: Vec<DarwinFinding>,
    /// Dependencies' cgo code needing files `go mod vendor` leaves out.
    pub vendoring_findings: Vec<VendoringFinding>,
    /// Things the user should know (unsupported Go line, unlistable packages).
    pub warnings: Vec<String>,
    /// Whether an existing matrix was replaced.
    pub replaced: bool,
    /// The text written.
    pub text: String,
}

/// What go.mod says, through `go mod edit -json`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GoModJson {
    module: Option<ModulePath>,
    go: Option<String>,
    toolchain: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ModulePath {
    path: String,
}

/// `cgoflake init`: write the starter matrix, then say what was found and
/// what to run next.
pub fn run(dir: &Utf8Path, force: bool) -> Result<std::process::ExitCode> {
    let report = init(&InitOptions {
        dir: dir.to_owned(),
        force,
        go: "go".into(),
    })?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    print!("{}", report.summary(dir));
    Ok(std::process::ExitCode::SUCCESS)
}

/// Inspect the module in `opts.dir` and write its starter matrix.
pub fn init(opts: &InitOptions) -> Result<InitReport> {
    let dir = &opts.dir;
    if !dir.is_dir() {
        bail!("{dir} is not a directory");
    }
    let go_mod = dir.join("go.mod");
    if !go_mod.is_file() {
        let shown = dir.canonicalize_utf8().unwrap_or_else(|_| dir.clone());
        let mut msg = format!(
            "{shown} is not a Go module (no go.mod): run `go mod init <module path>` there first, \
             then `cgoflake init`"
        );
        if let Some(parent) = enclosing_module(&shown) {
            let _ = write!(
                msg,
                "; or did you mean the module at {parent} (`--dir {parent}`)?"
            );
        }
        bail!(msg);
    }
    let matrix = dir.join(MATRIX_FILE);
    let replaced = matrix.exists();
    if replaced && !opts.force {
        bail!("refusing to overwrite {matrix}: it already exists; pass --force to replace it");
    }

    let modfile: GoModJson = serde_json::from_slice(&go(opts, &["mod", "edit", "-json"])?)
        .with_context(|| format!("reading `go mod edit -json` of {go_mod}"))?;
    let module = modfile
        .module
        .map(|m| m.path)
        .filter(|p| !p.is_empty())
        .with_context(|| format!("{go_mod} has no `module` line"))?;
    let mut warnings = Vec::new();
    let (go_release, go_warning) =
        go_release_for(modfile.go.as_deref(), modfile.toolchain.as_deref());
    warnings.extend(go_warning);

    let main_packages = find_mains(opts, &module, &mut warnings)?;
    let found = find_cgo(opts, &main_packages, &mut warnings)?;
    let text = render_matrix(&pname_for(&module), go_release.as_deref(), &main_packages);
    // The matrix must be what cgoflake reads back.
    crate::matrix::parse(&matrix, &text)
        .map_err(anyhow::Error::from)
        .context("internal error: the starter matrix does not parse")?;
    write_atomically(&matrix, &text, opts.force)?;

    Ok(InitReport {
        matrix,
        module,
        go_line: modfile.go,
        go_release,
        main_packages,
        cgo_packages: found.packages,
        scanned: found.scanned,
        darwin_findings: found.darwin,
        vendoring_findings: found.vendoring,
        warnings,
        replaced,
        text,
    })
}

/// The module's main packages (relative, as in `subPackages`, sorted).
fn find_mains(opts: &InitOptions, module: &str, warnings: &mut Vec<String>) -> Result<Vec<String>> {
    let dir = &opts.dir;
    let abs_dir = dir
        .canonicalize_utf8()
        .with_context(|| format!("resolving {dir}"))?;
    let listed = list(opts, &["list", "-e", "-json", "./..."])?;
    let mut main_packages = Vec::new();
    for p in &listed {
        let Some(rel) = relative_package_dir(&abs_dir, &p.dir) else {
            continue;
        };
        if p.module.as_ref().is_some_and(|m| !m.main) {
            continue;
        }
        if p.name.is_empty() {
            if let Some(e) = &p.error {
                warnings.push(format!("skipped {}: {}", p.import_path, first_line(&e.err)));
            }
            continue;
        }
        if p.name == "main" {
            main_packages.push(rel);
        }
    }
    main_packages.sort();
    main_packages.dedup();
    if main_packages.is_empty() {
        bail!(
            "no main package in module {module} ({abs_dir}): cgoflake builds programs; \
             add a `package main` (e.g. cmd/<name>/main.go) and run `cgoflake init` again"
        );
    }
    Ok(main_packages)
}

/// What the cgo scan found, for the report.
struct CgoFound {
    packages: Vec<CgoPackage>,
    scanned: Vec<GoPlatform>,
    darwin: Vec<DarwinFinding>,
    vendoring: Vec<VendoringFinding>,
}

/// Packages with CGO files among the dependencies of the main packages, on
/// every platform of the starter targets.
fn find_cgo(opts: &InitOptions, mains: &[String], warnings: &mut Vec<String>) -> Result<CgoFound> {
    let targets: Vec<(Goos, Goarch)> = STARTER_TARGETS.iter().map(|&(g, a, _)| (g, a)).collect();
    // gen adds the tag when the module uses SQLite; it only changes
    // go-sqlite3's own files, so listing with it always is the same answer.
    let tags = [crate::plan::SQLITE_TAG.to_owned()];
    let scan = cgo_scan::scan(&opts.dir, &opts.go, &targets, &tags, mains)?;
    warnings.extend(scan.warnings);
    let mut by_path: BTreeMap<String, CgoPackage> = BTreeMap::new();
    for platform in &scan.platforms {
        for p in &platform.packages {
            let c = by_path
                .entry(p.import_path.clone())
                .or_insert_with(|| CgoPackage {
                    import_path: p.import_path.clone(),
                    module: p.module.as_ref().map(|m| m.path.clone()),
                    own: p.module.as_ref().is_some_and(|m| m.main),
                    used_by: Vec::new(),
                    platforms: Vec::new(),
                });
            c.used_by.extend(p.used_by.iter().cloned());
            c.platforms.push(platform.platform);
        }
    }
    let packages = by_path
        .into_values()
        .map(|mut c| {
            c.used_by.sort();
            c.used_by.dedup();
            c.platforms.sort();
            c.platforms.dedup();
            c
        })
        .collect();
    Ok(CgoFound {
        packages,
        scanned: scan.platforms.iter().map(|p| p.platform).collect(),
        darwin: scan.darwin,
        vendoring: scan.vendoring,
    })
}

/// The official Go release for go.mod's `go`/`toolchain` lines (the one
/// `gen` would choose), or `None` with a warning when the module needs a
/// newer Go than every release cgoflake holds.
pub fn go_release_for(
    go_line: Option<&str>,
    toolchain_line: Option<&str>,
) -> (Option<String>, Option<String>) {
    let req = GoModRequirement {
        go: go_line.and_then(GoVersion::parse),
        toolchain: toolchain_line.and_then(GoVersion::parse),
    };
    match crate::plan::go_default_release(&req) {
        Some(release) => (Some(release.version.to_owned()), None),
        None => (
            None,
            Some(format!(
                "go.mod needs Go >= {}, newer than every Go release cgoflake holds ({}): `cgoflake gen` will refuse it until `project.go` names one that can build it",
                req.minimum(),
                crate::plan::held_go_releases()
            )),
        ),
    }
}

/// `pname` from the module path: its last element (skipping a `/vN` major
/// version suffix), in the allowed alphabet (letters, digits, `-_.+`,
/// starting with a letter or digit).
pub fn pname_for(module: &str) -> String {
    let mut elems: Vec<&str> = module.split('/').filter(|e| !e.is_empty()).collect();
    let is_major = |e: &str| {
        e.strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    if elems.len() > 1 && elems.last().is_some_and(|e| is_major(e)) {
        elems.pop();
    }
    let last = elems.last().copied().unwrap_or("");
    let mut name: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.+".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    name = name
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned();
    name.truncate(100);
    if name.is_empty() {
        "app".to_owned()
    } else {
        name
    }
}

/// `go <args>` in the module, with the listing environment; stdout.
fn go(opts: &InitOptions, args: &[&str]) -> Result<Vec<u8>> {
    cgo_scan::run_go(&opts.go, &opts.dir, LISTING_ENV, args)
}

/// `go list -json …` in the module, with the listing environment.
fn list(opts: &InitOptions, args: &[&str]) -> Result<Vec<ListedPackage>> {
    cgo_scan::go_list(&opts.go, &opts.dir, LISTING_ENV, args)
}

/// A package directory relative to the module root (`.` for the root), or
/// `None` when it is outside it or in a directory Go ignores.
fn relative_package_dir(root: &Utf8Path, dir: &str) -> Option<String> {
    let dir = Utf8Path::new(dir);
    let dir = dir.canonicalize_utf8().unwrap_or_else(|_| dir.to_owned());
    let rel = dir.strip_prefix(root).ok()?;
    if rel.as_str().is_empty() {
        return Some(".".to_owned());
    }
    let ignored = rel
        .components()
        .any(|c| c.as_str() == "testdata" || c.as_str().starts_with(['_', '.']));
    (!ignored).then(|| rel.as_str().to_owned())
}

/// The nearest parent directory holding go.mod.
fn enclosing_module(dir: &Utf8Path) -> Option<Utf8PathBuf> {
    dir.ancestors()
        .skip(1)
        .find(|d| d.join("go.mod").is_file())
        .map(Utf8Path::to_owned)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("").trim()
}

/// Write through a temporary sibling and rename; without `force` the rename
/// never replaces a file that appeared meanwhile.
fn write_atomically(path: &Utf8Path, text: &str, force: bool) -> Result<()> {
    let staged = crate::fsutil::stage(path, text.as_bytes())?;
    if force {
        return staged.commit();
    }
    staged.commit_new().map_err(|e| {
        anyhow::anyhow!("refusing to overwrite {path}: {e}; pass --force to replace it")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pname_is_the_last_path_element_in_the_allowed_alphabet() {
        assert_eq!(pname_for("github.com/superfly/litefs"), "litefs");
        assert_eq!(pname_for("example.com/tool/v3"), "tool");
        assert_eq!(pname_for("v2"), "v2");
        assert_eq!(pname_for("example.com/my~app!x"), "my-app-x");
        assert_eq!(pname_for("example.com/_hidden"), "hidden");
        assert_eq!(pname_for("example.com/~~~"), "app");
        assert_eq!(pname_for("gopkg.in/yaml.v3"), "yaml.v3");
        assert_eq!(pname_for(&format!("x/{}", "a".repeat(150))).len(), 100);
    }

    #[test]
    fn go_lines_map_to_held_releases() {
        let release = |go: Option<&str>, tc: Option<&str>| go_release_for(go, tc);
        let (r125, w) = release(Some("1.25"), None);
        assert!(r125.as_deref().unwrap().starts_with("1.25."));
        assert_eq!(w, None);
        assert_eq!(release(Some("1.21"), None).0, r125);
        assert_eq!(release(None, None).0, r125);
        assert_eq!(
            release(Some("1.25"), Some("go1.26.8")).0.as_deref(),
            Some("1.26.8")
        );
        let (none, warning) = release(Some("1.99"), None);
        assert_eq!(none, None);
        assert!(warning.unwrap().contains("needs Go >= 1.99.0"));
    }

    #[test]
    fn package_dirs_are_relative_and_ignored_dirs_skipped() {
        let root = Utf8Path::new("/m");
        assert_eq!(relative_package_dir(root, "/m").as_deref(), Some("."));
        assert_eq!(
            relative_package_dir(root, "/m/cmd/a").as_deref(),
            Some("cmd/a")
        );
        assert_eq!(relative_package_dir(root, "/m/testdata/a"), None);
        assert_eq!(relative_package_dir(root, "/m/_tools/a"), None);
        assert_eq!(relative_package_dir(root, "/other"), None);
    }
}
