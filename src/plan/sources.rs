//! The inputs a flake pins besides the Go code: Zig and Go (official
//! release tarballs per build host), SQLite's amalgamation and the macOS SDK.
//! Each is one typed value; the templates only fetch what it says.

use camino::Utf8Path;

use super::paths::nix_relative;
use super::{validate, Ctx, MatrixError};
use crate::hash::sri;
use crate::matrix::{Pins, SdkSource, SqlitePin};
use crate::pins;
use crate::platform::{Platform, Version};

/// A pinned toolchain (Zig, Go): one official tarball per build host.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolchainPlan {
    /// Version.
    pub version: String,
    /// One tarball per build host, sorted by system.
    pub tarballs: Vec<TarballPlan>,
}

/// One release tarball.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TarballPlan {
    /// The Nix system it runs on.
    pub system: String,
    /// URL.
    pub url: String,
    /// SRI hash.
    pub hash: String,
    /// Go only: the build host's GOOS/GOARCH, which buildGoModule reads from
    /// its `go` (the cross settings are exported later).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goos: Option<&'static str>,
    /// See `goos`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goarch: Option<&'static str>,
}

/// The tarballs of a pinned release; `host_go`: name each host's GOOS/GOARCH.
pub(super) fn tarballs(release: &pins::Release, host_go: bool) -> Vec<TarballPlan> {
    release
        .tarballs
        .iter()
        .map(|t| {
            let native = host_go.then(|| Platform::native_to(t.system)).flatten();
            TarballPlan {
                system: t.system.to_owned(),
                url: t.url.to_owned(),
                hash: sri::hex_to_sri(t.sha256_hex).expect("pinned hex hashes are valid"),
                goos: native.map(|p| p.goos.as_str()),
                goarch: native.map(|p| p.goarch.as_str()),
            }
        })
        .collect()
}

/// Where SQLite's source comes from: a tarball whose top folder holds
/// `sqlite3.c`, `sqlite3.h` and `sqlite3ext.h` (cgoflake's pin of sqlite.org's
/// amalgamation unless the matrix names another).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteSource {
    /// What `sqlite_version()` reports, e.g. `3.50.4`.
    pub version: String,
    /// Download URL.
    pub url: String,
    /// SRI sha256.
    pub hash: String,
}

impl SqliteSource {
    /// cgoflake's own pin ([`pins::SQLITE`]).
    pub fn pinned() -> SqliteSource {
        SqliteSource {
            version: pins::SQLITE.version.to_owned(),
            url: pins::SQLITE.url.to_owned(),
            hash: sri::hex_to_sri(pins::SQLITE.sha256_hex).expect("pinned hex hashes are valid"),
        }
    }
}

/// The macOS SDK.
#[derive(Debug, Clone)]
pub struct SdkPlan {
    /// SDK version (names osxcross' target prefix).
    pub version: String,
    /// Where the tarball is.
    pub location: SourceLocation,
}

