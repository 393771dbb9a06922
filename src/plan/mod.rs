//! The plan: every target of the matrix resolved into its concrete recipe
//! (Zig triple, Go environment, C flags, linker flags). This is the single
//! source of truth: `cgoflake targets --json` prints it, the templates render
//! it into `nix/plan.nix`, and tests assert on it.

use std::collections::BTreeMap;

use camino::{Utf8Path, Utf8PathBuf};
use serde::Serialize;

use crate::hash::nar;
use crate::matrix::error::{join_key, MatrixError};
use crate::matrix::{DarwinLinker, Libc, Matrix, SqlitePin, TargetEntry, TargetSpec, Toolchain};
use crate::pins;
use crate::platform::{self as target, Platform, Runner};

pub mod validate;

/// Environment variables cgoflake sets per target; the matrix cannot override them.
pub const RESERVED_ENV: &[&str] = &[
    "GOOS",
    "GOARCH",
    "GOARM",
    "GOAMD64",
    "GO386",
    "CC",
    "CXX",
    "CGO_ENABLED",
    "CGO_CFLAGS",
    "CGO_CXXFLAGS",
    "CGO_LDFLAGS",
    "GOFLAGS",
    "GOPATH",
    "GOCACHE",
    "GOPROXY",
    "GOTOOLCHAIN",
    "ZIG_GLOBAL_CACHE_DIR",
    "ZIG_LOCAL_CACHE_DIR",
];

/// Installed with SQLite's headers; musl targets `-include` it (pitfall 10).
pub const COMPAT_HEADER: &str = "cgoflake-compat.h";

/// The go-sqlite3 build tag that links the separately built SQLite.
pub const SQLITE_TAG: &str = "libsqlite3";

/// The resolved plan of a whole matrix.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// The cgoflake version that made this plan.
    pub generator: String,
    /// What is built.
    pub project: ProjectPlan,
    /// The pinned Zig.
    pub zig: ZigPlan,
    /// The pinned SQLite source and options.
    pub sqlite: SqlitePlan,
    /// The macOS SDK, when the matrix names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub darwin_sdk: Option<SdkPlan>,
    /// Whether any target uses osxcross (then `nix/osxcross.nix` is generated).
    pub needs_osxcross: bool,
    /// osxcross' default deployment target (`defaults.macos`); each osxcross
    /// target also passes its own `-mmacosx-version-min`.
    pub darwin_minimum: String,
    /// Whether any target links darwin with generated stubs.
    pub needs_darwin_stubs: bool,
    /// Every target, sorted by name.
    pub targets: Vec<TargetPlan>,
}

/// Project-wide settings for `buildGoModule`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectPlan {
    /// `pname`.
    pub pname: String,
    /// `version`.
    pub version: String,
    /// The flake's description.
    pub description: String,
    /// The Go module, relative to the generated flake (a Nix path literal).
    pub src: String,
    /// The Go module on disk.
    #[serde(skip)]
    pub src_dir: Utf8PathBuf,
    /// `subPackages`.
    pub sub_packages: Vec<String>,
    /// Build tags; always holds `libsqlite3`.
    pub tags: Vec<String>,
    /// Go linker flags for every target, before the stamps.
    pub ldflags: Vec<String>,
    /// Extra environment for the Go build.
    pub env: BTreeMap<String, String>,
    /// `vendorHash` as written in the matrix (`auto` until `gen` computes it).
    pub vendor_hash: VendorHashPlan,
    /// nixpkgs attribute of the Go toolchain.
    pub go: String,
    /// `-X` stamp targets.
    pub stamp: StampPlan,
    /// The `default` package: a target name, or `all`.
    pub default_package: String,
    /// Arguments of the self-test `nix flake check` runs where it can; `None`: no run.
    pub check_args: Option<Vec<String>>,
    /// The hand-written Nix file merged into the flake's outputs, relative to
    /// the generated flake (a Nix path literal like `./nix/extra.nix`).
    pub flake_extras: Option<String>,
}

/// `vendorHash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "value")]
pub enum VendorHashPlan {
    /// `null`: the module has no dependencies.
    None,
    /// A fixed SRI hash.
    Fixed(String),
    /// To be computed by `cgoflake gen`.
    Auto,
}

/// Where stamps go.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StampPlan {
    /// Receives the version.
    pub version: Option<String>,
    /// Receives the commit.
    pub commit: Option<String>,
    /// Receives the build time (Unix seconds of the flake's lastModified).
    pub build_time: Option<String>,
}

/// The pinned Zig.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ZigPlan {
    /// Version.
    pub version: String,
    /// One tarball per build host.
    pub tarballs: Vec<ZigTarballPlan>,
}

/// One Zig tarball.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ZigTarballPlan {
    /// Nix system.
    pub system: String,
    /// URL.
    pub url: String,
    /// SRI hash.
    pub hash: String,
}

/// The SQLite source.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SqlitePlan {
    /// The header nix/sqlite.nix installs beside sqlite3.h for musl targets
    /// (see the recipe).
    pub compat_header: String,
    /// `nixpkgs` or `url`.
    pub source: String,
    /// Version, for an explicit source.
    pub version: Option<String>,
    /// URL, for an explicit source.
    pub url: Option<String>,
    /// SRI hash, for an explicit source.
    pub hash: Option<String>,
}

/// The macOS SDK.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SdkPlan {
    /// SDK version.
    pub version: String,
    /// URL (with hash) ...
    pub url: Option<String>,
    /// ... and its hash.
    pub hash: Option<String>,
    /// ... or a path relative to the generated flake.
    pub path: Option<String>,
}

