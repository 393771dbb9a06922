//! The test oracle for `src/darwin/stubs.sh`: the same TAPI stubs, derived
//! in Rust with Go's own file selection rules (file-name suffixes and
//! `//go:build` constraints evaluated for darwin), where the shipped shell
//! script filters by install name. `tests/darwin_stubs.rs` checks that both
//! write byte-identical trees for the installed Go, so the shortcut the
//! script takes is proven, per Go version, to lose nothing.
//!
//! # Where the symbol list comes from
//!
//! Go itself states, per symbol, which dylib it imports it from:
//!
//! ```text
//! //go:cgo_import_dynamic libresolv_res_9_ninit res_9_ninit "/usr/lib/libresolv.9.dylib"
//! ```
//!
//! In external link mode the Go linker turns every reachable such symbol into
//! an undefined symbol of `go.o`, and passes the `//go:cgo_ldflag` /
//! `#cgo LDFLAGS:` flags (`-lresolv`, `-framework X`) to the C linker. So the
//! derivation scans the `.go` files of the toolchain's `GOROOT/src`:
//!
//! * files are selected with Go's own rules for `GOOS=darwin` and the given
//!   `GOARCH`: `_test.go` files, `testdata`, `_`/`.` directories and
//!   `GOROOT/src/cmd` are skipped; file name suffixes (`_darwin`, `_arm64`,
//!   `_darwin_arm64`) are honoured; a `//go:build` expression is kept when it
//!   is *satisfiable* with the platform tags fixed (`darwin`, `unix`, the
//!   GOARCH true; every other known GOOS/GOARCH false) and every other tag
//!   (`cgo`, `netgo`, `purego`, `goexperiment.*`, release tags ...) free.
//!   The result is therefore a superset over all build-tag choices, which is
//!   what a stub needs: declaring a symbol the program does not use is
//!   harmless (the linker binds only referenced symbols), missing one is not.
//! * the result is the union over the GOARCHes asked for (the stubs carry both
//!   `x86_64-macos` and `arm64-macos`).
//! * `libSystem` is provided by Zig and is never stubbed (a stub on `-L` would
//!   shadow Zig's complete one).
//!
//! The link requests (`-lX`, `-framework X`) are collected too, so that
//! [`DarwinImports::unresolved_link_requests`] can report a future Go that
//! asks for a library none of its imports names (fail loudly, never guess).
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use cgoflake::binary::UndefinedSymbol;

/// Install name of libSystem; Zig ships its stub, we never write one.
pub const LIBSYSTEM: &str = "/usr/lib/libSystem.B.dylib";

/// TAPI targets written into every stub.
pub const TBD_TARGETS: &[&str] = &["x86_64-macos", "arm64-macos"];

/// The GOARCHes darwin supports, the default for [`derive_from_goroot`].
pub const DARWIN_GOARCHES: &[&str] = &["amd64", "arm64"];

/// What the linker is asked to link, from `//go:cgo_ldflag` or `#cgo LDFLAGS:`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkRequest {
    /// `-lname`
    Lib(String),
    /// `-framework Name`
    Framework(String),
}

/// Dynamic imports of a Go toolchain for darwin: install name -> C symbol
/// names (without Mach-O's leading underscore), plus the libraries the link
/// asks for. Ordered collections, so everything derived from it is
/// deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DarwinImports {
    /// install name (e.g. `/usr/lib/libresolv.9.dylib`) -> symbols.
    pub libs: BTreeMap<String, BTreeSet<String>>,
    /// `-l` / `-framework` requests found in the scanned sources.
    pub link_requests: BTreeSet<LinkRequest>,
}

/// One `//go:cgo_import_dynamic local remote "library"` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportDirective {
    pub local: String,
    /// The symbol name in the library (`#version` suffix removed).
    pub remote: String,
    pub library: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum StubError {
    #[error("io error at {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("install name {0:?} is neither /usr/lib/lib*.dylib nor a /System/Library framework")]
    UnknownInstallName(String),
    #[error("GOARCH {0:?} is not a darwin architecture")]
    BadGoarch(String),
}

impl DarwinImports {
    /// Union `other` into `self`.
    pub fn merge(&mut self, other: DarwinImports) {
        for (lib, syms) in other.libs {
            self.libs.entry(lib).or_default().extend(syms);
        }
        self.link_requests.extend(other.link_requests);
    }

