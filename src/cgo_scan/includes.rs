//! Following a cgo package's includes: the `#include` lines of its
//! preambles and C-family files, the include paths of its `#cgo` flags, and
//! the files they resolve to inside its module, like the compiler would.

use std::collections::{BTreeSet, VecDeque};

use camino::{Utf8Path, Utf8PathBuf};

use super::{cgo_preambles, normalize, CgoPackage};

/// At most this many files are read per package (includes are followed
/// transitively inside the module): a bound, not a budget anyone meets.
const MAX_FILES_PER_PACKAGE: usize = 4096;

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
pub(super) struct IncludeEvent {
    /// The file holding the directive (a Go file for its preamble).
    pub(super) from: Utf8PathBuf,
    pub(super) directive: IncludeDirective,
    /// The file it names, when it exists in the package's search paths.
    pub(super) resolved: Option<Utf8PathBuf>,
}

/// Read the package's cgo preambles and C/C++/Objective-C files, resolve
/// their includes like the compiler (`"…"`: the including file's
/// directory, then `-iquote`; both forms: `-I`, `-isystem`, `-idirafter`),
/// and follow resolved includes inside the module (or the package directory
/// when the module is unknown).
pub(super) fn walk_includes(pkg: &CgoPackage) -> Vec<IncludeEvent> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cgo_scan::tests::strings;

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
}
