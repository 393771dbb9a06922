//! `project.go`: the official Go release the flake builds with, pinned by
//! hash like Zig (never nixpkgs' Go, whose patches compile /nix/store paths
//! into every binary, pitfall 16). By default the release go.mod asks for;
//! a go.mod that needs a newer Go than the pin is refused here, at `gen`,
//! rather than deep inside the build (GOTOOLCHAIN=local).

use std::cmp::Ordering;
use std::fmt;

use camino::Utf8Path;

use super::sources::{tarballs, ToolchainPlan};
use super::{Ctx, MatrixError};
use crate::pins;

/// A Go version as go.mod's `go`/`toolchain` lines and release names write
/// it: `1.25`, `1.25.3`, `1.26rc1`. `1.25` means the language version, which
/// every 1.25.x release provides, so it compares like `1.25.0`; a pre-release
/// of 1.26 is older than 1.26.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoVersion {
    major: u32,
    minor: u32,
    patch: u32,
    /// `rc2` → `(1, 2)`, `beta1` → `(0, 1)`; a release is `(2, 0)`.
    stage: (u8, u32),
}

impl GoVersion {
    /// Parse `1.25`, `1.25.3`, `1.26rc1`, `1.26beta2` (also with a `go` prefix).
    pub fn parse(text: &str) -> Option<GoVersion> {
        let text = text.strip_prefix("go").unwrap_or(text);
        let number = |s: &str| {
            (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let (release, stage) = match text.find(|c: char| c.is_ascii_alphabetic()) {
            None => (text, (2, 0)),
            Some(i) => {
                let (release, pre) = text.split_at(i);
                let stage = if let Some(n) = pre.strip_prefix("rc") {
                    (1, number(n)?)
                } else {
                    (0, number(pre.strip_prefix("beta")?)?)
                };
                (release, stage)
            }
        };
        let mut parts = release.split('.');
        let major = number(parts.next()?)?;
        let minor = number(parts.next()?)?;
        let patch = match parts.next() {
            Some(p) if stage.0 == 2 => number(p)?,
            Some(_) => return None,
            None => 0,
        };
        parts.next().is_none().then_some(GoVersion {
            major,
            minor,
            patch,
            stage,
        })
    }

    /// The language version (`1.25`).
    fn minor_release(&self) -> (u32, u32) {
        (self.major, self.minor)
    }
}

impl Ord for GoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let key = |v: &GoVersion| {
            // A pre-release comes before every patch release of its minor.
            let patch = if v.stage.0 == 2 {
                i64::from(v.patch)
            } else {
                -1
            };
            (v.major, v.minor, patch, v.stage)
        };
        key(self).cmp(&key(other))
    }
}

impl PartialOrd for GoVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        match self.stage {
            (2, _) => write!(f, ".{}", self.patch),
            (1, n) => write!(f, "rc{n}"),
            (_, n) => write!(f, "beta{n}"),
        }
    }
}

/// What go.mod asks for: its `go` line (the minimum release) and its
/// `toolchain` line (a suggestion), when present.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GoModRequirement {
    /// `go 1.25.0`; a go.mod without one means Go 1.16.
    pub go: Option<GoVersion>,
    /// `toolchain go1.25.5`.
    pub toolchain: Option<GoVersion>,
}

impl GoModRequirement {
    /// Read the `go` and `toolchain` directives of a go.mod text.
    pub fn parse(go_mod: &str) -> GoModRequirement {
        let mut req = GoModRequirement::default();
        let mut in_block = false;
        for line in go_mod.lines() {
            let line = line.split("//").next().unwrap_or("").trim();
            // `require ( … )` and the like hold module lines, never directives.
            if in_block {
                in_block = line != ")";
                continue;
            }
            if line.ends_with('(') {
                in_block = true;
                continue;
            }
            let mut words = line.split_whitespace();
            match (words.next(), words.next(), words.next()) {
                (Some("go"), Some(v), None) => req.go = GoVersion::parse(v),
                (Some("toolchain"), Some(v), None) => req.toolchain = GoVersion::parse(v),
                _ => {}
            }
        }
        req
    }

    /// The oldest release that can build the module.
    pub fn minimum(&self) -> GoVersion {
        self.go.unwrap_or(GoVersion {
            major: 1,
            minor: 16,
            patch: 0,
            stage: (2, 0),
        })
    }
}

/// Every release cgoflake holds, oldest first, with its parsed version.
fn held() -> impl Iterator<Item = (GoVersion, &'static pins::Release)> {
    pins::GO_RELEASES.iter().map(|r| {
        let v = GoVersion::parse(r.version).expect("pinned Go versions parse");
        (v, r)
    })
}

/// The held releases, for messages: `1.25.14, 1.26.8, …`.
pub fn held_list() -> String {
    pins::GO_RELEASES
        .iter()
        .map(|r| r.version)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The release a module gets when the matrix names none: its `toolchain`
/// line if cgoflake holds that release; else the newest held release of the
/// minor its `go` line names; else, for an older module, the newest patch of
/// the oldest held minor above it. `None`: the module needs a newer Go than
/// any held release.
pub fn default_release(req: &GoModRequirement) -> Option<&'static pins::Release> {
    let min = req.minimum();
    if let Some(t) = req.toolchain.filter(|t| *t >= min) {
        if let Some((_, r)) = held().find(|(v, _)| *v == t) {
            return Some(r);
        }
    }
    let newest_of = |minor: (u32, u32)| {
        held()
            .filter(|(v, _)| v.minor_release() == minor && *v >= min)
            .last()
            .map(|(_, r)| r)
    };
    newest_of(min.minor_release()).or_else(|| {
        let next = held()
            .map(|(v, _)| v.minor_release())
            .find(|m| *m > min.minor_release())?;
        newest_of(next)
    })
}