    /// The part that must be stubbed: everything but libSystem and
    /// `/usr/lib/system/*` (re-exported by Zig's libSystem.tbd).
    pub fn stubbed(&self) -> BTreeMap<&str, &BTreeSet<String>> {
        self.libs
            .iter()
            .filter(|(lib, _)| !provided_by_zig(lib))
            .map(|(lib, syms)| (lib.as_str(), syms))
            .collect()
    }

    /// Link requests that neither Zig's libc directory nor a stub satisfies.
    /// Non-empty means: this Go version needs a library the derivation cannot
    /// name; the build must fail rather than guess.
    pub fn unresolved_link_requests(&self) -> Vec<LinkRequest> {
        let provided: BTreeSet<LinkRequest> = self
            .stubbed()
            .keys()
            .filter_map(|lib| link_request_for(lib))
            .collect();
        self.link_requests
            .iter()
            .filter(|r| match r {
                LinkRequest::Lib(name) => {
                    !ZIG_PROVIDED_LIBS.contains(&name.as_str()) && !provided.contains(r)
                }
                LinkRequest::Framework(_) => !provided.contains(r),
            })
            .cloned()
            .collect()
    }
}

/// `-l` names that Zig resolves to its own libSystem for darwin targets.
const ZIG_PROVIDED_LIBS: &[&str] = &[
    "System", "c", "m", "pthread", "dl", "dbm", "info", "poll", "proc", "rpcsvc",
];

fn provided_by_zig(install_name: &str) -> bool {
    install_name == LIBSYSTEM || install_name.starts_with("/usr/lib/system/")
}

const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
];
const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];
const UNIX_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "linux",
    "netbsd",
    "openbsd",
    "solaris",
];

/// The fixed part of a build context: GOOS and GOARCH.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Platform<'a> {
    pub goos: &'a str,
    pub goarch: &'a str,
}

impl Platform<'_> {
    /// `Some(value)` for platform tags, `None` for free tags.
    fn tag(&self, tag: &str) -> Option<bool> {
        if tag == "unix" {
            return Some(UNIX_OS.contains(&self.goos));
        }
        if KNOWN_OS.contains(&tag) {
            // GOOS=android implies linux, ios implies darwin, illumos solaris.
            let implied = matches!(
                (self.goos, tag),
                ("android", "linux") | ("ios", "darwin") | ("illumos", "solaris")
            );
            return Some(tag == self.goos || implied);
        }
        if KNOWN_ARCH.contains(&tag) {
            return Some(tag == self.goarch);
        }
        None
    }

    /// Go's file-name rule (`*_GOOS`, `*_GOARCH`, `*_GOOS_GOARCH`, `*_test`).
    pub fn file_name_matches(&self, file_name: &str) -> bool {
        let Some(stem) = file_name.strip_suffix(".go") else {
            return false;
        };
        let Some(i) = stem.find('_') else {
            return true;
        };
        let mut parts: Vec<&str> = stem[i..].split('_').collect();
        if parts.last() == Some(&"test") {
            return false;
        }
        parts.retain(|p| !p.is_empty());
        let n = parts.len();
        if n >= 2 && KNOWN_OS.contains(&parts[n - 2]) && KNOWN_ARCH.contains(&parts[n - 1]) {
            return self.tag(parts[n - 2]) == Some(true) && parts[n - 1] == self.goarch;
        }
        if n >= 1 && KNOWN_OS.contains(&parts[n - 1]) {
            return self.tag(parts[n - 1]) == Some(true);
        }
        if n >= 1 && KNOWN_ARCH.contains(&parts[n - 1]) {
            return parts[n - 1] == self.goarch;
        }
        true
    }

    /// Whether a file with this name and content can be part of a build for
    /// this platform under *some* choice of the non-platform build tags.
    pub fn file_may_match(&self, file_name: &str, src: &str) -> bool {
        if !self.file_name_matches(file_name) {
            return false;
        }
        match go_build_line(src) {
            None => true,
            Some(expr) => match Expr::parse(expr) {
                Some(e) => e.satisfiable(self),
                // Unparseable: keep it (superset).
                None => true,
            },
        }
    }
}

