//! The target matrix, `cgoflake.json`: its schema (serde + schemars types) and
//! strict parsing.
//!
//! Parsing happens in two passes so every error names the key it is about:
//! 1. the text becomes a JSON value while duplicate keys are rejected
//!    (serde_json alone would silently keep the last one);
//! 2. the value becomes the typed [`Matrix`] through `serde_path_to_error`,
//!    with `deny_unknown_fields` everywhere.
//!
//! Semantic checks (valid GOOS/GOARCH pairs, hashes, paths, names) live in
//! [`crate::plan::validate`]; this module only knows the shape of the file.

use std::collections::BTreeMap;
use std::fmt;

use camino::{Utf8Path, Utf8PathBuf};
use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub mod error;

use error::{ErrorKind, MatrixError};

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
    /// The nixpkgs attribute of the Go toolchain.
    #[serde(default = "default_go")]
    pub go: String,
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
    /// SQLite source: `"nixpkgs"` (the source of nixpkgs' own `sqlite`, pinned
    /// by flake.lock) or an explicit amalgamation tarball.
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

/// The SQLite source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum SqlitePin {
    /// `"nixpkgs"`: `pkgs.sqlite.src`.
    #[default]
    #[schemars(with = "NixpkgsLiteral")]
    Nixpkgs,
    /// An explicit source tarball whose top folder holds `sqlite3.c`,
    /// `sqlite3.h` and `sqlite3ext.h` (the `sqlite-autoconf-*` or
    /// `sqlite-amalgamation-*` releases).
    Url(SqliteTarball),
}

