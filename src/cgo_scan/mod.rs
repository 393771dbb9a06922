//! What a Go program's cgo code needs that cgoflake's build may not give it.
//!
//! [`scan`] asks `go list -deps -json` once per distinct GOOS/GOARCH (Go's
//! own build constraints, `#cgo` directive evaluation and `${SRCDIR}`
//! expansion) which non-standard packages have `CgoFiles`, then reads their
//! sources for two problems:
//!
//! * **vendoring** ([`VendoringFinding`]): a dependency's cgo code that
//!   includes a file, or names an include directory, that `go mod vendor`
//!   does not copy builds from the module cache but not from `vendor/`;
//!   buildGoModule's `proxyVendor` (whole modules) fixes it.
//! * **darwin** ([`DarwinFinding`]): the SDK-free darwin path (see
//!   [`crate::darwin`]) has Zig's libc headers and TAPI stubs of
//!   CoreFoundation, Security and libresolv only: no Apple framework headers
//!   and no other framework.
//!
//! One job per module: `go_list` runs `go list`; `lexer` finds the cgo
//! preambles of Go files; `includes` follows their `#include`s; `vendoring`
//! and `frameworks` judge what was found. This module orchestrates them and
//! holds the answer's types.
//!
//! The readers ([`cgo_preambles`], [`include_directives`], ...) are pure;
//! [`analyse`] only reads the files `go list` named and what they include.

mod frameworks;
mod go_list;
mod includes;
mod lexer;
#[cfg(test)]
mod tests;
mod vendoring;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use anyhow::{Context as _, Result};
use camino::{Utf8Component, Utf8Path, Utf8PathBuf};

use crate::platform::{Goarch, Goos};

pub use frameworks::{
    frameworks_linked, is_framework_header, DarwinFinding, DarwinNeed, STUBBED_FRAMEWORKS,
    ZIG_MACOS_CAPITALISED_DIRS,
};
pub(crate) use go_list::{go_list, run_go, GoEnv, ListedModule, ListedPackage};
pub use includes::{include_directives, include_paths, IncludeDirective, IncludePaths};
pub use lexer::cgo_preambles;
pub use vendoring::{VendorReference, VendoringFinding};

use frameworks::darwin_needs;
use includes::walk_includes;
use vendoring::{collapse_under_dirs, vendor_keeps, vendoring_findings};

// ---------------------------------------------------------------------------
// The scan's answer

/// A GOOS/GOARCH pair, shown as `goos/goarch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoPlatform {
    /// GOOS.
    pub goos: Goos,
    /// GOARCH.
    pub goarch: Goarch,
}

impl fmt::Display for GoPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.goos, self.goarch)
    }
}

/// What [`scan`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CgoScan {
    /// Per distinct platform, in the order first given.
    pub platforms: Vec<PlatformCgo>,
    /// Files dependency cgo code needs that `go mod vendor` leaves out.
    pub vendoring: Vec<VendoringFinding>,
    /// What darwin cgo code needs beyond the SDK-free path.
    pub darwin: Vec<DarwinFinding>,
    /// Packages `go list` could not load (deduplicated across platforms).
    pub warnings: Vec<String>,
}

/// The non-standard cgo packages of one platform's build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformCgo {
    /// The platform.
    pub platform: GoPlatform,
    /// Sorted by import path.
    pub packages: Vec<CgoPackage>,
}

/// A non-standard package with `CgoFiles`, as built for one platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CgoPackage {
    /// Import path.
    pub import_path: String,
    /// Its directory (in the module cache for a dependency).
    pub dir: Utf8PathBuf,
    /// The module providing it (`None`: unknown, e.g. GOPATH mode).
    pub module: Option<ModuleInfo>,
    /// Files importing "C".
    pub cgo_files: Vec<String>,
    /// C, C++, header and Objective-C files, relative to `dir`.
    pub c_files: Vec<String>,
    /// See `c_files`.
    pub cxx_files: Vec<String>,
    /// See `c_files`.
    pub h_files: Vec<String>,
    /// See `c_files`.
    pub m_files: Vec<String>,
    /// `#cgo CPPFLAGS/CFLAGS/CXXFLAGS` for this platform, `${SRCDIR}` expanded.
    pub compile_flags: Vec<String>,
    /// `#cgo LDFLAGS` for this platform.
    pub ldflags: Vec<String>,
    /// The requested packages (as given in `sub_packages`) that build it.
    pub used_by: Vec<String>,
}

/// The module of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleInfo {
    /// Module path.
    pub path: String,
    /// Version (`None` for the main module and directory replacements).
    pub version: Option<String>,
    /// Where its files are (the replacement's directory when replaced).
    pub dir: Option<Utf8PathBuf>,
    /// The module being built (never vendored).
    pub main: bool,
}

impl fmt::Display for ModuleInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.version {
            Some(v) => write!(f, "{}@{v}", self.path),
            None => f.write_str(&self.path),
        }
    }
}

// ---------------------------------------------------------------------------
// scan