/// The `//go:build` expression of a file, if any (only in the header before
/// the package clause).
fn go_build_line(src: &str) -> Option<&str> {
    for line in src.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("//go:build") {
            if rest.starts_with([' ', '\t']) {
                return Some(rest.trim());
            }
        }
        if t.starts_with("package ") || t == "package" {
            break;
        }
    }
    None
}

/// A `//go:build` boolean expression.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expr {
    Tag(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    fn parse(s: &str) -> Option<Expr> {
        let tokens = tokenize(s)?;
        let mut pos = 0;
        let e = parse_or(&tokens, &mut pos)?;
        (pos == tokens.len()).then_some(e)
    }

    fn free_tags<'a>(&'a self, p: &Platform, out: &mut BTreeSet<&'a str>) {
        match self {
            Expr::Tag(t) => {
                if p.tag(t).is_none() {
                    out.insert(t);
                }
            }
            Expr::Not(e) => e.free_tags(p, out),
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.free_tags(p, out);
                b.free_tags(p, out);
            }
        }
    }

    fn eval(&self, p: &Platform, free: &[&str], bits: u32) -> bool {
        match self {
            Expr::Tag(t) => p.tag(t).unwrap_or_else(|| {
                let i = free.iter().position(|f| f == t).unwrap_or(0);
                bits & (1 << i) != 0
            }),
            Expr::Not(e) => !e.eval(p, free, bits),
            Expr::And(a, b) => a.eval(p, free, bits) && b.eval(p, free, bits),
            Expr::Or(a, b) => a.eval(p, free, bits) || b.eval(p, free, bits),
        }
    }

    /// Is there an assignment of the free tags that makes this true?
    fn satisfiable(&self, p: &Platform) -> bool {
        let mut free = BTreeSet::new();
        self.free_tags(p, &mut free);
        let free: Vec<&str> = free.into_iter().collect();
        if free.len() > 16 {
            return true; // too many to enumerate: keep (superset)
        }
        (0..1u32 << free.len()).any(|bits| self.eval(p, &free, bits))
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Tok {
    Tag(String),
    Not,
    And,
    Or,
    LParen,
    RParen,
}

fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' => i += 1,
            b'!' => {
                out.push(Tok::Not);
                i += 1
            }
            b'(' => {
                out.push(Tok::LParen);
                i += 1
            }
            b')' => {
                out.push(Tok::RParen);
                i += 1
            }
            b'&' if b.get(i + 1) == Some(&b'&') => {
                out.push(Tok::And);
                i += 2
            }
            b'|' if b.get(i + 1) == Some(&b'|') => {
                out.push(Tok::Or);
                i += 2
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
                {
                    i += 1;
                }
                out.push(Tok::Tag(s[start..i].to_string()));
            }
            _ => return None,
        }
    }
    Some(out)
}

fn parse_or(t: &[Tok], pos: &mut usize) -> Option<Expr> {
    let mut left = parse_and(t, pos)?;
    while t.get(*pos) == Some(&Tok::Or) {
        *pos += 1;
        left = Expr::Or(Box::new(left), Box::new(parse_and(t, pos)?));
    }
    Some(left)
}

fn parse_and(t: &[Tok], pos: &mut usize) -> Option<Expr> {
    let mut left = parse_not(t, pos)?;
    while t.get(*pos) == Some(&Tok::And) {
        *pos += 1;
        left = Expr::And(Box::new(left), Box::new(parse_not(t, pos)?));
    }
    Some(left)
}

fn parse_not(t: &[Tok], pos: &mut usize) -> Option<Expr> {
    match t.get(*pos)? {
        Tok::Not => {
            *pos += 1;
            Some(Expr::Not(Box::new(parse_not(t, pos)?)))
        }
        Tok::LParen => {
            *pos += 1;
            let e = parse_or(t, pos)?;
            (t.get(*pos) == Some(&Tok::RParen)).then_some(())?;
            *pos += 1;
            Some(e)
        }
        Tok::Tag(name) => {
            *pos += 1;
            Some(Expr::Tag(name.clone()))
        }
        _ => None,
    }
}