/// One target, fully resolved.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetPlan {
    /// Name: the flake attribute and the build job.
    pub name: String,
    /// GOOS.
    pub goos: String,
    /// GOARCH.
    pub goarch: String,
    /// C library (linux).
    pub libc: Option<Libc>,
    /// glibc floor (linux gnu).
    pub glibc: Option<String>,
    /// Minimum macOS (darwin).
    pub macos: Option<String>,
    /// C toolchain.
    pub toolchain: Toolchain,
    /// How darwin links with zig.
    pub darwin_linker: Option<DarwinLinker>,
    /// Zig's `-target`.
    pub zig_target: String,
    /// The Go environment: GOOS, GOARCH, GOARM/GOAMD64, CGO_ENABLED, CC, CXX.
    pub go_env: BTreeMap<String, String>,
    /// CGO_CFLAGS (the SQLite include directory is added in Nix).
    pub cgo_cflags: Vec<String>,
    /// CGO_LDFLAGS (the SQLite library directory is added in Nix).
    pub cgo_ldflags: Vec<String>,
    /// Go linker flags specific to this target.
    pub go_ldflags: Vec<String>,
    /// Flags compiling SQLite's amalgamation.
    pub sqlite_cflags: Vec<String>,
    /// Fully static (musl).
    pub static_binary: bool,
    /// How an x86_64 Linux host runs it.
    pub runner: Runner,
    /// The Nix system that runs it natively (tests run only there).
    pub native_system: Option<String>,
    /// `.exe` on windows.
    pub exe_suffix: String,
    /// Where `cgoflake build` collects it: `<goos>/<goarch>`.
    pub out_dir: String,
    /// The executable format: `elf`, `pe` or `macho`.
    pub binary_format: String,
    /// The machine number the header must carry (ELF `e_machine`, PE
    /// `Machine`, Mach-O `cputype`); the generated checks compare it.
    pub machine: u32,
    /// linux gnu: the standard dynamic linker the binary must name.
    pub interpreter: Option<String>,
}

/// Resolve a parsed matrix. `matrix_file` is the file it came from (for
/// errors and relative paths); `out_dir` is where the flake is generated.
pub fn resolve(
    m: &Matrix,
    matrix_file: &Utf8Path,
    out_dir: &Utf8Path,
) -> Result<Plan, MatrixError> {
    let file = matrix_file;
    let base = matrix_file.parent().unwrap_or(Utf8Path::new("."));
    let base = if base.as_str().is_empty() {
        Utf8Path::new(".")
    } else {
        base
    };

    // Zig: only releases we hold hashes for.
    let release = pins::zig_release(&m.pins.zig).ok_or_else(|| {
        let known: Vec<&str> = pins::ZIG_RELEASES.iter().map(|r| r.version).collect();
        MatrixError::invalid(
            file,
            "pins.zig",
            format!(
                "cgoflake holds no tarball hashes for Zig {:?} (known: {})",
                m.pins.zig,
                known.join(", ")
            ),
        )
        .suggest(&m.pins.zig, known.iter().copied())
    })?;
    let zig = ZigPlan {
        version: release.version.to_owned(),
        tarballs: release
            .tarballs
            .iter()
            .map(|t| ZigTarballPlan {
                system: t.system.to_owned(),
                url: t.url.to_owned(),
                hash: nar::hex_to_sri(t.sha256_hex).expect("pinned hex hashes are valid"),
            })
            .collect(),
    };

    let sqlite = match &m.pins.sqlite {
        SqlitePin::Nixpkgs => SqlitePlan {
            compat_header: COMPAT_HEADER.into(),
            source: "nixpkgs".into(),
            version: None,
            url: None,
            hash: None,
        },
        SqlitePin::Url(s) => {
            validate::sri_hash(file, "pins.sqlite.hash", &s.hash)?;
            url(file, "pins.sqlite.url", &s.url)?;
            if target::parse_version(s.version.trim_start_matches("3.")).is_none()
                && !is_dotted(&s.version)
            {
                return Err(MatrixError::invalid(
                    file,
                    "pins.sqlite.version",
                    format!("{:?} is not a SQLite version like `3.50.4`", s.version),
                ));
            }
            SqlitePlan {
                compat_header: COMPAT_HEADER.into(),
                source: "url".into(),
                version: Some(s.version.clone()),
                url: Some(s.url.clone()),
                hash: Some(s.hash.clone()),
            }
        }
    };
    for (i, d) in m.pins.sqlite_defines.iter().enumerate() {
        let ok = !d.is_empty()
            && d.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_=.-".contains(c));
        if !ok || !d.starts_with(|c: char| c.is_ascii_uppercase()) {
            return Err(MatrixError::invalid(file, format!("pins.sqliteDefines[{i}]"), format!("{d:?} is not a C define like `SQLITE_ENABLE_FTS5` or `SQLITE_MAX_LENGTH=1000000`")));
        }
    }

    let darwin_sdk = match &m.darwin_sdk {
        None => None,
        Some(sdk) => Some(resolve_sdk(file, base, out_dir, sdk)?),
    };

    let project = resolve_project(m, file, base, out_dir)?;

    if m.targets.0.is_empty() {
        return Err(MatrixError::invalid(
            file,
            "targets",
            "no targets: list at least one, e.g. [\"linux/amd64\"]",
        ));
    }
    for (field, flags) in [
        ("defaults.cflags", &m.defaults.cflags),
        ("defaults.ldflags", &m.defaults.ldflags),
    ] {
        c_flags(file, field, flags)?;
    }
    let mut targets = Vec::new();
    for (name, entry) in &m.targets.0 {
        let (spec, key) = match entry {
            TargetEntry::Long(spec) => {
                let key = TargetKey::Long(join_key("targets", name));
                validate::target_name(file, key.entry(), name)?;
                (spec.clone(), key)
            }
            TargetEntry::Short(short) => {
                let key = TargetKey::Short(format!("targets[{}]", short.index));
                (parse_short(file, key.entry(), &short.text)?, key)
            }
        };
        targets.push(resolve_target(
            m,
            file,
            &key,
            name,
            &spec,
            darwin_sdk.is_some(),
        )?);
    }

    if let Some(default) = &m.project.default_target {
        if !targets.iter().any(|t| &t.name == default) {
            let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
            return Err(MatrixError::invalid(
                file,
                "project.defaultTarget",
                format!(
                    "no target named `{default}` (targets: {})",
                    names.join(", ")
                ),
            )
            .suggest(default, names.iter().copied()));
        }
    }

    // Two targets with the same directory (say, two toolchains for one
    // platform) fall back to `<goos>/<name>`, so outputs never overwrite each other.
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for t in &targets {
        *seen.entry(t.out_dir.clone()).or_default() += 1;
    }
    for t in &mut targets {
        if seen[&t.out_dir] > 1 {
            t.out_dir = format!("{}/{}", t.goos, t.name);
        }
    }

    Ok(Plan {
        generator: format!("cgoflake {}", env!("CARGO_PKG_VERSION")),
        needs_osxcross: targets.iter().any(|t| t.toolchain == Toolchain::Osxcross),
        darwin_minimum: m.defaults.macos.clone(),
        needs_darwin_stubs: targets
            .iter()
            .any(|t| t.darwin_linker == Some(DarwinLinker::Stubs)),
        project,
        zig,
        sqlite,
        darwin_sdk,
        targets,
    })
}

