//! What a Go program's cgo code needs that cgoflake's build may not give it.
//!
//! [`scan`] asks `go list -deps -json` once per distinct GOOS/GOARCH (Go's
//! own build constraints, `#cgo` directive evaluation and `${SRCDIR}`
//! expansion) which non-standard packages have `CgoFiles`, then reads their
//! sources for two problems:
//!
//! * **vendoring** ([`VendoringFinding`]): buildGoModule's default vendor
//!   step is `go mod vendor`, which copies, per package it needs, only the
//!   regular files of the package's directory (no subdirectories), its
//!   `//go:embed` files, and `LICENSE`-like files of the directories above
//!   it up to the module root (cmd/go/internal/modcmd/vendor.go: `copyDir`
//!   with `matchPotentialSourceFile`, `ResolveEmbed`, `copyMetadata`). A
//!   dependency's cgo code that includes a file, or names an include
//!   directory, outside that set builds from the module cache but not from
//!   `vendor/`; buildGoModule's `proxyVendor` (whole modules) fixes it.
//! * **darwin** ([`DarwinFinding`]): the SDK-free darwin path (see
//!   [`crate::darwin`]) has Zig's libc headers and TAPI stubs of
//!   CoreFoundation, Security and libresolv only: no Apple framework headers
//!   and no other framework.
//!
//! The readers ([`cgo_preambles`], [`include_directives`], ...) are pure;
//! [`analyse`] only reads the files `go list` named and what they include.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::process::Command;

use anyhow::{bail, Context as _, Result};
use camino::{Utf8Component, Utf8Path, Utf8PathBuf};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::platform::{Goarch, Goos};

/// The frameworks the SDK-free darwin path has stubs of (and that Go's
/// standard library links); `libresolv` is a plain library.
pub const STUBBED_FRAMEWORKS: &[&str] = &["CoreFoundation", "Security"];

/// Capitalised header directories that Zig 0.15.2 ships for macOS
/// (`lib/libc/include/any-macos-any`): `<CommonCrypto/CommonDigest.h>`
/// compiles without an SDK. Every other `<Capitalised/…>` is a framework
/// header. `tests/cgo_scan.rs` compares this with the installed Zig.
pub const ZIG_MACOS_CAPITALISED_DIRS: &[&str] = &["CommonCrypto"];

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

/// At most this many files are read per package (includes are followed
/// transitively inside the module): a bound, not a budget anyone meets.
const MAX_FILES_PER_PACKAGE: usize = 4096;

// ---------------------------------------------------------------------------
// Running `go`

/// The environment `go` runs with: one target platform, no workspace
/// (`buildGoModule` sees none), cgo on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GoEnv<'a> {
    pub goos: Goos,
    pub goarch: Goarch,
    /// `GOFLAGS`, replacing the user's.
    pub goflags: &'a str,
}

/// `go <args>` in `dir` with `env`; its stdout.
pub(crate) fn run_go(go: &Utf8Path, dir: &Utf8Path, env: GoEnv, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new(go)
        .args(args)
        .current_dir(dir)
        .env("GOWORK", "off")
        .env("GOOS", env.goos.as_str())
        .env("GOARCH", env.goarch.as_str())
        .env("CGO_ENABLED", "1")
        .env("GOFLAGS", env.goflags)
        .output()
        .with_context(|| format!("running `{go} {}` (is Go installed?)", args.join(" ")))?;
    if !out.status.success() {
        bail!(
            "`{go} {}` failed in {dir} (GOOS={} GOARCH={}):\n{}",
            args.join(" "),
            env.goos,
            env.goarch,
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
    }
    Ok(out.stdout)
}

/// `go list -json …`: a stream of objects.
pub(crate) fn go_list<T: DeserializeOwned>(
    go: &Utf8Path,
    dir: &Utf8Path,
    env: GoEnv,
    args: &[&str],
) -> Result<Vec<T>> {
    let stdout = run_go(go, dir, env, args)?;
    serde_json::Deserializer::from_slice(&stdout)
        .into_iter::<T>()
        .collect::<Result<_, _>>()
        .with_context(|| format!("parsing `go {}`", args.join(" ")))
}

/// The fields of `go list -json` cgoflake reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ListedPackage {
    pub dir: String,
    pub import_path: String,
    pub name: String,
    pub standard: bool,
    pub dep_only: bool,
    #[serde(rename = "Match")]
    pub matched: Vec<String>,
    pub cgo_files: Vec<String>,
    #[serde(rename = "CFiles")]
    pub c_files: Vec<String>,
    #[serde(rename = "CXXFiles")]
    pub cxx_files: Vec<String>,
    #[serde(rename = "HFiles")]
    pub h_files: Vec<String>,
    #[serde(rename = "MFiles")]
    pub m_files: Vec<String>,
    pub embed_files: Vec<String>,
    #[serde(rename = "CgoCFLAGS")]
    pub cgo_cflags: Vec<String>,
    #[serde(rename = "CgoCPPFLAGS")]
    pub cgo_cppflags: Vec<String>,
    #[serde(rename = "CgoCXXFLAGS")]
    pub cgo_cxxflags: Vec<String>,
    #[serde(rename = "CgoLDFLAGS")]
    pub cgo_ldflags: Vec<String>,
    pub deps: Vec<String>,
    pub module: Option<ListedModule>,
    pub error: Option<ListedError>,
}

