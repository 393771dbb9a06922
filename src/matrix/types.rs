//! The types of `cgoflake.json`, as written: serde reads them strictly
//! (`deny_unknown_fields`), schemars describes them (their doc comments are
//! the schema's descriptions), and their `default`s are the matrix's.

use std::collections::BTreeMap;
use std::fmt;

use camino::Utf8PathBuf;
use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// The file name cgoflake looks for beside `go.mod`.
pub const MATRIX_FILE: &str = "cgoflake.json";

/// The whole matrix file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "cgoflake target matrix")]
pub struct Matrix {
    /// Optional editor hint, e.g. `"./cgoflake.schema.json"`. Ignored by cgoflake.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// What to build.
    pub project: Project,
    /// Pinned toolchain inputs.
    #[serde(default)]
    pub pins: Pins,
    /// The macOS SDK for darwin targets that need one (`toolchain: osxcross`, or
    /// `toolchain: zig` with `darwinLinker: sdk`). Apple's licence forbids
    /// redistribution, so the user names a tarball they packaged themselves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub darwin_sdk: Option<SdkSource>,
    /// Values every target inherits unless it sets its own.
    #[serde(default)]
    pub defaults: TargetDefaults,
    /// C libraries the program links (`#cgo LDFLAGS: -lfoo` or
    /// `#cgo pkg-config: foo`), each built per target from a pinned source
    /// into its own derivation (`lib/*.a`, `include/`, `lib/pkgconfig/`), by
    /// name (the name of the `.pc` file cgoflake writes for a file list).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub c_libs: BTreeMap<String, CLib>,
    /// The targets: a map of name → target, or the short form
    /// `["linux/arm64", "linux/amd64/musl", "windows/amd64"]`.
    pub targets: Targets,
}

/// Project metadata, passed to nixpkgs' `buildGoModule`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Project {
    /// Package name (`pname`); also names the `all` package.
    pub pname: String,
    /// Version string, stamped into the binary when `stamp.version` is set.
    pub version: String,
    /// One-line description for the generated flake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The Go module directory (holding `go.mod`), relative to this file.
    #[serde(default = "default_src")]
    #[schemars(with = "String")]
    pub src: Utf8PathBuf,
    /// Main packages to build, relative to the module root.
    #[serde(default = "default_sub_packages")]
    pub sub_packages: Vec<String>,
    /// Extra Go linker flags (`-ldflags`), after the ones cgoflake sets.
    #[serde(default)]
    pub ldflags: Vec<String>,
    /// Go build tags. `libsqlite3` is always added: go-sqlite3 then links the
    /// pinned per-target SQLite instead of compiling its bundled copy.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Extra environment for the Go build, e.g. `GOEXPERIMENT`.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// `buildGoModule`'s `vendorHash`: an SRI `sha256-…` hash, `null` for a
    /// module without dependencies, or `"auto"` to have `cgoflake gen`
    /// compute it.
    #[serde(default = "default_vendor_hash")]
    pub vendor_hash: Option<String>,
    /// buildGoModule's `proxyVendor`: the Go module download cache instead of
    /// `go mod vendor`, which drops directories without Go packages that a
    /// cgo package's C/C++ sources may include. Unset: `cgoflake gen`
    /// chooses it when a dependency needs it (and says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_vendor: Option<bool>,
    /// The official Go release to build with, exactly (e.g. `1.25.14`); only
    /// releases whose tarball hashes cgoflake holds. Unset: the release
    /// go.mod's `toolchain`/`go` line asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go: Option<String>,
    /// Give every target a Go build cache derivation (its dependencies
    /// compiled once; a Go-only change then recompiles only the module's own
    /// packages). `false`: one derivation less per target, full Go builds.
    #[serde(default = "default_true")]
    pub go_cache: bool,
    /// Go variables (`-X pkg.var=`) that receive version, commit and build time.
    #[serde(default)]
    pub stamp: Stamp,
    /// The target `nix build` builds without an attribute; `all` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_target: Option<String>,
    /// Arguments of a self-test the generated `nix flake check` runs each
    /// binary with where the build host can (static binaries natively or
    /// under qemu-user), e.g. `["selftest"]`; it must exit 0. Unset: binaries
    /// are checked structurally only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_args: Option<Vec<String>>,
    /// A hand-written Nix file, relative to this file, that the generated
    /// flake imports with `{ self, nixpkgs, system, pkgs }` for every build
    /// host; the `packages`, `apps`, `devShells` and `checks` it returns are
    /// merged into the flake's outputs (e.g. to package tools beside the Go
    /// targets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub flake_extras: Option<Utf8PathBuf>,
}