#[derive(JsonSchema)]
#[schemars(rename = "NixpkgsSqlite")]
#[allow(dead_code)]
enum NixpkgsLiteral {
    #[serde(rename = "nixpkgs")]
    Nixpkgs,
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
                f.write_str(r#""nixpkgs" or an object {"version", "url", "hash"}"#)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<SqlitePin, E> {
                match s {
                    "nixpkgs" => Ok(SqlitePin::Nixpkgs),
                    other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SqlitePin, A::Error> {
                SqliteTarball::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(SqlitePin::Url)
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
            cflags: Vec::new(),
            ldflags: Vec::new(),
        }
    }
}

/// One target in the long form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TargetSpec {
    /// GOOS: `linux`, `windows` or `darwin`.
    pub goos: String,
    /// GOARCH, e.g. `amd64`, `arm64`, `arm`, `386`, `riscv64`.
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
    Long(TargetSpec),
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
                    out.insert(name, TargetEntry::Long(spec));
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

impl JsonSchema for Targets {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Targets".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let spec = generator.subschema_for::<TargetSpec>();
        schemars::json_schema!({
            "description": "Name → target, or the short form [\"goos/goarch\", \"goos/goarch/musl\"]. Names are safe Nix attribute and file names.",
            "oneOf": [
                {
                    "type": "object",
                    "propertyNames": { "pattern": "^[A-Za-z][A-Za-z0-9_-]*$", "maxLength": 64 },
                    "additionalProperties": spec,
                    "minProperties": 1
                },
                {
                    "type": "array",
                    "items": { "type": "string", "pattern": "^[a-z]+/[a-z0-9]+(/(gnu|musl))?$" },
                    "minItems": 1,
                    "uniqueItems": true
                }
            ]
        })
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
fn default_go() -> String {
    crate::pins::DEFAULT_GO_ATTR.to_owned()
}
fn default_zig() -> String {
    crate::pins::DEFAULT_ZIG.to_owned()
}
fn default_glibc() -> String {
    crate::platform::glibc::DEFAULT.to_owned()
}
fn default_macos() -> String {
    let floor = crate::platform::Goos::Darwin.facts().floor;
    floor
        .expect("darwin has a minimum macOS")
        .default
        .to_owned()
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

/// Read and parse a matrix file: syntax, duplicate keys, unknown keys and types.
pub fn load(path: &Utf8Path) -> Result<Matrix, MatrixError> {
    let text = std::fs::read_to_string(path).map_err(|e| MatrixError {
        file: path.to_owned(),
        key: String::new(),
        kind: ErrorKind::Io,
        message: format!("cannot read the matrix: {e}"),
        help: (e.kind() == std::io::ErrorKind::NotFound)
            .then(|| "run `cgoflake init` in the Go module to write one".to_owned()),
    })?;
    parse(path, &text)
}

/// Parse matrix text; `file` only names the source in errors.
pub fn parse(file: &Utf8Path, text: &str) -> Result<Matrix, MatrixError> {
    let value = parse_strict_json(file, text)?;
    check_shape(file, &value)?;
    serde_path_to_error::deserialize::<_, Matrix>(value).map_err(|e| {
        let key = error::format_path(e.path());
        error::from_serde_message(file, key, &e.into_inner().to_string())
    })
}

/// What the whole file must be.
const TOP_LEVEL: &str = "a JSON object with `project` and `targets`";

/// Checks serde's derived types would get wrong or report vaguely:
/// - the file must be an object (not an array or a scalar);
/// - derived structs also accept a JSON array of their fields in order
///   (`"project": ["app", "1.0"]`); every object of the schema must be one;
/// - a short-form target listed twice is named by its index.
fn check_shape(file: &Utf8Path, value: &Value) -> Result<(), MatrixError> {
    let Value::Object(root) = value else {
        return Err(MatrixError {
            file: file.to_owned(),
            key: String::new(),
            kind: ErrorKind::InvalidValue,
            message: format!("invalid type: {}, expected {TOP_LEVEL}", json_type(value)),
            help: None,
        });
    };
    let not_object = |key: String, v: &Value| -> Result<(), MatrixError> {
        if v.is_array() {
            return Err(MatrixError::invalid(
                file,
                key,
                "invalid type: sequence, expected an object",
            ));
        }
        Ok(())
    };
    for key in ["project", "pins", "darwinSdk", "defaults"] {
        if let Some(v) = root.get(key) {
            not_object(key.to_owned(), v)?;
        }
    }
    if let Some(stamp) = root.get("project").and_then(|p| p.get("stamp")) {
        not_object("project.stamp".to_owned(), stamp)?;
    }
    match root.get("targets") {
        Some(Value::Object(targets)) => {
            for (name, v) in targets {
                not_object(error::join_key("targets", name), v)?;
            }
        }
        Some(Value::Array(items)) => {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for (i, item) in items.iter().enumerate() {
                let Some(text) = item.as_str() else { continue };
                if let Some(first) = seen.insert(short_form_name(text), i) {
                    return Err(MatrixError::invalid(
                        file,
                        format!("targets[{i}]"),
                        format!("target `{text}` is listed twice (first at targets[{first}]): list each target once"),
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// serde's name of a JSON value's type.
fn json_type(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => format!("number `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".to_owned(),
        Value::Object(_) => "map".to_owned(),
    }
}

/// JSON → value, rejecting duplicate keys (with their key path).
fn parse_strict_json(file: &Utf8Path, text: &str) -> Result<Value, MatrixError> {
    let syntax = |key: String, message: String| MatrixError {
        file: file.to_owned(),
        key,
        kind: ErrorKind::Syntax,
        message,
        help: None,
    };
    if text.trim().is_empty() {
        return Err(syntax(
            String::new(),
            format!(
                "invalid JSON: the file is empty (EOF at line 1 column 0); expected {TOP_LEVEL}"
            ),
        ));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, StrictValue>(&mut de) {
        Ok(StrictValue(v)) => match de.end() {
            Ok(()) => Ok(v),
            Err(e) => Err(syntax(
                String::new(),
                format!("invalid JSON: {e} (after the top-level object)"),
            )),
        },
        Err(e) => {
            let path = error::format_path(e.path());
            let message = e.into_inner().to_string();
            if let Some(rest) = message.strip_prefix(DUPLICATE_KEY) {
                // `duplicate key "<json string>" at line L column C`.
                let mut strings = serde_json::Deserializer::from_str(rest).into_iter::<String>();
                if let Some(Ok(key)) = strings.next() {
                    let at = rest[strings.byte_offset()..].trim();
                    return Err(MatrixError {
                        file: file.to_owned(),
                        key: error::join_key(&path, &key),
                        kind: ErrorKind::DuplicateKey,
                        message: format!(
                            "duplicate key `{key}` ({at}): a key may appear only once in an object"
                        ),
                        help: None,
                    });
                }
            }
            Err(syntax(path, format!("invalid JSON: {message}")))
        }
    }
}

/// The start of the error a duplicate key raises inside [`StrictValue`].
const DUPLICATE_KEY: &str = "duplicate key ";

/// A JSON value whose objects never had duplicate keys.
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StrictVisitor;
        impl<'de> Visitor<'de> for StrictVisitor {
            type Value = StrictValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::from(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::String(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::String(v)))
            }
            fn visit_unit<E>(self) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::Null))
            }
            fn visit_none<E>(self) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StrictValue, A::Error> {
                let mut items = Vec::new();
                while let Some(StrictValue(v)) = seq.next_element()? {
                    items.push(v);
                }
                Ok(StrictValue(Value::Array(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrictValue, A::Error> {
                let mut obj = serde_json::Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    if obj.contains_key(&key) {
                        let quoted = serde_json::to_string(&key).map_err(de::Error::custom)?;
                        return Err(de::Error::custom(format!("{DUPLICATE_KEY}{quoted}")));
                    }
                    let StrictValue(v) = map.next_value()?;
                    obj.insert(key, v);
                }
                Ok(StrictValue(Value::Object(obj)))
            }
        }
        d.deserialize_any(StrictVisitor)
    }
}

/// The JSON Schema of the matrix, generated from these types.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Matrix);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: &str = "dir/cgoflake.json";

    fn err(text: &str) -> MatrixError {
        parse(Utf8Path::new(F), text).unwrap_err()
    }

    fn with_targets(targets: &str) -> String {
        format!(r#"{{"project": {{"pname": "a", "version": "1"}}, "targets": {targets}}}"#)
    }

    #[test]
    fn the_file_must_be_an_object() {
        for (text, got) in [
            ("[]", "sequence"),
            ("\"x\"", "string \"x\""),
            ("1", "number `1`"),
            ("null", "null"),
        ] {
            let e = err(text);
            assert_eq!(e.key, "", "{text}");
            assert_eq!(
                e.message,
                format!("invalid type: {got}, expected {TOP_LEVEL}"),
                "{text}"
            );
        }
        let e = err("  \n");
        assert_eq!(e.kind, ErrorKind::Syntax);
        assert!(e.message.contains("the file is empty"), "{}", e.message);
    }

    #[test]
    fn objects_given_as_arrays_are_rejected() {
        // serde's derived structs would take `["a", "1"]` as `{pname, version}`.
        let e = err(r#"{"project": ["a", "1"], "targets": ["linux/amd64"]}"#);
        assert_eq!(e.key, "project");
        assert!(e.message.contains("expected an object"), "{}", e.message);
        let e = err(&with_targets(r#"{"x": ["linux", "arm64"]}"#));
        assert_eq!(e.key, "targets.x");
        let e = err(
            r#"{"project": {"pname": "a", "version": "1", "stamp": ["main.v"]}, "targets": ["linux/amd64"]}"#,
        );
        assert_eq!(e.key, "project.stamp");
    }

    #[test]
    fn duplicate_keys_name_the_key() {
        let e = err(&with_targets(
            r#"{"x": {"goos": "linux", "goarch": "arm64", "goos": "linux"}}"#,
        ));
        assert_eq!(e.kind, ErrorKind::DuplicateKey);
        assert_eq!(e.key, "targets.x.goos");
        assert!(
            e.message
                .starts_with("duplicate key `goos` (at line 1 column"),
            "{}",
            e.message
        );
        let e = err(r#"{"a.b": 1, "a.b": 2}"#);
        assert_eq!(e.key, "\"a.b\"");
        // A key with quotes and backticks survives the round trip.
        let e = err(r#"{"x`\"y": 1, "x`\"y": 2}"#);
        assert_eq!(e.key, r#""x`\"y""#);
    }

    #[test]
    fn syntax_errors_keep_their_key_path() {
        let e = err(r#"{"project": {"pname": }}"#);
        assert_eq!(e.kind, ErrorKind::Syntax);
        assert_eq!(e.key, "project.pname");
        let e = err(r#"{"project": {}} x"#);
        assert_eq!(e.kind, ErrorKind::Syntax);
        assert_eq!(e.key, "");
        assert!(e.message.contains("trailing characters"), "{}", e.message);
    }

    #[test]
    fn short_form_entries_keep_their_index() {
        let m = parse(
            Utf8Path::new(F),
            &with_targets(r#"["windows/amd64", "linux/arm64"]"#),
        )
        .unwrap();
        let entry = |name: &str| match &m.targets.0[name] {
            TargetEntry::Short(s) => (s.text.clone(), s.index),
            TargetEntry::Long(_) => panic!("long form"),
        };
        assert_eq!(entry("windows-amd64"), ("windows/amd64".to_owned(), 0));
        assert_eq!(entry("linux-arm64"), ("linux/arm64".to_owned(), 1));
        // The index is not part of the serialised form.
        assert_eq!(
            serde_json::to_value(&m.targets).unwrap(),
            serde_json::json!({"linux-arm64": "linux/arm64", "windows-amd64": "windows/amd64"})
        );
    }

    #[test]
    fn short_form_duplicates_name_both_places() {
        let e = err(&with_targets(
            r#"["linux/arm64", "windows/amd64", "linux/arm64"]"#,
        ));
        assert_eq!(e.key, "targets[2]");
        assert!(e.message.contains("first at targets[0]"), "{}", e.message);
    }
}
