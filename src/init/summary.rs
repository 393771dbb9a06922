//! What `cgoflake init` prints: what was found and what to run next.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use camino::Utf8Path;

use super::starter::more_platforms;
use super::InitReport;
use crate::cgo_scan::GoPlatform;
use crate::platform::Goos;

impl InitReport {
    /// What to print: what was found and what to run next.
    pub fn summary(&self, dir: &Utf8Path) -> String {
        let mut s = String::new();
        let verb = if self.replaced { "replaced" } else { "wrote" };
        let _ = writeln!(s, "{verb} {}", self.matrix);
        let _ = writeln!(s, "module:        {}", self.module);
        let _ = writeln!(
            s,
            "go:            {} -> {}",
            self.go_line.as_deref().unwrap_or("(none)"),
            self.go_release
                .as_deref()
                .unwrap_or("(none held: see the warning)")
        );
        let _ = writeln!(s, "main packages: {}", self.main_packages.join(", "));
        if self.cgo_packages.is_empty() {
            let _ = writeln!(
                s,
                "CGO packages:  none found (the programs also build with CGO_ENABLED=0)"
            );
        } else {
            let _ = writeln!(s, "CGO packages:");
            for c in &self.cgo_packages {
                let whose = if c.own {
                    "this module".to_owned()
                } else {
                    format!("dependency {}", c.module.as_deref().unwrap_or("?"))
                };
                let only = if c.platforms == self.scanned {
                    String::new()
                } else {
                    format!("; only for {}", self.platform_names(&c.platforms))
                };
                let _ = writeln!(
                    s,
                    "  {} ({whose}; used by {}{only})",
                    c.import_path,
                    if c.used_by.is_empty() {
                        "-".to_owned()
                    } else {
                        c.used_by.join(", ")
                    }
                );
            }
            let by_goos = self.cgo_by_goos();
            if by_goos.values().collect::<BTreeSet<_>>().len() > 1 {
                let _ = writeln!(s, "CGO packages differ by GOOS:");
                for (goos, packages) in &by_goos {
                    let list: Vec<&str> = packages.iter().copied().collect();
                    let list = if list.is_empty() {
                        "none".to_owned()
                    } else {
                        list.join(", ")
                    };
                    let _ = writeln!(s, "  {goos}: {list}");
                }
            }
        }
        if !self.darwin_findings.is_empty() {
            let _ = writeln!(s, "darwin targets need an SDK:");
            for f in &self.darwin_findings {
                let _ = writeln!(s, "  - {f}");
            }
        }
        if !self.vendoring_findings.is_empty() {
            let _ = writeln!(
                s,
                "vendoring (handled by `cgoflake gen`: proxyVendor is chosen automatically):"
            );
            for f in &self.vendoring_findings {
                let _ = writeln!(s, "  - {f}");
            }
        }
        let matrix_arg = if dir == Utf8Path::new(".") {
            String::new()
        } else {
            format!(" --matrix {}", self.matrix)
        };
        let cd = if dir == Utf8Path::new(".") {
            String::new()
        } else {
            format!("cd {dir} && ")
        };
        let _ = writeln!(s, "next:");
        let _ = writeln!(
            s,
            "  cgoflake gen{matrix_arg}        # flake.nix + nix/*.nix, vendorHash computed locally"
        );
        let _ = writeln!(
            s,
            "  {cd}nix build .#linux-arm64    # or: cgoflake build{matrix_arg} linux-arm64"
        );
        let _ = writeln!(
            s,
            "more platforms to add to `targets`: {}",
            more_platforms().join(", ")
        );
        s
    }
}

impl InitReport {
    /// The cgo packages per scanned GOOS (any of its architectures).
    pub fn cgo_by_goos(&self) -> BTreeMap<Goos, BTreeSet<&str>> {
        let mut out: BTreeMap<Goos, BTreeSet<&str>> = self
            .scanned
            .iter()
            .map(|p| (p.goos, BTreeSet::new()))
            .collect();
        for c in &self.cgo_packages {
            for p in &c.platforms {
                out.entry(p.goos).or_default().insert(&c.import_path);
            }
        }
        out
    }

    /// `platforms` shortened: a GOOS whose every scanned architecture is
    /// there is named alone (`darwin`), others as `goos/goarch`.
    fn platform_names(&self, platforms: &[GoPlatform]) -> String {
        let mut names: Vec<String> = Vec::new();
        let goos: BTreeSet<Goos> = platforms.iter().map(|p| p.goos).collect();
        for g in goos {
            let all = self.scanned.iter().filter(|p| p.goos == g);
            if all.clone().all(|p| platforms.contains(p)) {
                names.push(g.to_string());
            } else {
                names.extend(
                    platforms
                        .iter()
                        .filter(|p| p.goos == g)
                        .map(ToString::to_string),
                );
            }
        }
        names.join(", ")
    }
}