/// Where version information is stamped with `-X`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Stamp {
    /// Receives `project.version`, e.g. `main.version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Receives the flake's git revision (`self.rev`, or `dirty`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Receives the flake's `lastModified` (Unix seconds): reproducible, never the clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_time: Option<String>,
}

/// Pinned toolchain inputs.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Pins {
    /// Zig, used as `zig cc` / `zig c++`. Only versions whose official tarball
    /// hashes cgoflake holds are accepted.
    #[serde(default = "default_zig")]
    pub zig: String,
    /// SQLite: unset, cgoflake's pin of sqlite.org's amalgamation if the
    /// module's go.mod requires go-sqlite3 or sqlite-vec's Go bindings, else
    /// none; `false`: the program does not use SQLite (no SQLite derivation,
    /// no `libsqlite3` tag); `true`: the pin; or an explicit amalgamation
    /// tarball.
    #[serde(default)]
    pub sqlite: SqlitePin,
    /// SQLite compile-time options (`-D…`) for every target.
    #[serde(default = "default_sqlite_defines")]
    pub sqlite_defines: Vec<String>,
}

impl Default for Pins {
    fn default() -> Self {
        Pins {
            zig: default_zig(),
            sqlite: SqlitePin::default(),
            sqlite_defines: default_sqlite_defines(),
        }
    }
}

/// `pins.sqlite`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum SqlitePin {
    /// Unset: cgoflake's pinned amalgamation.
    #[default]
    #[schemars(skip)]
    Default,
    /// `true`: cgoflake's pinned amalgamation; `false`: no SQLite.
    Use(bool),
    /// An explicit source tarball whose top folder holds `sqlite3.c`,
    /// `sqlite3.h` and `sqlite3ext.h` (the `sqlite-autoconf-*` releases).
    Tarball(SqliteTarball),
}

/// An explicit SQLite source tarball.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(rename = "SqliteSource")]
pub struct SqliteTarball {
    /// SQLite version, e.g. `3.50.4` (what `sqlite_version()` reports).
    pub version: String,
    /// Download URL of the tarball.
    pub url: String,
    /// SRI sha256 of the tarball (`sha256-…`).
    pub hash: String,
}

impl<'de> Deserialize<'de> for SqlitePin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PinVisitor;
        impl<'de> Visitor<'de> for PinVisitor {
            type Value = SqlitePin;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(r#"true, false or an object {"version", "url", "hash"}"#)
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<SqlitePin, E> {
                Ok(SqlitePin::Use(b))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<SqlitePin, E> {
                if s == "nixpkgs" {
                    // Once accepted: nixpkgs' sqlite.src changes form between
                    // branches (the autoconf amalgamation on nixos-25.11, the
                    // full sqlite-src zip without sqlite3.c on 2026 master).
                    return Err(E::custom(
                        "\"nixpkgs\" is no longer accepted: nixpkgs' sqlite.src is not the amalgamation on every branch; leave `pins.sqlite` out for cgoflake's pinned amalgamation, or give {\"version\", \"url\", \"hash\"}",
                    ));
                }
                Err(E::invalid_value(de::Unexpected::Str(s), &self))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SqlitePin, A::Error> {
                SqliteTarball::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(SqlitePin::Tarball)
            }
        }
        d.deserialize_any(PinVisitor)
    }
}

/// A macOS SDK tarball (as made by osxcross' `gen_sdk_package*.sh`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SdkSource {
    /// Download URL of the SDK tarball (with `hash`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// SRI sha256 of the tarball at `url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// A local tarball, relative to this file (instead of `url` + `hash`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub path: Option<Utf8PathBuf>,
    /// SDK version, e.g. `14.5` (names osxcross' target prefix).
    pub version: String,
}

/// A C library built per target (`cLibs.<name>`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CLib {
    /// Its version (names the derivations).
    pub version: String,
    /// Download URL of the source tarball (with `hash`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// SRI sha256 of the tarball at `url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// A source directory or tarball inside the flake, relative to this file
    /// (instead of `url` + `hash`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub path: Option<Utf8PathBuf>,
    /// Build it only for targets of these GOOS (e.g. `["linux"]` for a
    /// Linux-only library). Unset: every target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goos: Option<Vec<String>>,
    /// Extra C flags for every target, after the target's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cflags: Vec<String>,
    /// Recipe: compile a list of C files with `zig cc` into static archives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<CLibFiles>,
    /// Recipe: `./configure --host=… --enable-static --disable-shared`, `make`,
    /// `make install` (autotools), with zig as CC/CXX/AR/RANLIB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configure: Option<CLibConfigure>,
    /// Per-target additions, by target name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub targets: BTreeMap<String, CLibTargetOverride>,
}