/// `Module` of `go list -json`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ListedModule {
    pub path: String,
    pub version: String,
    pub dir: String,
    pub main: bool,
    pub replace: Option<Box<ListedModule>>,
}

/// `Error` of `go list -json`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ListedError {
    pub err: String,
}

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

/// A darwin cgo package needing what the SDK-free darwin path lacks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DarwinFinding {
    /// The cgo package.
    pub package: String,
    /// The darwin platforms it is built for with this need, sorted.
    pub platforms: Vec<GoPlatform>,
    /// What it needs.
    pub need: DarwinNeed,
}

/// A framework header or a framework to link.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum DarwinNeed {
    /// `#include <Framework/Header.h>` (or `#import`), as written between `<>`/`""`.
    Header(String),
    /// `#cgo LDFLAGS: -framework X` for an X without a stub.
    Framework(String),
}

impl fmt::Display for DarwinFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let platforms: Vec<String> = self.platforms.iter().map(ToString::to_string).collect();
        let (what, lacks) = match &self.need {
            DarwinNeed::Header(h) => (
                format!("includes <{h}>"),
                "has no Apple framework headers".to_owned(),
            ),
            DarwinNeed::Framework(x) => (
                format!("links `-framework {x}`"),
                format!(
                    "links only {} and libresolv (stubs)",
                    STUBBED_FRAMEWORKS.join(", ")
                ),
            ),
        };
        write!(
            f,
            "{} ({}) {what}: the SDK-free darwin path {lacks}; set `darwinSdk` in cgoflake.json \
             (a macOS SDK you packaged) or drop darwin targets",
            self.package,
            platforms.join(", ")
        )
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
    // Per module root: the package directories and embedded files `go mod
    // vendor` copies (the union over platforms approximates its any-tags load).
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

// ---------------------------------------------------------------------------
// Reading cgo code