/// Where a target's errors point: `targets.<name>.<field>` in the long form;
/// the list item `targets[<i>]` itself in the short form, which has no fields.
enum TargetKey {
    Long(String),
    Short(String),
}

impl TargetKey {
    /// The whole entry.
    fn entry(&self) -> &str {
        match self {
            TargetKey::Long(k) | TargetKey::Short(k) => k,
        }
    }

    /// One of its fields.
    fn field(&self, field: &str) -> String {
        match self {
            TargetKey::Long(k) => join_key(k, field),
            TargetKey::Short(k) => k.clone(),
        }
    }
}

/// C compiler or linker flags: one flag per item, no whitespace (they are
/// joined with spaces into CGO_CFLAGS/CGO_LDFLAGS).
fn c_flags(file: &Utf8Path, key: &str, flags: &[String]) -> Result<(), MatrixError> {
    for (i, f) in flags.iter().enumerate() {
        if f.is_empty() || f.contains(char::is_whitespace) {
            return Err(MatrixError::invalid(
                file,
                format!("{key}[{i}]"),
                format!("{f:?}: give one flag per list item, without spaces (e.g. [\"-DA=1\", \"-DB=2\"])"),
            ));
        }
    }
    Ok(())
}

fn is_dotted(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    (2..=4).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn url(file: &Utf8Path, key: &str, u: &str) -> Result<(), MatrixError> {
    let ok = (u.starts_with("https://") || u.starts_with("http://"))
        && !u.chars().any(|c| c.is_whitespace() || c == '"');
    if ok {
        Ok(())
    } else {
        Err(MatrixError::invalid(
            file,
            key,
            format!("{u:?} is not an http(s) URL"),
        ))
    }
}

/// `src` as a Nix path literal relative to the generated flake.
fn nix_relative(from: &Utf8Path, to: &Utf8Path) -> Option<String> {
    let rel = pathdiff(to, from)?;
    Some(if rel.as_str().is_empty() || rel == "." {
        "./.".to_owned()
    } else {
        format!("./{rel}")
    })
}

/// `to` relative to `from`, both relative to the same base, when `to` is inside `from`.
fn pathdiff(to: &Utf8Path, from: &Utf8Path) -> Option<Utf8PathBuf> {
    let norm = |p: &Utf8Path| -> Utf8PathBuf {
        p.components()
            .filter(|c| !matches!(c, camino::Utf8Component::CurDir))
            .collect()
    };
    let (to, from) = (norm(to), norm(from));
    to.strip_prefix(&from).ok().map(Utf8Path::to_owned)
}

fn resolve_project(
    m: &Matrix,
    file: &Utf8Path,
    base: &Utf8Path,
    out_dir: &Utf8Path,
) -> Result<ProjectPlan, MatrixError> {
    let p = &m.project;
    let pname_ok = !p.pname.is_empty()
        && p.pname.len() <= 100
        && p.pname.starts_with(|c: char| c.is_ascii_alphanumeric())
        && p.pname
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.+".contains(c));
    if !pname_ok {
        return Err(MatrixError::invalid(file, "project.pname", format!("{:?} is not a valid package name: letters, digits and `-_.+`, starting with a letter or digit", p.pname)));
    }
    let version_ok = !p.version.is_empty()
        && p.version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.+".contains(c));
    if !version_ok {
        return Err(MatrixError::invalid(
            file,
            "project.version",
            format!(
                "{:?} is not a valid version: letters, digits and `-_.+`",
                p.version
            ),
        ));
    }
    validate::inside(
        file,
        "project.src",
        p.src.as_str(),
        "the directory of the matrix",
    )?;
    validate::nix_path_safe(file, "project.src", p.src.as_str())?;
    let src_dir = base.join(&p.src);
    if !src_dir.join("go.mod").is_file() {
        return Err(MatrixError::invalid(
            file,
            "project.src",
            format!(
                "{:?} holds no go.mod (looked for {})",
                p.src.as_str(),
                src_dir.join("go.mod")
            ),
        )
        .with_help("point `src` at the Go module directory, relative to the matrix file"));
    }
    // The module must be inside the generated flake, or Nix cannot copy it.
    let src_rel_to_out = {
        let abs = |d: &Utf8Path| d.canonicalize_utf8().ok();
        match (abs(&src_dir), abs(out_dir)) {
            (Some(s), Some(o)) => nix_relative(&o, &s),
            // The output directory may not exist yet: fall back to lexical paths.
            _ => nix_relative(out_dir, &src_dir),
        }
    }
    .ok_or_else(|| {
        MatrixError::invalid(
            file,
            "project.src",
            format!(
                "{:?} is outside the generated flake's directory {out_dir}",
                p.src.as_str()
            ),
        )
    })?;

    if p.sub_packages.is_empty() {
        return Err(MatrixError::invalid(
            file,
            "project.subPackages",
            "list at least one main package, e.g. [\".\"]",
        ));
    }
    for (i, sp) in p.sub_packages.iter().enumerate() {
        let key = format!("project.subPackages[{i}]");
        validate::inside(file, &key, sp, "the module")?;
        if !src_dir.join(sp).is_dir() {
            return Err(MatrixError::invalid(
                file,
                key,
                format!("{sp:?} is not a directory of the module {}", p.src),
            ));
        }
    }
    for name in p.env.keys() {
        validate::env_name(file, &join_key("project.env", name), name, RESERVED_ENV)?;
    }
    for (i, tag) in p.tags.iter().enumerate() {
        let ok = !tag.is_empty()
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.".contains(c));
        if !ok {
            return Err(MatrixError::invalid(
                file,
                format!("project.tags[{i}]"),
                format!("{tag:?} is not a Go build tag (letters, digits, `_`, `.`)"),
            ));
        }
    }
    let mut tags = p.tags.clone();
    if !tags.iter().any(|t| t == SQLITE_TAG) {
        tags.push(SQLITE_TAG.to_owned());
    }
    let vendor_hash = match p.vendor_hash.as_deref() {
        None => VendorHashPlan::None,
        Some("auto") => VendorHashPlan::Auto,
        Some(h) => {
            validate::sri_hash(file, "project.vendorHash", h).map_err(|e| MatrixError {
                message: format!(
                    "{} (or `\"auto\"`, or `null` without dependencies)",
                    e.message
                ),
                ..e
            })?;
            VendorHashPlan::Fixed(h.to_owned())
        }
    };
    validate::nix_attr(file, "project.go", &p.go)?;
    for (key, sym) in [
        ("version", &p.stamp.version),
        ("commit", &p.stamp.commit),
        ("buildTime", &p.stamp.build_time),
    ] {
        if let Some(sym) = sym {
            validate::go_symbol(file, &format!("project.stamp.{key}"), sym)?;
        }
    }
    Ok(ProjectPlan {
        pname: p.pname.clone(),
        version: p.version.clone(),
        description: p
            .description
            .clone()
            .unwrap_or_else(|| format!("{} cross-compiled with cgoflake", p.pname)),
        src: src_rel_to_out,
        src_dir,
        sub_packages: p.sub_packages.clone(),
        tags,
        ldflags: p.ldflags.clone(),
        env: p.env.clone(),
        vendor_hash,
        go: p.go.clone(),
        stamp: StampPlan {
            version: p.stamp.version.clone(),
            commit: p.stamp.commit.clone(),
            build_time: p.stamp.build_time.clone(),
        },
        default_package: p.default_target.clone().unwrap_or_else(|| "all".to_owned()),
        check_args: check_args(file, p.check_args.as_deref())?,
        flake_extras: flake_extras(file, base, out_dir, p.flake_extras.as_deref())?,
    })
}

/// `project.checkArgs`: plain strings without NUL; an empty list means no run.
fn check_args(
    file: &Utf8Path,
    args: Option<&[String]>,
) -> Result<Option<Vec<String>>, MatrixError> {
    let Some(args) = args else { return Ok(None) };
    for (i, a) in args.iter().enumerate() {
        if a.contains('\0') {
            return Err(MatrixError::invalid(
                file,
                format!("project.checkArgs[{i}]"),
                "an argument cannot contain a NUL byte",
            ));
        }
    }
    Ok((!args.is_empty()).then(|| args.to_vec()))
}

/// `project.flakeExtras`: an existing `.nix` file inside the generated flake.
fn flake_extras(
    file: &Utf8Path,
    base: &Utf8Path,
    out_dir: &Utf8Path,
    path: Option<&Utf8Path>,
) -> Result<Option<String>, MatrixError> {
    let Some(path) = path else { return Ok(None) };
    let key = "project.flakeExtras";
    validate::inside(file, key, path.as_str(), "the directory of the matrix")?;
    validate::nix_path_safe(file, key, path.as_str())?;
    let full = base.join(path);
    if path.extension() != Some("nix") || !full.is_file() {
        return Err(MatrixError::invalid(
            file,
            key,
            format!("{:?} is not a .nix file (looked for {full})", path.as_str()),
        ));
    }
    let rel = match (
        full.canonicalize_utf8().ok(),
        out_dir.canonicalize_utf8().ok(),
    ) {
        (Some(f), Some(o)) => nix_relative(&o, &f),
        _ => nix_relative(out_dir, &full),
    };
    rel.map(Some).ok_or_else(|| {
        MatrixError::invalid(
            file,
            key,
            format!(
                "{:?} is outside the generated flake's directory {out_dir}",
                path.as_str()
            ),
        )
    })
}

fn resolve_sdk(
    file: &Utf8Path,
    base: &Utf8Path,
    out_dir: &Utf8Path,
    sdk: &crate::matrix::SdkSource,
) -> Result<SdkPlan, MatrixError> {
    if !is_dotted(&sdk.version) {
        return Err(MatrixError::invalid(
            file,
            "darwinSdk.version",
            format!("{:?} is not a macOS SDK version like `14.5`", sdk.version),
        ));
    }
    match (&sdk.url, &sdk.hash, &sdk.path) {
        (Some(u), Some(h), None) => {
            url(file, "darwinSdk.url", u)?;
            validate::sri_hash(file, "darwinSdk.hash", h)?;
            Ok(SdkPlan {
                version: sdk.version.clone(),
                url: Some(u.clone()),
                hash: Some(h.clone()),
                path: None,
            })
        }
        (None, None, Some(p)) => {
            validate::inside(
                file,
                "darwinSdk.path",
                p.as_str(),
                "the directory of the matrix",
            )?;
            validate::nix_path_safe(file, "darwinSdk.path", p.as_str())?;
            let rel = nix_relative(out_dir, &base.join(p)).ok_or_else(|| {
                MatrixError::invalid(
                    file,
                    "darwinSdk.path",
                    "the SDK tarball must be inside the generated flake's directory",
                )
            })?;
            Ok(SdkPlan {
                version: sdk.version.clone(),
                url: None,
                hash: None,
                path: Some(rel),
            })
        }
        (Some(_), None, None) => Err(MatrixError::invalid(
            file,
            "darwinSdk.hash",
            "required with `url`: the SRI sha256 of the SDK tarball",
        )),
        _ => Err(MatrixError::invalid(
            file,
            "darwinSdk",
            "give either `url` + `hash`, or `path` (a local tarball)",
        )),
    }
}

/// `linux/arm64` or `linux/arm64/musl`.
fn parse_short(file: &Utf8Path, key: &str, short: &str) -> Result<TargetSpec, MatrixError> {
    let parts: Vec<&str> = short.split('/').collect();
    let bad = || {
        MatrixError::invalid(file, key, format!("{short:?} is not a short target: write `goos/goarch` or `goos/goarch/musl`, e.g. \"linux/arm64\""))
    };
    let (goos, goarch, libc) = match parts.as_slice() {
        [goos, goarch] => (*goos, *goarch, None),
        [goos, goarch, "gnu"] => (*goos, *goarch, Some(Libc::Gnu)),
        [goos, goarch, "musl"] => (*goos, *goarch, Some(Libc::Musl)),
        _ => return Err(bad()),
    };
    validate::target_name(file, key, &crate::matrix::short_form_name(short)).map_err(|_| bad())?;
    Ok(TargetSpec {
        goos: goos.to_owned(),
        goarch: goarch.to_owned(),
        libc,
        ..TargetSpec::default()
    })
}

fn resolve_target(
    m: &Matrix,
    file: &Utf8Path,
    key: &TargetKey,
    name: &str,
    spec: &TargetSpec,
    have_sdk: bool,
) -> Result<TargetPlan, MatrixError> {
    let goos_list = target::known_goos();
    if !goos_list.contains(&spec.goos.as_str()) {
        return Err(MatrixError::invalid(
            file,
            key.field("goos"),
            format!(
                "unsupported GOOS {:?} (allowed: {})",
                spec.goos,
                goos_list.join(", ")
            ),
        )
        .suggest(&spec.goos, goos_list.iter().copied()));
    }
    let archs = target::known_goarch(&spec.goos);
    let platform: &Platform = target::platform(&spec.goos, &spec.goarch).ok_or_else(|| {
        MatrixError::invalid(
            file,
            key.field("goarch"),
            format!(
                "unsupported GOARCH {:?} for GOOS {} (allowed: {})",
                spec.goarch,
                spec.goos,
                archs.join(", ")
            ),
        )
        .suggest(&spec.goarch, archs.iter().copied())
    })?;
    let is_linux = platform.goos == "linux";
    let is_darwin = platform.goos == "darwin";

    // GOARM / GOAMD64 only where they apply.
    if spec.goarm.is_some() && platform.goarch != "arm" {
        return Err(MatrixError::invalid(
            file,
            key.field("goarm"),
            format!(
                "`goarm` applies only to goarch `arm`, not `{}`",
                platform.goarch
            ),
        ));
    }
    let goarm = if platform.goarch == "arm" {
        Some(spec.goarm.clone().unwrap_or_else(|| "7".to_owned()))
    } else {
        None
    };
    if let Some(v) = &goarm {
        if !target::GOARM_VALUES.contains(&v.as_str()) {
            return Err(MatrixError::invalid(
                file,
                key.field("goarm"),
                format!("unsupported GOARM {v:?} (allowed: 5, 6, 7)"),
            ));
        }
    }
    if spec.goamd64.is_some() && platform.goarch != "amd64" {
        return Err(MatrixError::invalid(
            file,
            key.field("goamd64"),
            format!(
                "`goamd64` applies only to goarch `amd64`, not `{}`",
                platform.goarch
            ),
        ));
    }
    if let Some(v) = &spec.goamd64 {
        if !target::GOAMD64_VALUES.contains(&v.as_str()) {
            return Err(MatrixError::invalid(
                file,
                key.field("goamd64"),
                format!("unsupported GOAMD64 {v:?} (allowed: v1, v2, v3, v4)"),
            )
            .suggest(v, target::GOAMD64_VALUES.iter().copied()));
        }
    }

    // libc and the glibc floor: linux only.
    if !is_linux && spec.libc.is_some() {
        return Err(MatrixError::invalid(
            file,
            key.field("libc"),
            format!(
                "`libc` applies only to linux targets, not {}",
                platform.goos
            ),
        ));
    }
    let libc = is_linux.then(|| spec.libc.unwrap_or(m.defaults.libc));
    if spec.glibc.is_some() && libc != Some(Libc::Gnu) {
        return Err(MatrixError::invalid(
            file,
            key.field("glibc"),
            "a glibc floor applies only to linux targets with `libc: gnu`",
        ));
    }
    let glibc = if libc == Some(Libc::Gnu) {
        let (value, gkey) = match &spec.glibc {
            Some(v) => (v.clone(), key.field("glibc")),
            None => (m.defaults.glibc.clone(), "defaults.glibc".to_owned()),
        };
        let min = platform
            .min_glibc
            .expect("linux platforms have a glibc minimum");
        match target::parse_version(&value) {
            Some(v) if v.0 == 2 && v >= min && v <= target::MAX_GLIBC => Some(value),
            _ => {
                return Err(MatrixError::invalid(
                    file,
                    gkey,
                    format!(
                        "unsupported glibc floor {value:?} for {}/{} (allowed: 2.{}…2.{}, written like `2.28`)",
                        platform.goos, platform.goarch, min.1, target::MAX_GLIBC.1
                    ),
                ))
            }
        }
    } else {
        None
    };

    // macOS minimum and the darwin toolchain.
    if !is_darwin && spec.macos.is_some() {
        return Err(MatrixError::invalid(
            file,
            key.field("macos"),
            "`macos` applies only to darwin targets",
        ));
    }
    let macos = if is_darwin {
        let (value, mkey) = match &spec.macos {
            Some(v) => (v.clone(), key.field("macos")),
            None => (m.defaults.macos.clone(), "defaults.macos".to_owned()),
        };
        // Go 1.25 supports macOS 12 (Monterey) and later.
        match target::parse_version(&value) {
            Some(v) if (12..=26).contains(&v.0) => Some(value),
            _ => return Err(MatrixError::invalid(file, mkey, format!("unsupported macOS minimum {value:?} (allowed: 12.0 … 26.x, written like `12.0`; Go 1.25 needs macOS 12)"))),
        }
    } else {
        None
    };
    let toolchain = spec.toolchain.unwrap_or(Toolchain::Zig);
    if toolchain == Toolchain::Osxcross && !is_darwin {
        return Err(MatrixError::invalid(
            file,
            key.field("toolchain"),
            format!(
                "`osxcross` builds only darwin targets; use `zig` for {}",
                platform.goos
            ),
        ));
    }
    if spec.darwin_linker.is_some() && (!is_darwin || toolchain != Toolchain::Zig) {
        return Err(MatrixError::invalid(
            file,
            key.field("darwinLinker"),
            "`darwinLinker` applies only to darwin targets built with `toolchain: zig`",
        ));
    }
    let darwin_linker = (is_darwin && toolchain == Toolchain::Zig).then(|| {
        spec.darwin_linker.unwrap_or(if have_sdk {
            DarwinLinker::Sdk
        } else {
            DarwinLinker::Stubs
        })
    });
    let needs_sdk = toolchain == Toolchain::Osxcross || darwin_linker == Some(DarwinLinker::Sdk);
    if needs_sdk && !have_sdk {
        let (what, field) = if toolchain == Toolchain::Osxcross {
            ("`toolchain: osxcross`", "toolchain")
        } else {
            ("`darwinLinker: sdk`", "darwinLinker")
        };
        return Err(MatrixError::invalid(
            file,
            key.field(field),
            format!("{what} needs a macOS SDK, and `darwinSdk` is not set"),
        )
        .with_help(format!(
            "package one on a Mac with osxcross' `tools/gen_sdk_package.sh` (or from Xcode with `gen_sdk_package_pbzx.sh`), then set `darwinSdk` to {{\"url\", \"hash\"}} or {{\"path\"}}; or drop `{field}` to link with cgoflake's SDK-free stubs"
        )));
    }

    for (field, flags) in [("cflags", &spec.cflags), ("ldflags", &spec.ldflags)] {
        c_flags(file, &key.field(field), flags)?;
    }

    let zig_target = target::zig_triple(
        platform,
        libc,
        glibc.as_deref(),
        goarm.as_deref(),
        macos.as_deref(),
    );
    let recipe = recipe(
        platform,
        libc,
        goarm.as_deref(),
        toolchain,
        macos.as_deref(),
    );

    let cc_driver = match toolchain {
        Toolchain::Zig => "zig cc".to_owned(),
        Toolchain::Osxcross => format!("{}-clang", osxcross_prefix(platform)),
    };
    let cxx_driver = match toolchain {
        Toolchain::Zig => "zig c++".to_owned(),
        Toolchain::Osxcross => format!("{}-clang++", osxcross_prefix(platform)),
    };
    let target_flag = match toolchain {
        Toolchain::Zig => format!(" -target {zig_target}"),
        Toolchain::Osxcross => String::new(),
    };

    let mut go_env = BTreeMap::new();
    go_env.insert("GOOS".to_owned(), platform.goos.to_owned());
    go_env.insert("GOARCH".to_owned(), platform.goarch.to_owned());
    if let Some(v) = &goarm {
        go_env.insert("GOARM".to_owned(), v.clone());
    }
    if let Some(v) = &spec.goamd64 {
        go_env.insert("GOAMD64".to_owned(), v.clone());
    }
    go_env.insert("CGO_ENABLED".to_owned(), "1".to_owned());
    go_env.insert("CC".to_owned(), format!("{cc_driver}{target_flag}"));
    go_env.insert("CXX".to_owned(), format!("{cxx_driver}{target_flag}"));

    let with_extra = |mut v: Vec<String>, a: &[String], b: &[String]| {
        v.extend(a.iter().cloned());
        v.extend(b.iter().cloned());
        v
    };
    let mut cgo_cflags = with_extra(recipe.cflags.clone(), &m.defaults.cflags, &spec.cflags);
    cgo_cflags.extend(recipe.cgo_only);
    let cgo_ldflags = with_extra(recipe.ldflags, &m.defaults.ldflags, &spec.ldflags);
    let mut sqlite_cflags = with_extra(recipe.cflags, &m.defaults.cflags, &spec.cflags);
    sqlite_cflags.extend(m.pins.sqlite_defines.iter().map(|d| format!("-D{d}")));

    Ok(TargetPlan {
        name: name.to_owned(),
        goos: platform.goos.to_owned(),
        goarch: platform.goarch.to_owned(),
        libc,
        glibc,
        macos,
        toolchain,
        darwin_linker,
        zig_target,
        go_env,
        cgo_cflags,
        cgo_ldflags,
        go_ldflags: recipe.go_ldflags,
        sqlite_cflags,
        static_binary: libc == Some(Libc::Musl),
        runner: platform.runner,
        binary_format: target::binary_machine(platform).0.to_owned(),
        machine: target::binary_machine(platform).1,
        interpreter: (libc == Some(Libc::Gnu))
            .then(|| target::glibc_interpreter(platform).map(str::to_owned))
            .flatten(),
        native_system: platform.native_system.map(str::to_owned),
        exe_suffix: if platform.goos == "windows" {
            ".exe".into()
        } else {
            String::new()
        },
        out_dir: {
            // Variants of one GOOS/GOARCH get their own directory.
            let mut dir = format!("{}/{}", platform.goos, platform.goarch);
            if let Some(v) = goarm.as_deref().filter(|v| *v != "7") {
                dir.push_str(&format!("-v{v}"));
            }
            if let Some(v) = &spec.goamd64 {
                dir.push_str(&format!("-{v}"));
            }
            if libc == Some(Libc::Musl) {
                dir.push_str("-musl");
            }
            dir
        },
    })
}

/// osxcross' compiler prefix: `o64` for x86_64, `oa64` for arm64.
fn osxcross_prefix(p: &Platform) -> &'static str {
    if p.goarch == "arm64" {
        "oa64"
    } else {
        "o64"
    }
}