/// Split a directive's arguments like the Go compiler does (`pragmaFields`):
/// whitespace separated, `"..."` quoted fields keep their spaces (the quotes
/// are removed; Go strings in these directives use no escapes).
fn pragma_fields(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quote = false;
    let mut have = false;
    for c in s.chars() {
        if in_quote {
            if c == '"' {
                in_quote = false;
            } else {
                cur.push(c);
            }
        } else if c == '"' {
            in_quote = true;
            have = true;
        } else if c.is_whitespace() {
            if have {
                out.push(std::mem::take(&mut cur));
                have = false;
            }
        } else {
            cur.push(c);
            have = true;
        }
    }
    if have {
        out.push(cur);
    }
    out
}

/// All `//go:cgo_import_dynamic` directives of a Go source text. Like the Go
/// compiler, only directives starting at column 0 count.
pub fn parse_import_directives(src: &str) -> Vec<ImportDirective> {
    src.lines()
        .filter_map(|line| line.strip_prefix("//go:cgo_import_dynamic"))
        .filter(|rest| rest.starts_with([' ', '\t']))
        .filter_map(|rest| {
            let f = pragma_fields(rest);
            let local = f.first()?.clone();
            let remote = f.get(1).cloned().unwrap_or_else(|| local.clone());
            let remote = remote.split('#').next().unwrap_or_default().to_string();
            Some(ImportDirective {
                local,
                remote,
                // `""` (runtime/race) means "no particular library".
                library: f.get(2).filter(|l| !l.is_empty()).cloned(),
            })
        })
        .collect()
}

fn link_requests_from_flags(flags: &[String], out: &mut BTreeSet<LinkRequest>) {
    let mut it = flags.iter();
    while let Some(f) = it.next() {
        if f == "-framework" {
            if let Some(name) = it.next() {
                out.insert(LinkRequest::Framework(name.clone()));
            }
        } else if let Some(name) = f.strip_prefix("-l") {
            if !name.is_empty() {
                out.insert(LinkRequest::Lib(name.to_string()));
            }
        }
    }
}

/// `#cgo <constraints> LDFLAGS: ...` constraint check (space = OR, comma =
/// AND, `!` = NOT), with non-platform tags free (existential, like files).
fn cgo_line_constraint_may_match(p: &Platform, cons: &str) -> bool {
    if cons.trim().is_empty() {
        return true;
    }
    cons.split_whitespace().any(|opt| {
        opt.split(',').all(|term| {
            let (neg, tag) = match term.strip_prefix('!') {
                Some(t) => (true, t),
                None => (false, term),
            };
            match p.tag(tag) {
                Some(v) => v != neg,
                None => true,
            }
        })
    })
}

/// Link requests (`-l`, `-framework`) of one file for the platform.
pub fn parse_link_requests(p: &Platform, src: &str) -> BTreeSet<LinkRequest> {
    let mut out = BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    for line in src.lines() {
        if let Some(rest) = line.strip_prefix("//go:cgo_ldflag") {
            if rest.starts_with([' ', '\t']) {
                pending.extend(pragma_fields(rest));
                continue;
            }
        }
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("#cgo ") {
            if let Some((cons, flags)) = rest.split_once("LDFLAGS:") {
                if cgo_line_constraint_may_match(p, cons) {
                    let flags: Vec<String> = flags.split_whitespace().map(str::to_string).collect();
                    link_requests_from_flags(&flags, &mut out);
                }
            }
        }
    }
    link_requests_from_flags(&pending, &mut out);
    out
}