/// List the cgo packages that `sub_packages` (relative to `module_dir`, as in
/// `subPackages`) build from on each of `targets`, and what their cgo code
/// needs (see the module documentation). `go` runs with `CGO_ENABLED=1`,
/// `GOWORK=off`, `GOFLAGS=-mod=readonly` (the module cache, never `vendor/`,
/// and go.mod/go.sum are never written) and `tags`; it may download modules.
pub fn scan(
    module_dir: &Utf8Path,
    go: &Utf8Path,
    targets: &[(Goos, Goarch)],
    tags: &[String],
    sub_packages: &[String],
) -> Result<CgoScan> {
    let mut platforms: Vec<GoPlatform> = Vec::new();
    for &(goos, goarch) in targets {
        let p = GoPlatform { goos, goarch };
        if !platforms.contains(&p) {
            platforms.push(p);
        }
    }
    let patterns: Vec<String> = sub_packages.iter().map(|s| package_pattern(s)).collect();
    let tag_list = tags.join(",");
    let mut args = vec!["list", "-e", "-deps", "-json"];
    if !tag_list.is_empty() {
        args.extend(["-tags", tag_list.as_str()]);
    }
    args.push("--");
    args.extend(patterns.iter().map(String::as_str));

    let mut listings = Vec::new();
    for &platform in &platforms {
        let env = GoEnv {
            goos: platform.goos,
            goarch: platform.goarch,
            goflags: "-mod=readonly",
        };
        let listed = go_list(go, module_dir, env, &args)
            .with_context(|| format!("listing the packages of {module_dir} for {platform}"))?;
        listings.push((platform, listed));
    }
    Ok(analyse(&listings))
}

/// `subPackages` entry → `go list` pattern (`cmd/x` → `./cmd/x`).
fn package_pattern(sub: &str) -> String {
    let sub = sub.trim_end_matches('/');
    if sub == "." || sub.starts_with("./") || sub.starts_with("../") {
        sub.to_owned()
    } else {
        format!("./{sub}")
    }
}

/// [`scan`]'s work once `go list` has answered: collect, read, judge.
pub(crate) fn analyse(listings: &[(GoPlatform, Vec<ListedPackage>)]) -> CgoScan {
    let mut out = CgoScan::default();
    let keep = vendor_keeps(listings);

    let mut vendoring = BTreeSet::new();
    let mut darwin: BTreeMap<(String, DarwinNeed), BTreeSet<GoPlatform>> = BTreeMap::new();
    for (platform, listed) in listings {
        for p in listed {
            if let Some(e) = &p.error {
                if p.name.is_empty() {
                    let w = format!("could not list {}: {}", p.import_path, first_line(&e.err));
                    if !out.warnings.contains(&w) {
                        out.warnings.push(w);
                    }
                }
            }
        }
        let mut packages: Vec<CgoPackage> = listed
            .iter()
            .filter(|p| !p.standard && !p.cgo_files.is_empty())
            .map(|p| cgo_package(p, listed))
            .collect();
        packages.sort_by(|a, b| a.import_path.cmp(&b.import_path));
        for pkg in &packages {
            let events = walk_includes(pkg);
            if platform.goos == Goos::Darwin {
                for need in darwin_needs(pkg, &events) {
                    darwin
                        .entry((pkg.import_path.clone(), need))
                        .or_default()
                        .insert(*platform);
                }
            }
            let module = pkg.module.as_ref().filter(|m| !m.main);
            let k = module
                .and_then(|m| m.dir.as_ref())
                .and_then(|d| keep.get(d));
            if let (Some(module), Some(k)) = (module, k) {
                vendoring.extend(vendoring_findings(pkg, module, k, &events));
            }
        }
        out.platforms.push(PlatformCgo {
            platform: *platform,
            packages,
        });
    }
    out.vendoring = collapse_under_dirs(vendoring);
    out.darwin = darwin
        .into_iter()
        .map(|((package, need), platforms)| DarwinFinding {
            package,
            platforms: platforms.into_iter().collect(),
            need,
        })
        .collect();
    out
}

/// The module's directory: the replacement's when replaced.
fn module_dir(m: &ListedModule) -> Option<Utf8PathBuf> {
    let dir = m
        .replace
        .as_ref()
        .map(|r| r.dir.as_str())
        .filter(|d| !d.is_empty())
        .unwrap_or(m.dir.as_str());
    (!dir.is_empty()).then(|| normalize(Utf8Path::new(dir)))
}

fn cgo_package(p: &ListedPackage, listed: &[ListedPackage]) -> CgoPackage {
    // The requested packages are the ones `go list` matched a pattern for.
    let mut used_by: Vec<String> = listed
        .iter()
        .filter(|r| !r.dep_only && !r.matched.is_empty())
        .filter(|r| r.import_path == p.import_path || r.deps.contains(&p.import_path))
        .flat_map(|r| r.matched.iter().map(|m| sub_package_name(m)))
        .collect();
    used_by.sort();
    used_by.dedup();
    CgoPackage {
        import_path: p.import_path.clone(),
        dir: normalize(Utf8Path::new(&p.dir)),
        module: p.module.as_ref().map(|m| {
            // A replacement's version is what is built (none for a directory).
            let version = m.replace.as_ref().map_or(&m.version, |r| &r.version);
            ModuleInfo {
                path: m.path.clone(),
                version: (!version.is_empty()).then(|| version.clone()),
                dir: module_dir(m),
                main: m.main,
            }
        }),
        cgo_files: p.cgo_files.clone(),
        c_files: p.c_files.clone(),
        cxx_files: p.cxx_files.clone(),
        h_files: p.h_files.clone(),
        m_files: p.m_files.clone(),
        compile_flags: [&p.cgo_cppflags, &p.cgo_cflags, &p.cgo_cxxflags]
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
        ldflags: p.cgo_ldflags.clone(),
        used_by,
    }
}

/// `./cmd/x` → `cmd/x`, as `subPackages` writes it.
fn sub_package_name(pattern: &str) -> String {
    match pattern.strip_prefix("./") {
        Some("") => ".".to_owned(),
        Some(rest) => rest.trim_end_matches('/').to_owned(),
        None => pattern.to_owned(),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("").trim()
}

/// `.` and `..` resolved lexically (module caches hold no symlinks).
fn normalize(p: &Utf8Path) -> Utf8PathBuf {
    let mut out = Utf8PathBuf::new();
    for c in p.components() {
        match c {
            Utf8Component::CurDir => {}
            Utf8Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_str()),
        }
    }
    out
}