/// The file-list recipe.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CLibFiles {
    /// Static archives to make: `lib<name>.a` ← C files, relative to the
    /// source's top directory; shell globs like `c/enc/*.c` allowed.
    pub archives: BTreeMap<String, Vec<String>>,
    /// Include directories (`-I`), relative to the source's top directory.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include_dirs: Vec<String>,
    /// Preprocessor definitions (`-D`), e.g. `NDEBUG` or `LEVEL=2`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub defines: Vec<String>,
    /// Headers to install into `include/`: files or directories, relative to
    /// the source's top directory, copied with their last path component
    /// (`c/include/brotli` → `include/brotli`).
    pub headers: Vec<String>,
}

/// The configure + make recipe.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CLibConfigure {
    /// Extra `./configure` arguments for every target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
}

/// What one target adds to a C library's build.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CLibTargetOverride {
    /// Extra C flags for this target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cflags: Vec<String>,
    /// Extra `./configure` arguments for this target (configure recipe).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configure_args: Vec<String>,
}

/// Values every target inherits.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TargetDefaults {
    /// C library for linux targets.
    #[serde(default)]
    pub libc: LibcKind,
    /// glibc floor for linux gnu targets (the oldest glibc the binary runs on).
    #[serde(default = "default_glibc")]
    pub glibc: String,
    /// Minimum macOS version for darwin targets.
    #[serde(default = "default_macos")]
    pub macos: String,
    /// Minimum FreeBSD version for freebsd targets (`14.0` or later).
    #[serde(default = "default_freebsd")]
    pub freebsd: String,
    /// Minimum NetBSD version for netbsd targets (`10.1`).
    #[serde(default = "default_netbsd")]
    pub netbsd: String,
    /// Extra C flags for every target (CGO_CFLAGS and SQLite).
    #[serde(default)]
    pub cflags: Vec<String>,
    /// Extra C linker flags for every target (CGO_LDFLAGS).
    #[serde(default)]
    pub ldflags: Vec<String>,
}

impl Default for TargetDefaults {
    fn default() -> Self {
        TargetDefaults {
            libc: LibcKind::default(),
            glibc: default_glibc(),
            macos: default_macos(),
            freebsd: default_freebsd(),
            netbsd: default_netbsd(),
            cflags: Vec::new(),
            ldflags: Vec::new(),
        }
    }
}

/// One target in the long form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TargetSpec {
    /// GOOS: `linux`, `windows`, `darwin`, `freebsd` or `netbsd`.
    pub goos: String,
    /// GOARCH: `amd64`, `arm64`, `arm`, `386`, `riscv64`, `ppc64le`, `s390x`, `loong64`, `mips64le` (linux); `amd64`, `arm64` (windows, darwin, freebsd, netbsd).
    pub goarch: String,
    /// GOARM for `arm`: `5`, `6` or `7` (default `7`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goarm: Option<String>,
    /// GOAMD64 for `amd64`: `v1`…`v4` (default Go's `v1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goamd64: Option<String>,
    /// C library (linux only): `gnu` (dynamic, with a glibc floor) or `musl` (static).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub libc: Option<LibcKind>,
    /// glibc floor for this target (linux gnu only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glibc: Option<String>,
    /// Minimum macOS version (darwin only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub macos: Option<String>,
    /// Minimum FreeBSD version (freebsd only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freebsd: Option<String>,
    /// Minimum NetBSD version (netbsd only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub netbsd: Option<String>,
    /// C toolchain: `zig` (every OS) or `osxcross` (darwin only, needs `darwinSdk`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toolchain: Option<Toolchain>,
    /// How zig links darwin targets: `stubs` (no SDK; generated text stubs of
    /// the system libraries) or `sdk` (`darwinSdk` as sysroot). Default:
    /// `sdk` when `darwinSdk` is set, else `stubs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub darwin_linker: Option<DarwinLinker>,
    /// Extra C flags for this target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cflags: Vec<String>,
    /// Extra C linker flags for this target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ldflags: Vec<String>,
}

/// The C library of a linux target.
// The doc comment above is the schema's description. The plan joins the
// name with its floor: `crate::platform::Libc`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "Libc")]
pub enum LibcKind {
    /// glibc, dynamically linked, with an explicit version floor.
    #[default]
    Gnu,
    /// musl, fully static.
    Musl,
}

impl LibcKind {
    /// `gnu` or `musl`.
    pub const fn as_str(self) -> &'static str {
        match self {
            LibcKind::Gnu => "gnu",
            LibcKind::Musl => "musl",
        }
    }
}