/// `project.go` for the module in `src_dir`.
pub(super) fn resolve(
    ctx: &Ctx,
    written: Option<&str>,
    src_dir: &Utf8Path,
) -> Result<ToolchainPlan, MatrixError> {
    let go_mod = src_dir.join("go.mod");
    let req = GoModRequirement::parse(&std::fs::read_to_string(&go_mod).unwrap_or_default());
    let release = match written {
        Some(text) => {
            let release = named(ctx, text)?;
            let pinned = GoVersion::parse(release.version).expect("pinned Go versions parse");
            if pinned < req.minimum() {
                return Err(ctx
                    .invalid(
                        "project.go",
                        format!(
                            "{go_mod} needs Go >= {} (its `go` line), newer than the pinned {}",
                            req.minimum(),
                            release.version
                        ),
                    )
                    .with_help(format!(
                        "pin a release that can build it (cgoflake holds {}), or lower go.mod's `go` line",
                        held_list()
                    )));
            }
            release
        }
        None => default_release(&req).ok_or_else(|| {
            ctx.invalid(
                "project.src",
                format!(
                    "{go_mod} needs Go >= {} (its `go` line), newer than every Go release cgoflake holds ({})",
                    req.minimum(),
                    held_list()
                ),
            )
            .with_help("cgoflake pins official Go releases by their published hashes; a newer cgoflake holds newer ones")
        })?,
    };
    Ok(ToolchainPlan {
        version: release.version.to_owned(),
        tarballs: tarballs(release, true),
    })
}

/// A release named in the matrix: exactly one cgoflake holds.
fn named(ctx: &Ctx, text: &str) -> Result<&'static pins::Release, MatrixError> {
    if let Some(r) = pins::go_release(text) {
        return Ok(r);
    }
    let versions: Vec<&str> = pins::GO_RELEASES.iter().map(|r| r.version).collect();
    if text.starts_with("go_") || text == "go" {
        return Err(ctx
            .invalid(
                "project.go",
                format!(
                    "{text:?} names a nixpkgs attribute; `project.go` is an official Go release now (cgoflake holds {})",
                    held_list()
                ),
            )
            .with_help("nixpkgs' Go compiles /nix/store paths into every binary; write a release like \"1.25.14\", or leave `project.go` out to follow go.mod's `go` line"));
    }
    Err(ctx
        .invalid(
            "project.go",
            format!(
                "cgoflake holds no tarball hashes for Go {text:?} (held: {})",
                held_list()
            ),
        )
        .suggest(text, versions.iter().copied()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> GoVersion {
        GoVersion::parse(s).unwrap()
    }

    #[test]
    fn versions_parse_and_order_like_go() {
        assert!(v("1.25") < v("1.25.1"));
        assert_eq!(v("1.25").cmp(&v("1.25.0")), Ordering::Equal);
        assert!(v("1.26rc1") < v("1.26.0"));
        assert!(v("1.26beta2") < v("1.26rc1"));
        assert!(v("1.25.14") < v("1.26rc1"));
        assert_eq!(v("go1.25.3"), v("1.25.3"));
        assert_eq!(v("1.26rc2").to_string(), "1.26rc2");
        for bad in ["", "1", "1.x", "1.25.3.4", "1.26rc", "1.26rc1.2", "v1.25"] {
            assert_eq!(GoVersion::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn go_mod_lines_are_read() {
        let req = GoModRequirement::parse(
            "module x\n\ngo 1.25.2 // the language\ntoolchain go1.26.8\n\nrequire (\n\tgo 1.99\n)\n",
        );
        assert_eq!(req.go, Some(v("1.25.2")));
        assert_eq!(req.toolchain, Some(v("1.26.8")));
        assert_eq!(GoModRequirement::parse("module x\n").minimum(), v("1.16"));
    }

    fn default_for(go_mod: &str) -> Option<&'static str> {
        default_release(&GoModRequirement::parse(go_mod)).map(|r| r.version)
    }

    #[test]
    fn the_default_follows_go_mod() {
        let newest_125 = held().filter(|(v, _)| v.minor_release() == (1, 25)).last();
        let newest_125 = newest_125.unwrap().1.version;
        assert_eq!(default_for("go 1.25\n"), Some(newest_125));
        assert_eq!(default_for("go 1.25.0\n"), Some(newest_125));
        // Older modules get the oldest minor held, at its newest patch.
        assert_eq!(default_for("go 1.21\n"), Some(newest_125));
        assert_eq!(default_for("module x\n"), Some(newest_125));
        // A held toolchain line wins; one cgoflake does not hold does not.
        assert_eq!(default_for("go 1.25\ntoolchain go1.26.8\n"), Some("1.26.8"));
        assert_eq!(
            default_for("go 1.25\ntoolchain go1.26.3\n"),
            Some(newest_125)
        );
        // Newer than anything held: no default.
        assert_eq!(default_for("go 1.99\n"), None);
        // Past the newest held patch of its minor: the next minor held.
        assert_eq!(default_for("go 1.25.99\n"), default_for("go 1.26\n"));
    }
}