/// Imports of one Go source file for `GOOS=darwin`, `GOARCH=goarch` (empty if
/// the file is excluded by its name or build constraint).
pub fn imports_from_source(goarch: &str, file_name: &str, src: &str) -> DarwinImports {
    let p = Platform {
        goos: "darwin",
        goarch,
    };
    let mut out = DarwinImports::default();
    if !p.file_may_match(file_name, src) {
        return out;
    }
    for d in parse_import_directives(src) {
        let Some(lib) = d.library else { continue };
        let syms = out.libs.entry(lib).or_default();
        if d.remote != "_" && !d.remote.is_empty() {
            syms.insert(d.remote);
        }
    }
    out.link_requests = parse_link_requests(&p, src);
    out
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> StubError + '_ {
    move |source| StubError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Sorted `.go` files under `root`, skipping `testdata`, `_*`, `.*` and
/// (at the top) `cmd`.
fn go_files(root: &Path) -> Result<Vec<PathBuf>, StubError> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<_> = fs::read_dir(&dir)
            .map_err(io_err(&dir))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(io_err(&dir))?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            let ft = e.file_type().map_err(io_err(&path))?;
            if ft.is_dir() {
                let skip = name == "testdata"
                    || name.starts_with('_')
                    || name.starts_with('.')
                    || (dir == root && name == "cmd");
                if !skip {
                    stack.push(path);
                }
            } else if name.ends_with(".go") && !name.ends_with("_test.go") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Derive the darwin imports of the standard library of the Go toolchain at
/// `goroot` (the directory holding `src/`), united over `goarches`
/// (normally [`DARWIN_GOARCHES`]).
pub fn derive_from_goroot(goroot: &Path, goarches: &[&str]) -> Result<DarwinImports, StubError> {
    for a in goarches {
        if !DARWIN_GOARCHES.contains(a) {
            return Err(StubError::BadGoarch(a.to_string()));
        }
    }
    let src = goroot.join("src");
    let mut out = DarwinImports::default();
    for path in go_files(&src)? {
        let text = fs::read_to_string(&path).map_err(io_err(&path))?;
        if !text.contains("cgo_import_dynamic")
            && !text.contains("LDFLAGS")
            && !text.contains("cgo_ldflag")
        {
            continue;
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        for a in goarches {
            out.merge(imports_from_source(a, &name, &text));
        }
    }
    Ok(out)
}

/// `-lresolv` / `-framework Security` request that an install name satisfies.
pub fn link_request_for(install_name: &str) -> Option<LinkRequest> {
    match stub_rel_path(install_name).ok()? {
        StubKind::Lib(name, _) => Some(LinkRequest::Lib(name)),
        StubKind::Framework(name, _) => Some(LinkRequest::Framework(name)),
    }
}

enum StubKind {
    Lib(String, PathBuf),
    Framework(String, PathBuf),
}

/// Where the stub for an install name goes inside the stub tree:
/// `/usr/lib/libresolv.9.dylib` -> `lib/libresolv.tbd` (found by `-lresolv`
/// with `-L<dir>/lib`), `/System/Library/Frameworks/X.framework/Versions/A/X`
/// -> `Frameworks/X.framework/X.tbd` (found by `-framework X` with
/// `-F<dir>/Frameworks`).
fn stub_rel_path(install_name: &str) -> Result<StubKind, StubError> {
    let bad = || StubError::UnknownInstallName(install_name.to_string());
    if let Some(file) = install_name.strip_prefix("/usr/lib/") {
        let base = file
            .strip_prefix("lib")
            .and_then(|f| f.strip_suffix(".dylib"))
            .filter(|f| !f.contains('/'))
            .ok_or_else(bad)?;
        // libresolv.9 -> resolv ; libz.1.2.11 -> z
        let name = base
            .split('.')
            .next()
            .filter(|n| !n.is_empty())
            .ok_or_else(bad)?;
        return Ok(StubKind::Lib(
            name.to_string(),
            PathBuf::from(format!("lib/lib{name}.tbd")),
        ));
    }
    if let Some(rest) = install_name.strip_prefix("/System/Library/Frameworks/") {
        let (fw, tail) = rest.split_once(".framework/").ok_or_else(bad)?;
        let ok = !fw.is_empty()
            && !fw.contains('/')
            && (tail == fw
                || tail
                    .strip_prefix("Versions/")
                    .and_then(|v| v.split_once('/'))
                    .map(|(_, n)| n)
                    == Some(fw));
        if !ok {
            return Err(bad());
        }
        return Ok(StubKind::Framework(
            fw.to_string(),
            PathBuf::from(format!("Frameworks/{fw}.framework/{fw}.tbd")),
        ));
    }
    Err(bad())
}

/// Quote a YAML flow scalar when TAPI/YAML needs it (`$`, `:` ...).
fn tbd_scalar(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

fn flow_list(indent: usize, items: &[String]) -> String {
    // One item per line keeps the stubs diff-friendly and under any line
    // length limit of TAPI readers.
    let pad = " ".repeat(indent);
    let mut s = String::from("[ ");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(",\n");
            s.push_str(&pad);
        }
        s.push_str(item);
    }
    s.push_str(" ]");
    s
}

/// TAPI v4 text stub for `install_name` exporting `symbols` (C names; the
/// Mach-O leading underscore is added here). Sorted and deterministic.
pub fn render_tbd(install_name: &str, symbols: &BTreeSet<String>) -> String {
    let targets = format!("[ {} ]", TBD_TARGETS.join(", "));
    let mut s = String::new();
    s.push_str("--- !tapi-tbd\n");
    s.push_str("tbd-version:     4\n");
    let _ = writeln!(s, "targets:         {targets}");
    let _ = writeln!(s, "install-name:    '{}'", install_name.replace('\'', "''"));
    s.push_str("current-version: 1\n");
    s.push_str("compatibility-version: 1\n");
    let syms: Vec<String> = symbols
        .iter()
        .map(|n| tbd_scalar(&format!("_{n}")))
        .collect();
    if !syms.is_empty() {
        s.push_str("exports:\n");
        let _ = writeln!(s, "  - targets:         {targets}");
        let _ = writeln!(s, "    symbols:         {}", flow_list(22, &syms));
    }
    s.push_str("...\n");
    s
}

/// The stub tree as relative path -> file content (pure; see
/// [`write_stub_tree`]). libSystem is skipped (Zig provides it).
pub fn stub_files(imports: &DarwinImports) -> Result<BTreeMap<PathBuf, String>, StubError> {
    let mut out = BTreeMap::new();
    for (lib, syms) in imports.stubbed() {
        let path = match stub_rel_path(lib)? {
            StubKind::Lib(_, p) | StubKind::Framework(_, p) => p,
        };
        out.insert(path, render_tbd(lib, syms));
    }
    Ok(out)
}

/// Write `lib/*.tbd` and `Frameworks/*.framework/*.tbd` under `dir`; link
/// with `-L<dir>/lib -F<dir>/Frameworks`. Returns the written paths, sorted.
pub fn write_stub_tree(dir: &Path, imports: &DarwinImports) -> Result<Vec<PathBuf>, StubError> {
    let mut written = Vec::new();
    for (rel, text) in stub_files(imports)? {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        fs::write(&path, text).map_err(io_err(&path))?;
        written.push(path);
    }
    Ok(written)
}

/// Exported symbol names (Mach-O spelling, with `_`) of a TAPI v3/v4 text
/// stub, over all targets: entries of `symbols:`, `weak-symbols:` and
/// `thread-local-symbols:` lists. Enough to check bindings against
/// `libSystem.tbd`; not a general YAML reader.
pub fn parse_tbd_symbols(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut collecting = false;
    for line in text.lines() {
        let t = line.trim();
        let mut rest = None;
        for key in ["symbols:", "weak-symbols:", "thread-local-symbols:"] {
            if let Some(r) = t.strip_prefix(key) {
                rest = Some(r);
            }
        }
        let body = match rest {
            Some(r) => {
                collecting = true;
                r.trim().trim_start_matches('[')
            }
            None if collecting => t,
            None => continue,
        };
        let (body, done) = match body.find(']') {
            Some(i) => (&body[..i], true),
            None => (body, false),
        };
        for item in body.split(',') {
            let item = item.trim().trim_matches('\'').trim_matches('"');
            if !item.is_empty() {
                out.insert(item.to_string());
            }
        }
        if done {
            collecting = false;
        }
    }
    out
}

/// Undefined symbols that do not bind to a library declaring them, per the
/// symbol table; see [`dangling_binds`] for the bind opcodes. `exports`
/// maps install name -> exported Mach-O symbol names (with `_`), e.g. from
/// [`stub_exports`] plus Zig's `libSystem.tbd` through [`parse_tbd_symbols`].
/// Special or out-of-range ordinals are dangling too.
pub fn dangling_symbols<'a>(
    undefined: &'a [UndefinedSymbol],
    exports: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<&'a UndefinedSymbol> {
    undefined
        .iter()
        .filter(|u| match &u.dylib {
            None => true,
            Some(lib) => !exports.get(lib).is_some_and(|syms| syms.contains(&u.name)),
        })
        .collect()
}