/// Target-specific flags, each for a named pitfall (see DESIGN.md).
struct Recipe {
    cflags: Vec<String>,
    /// For Go's C code only, not SQLite's.
    cgo_only: Vec<String>,
    ldflags: Vec<String>,
    go_ldflags: Vec<String>,
}

fn recipe(
    p: &Platform,
    libc: Option<Libc>,
    goarm: Option<&str>,
    toolchain: Toolchain,
    macos: Option<&str>,
) -> Recipe {
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<String>>();
    // Pitfall 1: setting CGO_CFLAGS drops Go's default `-O2 -g`, and Zig then
    // builds C with UBSan; optimise explicitly and turn sanitizers off.
    let mut cflags = s(&["-O2", "-fno-sanitize=undefined"]);
    // CGO_LDFLAGS set without `-g`, so `-s` really strips (pitfall 12).
    let mut ldflags = s(&["-O2"]);
    // Release binaries: no Go symbol table or DWARF. On darwin this is also
    // what keeps Go from running dsymutil and GNU strip on Mach-O (pitfall 15).
    let mut go_ldflags = s(&["-s", "-w"]);
    let mut cgo_only = Vec::new();
    match p.goos {
        "linux" => {
            if let Some(v) = goarm {
                cflags.push(format!("-mcpu={}", target::arm_cpu(v)));
            }
            if libc == Some(Libc::Musl) {
                // Pitfall 10: sqlite-vec < 0.1.10 needs u_int8_t from
                // sys/types.h on musl. Not `-include sys/types.h` itself: cgo
                // also passes CGO_CFLAGS to runtime/cgo's assembly files. The
                // header nix/sqlite.nix installs includes it only for C.
                cgo_only.extend(s(&["-include", COMPAT_HEADER]));
            }
            // Pitfalls 12 and 13: strip the external link's output for size and
            // so outputs do not record the build directory.
            go_ldflags.push("-extldflags=-Wl,--strip-all".to_owned());
        }
        "windows" => {
            // Pitfall 6: Go passes -mthreads, which zig does not use.
            cflags.push("-Wno-unused-command-line-argument".to_owned());
            ldflags.push("-Wno-unused-command-line-argument".to_owned());
        }
        "darwin" if toolchain == Toolchain::Osxcross => {
            // Pitfall 7: ld64 from osxcross leaves __DATA_CONST writable.
            ldflags.push("-fuse-ld=lld".to_owned());
            // Zig carries the minimum in its triple; osxcross takes a flag.
            let min = format!("-mmacosx-version-min={}", macos.unwrap_or("12.0"));
            cflags.push(min.clone());
            ldflags.push(min);
        }
        _ => {}
    }
    Recipe {
        cflags,
        cgo_only,
        ldflags,
        go_ldflags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(targets: &str) -> Result<Plan, MatrixError> {
        let dir = tempfile::tempdir().unwrap();
        let d = Utf8Path::from_path(dir.path()).unwrap();
        std::fs::write(d.join("go.mod"), "module x\n").unwrap();
        let file = d.join("cgoflake.json");
        let text =
            format!(r#"{{"project": {{"pname": "x", "version": "1"}}, "targets": {targets}}}"#);
        let m = crate::matrix::parse(&file, &text)?;
        resolve(&m, &file, d)
    }

    #[test]
    fn short_form_resolves() {
        let p = plan_of(r#"["linux/arm64", "linux/arm64/musl", "windows/amd64"]"#).unwrap();
        let names: Vec<_> = p.targets.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["linux-arm64", "linux-arm64-musl", "windows-amd64"]);
        assert_eq!(p.targets[0].zig_target, "aarch64-linux-gnu.2.28");
        assert_eq!(p.targets[1].zig_target, "aarch64-linux-musl");
        assert!(p.targets[1].static_binary);
        assert_eq!(
            p.targets[2].go_env["CC"],
            "zig cc -target x86_64-windows-gnu"
        );
        assert_eq!(p.targets[2].exe_suffix, ".exe");
    }

    #[test]
    fn every_target_disables_ubsan_and_optimises() {
        let p =
            plan_of(r#"["linux/amd64", "linux/arm", "windows/arm64", "darwin/arm64"]"#).unwrap();
        for t in &p.targets {
            assert!(t.cgo_cflags.contains(&"-O2".to_owned()), "{}", t.name);
            assert!(
                t.cgo_cflags.contains(&"-fno-sanitize=undefined".to_owned()),
                "{}",
                t.name
            );
            assert!(!t.cgo_ldflags.contains(&"-g".to_owned()), "{}", t.name);
        }
    }

    #[test]
    fn arm_defaults_to_goarm7() {
        let p = plan_of(r#"["linux/arm"]"#).unwrap();
        assert_eq!(p.targets[0].go_env["GOARM"], "7");
        assert_eq!(p.targets[0].zig_target, "arm-linux-gnueabihf.2.28");
    }

    #[test]
    fn osxcross_without_sdk_is_an_error() {
        let e =
            plan_of(r#"{"mac": {"goos": "darwin", "goarch": "arm64", "toolchain": "osxcross"}}"#)
                .unwrap_err();
        assert_eq!(e.key, "targets.mac.toolchain");
        assert!(e.help.unwrap().contains("gen_sdk_package"));
    }

    #[test]
    fn darwin_linker_sdk_without_sdk_names_darwin_linker() {
        let e = plan_of(r#"{"mac": {"goos": "darwin", "goarch": "arm64", "darwinLinker": "sdk"}}"#)
            .unwrap_err();
        assert_eq!(e.key, "targets.mac.darwinLinker");
        assert!(e.help.unwrap().contains("drop `darwinLinker`"));
    }

    #[test]
    fn short_form_errors_name_the_list_item() {
        for (targets, key) in [
            (r#"["linux/amd64", "linux/arm65"]"#, "targets[1]"),
            (r#"["linix/arm64"]"#, "targets[0]"),
            (r#"["windows/amd64/musl"]"#, "targets[0]"),
            (r#"["linux/amd64", "linux"]"#, "targets[1]"),
            (r#"["linux/arm64/uclibc"]"#, "targets[0]"),
        ] {
            assert_eq!(plan_of(targets).unwrap_err().key, key, "{targets}");
        }
        let e = plan_of(r#"["linux/arm65"]"#).unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `arm64`?"));
    }

    #[test]
    fn default_flags_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let d = Utf8Path::from_path(dir.path()).unwrap();
        std::fs::write(d.join("go.mod"), "module x\n").unwrap();
        let file = d.join("cgoflake.json");
        for (defaults, key) in [
            (r#"{"cflags": ["-DA=1 -DB=2"]}"#, "defaults.cflags[0]"),
            (r#"{"ldflags": ["-lm", ""]}"#, "defaults.ldflags[1]"),
        ] {
            let text = format!(
                r#"{{"project": {{"pname": "x", "version": "1"}}, "defaults": {defaults}, "targets": ["linux/amd64"]}}"#
            );
            let m = crate::matrix::parse(&file, &text).unwrap();
            let e = resolve(&m, &file, d).unwrap_err();
            assert_eq!(e.key, key);
            assert!(
                e.message.contains("one flag per list item"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn darwin_without_sdk_uses_stubs() {
        let p = plan_of(r#"["darwin/amd64"]"#).unwrap();
        assert_eq!(p.targets[0].darwin_linker, Some(DarwinLinker::Stubs));
        assert!(p.needs_darwin_stubs);
    }
}