/// Where a pinned input (the SDK tarball, a C library's source) is.
#[derive(Debug, Clone)]
pub enum SourceLocation {
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
pub(super) fn zig(ctx: &Ctx, version: &str) -> Result<ToolchainPlan, MatrixError> {
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
    Ok(ToolchainPlan {
        version: release.version.to_owned(),
        tarballs: tarballs(release, false),
    })
}

/// `pins.sqlite` and `pins.sqliteDefines`: `None` when the program does not
/// use SQLite. Unset, the module in `src_dir` decides ([`links_sqlite`]).
pub(super) fn sqlite(
    ctx: &Ctx,
    pins: &Pins,
    src_dir: &Utf8Path,
) -> Result<Option<SqliteSource>, MatrixError> {
    let source = match &pins.sqlite {
        SqlitePin::Default if !links_sqlite(src_dir) => None,
        SqlitePin::Default | SqlitePin::Use(true) => Some(SqliteSource::pinned()),
        SqlitePin::Use(false) => None,
        SqlitePin::Tarball(s) => {
            validate::sri_hash(ctx.file, "pins.sqlite.hash", &s.hash)?;
            validate::url(ctx.file, "pins.sqlite.url", &s.url)?;
            let three = Version::parse(s.version.trim_start_matches("3.")).is_some();
            if !three && !validate::is_dotted(&s.version) {
                return Err(ctx.invalid(
                    "pins.sqlite.version",
                    format!("{:?} is not a SQLite version like `3.50.4`", s.version),
                ));
            }
            Some(SqliteSource {
                version: s.version.clone(),
                url: s.url.clone(),
                hash: s.hash.clone(),
            })
        }
    };
    for (i, define) in pins.sqlite_defines.iter().enumerate() {
        validate::c_define(ctx.file, &format!("pins.sqliteDefines[{i}]"), define)?;
    }
    Ok(source)
}

/// The Go modules whose cgo code links SQLite (go-sqlite3 with its
/// `libsqlite3` tag) or compiles against its header (sqlite-vec's bindings).
pub const SQLITE_MODULES: &[&str] = &[
    "github.com/mattn/go-sqlite3",
    "github.com/asg017/sqlite-vec-go-bindings",
];

/// Whether the module in `src_dir` can import one of [`SQLITE_MODULES`]:
/// its go.mod requires it (since Go 1.17 go.mod lists every module the
/// build needs, indirect ones included), or go.sum holds its source (older
/// go.mod files). Unreadable, it says yes: an unused SQLite costs a build,
/// a missing one fails it.
pub fn links_sqlite(src_dir: &Utf8Path) -> bool {
    let Ok(go_mod) = std::fs::read_to_string(src_dir.join("go.mod")) else {
        return true;
    };
    let go_sum = std::fs::read_to_string(src_dir.join("go.sum")).unwrap_or_default();
    SQLITE_MODULES.iter().any(|module| {
        required(&go_mod).any(|m| m == *module)
            || go_sum.lines().any(|l| {
                // `<module> <version> h1:…` is its source; `<version>/go.mod`
                // lines only say its go.mod was read.
                let mut f = l.split_whitespace();
                f.next() == Some(module) && f.next().is_some_and(|v| !v.ends_with("/go.mod"))
            })
    })
}

/// The module paths of go.mod's `require` lines and blocks.
fn required(go_mod: &str) -> impl Iterator<Item = &str> {
    let mut in_block = false;
    go_mod.lines().filter_map(move |line| {
        let line = line.split("//").next().unwrap_or("").trim();
        if in_block {
            if line == ")" {
                in_block = false;
                return None;
            }
            return line.split_whitespace().next();
        }
        match line.strip_prefix("require") {
            Some(rest) if rest.trim() == "(" => {
                in_block = true;
                None
            }
            Some(rest) if rest.starts_with(char::is_whitespace) => rest.split_whitespace().next(),
            _ => None,
        }
    })
}

/// A pinned input at `key`: either `url` + `hash`, or a `path` inside the
/// generated flake (as written: it need not exist when the flake is generated).
pub(super) fn location(
    ctx: &Ctx,
    key: &str,
    (url, hash, path): (Option<&str>, Option<&str>, Option<&Utf8Path>),
    what: &str,
) -> Result<SourceLocation, MatrixError> {
    match (url, hash, path) {
        (Some(u), Some(h), None) => {
            validate::url(ctx.file, &format!("{key}.url"), u)?;
            validate::sri_hash(ctx.file, &format!("{key}.hash"), h)?;
            Ok(SourceLocation::Url {
                url: u.to_owned(),
                hash: h.to_owned(),
            })
        }
        (None, None, Some(p)) => {
            let pkey = format!("{key}.path");
            validate::inside(ctx.file, &pkey, p.as_str(), "the directory of the matrix")?;
            validate::nix_path_safe(ctx.file, &pkey, p.as_str())?;
            let rel = nix_relative(ctx.out_dir, &ctx.base.join(p)).ok_or_else(|| {
                ctx.invalid(
                    &pkey,
                    format!("{what} must be inside the generated flake's directory"),
                )
            })?;
            Ok(SourceLocation::Path(rel))
        }
        (Some(_), None, None) => Err(ctx.invalid(
            format!("{key}.hash"),
            format!("required with `url`: the SRI sha256 of {what}"),
        )),
        _ => Err(ctx.invalid(
            key,
            format!("give either `url` + `hash`, or `path` ({what} inside the flake)"),
        )),
    }
}

/// `darwinSdk`: a version, and either `url` + `hash` or a `path` inside the flake.
pub(super) fn sdk(ctx: &Ctx, sdk: &SdkSource) -> Result<SdkPlan, MatrixError> {
    if !validate::is_dotted(&sdk.version) {
        return Err(ctx.invalid(
            "darwinSdk.version",
            format!("{:?} is not a macOS SDK version like `14.5`", sdk.version),
        ));
    }
    let location = location(
        ctx,
        "darwinSdk",
        (sdk.url.as_deref(), sdk.hash.as_deref(), sdk.path.as_deref()),
        "the SDK tarball",
    )?;
    Ok(SdkPlan {
        version: sdk.version.clone(),
        location,
    })
}