/// The cgo preambles of a Go source file: the text of the comment group
/// right before each `import "C"` (Go's rule: the doc comment of the import
/// spec, or of a one-spec import declaration), comment markers removed.
pub fn cgo_preambles(src: &str) -> Vec<String> {
    let tokens = lex_go(src);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].kind != Tok::Import {
            i += 1;
            continue;
        }
        let decl_doc = doc_before(&tokens, i);
        match tokens.get(i + 1).map(|t| &t.kind) {
            Some(Tok::Str(s)) if s == "C" => out.extend(decl_doc),
            Some(Tok::Other('(')) => {
                // Specs up to the closing parenthesis; each spec's path is a
                // string, possibly after a name (`_`, `.`, an identifier).
                let mut specs = Vec::new();
                let mut j = i + 2;
                while j < tokens.len() && tokens[j].kind != Tok::Other(')') {
                    if let Tok::Str(s) = &tokens[j].kind {
                        let start = match tokens[j - 1].kind {
                            Tok::Word | Tok::Other('.') if j > i + 2 => j - 1,
                            _ => j,
                        };
                        specs.push((s.clone(), doc_before(&tokens, start)));
                    }
                    j += 1;
                }
                let single = specs.len() == 1;
                for (path, doc) in specs {
                    if path == "C" {
                        out.extend(doc.or_else(|| decl_doc.clone().filter(|_| single)));
                    }
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// One Go token, as far as [`cgo_preambles`] cares.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// A comment: its text without markers.
    Comment(String),
    /// A string literal's value (escapes left as written).
    Str(String),
    /// The `import` keyword.
    Import,
    /// Another identifier, keyword or number.
    Word,
    /// Punctuation.
    Other(char),
}

#[derive(Debug, Clone)]
struct Token {
    kind: Tok,
    /// First and last line (1-based).
    line: usize,
    end_line: usize,
}

fn lex_go(src: &str) -> Vec<Token> {
    let chars: Vec<char> = src.chars().collect();
    let mut tokens = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < chars.len() {
        let c = chars[i];
        let start_line = line;
        let start = i;
        let kind = match c {
            '\n' => {
                line += 1;
                i += 1;
                continue;
            }
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                Tok::Comment(chars[start + 2..i].iter().collect())
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
                let text = chars[start + 2..i.min(chars.len())].iter().collect();
                i = (i + 2).min(chars.len());
                Tok::Comment(text)
            }
            '"' | '\'' | '`' => {
                i += 1;
                while i < chars.len() && chars[i] != c {
                    if c != '`' && chars[i] == '\\' {
                        i += 1;
                    } else if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                let value = chars[start + 1..i.min(chars.len())].iter().collect();
                i = (i + 1).min(chars.len());
                if c == '\'' {
                    Tok::Word
                } else {
                    Tok::Str(value)
                }
            }
            c if c.is_alphanumeric() || c == '_' => {
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if word == "import" {
                    Tok::Import
                } else {
                    Tok::Word
                }
            }
            c => {
                i += 1;
                Tok::Other(c)
            }
        };
        tokens.push(Token {
            kind,
            line: start_line,
            end_line: line,
        });
    }
    tokens
}

/// The doc comment of the token at `at`: the group of comments (no blank
/// line between them) ending on the line right before it.
fn doc_before(tokens: &[Token], at: usize) -> Option<String> {
    let mut first = at;
    while first > 0 {
        let t = &tokens[first - 1];
        if !matches!(t.kind, Tok::Comment(_)) {
            break;
        }
        let adjacent = if first == at {
            t.end_line + 1 == tokens[at].line
        } else {
            t.end_line + 1 >= tokens[first].line
        };
        // A comment on the line of an earlier token trails that token.
        let trailing = first >= 2
            && !matches!(tokens[first - 2].kind, Tok::Comment(_))
            && tokens[first - 2].end_line == t.line;
        if !adjacent || trailing {
            break;
        }
        first -= 1;
    }
    if first == at {
        return None;
    }
    let text: Vec<&str> = tokens[first..at]
        .iter()
        .filter_map(|t| match &t.kind {
            Tok::Comment(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    Some(text.join("\n"))
}

/// An `#include`, `#include_next` or `#import` line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct IncludeDirective {
    /// The name between the delimiters.
    pub name: String,
    /// `<name>` (searched in include directories only) rather than `"name"`.
    pub angle: bool,
    /// The line as written, trimmed.
    pub text: String,
}

/// The include directives of C text. Preprocessor conditions are not
/// evaluated: every directive counts.
pub fn include_directives(text: &str) -> Vec<IncludeDirective> {
    text.lines()
        .filter_map(|line| {
            let trimmed = line.trim();
            let rest = trimmed.strip_prefix('#')?.trim_start();
            let rest = ["include_next", "include", "import"]
                .iter()
                .find_map(|d| rest.strip_prefix(d))?
                .trim_start();
            let (angle, close) = match rest.chars().next()? {
                '<' => (true, '>'),
                '"' => (false, '"'),
                _ => return None, // a macro: not resolvable here
            };
            let name = &rest[1..];
            let name = &name[..name.find(close)?];
            (!name.is_empty()).then(|| IncludeDirective {
                name: name.to_owned(),
                angle,
                text: trimmed.to_owned(),
            })
        })
        .collect()
}

/// Include search paths and forced includes named by compiler flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncludePaths {
    /// `-iquote`: for `"…"` only, before the others.
    pub quote: Vec<Utf8PathBuf>,
    /// `-I`, `-isystem`, `-idirafter`, in that order of search.
    pub dirs: Vec<(String, Utf8PathBuf)>,
    /// `-include FILE`.
    pub forced: Vec<Utf8PathBuf>,
}

/// Include paths of compiler flags (`-I dir`, `-Idir`, …). Only absolute
/// paths count: `#cgo` expands `${SRCDIR}`, a relative one names nothing
/// stable.
pub fn include_paths(flags: &[String]) -> IncludePaths {
    let mut out = IncludePaths::default();
    let (mut dirs, mut system, mut after) = (Vec::new(), Vec::new(), Vec::new());
    let mut it = flags.iter();
    while let Some(flag) = it.next() {
        let found = ["-isystem", "-idirafter", "-iquote", "-include", "-I"]
            .into_iter()
            .find_map(|name| {
                let value = flag.strip_prefix(name)?;
                let value = if value.is_empty() {
                    it.next()?.as_str()
                } else {
                    value
                };
                Some((name, Utf8PathBuf::from(value)))
            });
        let Some((name, path)) = found else { continue };
        if !path.is_absolute() {
            continue;
        }
        let path = normalize(&path);
        match name {
            "-I" => dirs.push((name.to_owned(), path)),
            "-isystem" => system.push((name.to_owned(), path)),
            "-idirafter" => after.push((name.to_owned(), path)),
            "-iquote" => out.quote.push(path),
            _ => out.forced.push(path),
        }
    }
    out.dirs = dirs.into_iter().chain(system).chain(after).collect();
    out
}

/// One include seen while reading a package's cgo code.
#[derive(Debug, Clone, PartialEq, Eq)]
struct IncludeEvent {
    /// The file holding the directive (a Go file for its preamble).
    from: Utf8PathBuf,
    directive: IncludeDirective,
    /// The file it names, when it exists in the package's search paths.
    resolved: Option<Utf8PathBuf>,
}

/// Read the package's cgo preambles and C/C++/Objective-C files, resolve
/// their includes like the compiler (`"…"`: the including file's
/// directory, then `-iquote`; both forms: `-I`, `-isystem`, `-idirafter`),
/// and follow resolved includes inside the module (or the package directory
/// when the module is unknown).
fn walk_includes(pkg: &CgoPackage) -> Vec<IncludeEvent> {
    let paths = include_paths(&pkg.compile_flags);
    let root = pkg
        .module
        .as_ref()
        .and_then(|m| m.dir.clone())
        .unwrap_or_else(|| pkg.dir.clone());
    let mut queue: VecDeque<Utf8PathBuf> = VecDeque::new();
    let mut seen: BTreeSet<Utf8PathBuf> = BTreeSet::new();
    let mut events = Vec::new();
    let c_like = [&pkg.c_files, &pkg.cxx_files, &pkg.h_files, &pkg.m_files];
    let sources = c_like
        .into_iter()
        .flatten()
        .map(|f| normalize(&pkg.dir.join(f)));
    for path in sources.chain(paths.forced.iter().cloned()) {
        if seen.insert(path.clone()) {
            queue.push_back(path);
        }
    }
    let mut directives: Vec<(Utf8PathBuf, IncludeDirective)> = Vec::new();
    for f in &pkg.cgo_files {
        let path = pkg.dir.join(f);
        let Ok(src) = std::fs::read(&path) else {
            continue;
        };
        for preamble in cgo_preambles(&String::from_utf8_lossy(&src)) {
            directives.extend(
                include_directives(&preamble)
                    .into_iter()
                    .map(|d| (path.clone(), d)),
            );
        }
    }
    let mut read = 0;
    loop {
        for (from, directive) in directives.drain(..) {
            let resolved = resolve(&from, &directive, &paths);
            if let Some(r) = &resolved {
                if r.starts_with(&root) && seen.insert(r.clone()) {
                    queue.push_back(r.clone());
                }
            }
            events.push(IncludeEvent {
                from,
                directive,
                resolved,
            });
        }
        let Some(file) = queue.pop_front() else { break };
        read += 1;
        if read > MAX_FILES_PER_PACKAGE {
            break;
        }
        if let Ok(bytes) = std::fs::read(&file) {
            let text = String::from_utf8_lossy(&bytes);
            directives.extend(
                include_directives(&text)
                    .into_iter()
                    .map(|d| (file.clone(), d)),
            );
        }
    }
    events
}

fn resolve(from: &Utf8Path, d: &IncludeDirective, paths: &IncludePaths) -> Option<Utf8PathBuf> {
    let own_dir = (!d.angle)
        .then(|| from.parent().map(Utf8Path::to_owned))
        .flatten();
    let quote = if d.angle { &[][..] } else { &paths.quote[..] };
    own_dir
        .into_iter()
        .chain(quote.iter().cloned())
        .chain(paths.dirs.iter().map(|(_, p)| p.clone()))
        .map(|dir| normalize(&dir.join(&d.name)))
        .find(|p| p.is_file())
}

// ---------------------------------------------------------------------------
// Judging

/// What `go mod vendor` copies of one module (cmd/go's vendor.go).
#[derive(Debug, Clone)]
struct VendorKeep {
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

fn vendoring_findings(
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
fn collapse_under_dirs(findings: BTreeSet<VendoringFinding>) -> Vec<VendoringFinding> {
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

/// What a darwin cgo package needs beyond the SDK-free path.
fn darwin_needs(pkg: &CgoPackage, events: &[IncludeEvent]) -> BTreeSet<DarwinNeed> {
    let mut needs: BTreeSet<DarwinNeed> = frameworks_linked(&pkg.ldflags)
        .into_iter()
        .filter(|f| !STUBBED_FRAMEWORKS.contains(&f.as_str()))
        .map(DarwinNeed::Framework)
        .collect();
    needs.extend(
        events
            .iter()
            .filter(|e| e.resolved.is_none() && is_framework_header(&e.directive.name))
            .map(|e| DarwinNeed::Header(e.directive.name.clone())),
    );
    needs
}

/// Frameworks named by linker flags: `-framework X`, `-weak_framework X`,
/// `-Wl,-framework,X`.
pub fn frameworks_linked(ldflags: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut words: Vec<&str> = Vec::new();
    for flag in ldflags {
        match flag.strip_prefix("-Wl,") {
            Some(rest) => words.extend(rest.split(',')),
            None => words.push(flag),
        }
    }
    let mut it = words.into_iter();
    while let Some(w) = it.next() {
        if matches!(w, "-framework" | "-weak_framework" | "-needed_framework") {
            if let Some(name) = it.next() {
                out.push(name.to_owned());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether an include names a framework header that Zig does not ship:
/// `Framework/…` with a capitalised first component (Apple's framework
/// layout; Unix and Zig's own macOS headers are lowercase but
/// [`ZIG_MACOS_CAPITALISED_DIRS`]).
pub fn is_framework_header(name: &str) -> bool {
    let Some((first, rest)) = name.split_once('/') else {
        return false;
    };
    first.starts_with(|c: char| c.is_ascii_uppercase())
        && !rest.is_empty()
        && !ZIG_MACOS_CAPITALISED_DIRS.contains(&first)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn preambles_are_the_comment_group_right_before_import_c() {
        let src = r#"package p

// #cgo CFLAGS: -I${SRCDIR}/inc
// #include "a.h"
import "C"

/*
#include <b.h>
*/
import "C"

// not a preamble: a blank line follows

import "C"

import (
	"fmt"
	// #include "grouped.h"
	"C"
)

var s = "import \"C\" // #include <in-string.h>"
"#;
        let p = cgo_preambles(src);
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].contains("#cgo CFLAGS") && p[0].contains("#include \"a.h\""));
        assert!(p[1].contains("#include <b.h>"));
        assert!(p[2].contains("grouped.h"));
        assert!(!p
            .iter()
            .any(|x| x.contains("in-string") || x.contains("not a preamble")));
    }

    #[test]
    fn a_one_spec_import_group_takes_the_declarations_doc() {
        let src = "package p\n\n// #include <x.h>\nimport (\n\t\"C\"\n)\n";
        assert_eq!(cgo_preambles(src), [" #include <x.h>"]);
        let two = "package p\n\n// #include <x.h>\nimport (\n\t\"C\"\n\t\"fmt\"\n)\n";
        assert!(cgo_preambles(two).is_empty());
        // A comment trailing code on its line starts no preamble.
        let trailing = "package p\n\nconst x = 1 // #include <t.h>\nimport \"C\"\n";
        assert!(cgo_preambles(trailing).is_empty());
    }

    #[test]
    fn include_directives_of_c_text() {
        let text = "#include <stdio.h>\n  #  include \"src/x.c\"\n#import <Foundation/Foundation.h>\n\
                    #include_next <limits.h>\n#include MACRO_HEADER\n// #include <commented.h>\n#define X 1\n";
        let got: Vec<(String, bool)> = include_directives(text)
            .into_iter()
            .map(|d| (d.name, d.angle))
            .collect();
        assert_eq!(
            got,
            [
                ("stdio.h".to_owned(), true),
                ("src/x.c".to_owned(), false),
                ("Foundation/Foundation.h".to_owned(), true),
                ("limits.h".to_owned(), true),
            ]
        );
        assert_eq!(
            include_directives("# include \"a.h\"")[0].text,
            "# include \"a.h\""
        );
    }

    #[test]
    fn include_paths_of_flags() {
        let flags = strings(&[
            "-O2",
            "-I/m/inc",
            "-I",
            "/m/p/../other",
            "-isystem",
            "/m/sys",
            "-idirafter/m/after",
            "-iquote",
            "/m/q",
            "-include",
            "/m/force.h",
            "-Irelative",
            "-DX=-I/not",
        ]);
        let p = include_paths(&flags);
        let dirs: Vec<(&str, &str)> = p
            .dirs
            .iter()
            .map(|(f, d)| (f.as_str(), d.as_str()))
            .collect();
        assert_eq!(
            dirs,
            [
                ("-I", "/m/inc"),
                ("-I", "/m/other"),
                ("-isystem", "/m/sys"),
                ("-idirafter", "/m/after")
            ]
        );
        assert_eq!(p.quote, [Utf8PathBuf::from("/m/q")]);
        assert_eq!(p.forced, [Utf8PathBuf::from("/m/force.h")]);
    }

    #[test]
    fn frameworks_of_linker_flags() {
        let flags = strings(&[
            "-framework",
            "CoreFoundation",
            "-lresolv",
            "-Wl,-framework,IOKit",
            "-weak_framework",
            "Metal",
            "-framework",
            "CoreFoundation",
        ]);
        assert_eq!(
            frameworks_linked(&flags),
            ["CoreFoundation", "IOKit", "Metal"]
        );
    }

    #[test]
    fn framework_headers_are_capitalised_directories_zig_lacks() {
        assert!(is_framework_header("CFNetwork/CFProxySupport.h"));
        assert!(is_framework_header("CoreFoundation/CoreFoundation.h"));
        assert!(is_framework_header("IOKit/usb/IOUSBLib.h"));
        assert!(!is_framework_header("CommonCrypto/CommonDigest.h"));
        assert!(!is_framework_header("TargetConditionals.h"));
        assert!(!is_framework_header("sys/types.h"));
        assert!(!is_framework_header("mach-o/dyld.h"));
        assert!(!is_framework_header("Foo/"));
    }

    #[test]
    fn normalize_resolves_dots_lexically() {
        assert_eq!(normalize(Utf8Path::new("/a/b/../c/./d")), "/a/c/d");
        assert_eq!(normalize(Utf8Path::new("/a/b/")), "/a/b");
    }

    /// A fake module-cache module and a main module on disk, and what
    /// `go list` would say about them.
    struct Fixture {
        _tmp: tempfile::TempDir,
        root: Utf8PathBuf,
    }

    impl Fixture {
        fn new() -> Fixture {
            let tmp = tempfile::tempdir().unwrap();
            let root = Utf8PathBuf::from_path_buf(tmp.path().to_owned()).unwrap();
            Fixture { _tmp: tmp, root }
        }

        fn write(&self, rel: &str, text: &str) -> Utf8PathBuf {
            let p = self.root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
            p
        }

        fn dir(&self, rel: &str) -> String {
            self.root.join(rel).into_string()
        }
    }

    fn module(f: &Fixture, path: &str, rel: &str, main: bool) -> Option<ListedModule> {
        Some(ListedModule {
            path: path.to_owned(),
            version: if main { String::new() } else { "v1.0.0".into() },
            dir: f.dir(rel),
            main,
            replace: None,
        })
    }

    /// A dependency `example.com/dep` whose cgo package `.` includes
    /// files from a plain directory (`csrc/`), a sibling package (`util/`),
    /// a header through `-I${SRCDIR}/include`, and a darwin framework.
    fn dependency(f: &Fixture) -> Vec<ListedPackage> {
        f.write(
            "cache/dep@v1.0.0/dep.go",
            "package dep\n\n// #include \"csrc/impl.c\"\n// #include \"util/util.h\"\n\
             // #include <api/api.h>\n// #include <CoreServices/CoreServices.h>\n\
             // #include <Local/local.h>\nimport \"C\"\n",
        );
        f.write("cache/dep@v1.0.0/csrc/impl.c", "#include \"impl.h\"\n");
        f.write("cache/dep@v1.0.0/csrc/impl.h", "int impl(void);\n");
        f.write("cache/dep@v1.0.0/util/util.go", "package util\n");
        f.write("cache/dep@v1.0.0/util/util.h", "int util(void);\n");
        f.write("cache/dep@v1.0.0/include/api/api.h", "int api(void);\n");
        f.write(
            "cache/dep@v1.0.0/include/Local/local.h",
            "int local(void);\n",
        );
        f.write("cache/dep@v1.0.0/include/top.h", "int top(void);\n");
        f.write("cache/dep@v1.0.0/LICENSE", "MIT\n");
        let inc = format!("-I{}", f.dir("cache/dep@v1.0.0/include"));
        vec![
            ListedPackage {
                dir: f.dir("cache/dep@v1.0.0"),
                import_path: "example.com/dep".into(),
                name: "dep".into(),
                dep_only: true,
                cgo_files: strings(&["dep.go"]),
                cgo_cflags: vec![inc],
                cgo_ldflags: strings(&["-framework", "CoreFoundation", "-framework", "IOKit"]),
                module: module(f, "example.com/dep", "cache/dep@v1.0.0", false),
                ..ListedPackage::default()
            },
            ListedPackage {
                dir: f.dir("cache/dep@v1.0.0/util"),
                import_path: "example.com/dep/util".into(),
                name: "util".into(),
                dep_only: true,
                module: module(f, "example.com/dep", "cache/dep@v1.0.0", false),
                ..ListedPackage::default()
            },
        ]
    }

    fn app(f: &Fixture) -> ListedPackage {
        f.write(
            "app/main.go",
            "package main\n\n// #include \"own/x.c\"\nimport \"C\"\n",
        );
        f.write("app/own/x.c", "int x;\n");
        ListedPackage {
            dir: f.dir("app"),
            import_path: "example.com/app".into(),
            name: "main".into(),
            matched: strings(&["."]),
            cgo_files: strings(&["main.go"]),
            deps: strings(&["example.com/dep", "example.com/dep/util"]),
            module: module(f, "example.com/app", "app", true),
            ..ListedPackage::default()
        }
    }

    fn platform(goos: Goos, goarch: Goarch) -> GoPlatform {
        GoPlatform { goos, goarch }
    }

    fn fixture_scan(f: &Fixture) -> CgoScan {
        let mut listed = dependency(f);
        listed.push(app(f));
        analyse(&[
            (platform(Goos::Linux, Goarch::Amd64), listed.clone()),
            (platform(Goos::Darwin, Goarch::Arm64), listed.clone()),
            (platform(Goos::Darwin, Goarch::Amd64), listed),
        ])
    }

    #[test]
    fn vendoring_findings_name_what_go_mod_vendor_leaves_out() {
        let f = Fixture::new();
        let scan = fixture_scan(&f);
        let got: Vec<(&str, &str, &VendorReference)> = scan
            .vendoring
            .iter()
            .map(|v| (v.package.as_str(), v.path.as_str(), &v.reference))
            .collect();
        // csrc/impl.c and what it includes; the -I directory once (its
        // headers not again); util/ is a package directory, kept; the main
        // module's own files are never vendored.
        assert_eq!(
            got,
            [
                (
                    "example.com/dep",
                    "csrc/impl.c",
                    &VendorReference::Include {
                        file: "dep.go".into(),
                        directive: "#include \"csrc/impl.c\"".into()
                    }
                ),
                (
                    "example.com/dep",
                    "csrc/impl.h",
                    &VendorReference::Include {
                        file: "csrc/impl.c".into(),
                        directive: "#include \"impl.h\"".into()
                    }
                ),
                (
                    "example.com/dep",
                    "include",
                    &VendorReference::Flag { flag: "-I".into() }
                ),
            ]
        );
        assert!(scan
            .vendoring
            .iter()
            .all(|v| v.module == "example.com/dep@v1.0.0"));
        assert_eq!(
            scan.vendoring[0].to_string(),
            "example.com/dep (example.com/dep@v1.0.0) needs csrc/impl.c (`#include \"csrc/impl.c\"` \
             in dep.go), outside every package directory of its module: `go mod vendor` leaves it \
             out, so the build needs buildGoModule's `proxyVendor` (whole modules; `cgoflake gen` \
             chooses it)"
        );
    }

    #[test]
    fn darwin_findings_merge_architectures_and_skip_local_headers() {
        let f = Fixture::new();
        let scan = fixture_scan(&f);
        let both = vec![
            platform(Goos::Darwin, Goarch::Amd64),
            platform(Goos::Darwin, Goarch::Arm64),
        ];
        // <Local/local.h> is found through -I: not a framework.
        assert_eq!(
            scan.darwin,
            [
                DarwinFinding {
                    package: "example.com/dep".into(),
                    platforms: both.clone(),
                    need: DarwinNeed::Header("CoreServices/CoreServices.h".into()),
                },
                DarwinFinding {
                    package: "example.com/dep".into(),
                    platforms: both,
                    need: DarwinNeed::Framework("IOKit".into()),
                },
            ]
        );
        assert_eq!(
            scan.darwin[0].to_string(),
            "example.com/dep (darwin/amd64, darwin/arm64) includes <CoreServices/CoreServices.h>: \
             the SDK-free darwin path has no Apple framework headers; set `darwinSdk` in \
             cgoflake.json (a macOS SDK you packaged) or drop darwin targets"
        );
        assert!(scan.darwin[1]
            .to_string()
            .contains("links `-framework IOKit`: the SDK-free darwin path links only CoreFoundation, Security and libresolv"));
    }

    #[test]
    fn packages_per_platform_with_their_users() {
        let f = Fixture::new();
        let scan = fixture_scan(&f);
        assert_eq!(scan.platforms.len(), 3);
        let linux = &scan.platforms[0];
        let names: Vec<&str> = linux
            .packages
            .iter()
            .map(|p| p.import_path.as_str())
            .collect();
        assert_eq!(names, ["example.com/app", "example.com/dep"]);
        assert_eq!(linux.packages[1].used_by, ["."]);
        let m = linux.packages[1].module.as_ref().unwrap();
        assert_eq!(m.to_string(), "example.com/dep@v1.0.0");
        assert!(!m.main && linux.packages[0].module.as_ref().unwrap().main);
        assert!(scan.warnings.is_empty());
    }

    #[test]
    fn an_include_directory_above_the_package_is_a_finding_its_own_directory_not() {
        let f = Fixture::new();
        f.write("cache/up@v1.0.0/root.h", "int root(void);\n");
        f.write("cache/up@v1.0.0/README.md", "not C\n");
        f.write(
            "cache/up@v1.0.0/pkg/p.go",
            "package p\n\n// #include \"p.h\"\nimport \"C\"\n",
        );
        f.write("cache/up@v1.0.0/pkg/p.h", "#include <root.h>\n");
        let pkg = |flags: Vec<String>| ListedPackage {
            dir: f.dir("cache/up@v1.0.0/pkg"),
            import_path: "example.com/up/pkg".into(),
            name: "p".into(),
            cgo_files: strings(&["p.go"]),
            h_files: strings(&["p.h"]),
            cgo_cppflags: flags,
            module: module(&f, "example.com/up", "cache/up@v1.0.0", false),
            ..ListedPackage::default()
        };
        let linux = platform(Goos::Linux, Goarch::Amd64);
        let up = format!("-I{}/..", f.dir("cache/up@v1.0.0/pkg"));
        let scan = analyse(&[(linux, vec![pkg(vec![up])])]);
        let got: Vec<(&str, &VendorReference)> = scan
            .vendoring
            .iter()
            .map(|v| (v.path.as_str(), &v.reference))
            .collect();
        // root.h, found through the directory, is not reported again.
        assert_eq!(got, [(".", &VendorReference::Flag { flag: "-I".into() })]);
        let own = format!("-I{}", f.dir("cache/up@v1.0.0/pkg"));
        assert!(analyse(&[(linux, vec![pkg(vec![own])])])
            .vendoring
            .is_empty());
    }

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

    #[test]
    fn listing_errors_become_warnings_once() {
        let broken = ListedPackage {
            import_path: "example.com/missing".into(),
            error: Some(ListedError {
                err: "cannot find module\nmore".into(),
            }),
            ..ListedPackage::default()
        };
        let scan = analyse(&[
            (platform(Goos::Linux, Goarch::Amd64), vec![broken.clone()]),
            (platform(Goos::Windows, Goarch::Amd64), vec![broken]),
        ]);
        assert_eq!(
            scan.warnings,
            ["could not list example.com/missing: cannot find module"]
        );
    }

    #[test]
    fn sub_packages_become_patterns_and_back() {
        assert_eq!(package_pattern("."), ".");
        assert_eq!(package_pattern("cmd/x/"), "./cmd/x");
        assert_eq!(sub_package_name("./cmd/x"), "cmd/x");
        assert_eq!(sub_package_name("."), ".");
    }
}