/// Binds (from the dyld bind opcodes, [`cgoflake::binary::macho::binds`])
/// whose dylib does not declare the symbol.
pub fn dangling_binds<'a>(
    binds: &'a [(String, String)],
    exports: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<&'a (String, String)> {
    binds
        .iter()
        .filter(|(sym, lib)| !exports.get(lib).is_some_and(|s| s.contains(sym)))
        .collect()
}

/// Install name -> Mach-O symbol names the stubs export.
pub fn stub_exports(imports: &DarwinImports) -> BTreeMap<String, BTreeSet<String>> {
    imports
        .stubbed()
        .into_iter()
        .map(|(lib, syms)| {
            (
                lib.to_string(),
                syms.iter().map(|s| format!("_{s}")).collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"// Copyright
//go:build darwin && !ios

package macos

//go:cgo_ldflag "-framework"
//go:cgo_ldflag "Security"

//go:cgo_import_dynamic x509_SecTrustEvaluateWithError SecTrustEvaluateWithError "/System/Library/Frameworks/Security.framework/Versions/A/Security"
//go:cgo_import_dynamic x509_SecPolicyCreateSSL SecPolicyCreateSSL "/System/Library/Frameworks/Security.framework/Versions/A/Security"
//go:cgo_import_dynamic libc_getpid getpid "/usr/lib/libSystem.B.dylib"
//go:cgo_import_dynamic _ _ "/usr/lib/libresolv.9.dylib"
  //go:cgo_import_dynamic indented ignored "/usr/lib/libz.1.dylib"
//go:cgo_import_dynamic_not_a_directive a b "/usr/lib/libbad.dylib"
"#;

    const SECURITY: &str = "/System/Library/Frameworks/Security.framework/Versions/A/Security";

    #[test]
    fn parses_directives() {
        let d = parse_import_directives(SAMPLE);
        assert_eq!(d.len(), 4);
        assert_eq!(d[0].remote, "SecTrustEvaluateWithError");
        assert_eq!(d[0].library.as_deref(), Some(SECURITY));
        assert_eq!(d[3].local, "_");
        let v = parse_import_directives("//go:cgo_import_dynamic x y#GLIBC_2.2 \"libc.so.6\"\n");
        assert_eq!(v[0].remote, "y");
        let v = parse_import_directives("//go:cgo_import_dynamic _Block_copy _Block_copy \"\"\n");
        assert_eq!(v[0].library, None);
        let v = parse_import_directives("//go:cgo_import_dynamic only\n");
        assert_eq!(
            (v[0].remote.as_str(), v[0].library.is_none()),
            ("only", true)
        );
    }

    #[test]
    fn derives_from_sample_source() {
        let i = imports_from_source("arm64", "security.go", SAMPLE);
        let sec: Vec<_> = i.libs[SECURITY].iter().map(String::as_str).collect();
        assert_eq!(sec, ["SecPolicyCreateSSL", "SecTrustEvaluateWithError"]);
        assert!(i.libs["/usr/lib/libresolv.9.dylib"].is_empty());
        assert!(i.libs.contains_key(LIBSYSTEM));
        assert!(!i.libs.contains_key("/usr/lib/libz.1.dylib"));
        assert!(!i.libs.contains_key("/usr/lib/libbad.dylib"));
        assert_eq!(
            i.link_requests,
            BTreeSet::from([LinkRequest::Framework("Security".into())])
        );
        // libSystem is not stubbed; libresolv has a (symbol-less) stub.
        assert_eq!(
            i.stubbed().keys().copied().collect::<Vec<_>>(),
            [
                "/System/Library/Frameworks/Security.framework/Versions/A/Security",
                "/usr/lib/libresolv.9.dylib"
            ]
        );
        assert!(i.unresolved_link_requests().is_empty());
    }

    #[test]
    fn build_constraints() {
        let arm = Platform {
            goos: "darwin",
            goarch: "arm64",
        };
        let amd = Platform {
            goos: "darwin",
            goarch: "amd64",
        };
        assert!(arm.file_name_matches("net_darwin.go"));
        assert!(arm.file_name_matches("darwin.go"));
        assert!(arm.file_name_matches("sys_darwin_arm64.go"));
        assert!(!amd.file_name_matches("sys_darwin_arm64.go"));
        assert!(!arm.file_name_matches("sys_linux.go"));
        assert!(!arm.file_name_matches("sys_ios.go"));
        assert!(!arm.file_name_matches("net_darwin_test.go"));
        assert!(arm.file_name_matches("x_amd64x.go"));
        let f = |e: &str| arm.file_may_match("f.go", &format!("//go:build {e}\n\npackage p\n"));
        assert!(f("darwin"));
        assert!(f("unix && !linux"));
        assert!(f("cgo && darwin"));
        assert!(f("!cgo && darwin")); // free tag: either value possible
        assert!(!f("cgo && !cgo"));
        assert!(!f("linux || (ios && arm64)"));
        assert!(f("(darwin && arm64) || windows"));
        assert!(!f("darwin && amd64"));
        assert!(!f("!darwin"));
        assert!(!f("!unix"));
        // build line after the package clause does not count
        assert!(arm.file_may_match("f.go", "package p\n//go:build linux\n"));
    }

    #[test]
    fn cgo_ldflags_lines() {
        let src = "/*\n#cgo darwin,!arm64 LDFLAGS: -lpthread\n#cgo darwin,arm64 LDFLAGS: -framework CoreFoundation\n#cgo linux LDFLAGS: -lfoo\n*/\nimport \"C\"\n";
        let arm = Platform {
            goos: "darwin",
            goarch: "arm64",
        };
        let amd = Platform {
            goos: "darwin",
            goarch: "amd64",
        };
        assert_eq!(
            parse_link_requests(&arm, src),
            BTreeSet::from([LinkRequest::Framework("CoreFoundation".into())])
        );
        assert_eq!(
            parse_link_requests(&amd, src),
            BTreeSet::from([LinkRequest::Lib("pthread".into())])
        );
        let mut i = DarwinImports::default();
        i.link_requests
            .insert(LinkRequest::Framework("Metal".into()));
        i.link_requests.insert(LinkRequest::Lib("pthread".into()));
        assert_eq!(
            i.unresolved_link_requests(),
            [LinkRequest::Framework("Metal".into())]
        );
    }

    #[test]
    fn tbd_text() {
        let syms: BTreeSet<String> = ["res_9_nsearch", "res_9_ninit"].map(String::from).into();
        let t = render_tbd("/usr/lib/libresolv.9.dylib", &syms);
        assert_eq!(
            t,
            "--- !tapi-tbd\n\
             tbd-version:     4\n\
             targets:         [ x86_64-macos, arm64-macos ]\n\
             install-name:    '/usr/lib/libresolv.9.dylib'\n\
             current-version: 1\n\
             compatibility-version: 1\n\
             exports:\n  \
             - targets:         [ x86_64-macos, arm64-macos ]\n    \
             symbols:         [ _res_9_ninit,\n                      _res_9_nsearch ]\n\
             ...\n"
        );
        assert_eq!(
            parse_tbd_symbols(&t),
            ["_res_9_ninit", "_res_9_nsearch"].map(String::from).into()
        );
        let empty = render_tbd("/usr/lib/libresolv.9.dylib", &BTreeSet::new());
        assert!(!empty.contains("exports"));
        assert_eq!(tbd_scalar("_a$b"), "'_a$b'");
    }

    #[test]
    fn stub_paths() {
        let p = |n: &str| match stub_rel_path(n) {
            Ok(StubKind::Lib(_, p) | StubKind::Framework(_, p)) => Some(p),
            Err(_) => None,
        };
        assert_eq!(
            p("/usr/lib/libresolv.9.dylib"),
            Some("lib/libresolv.tbd".into())
        );
        assert_eq!(
            p("/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation"),
            Some("Frameworks/CoreFoundation.framework/CoreFoundation.tbd".into())
        );
        assert_eq!(
            p("/System/Library/Frameworks/A.framework/Versions/A/B"),
            None
        );
        assert_eq!(p("/opt/lib/libx.dylib"), None);
        assert_eq!(p("/usr/lib/../x.dylib"), None);
    }

    #[test]
    fn writes_tree_deterministically() {
        let i = imports_from_source("amd64", "security.go", SAMPLE);
        let d = tempfile::tempdir().unwrap();
        let w = write_stub_tree(d.path(), &i).unwrap();
        let rel: Vec<_> = w
            .iter()
            .map(|p| p.strip_prefix(d.path()).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            rel,
            [
                PathBuf::from("Frameworks/Security.framework/Security.tbd"),
                PathBuf::from("lib/libresolv.tbd")
            ]
        );
        let text = fs::read_to_string(&w[0]).unwrap();
        assert_eq!(text, render_tbd(SECURITY, &i.libs[SECURITY]));
        assert_eq!(stub_files(&i).unwrap(), stub_files(&i.clone()).unwrap());
    }
}
