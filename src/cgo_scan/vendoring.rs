//! Files `go mod vendor` drops: buildGoModule's default vendor step copies,
//! per package it needs, only the regular files of the package's directory
//! (no subdirectories), its `//go:embed` files, and `LICENSE`-like files of
//! the directories above it up to the module root
//! (cmd/go/internal/modcmd/vendor.go: `copyDir` with
//! `matchPotentialSourceFile`, `ResolveEmbed`, `copyMetadata`). A
//! dependency's cgo code that includes a file, or names an include
//! directory, outside that set builds from the module cache but not from
//! `vendor/`: a [`VendoringFinding`], fixed by `proxyVendor`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use camino::{Utf8Path, Utf8PathBuf};

use super::includes::{include_paths, IncludeEvent};
use super::{module_dir, normalize, CgoPackage, GoPlatform, ListedPackage, ModuleInfo};

/// Files `go mod vendor` copies from every directory above a vendored
/// package, up to the module root (cmd/go's `metaPrefixes`).
const METADATA_PREFIXES: &[&str] = &[
    "AUTHORS",
    "CONTRIBUTORS",
    "COPYLEFT",
    "COPYING",
    "COPYRIGHT",
    "LEGAL",
    "LICENSE",
    "NOTICE",
    "PATENTS",
];

/// Extensions of files an include directory is read for: a directory
/// holding only a README or a Makefile breaks nothing when left out.
const C_FAMILY_EXTENSIONS: &[&str] = &[
    "h", "hh", "hpp", "hxx", "h++", "inc", "inl", "ipp", "tcc", "def", "c", "cc", "cpp", "cxx",
    "m", "mm",
];

/// A file or directory a dependency's cgo code needs that `go mod vendor`
/// does not copy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct VendoringFinding {
    /// The cgo package.
    pub package: String,
    /// Its module, `path@version`.
    pub module: String,
    /// The needed path, relative to the module root (`/`-separated).
    pub path: String,
    /// How the package names it.
    pub reference: VendorReference,
}

/// How cgo code names a path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum VendorReference {
    /// An `#include`/`#import` line, in a file relative to the module root.
    Include {
        /// The including file (a Go file: its cgo preamble).
        file: String,
        /// The directive as written, e.g. `#include "src/lz4.c"`.
        directive: String,
    },
    /// A `#cgo` compiler flag naming a directory or file (`-I`, `-include`, …).
    Flag {
        /// The flag, e.g. `-I`.
        flag: String,
    },
}

impl fmt::Display for VendoringFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = match &self.reference {
            VendorReference::Include { file, directive } => format!("`{directive}` in {file}"),
            VendorReference::Flag { flag } => format!("`#cgo` flag {flag}"),
        };
        write!(
            f,
            "{} ({}) needs {} ({how}), outside every package directory of its module: \
             `go mod vendor` leaves it out, so the build needs buildGoModule's `proxyVendor` \
             (whole modules; `cgoflake gen` chooses it)",
            self.package, self.module, self.path
        )
    }
}

/// Per module root: the package directories and embedded files `go mod
/// vendor` copies (the union over platforms approximates its any-tags load).
pub(super) fn vendor_keeps(
    listings: &[(GoPlatform, Vec<ListedPackage>)],
) -> BTreeMap<Utf8PathBuf, VendorKeep> {
    let mut keep: BTreeMap<Utf8PathBuf, VendorKeep> = BTreeMap::new();
    for (_, listed) in listings {
        for p in listed {
            let Some(root) = p.module.as_ref().and_then(module_dir) else {
                continue;
            };
            if p.standard || p.dir.is_empty() {
                continue;
            }
            let k = keep.entry(root.clone()).or_insert_with(|| VendorKeep {
                root,
                package_dirs: BTreeSet::new(),
                embeds: BTreeSet::new(),
            });
            let dir = normalize(Utf8Path::new(&p.dir));
            k.embeds
                .extend(p.embed_files.iter().map(|e| normalize(&dir.join(e))));
            k.package_dirs.insert(dir);
        }
    }
    keep
}

/// What `go mod vendor` copies of one module (cmd/go's vendor.go).
#[derive(Debug, Clone)]
pub(super) struct VendorKeep {
    root: Utf8PathBuf,
    /// Directories of the packages the build needs.
    package_dirs: BTreeSet<Utf8PathBuf>,
    /// Their `//go:embed` files.
    embeds: BTreeSet<Utf8PathBuf>,
}