/// The C toolchain of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Toolchain {
    /// The pinned upstream Zig as `zig cc`.
    Zig,
    /// osxcross (llvm flavour) with a user-supplied macOS SDK.
    Osxcross,
}

/// How zig links a darwin target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DarwinLinker {
    /// Generated text stubs of libresolv, CoreFoundation and Security: no SDK.
    Stubs,
    /// The macOS SDK named by `darwinSdk` as sysroot.
    Sdk,
}

/// The targets, in either form; always held as name → spec, sorted by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Targets(pub BTreeMap<String, TargetEntry>);

/// A target as written: the long form, or the short `goos/goarch[/libc]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum TargetEntry {
    /// `"name": { "goos": …, "goarch": … }`
    Long(Box<TargetSpec>),
    /// `"linux/arm64"` or `"linux/arm64/musl"`; the name is `linux-arm64(-musl)`.
    Short(ShortTarget),
}

/// A short-form entry as written, and its position in the list (errors
/// name it as `targets[<index>]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ShortTarget {
    /// `goos/goarch[/libc]`.
    pub text: String,
    /// Its index in the `targets` list.
    #[serde(skip)]
    pub index: usize,
}

impl<'de> Deserialize<'de> for Targets {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TargetsVisitor;
        impl<'de> Visitor<'de> for TargetsVisitor {
            type Value = Targets;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(r#"an object of name → target, or a list like ["linux/arm64"]"#)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Targets, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(name) = map.next_key::<String>()? {
                    let spec: TargetSpec = map.next_value()?;
                    out.insert(name, TargetEntry::Long(Box::new(spec)));
                }
                Ok(Targets(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Targets, A::Error> {
                let mut out = BTreeMap::new();
                let mut index = 0;
                while let Some(text) = seq.next_element::<String>()? {
                    let name = short_form_name(&text);
                    // `parse` reports duplicates with their index first.
                    if out.contains_key(&name) {
                        return Err(de::Error::custom(format!(
                            "target `{text}` is listed twice"
                        )));
                    }
                    out.insert(name, TargetEntry::Short(ShortTarget { text, index }));
                    index += 1;
                }
                Ok(Targets(out))
            }
        }
        d.deserialize_any(TargetsVisitor)
    }
}

/// The target name of a short-form entry: `linux/arm64/musl` → `linux-arm64-musl`.
pub fn short_form_name(short: &str) -> String {
    short.replace('/', "-")
}

fn default_src() -> Utf8PathBuf {
    Utf8PathBuf::from(".")
}
fn default_sub_packages() -> Vec<String> {
    vec![".".to_owned()]
}
fn default_vendor_hash() -> Option<String> {
    Some("auto".to_owned())
}
fn default_true() -> bool {
    true
}
fn default_zig() -> String {
    crate::pins::DEFAULT_ZIG.to_owned()
}
fn default_glibc() -> String {
    crate::platform::glibc::DEFAULT.to_owned()
}
fn default_floor(goos: crate::platform::Goos) -> String {
    let floor = goos.facts().floor;
    floor
        .expect("the OS has a minimum version")
        .default
        .to_owned()
}
fn default_macos() -> String {
    default_floor(crate::platform::Goos::Darwin)
}
fn default_freebsd() -> String {
    default_floor(crate::platform::Goos::Freebsd)
}
fn default_netbsd() -> String {
    default_floor(crate::platform::Goos::Netbsd)
}

impl TargetSpec {
    /// The OS floor this target sets under `key` (`macos`, `freebsd`, …).
    pub fn os_floor(&self, key: &str) -> Option<&String> {
        match key {
            "macos" => self.macos.as_ref(),
            "freebsd" => self.freebsd.as_ref(),
            "netbsd" => self.netbsd.as_ref(),
            _ => None,
        }
    }
}

impl TargetDefaults {
    /// The OS floor every target inherits under `key`.
    pub fn os_floor(&self, key: &str) -> &String {
        match key {
            "freebsd" => &self.freebsd,
            "netbsd" => &self.netbsd,
            _ => &self.macos,
        }
    }
}
/// SQLite options: thread-safe (go-sqlite3 uses it from many goroutines),
/// the usual extensions, and no deprecated APIs.
pub fn default_sqlite_defines() -> Vec<String> {
    [
        "SQLITE_THREADSAFE=1",
        "SQLITE_ENABLE_FTS5",
        "SQLITE_ENABLE_RTREE",
        "SQLITE_ENABLE_MATH_FUNCTIONS",
        "SQLITE_DQS=0",
        "SQLITE_DEFAULT_WAL_SYNCHRONOUS=1",
        "SQLITE_OMIT_DEPRECATED",
    ]
    .map(str::to_owned)
    .to_vec()
}
