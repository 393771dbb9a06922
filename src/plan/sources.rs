//! The inputs a flake pins besides the Go code: Zig, the Go toolchain,
//! SQLite's source and the macOS SDK. Each is one typed value, so changing
//! where one comes from (an official Go release instead of a nixpkgs
//! attribute, SQLite's own amalgamation instead of nixpkgs') is local to its
//! type here and the templates that fetch it.

use super::paths::nix_relative;
use super::{validate, Ctx, MatrixError};
use crate::hash::sri;
use crate::matrix::{Pins, SdkSource, SqlitePin};
use crate::pins;
use crate::platform::Version;

/// The pinned Zig.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ZigPlan {
    /// Version.
    pub version: String,
    /// One tarball per build host, sorted by system.
    pub tarballs: Vec<ZigTarballPlan>,
}

/// One Zig tarball.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ZigTarballPlan {
    /// Nix system.
    pub system: String,
    /// URL.
    pub url: String,
    /// SRI hash.
    pub hash: String,
}

/// The Go toolchain the flake builds with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoToolchain {
    /// A nixpkgs attribute such as `go_1_25` (`pkgs.go_1_25`).
    Nixpkgs(String),
}

impl GoToolchain {
    /// The nixpkgs attribute, as `nix/default.nix` reads it.
    pub fn nixpkgs_attr(&self) -> &str {
        match self {
            GoToolchain::Nixpkgs(attr) => attr,
        }
    }

    /// The Go release, as far as the name says it (`go_1_25` → `1.25`).
    pub fn release(&self) -> Option<String> {
        let GoToolchain::Nixpkgs(attr) = self;
        attr.strip_prefix("go_").map(|v| v.replace('_', "."))
    }
}

/// How messages name it: `nixpkgs' go_1_25`.
impl std::fmt::Display for GoToolchain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GoToolchain::Nixpkgs(attr) => write!(f, "nixpkgs' {attr}"),
        }
    }
}

/// Where SQLite's source comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqliteSource {
    /// `pkgs.sqlite.src` of the nixpkgs flake.lock pins.
    Nixpkgs,
    /// A release tarball whose top folder holds `sqlite3.c`, `sqlite3.h`
    /// and `sqlite3ext.h`.
    Tarball {
        /// What `sqlite_version()` reports, e.g. `3.50.4`.
        version: String,
        /// Download URL.
        url: String,
        /// SRI sha256.
        hash: String,
    },
}

/// The macOS SDK.
#[derive(Debug, Clone)]
pub struct SdkPlan {
    /// SDK version (names osxcross' target prefix).
    pub version: String,
    /// Where the tarball is.
    pub location: SdkLocation,
}

/// Where the SDK tarball is.
#[derive(Debug, Clone)]
pub enum SdkLocation {
    /// Downloaded, with its hash.
    Url {
        /// URL.
        url: String,
        /// SRI sha256.
        hash: String,
    },
    /// A file inside the flake, as a path relative to it.
    Path(String),
}

/// `pins.zig`: only releases cgoflake holds tarball hashes for.
pub(super) fn zig(ctx: &Ctx, version: &str) -> Result<ZigPlan, MatrixError> {
    let release = pins::zig_release(version).ok_or_else(|| {
        let known: Vec<&str> = pins::ZIG_RELEASES.iter().map(|r| r.version).collect();
        ctx.invalid(
            "pins.zig",
            format!(
                "cgoflake holds no tarball hashes for Zig {version:?} (known: {})",
                known.join(", ")
            ),
        )
        .suggest(version, known.iter().copied())
    })?;
    Ok(ZigPlan {
        version: release.version.to_owned(),
        tarballs: release
            .tarballs
            .iter()
            .map(|t| ZigTarballPlan {
                system: t.system.to_owned(),
                url: t.url.to_owned(),
                hash: sri::hex_to_sri(t.sha256_hex).expect("pinned hex hashes are valid"),
            })
            .collect(),
    })
}

/// `pins.sqlite` and `pins.sqliteDefines`.
pub(super) fn sqlite(ctx: &Ctx, pins: &Pins) -> Result<SqliteSource, MatrixError> {
    let source = match &pins.sqlite {
        SqlitePin::Nixpkgs => SqliteSource::Nixpkgs,
        SqlitePin::Url(s) => {
            validate::sri_hash(ctx.file, "pins.sqlite.hash", &s.hash)?;
            validate::url(ctx.file, "pins.sqlite.url", &s.url)?;
            let three = Version::parse(s.version.trim_start_matches("3.")).is_some();
            if !three && !validate::is_dotted(&s.version) {
                return Err(ctx.invalid(
                    "pins.sqlite.version",
                    format!("{:?} is not a SQLite version like `3.50.4`", s.version),
                ));
            }
            SqliteSource::Tarball {
                version: s.version.clone(),
                url: s.url.clone(),
                hash: s.hash.clone(),
            }
        }
    };
    for (i, define) in pins.sqlite_defines.iter().enumerate() {
        validate::c_define(ctx.file, &format!("pins.sqliteDefines[{i}]"), define)?;
    }
    Ok(source)
}

/// `darwinSdk`: a version, and either `url` + `hash` or a `path` inside the flake.
pub(super) fn sdk(ctx: &Ctx, sdk: &SdkSource) -> Result<SdkPlan, MatrixError> {
    if !validate::is_dotted(&sdk.version) {
        return Err(ctx.invalid(
            "darwinSdk.version",
            format!("{:?} is not a macOS SDK version like `14.5`", sdk.version),
        ));
    }
    let location = match (&sdk.url, &sdk.hash, &sdk.path) {
        (Some(u), Some(h), None) => {
            validate::url(ctx.file, "darwinSdk.url", u)?;
            validate::sri_hash(ctx.file, "darwinSdk.hash", h)?;
            SdkLocation::Url {
                url: u.clone(),
                hash: h.clone(),
            }
        }
        (None, None, Some(p)) => {
            let key = "darwinSdk.path";
            validate::inside(ctx.file, key, p.as_str(), "the directory of the matrix")?;
            validate::nix_path_safe(ctx.file, key, p.as_str())?;
            // As written: the tarball need not exist when the flake is generated.
            let rel = nix_relative(ctx.out_dir, &ctx.base.join(p)).ok_or_else(|| {
                ctx.invalid(
                    key,
                    "the SDK tarball must be inside the generated flake's directory",
                )
            })?;
            SdkLocation::Path(rel)
        }
        (Some(_), None, None) => {
            return Err(ctx.invalid(
                "darwinSdk.hash",
                "required with `url`: the SRI sha256 of the SDK tarball",
            ))
        }
        _ => {
            return Err(ctx.invalid(
                "darwinSdk",
                "give either `url` + `hash`, or `path` (a local tarball)",
            ))
        }
    };
    Ok(SdkPlan {
        version: sdk.version.clone(),
        location,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_releases_from_attributes() {
        let go = |a: &str| GoToolchain::Nixpkgs(a.to_owned());
        assert_eq!(go("go_1_25").release().as_deref(), Some("1.25"));
        assert_eq!(go("go").release(), None);
        assert_eq!(go("go_1_25").to_string(), "nixpkgs' go_1_25");
        assert_eq!(go("go_1_25").nixpkgs_attr(), "go_1_25");
    }
}
