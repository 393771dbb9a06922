//! Apple framework findings: what darwin cgo code needs that the SDK-free
//! darwin path (Zig's libc headers, stubs of a few frameworks) lacks, i.e.
//! framework headers and frameworks to link.

use std::collections::BTreeSet;
use std::fmt;

use super::includes::IncludeEvent;
use super::{CgoPackage, GoPlatform};

/// The frameworks the SDK-free darwin path has stubs of (and that Go's
/// standard library links); `libresolv` is a plain library.
pub const STUBBED_FRAMEWORKS: &[&str] = &["CoreFoundation", "Security"];

/// Capitalised header directories that Zig 0.15.2 ships for macOS
/// (`lib/libc/include/any-macos-any`): `<CommonCrypto/CommonDigest.h>`
/// compiles without an SDK. Every other `<Capitalised/…>` is a framework
/// header. `tests/cgo_scan.rs` compares this with the installed Zig.
pub const ZIG_MACOS_CAPITALISED_DIRS: &[&str] = &["CommonCrypto"];

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

/// What a darwin cgo package needs beyond the SDK-free path.
pub(super) fn darwin_needs(pkg: &CgoPackage, events: &[IncludeEvent]) -> BTreeSet<DarwinNeed> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cgo_scan::tests::strings;

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
}