impl VendorKeep {
    /// Whether `file` (normalised, inside the module) is in `vendor/`.
    fn keeps_file(&self, file: &Utf8Path) -> bool {
        let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else {
            return false;
        };
        if self.package_dirs.contains(dir) {
            // copyDir: every regular file but tests (and go.mod/go.sum).
            return !name.ends_with("_test.go") && name != "go.mod" && name != "go.sum";
        }
        if self.embeds.contains(file) {
            return true;
        }
        // copyMetadata: LICENSE-like files from the directories above.
        METADATA_PREFIXES.iter().any(|p| name.starts_with(p))
            && dir.starts_with(&self.root)
            && self.package_dirs.iter().any(|d| d.starts_with(dir))
    }

    /// C-family files directly in `dir` that `vendor/` lacks: an include
    /// directory outside the package directories.
    fn dropped_in_dir(&self, dir: &Utf8Path) -> bool {
        if self.package_dirs.contains(dir) {
            return false;
        }
        let Ok(entries) = dir.read_dir_utf8() else {
            return false;
        };
        entries.flatten().any(|e| {
            let path = e.path();
            e.file_type().is_ok_and(|t| t.is_file())
                && path
                    .extension()
                    .is_some_and(|x| C_FAMILY_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()))
                && !self.keeps_file(path)
        })
    }

    /// `p` relative to the module root, `/`-separated (`.` for the root).
    fn relative(&self, p: &Utf8Path) -> String {
        match p.strip_prefix(&self.root) {
            Ok(r) if r.as_str().is_empty() => ".".to_owned(),
            Ok(r) => r
                .components()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join("/"),
            Err(_) => p.to_string(),
        }
    }
}

/// What of `pkg`'s includes and include paths `vendor/` lacks.
pub(super) fn vendoring_findings(
    pkg: &CgoPackage,
    module: &ModuleInfo,
    keep: &VendorKeep,
    events: &[IncludeEvent],
) -> Vec<VendoringFinding> {
    let finding = |path: &Utf8Path, reference| VendoringFinding {
        package: pkg.import_path.clone(),
        module: module.to_string(),
        path: keep.relative(path),
        reference,
    };
    let inside = |p: &Utf8Path| p.starts_with(&keep.root);
    let mut out = Vec::new();
    let paths = include_paths(&pkg.compile_flags);
    for (flag, dir) in &paths.dirs {
        if inside(dir) && dir.is_dir() && keep.dropped_in_dir(dir) {
            out.push(finding(dir, VendorReference::Flag { flag: flag.clone() }));
        }
    }
    for file in &paths.forced {
        if inside(file) && file.is_file() && !keep.keeps_file(file) {
            out.push(finding(
                file,
                VendorReference::Flag {
                    flag: "-include".into(),
                },
            ));
        }
    }
    for e in events {
        let Some(resolved) = &e.resolved else {
            continue;
        };
        if inside(resolved) && !keep.keeps_file(resolved) {
            out.push(finding(
                resolved,
                VendorReference::Include {
                    file: keep.relative(&e.from),
                    directive: e.directive.text.clone(),
                },
            ));
        }
    }
    out
}

/// One finding per package and path (the first reference wins), and none
/// for a file inside a directory already reported.
pub(super) fn collapse_under_dirs(findings: BTreeSet<VendoringFinding>) -> Vec<VendoringFinding> {
    let dirs: BTreeSet<(String, String)> = findings
        .iter()
        .filter(|f| matches!(f.reference, VendorReference::Flag { .. }))
        .map(|f| (f.package.clone(), f.path.clone()))
        .collect();
    let mut seen = BTreeSet::new();
    let mut out: Vec<VendoringFinding> = findings
        .into_iter()
        .filter(|f| {
            let under_dir = matches!(f.reference, VendorReference::Include { .. })
                && dirs.iter().any(|(pkg, d)| {
                    *pkg == f.package && (d == "." || Utf8Path::new(&f.path).starts_with(d))
                });
            !under_dir && seen.insert((f.package.clone(), f.path.clone()))
        })
        .collect();
    out.sort_by(|a, b| (&a.package, &a.path).cmp(&(&b.package, &b.path)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_keeps_package_files_embeds_and_licenses_above() {
        let keep = VendorKeep {
            root: "/m".into(),
            package_dirs: ["/m/a/b".into()].into(),
            embeds: ["/m/a/b/data/x.h".into()].into(),
        };
        let keeps = |p: &str| keep.keeps_file(Utf8Path::new(p));
        assert!(keeps("/m/a/b/x.c"));
        assert!(keeps("/m/a/b/data/x.h"));
        assert!(keeps("/m/LICENSE") && keeps("/m/a/COPYING.txt"));
        assert!(!keeps("/m/a/b/x_test.go"));
        assert!(!keeps("/m/a/b/data/y.h"));
        assert!(!keeps("/m/a/x.h"));
        assert!(!keeps("/m/README.md"));
        assert!(!keeps("/m/c/LICENSE"));
    }
}
