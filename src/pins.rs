//! Pinned facts: the official Zig tarballs cgoflake holds hashes for, the Go
//! toolchains the locked nixpkgs provides, and the osxcross source.
//!
//! Only Zig versions listed here are accepted in `pins.zig`, so a generated
//! flake never fetches an unpinned toolchain.

/// `pins.zig` when the matrix names none.
pub const DEFAULT_ZIG: &str = "0.15.2";

/// The nixpkgs attribute of the Go toolchain when the matrix names none
/// (`project.go`), and `init`'s fallback.
pub const DEFAULT_GO_ATTR: &str = "go_1_25";

/// The Go releases (major, minor) the nixpkgs of `gen`'s flake.lock
/// (nixos-25.11) provides as `go_<major>_<minor>`.
pub const NIXPKGS_GO_RELEASES: &[(u32, u32)] = &[(1, 24), (1, 25)];

/// One official Zig tarball for one Nix build system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZigTarball {
    /// The Nix system that runs this Zig (the build host).
    pub system: &'static str,
    /// Download URL.
    pub url: &'static str,
    /// sha256 of the tarball, hex, as published on ziglang.org.
    pub sha256_hex: &'static str,
}

/// A Zig release with its tarballs.
#[derive(Debug, Clone, Copy)]
pub struct ZigRelease {
    /// The version, e.g. `0.15.2`.
    pub version: &'static str,
    /// One tarball per build host, sorted by system.
    pub tarballs: &'static [ZigTarball],
}

/// Every Zig release cgoflake can pin.
pub const ZIG_RELEASES: &[ZigRelease] = &[ZigRelease {
    version: DEFAULT_ZIG,
    tarballs: &[
        ZigTarball {
            system: "aarch64-darwin",
            url: "https://ziglang.org/download/0.15.2/zig-aarch64-macos-0.15.2.tar.xz",
            sha256_hex: "3cc2bab367e185cdfb27501c4b30b1b0653c28d9f73df8dc91488e66ece5fa6b",
        },
        ZigTarball {
            system: "aarch64-linux",
            url: "https://ziglang.org/download/0.15.2/zig-aarch64-linux-0.15.2.tar.xz",
            sha256_hex: "958ed7d1e00d0ea76590d27666efbf7a932281b3d7ba0c6b01b0ff26498f667f",
        },
        ZigTarball {
            system: "x86_64-darwin",
            url: "https://ziglang.org/download/0.15.2/zig-x86_64-macos-0.15.2.tar.xz",
            sha256_hex: "375b6909fc1495d16fc2c7db9538f707456bfc3373b14ee83fdd3e22b3d43f7f",
        },
        ZigTarball {
            system: "x86_64-linux",
            url: "https://ziglang.org/download/0.15.2/zig-x86_64-linux-0.15.2.tar.xz",
            sha256_hex: "02aa270f183da276e5b5920b1dac44a63f1a49e55050ebde3aecc9eb82f93239",
        },
    ],
}];

/// The release for `version`, if cgoflake holds its hashes.
pub fn zig_release(version: &str) -> Option<&'static ZigRelease> {
    ZIG_RELEASES.iter().find(|r| r.version == version)
}

/// The pinned osxcross source (the `llvm` flavour needs no further downloads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct OsxcrossPin {
    /// A name for the version: the flavour and the commit.
    pub version: &'static str,
    /// The git commit of github.com/tpoechtrager/osxcross.
    pub rev: &'static str,
    /// SRI hash of the unpacked source (fetchFromGitHub).
    pub hash: &'static str,
}

/// osxcross master of 2026-07-24 ("Misc bug fixes"), which has the llvm flavour.
pub const OSXCROSS: OsxcrossPin = OsxcrossPin {
    version: "2.0-unstable-2026-07-24",
    rev: "27d21e4977c9751d01199c7a226a6faf494c3dd9",
    hash: "sha256-O2OyXChaAkkq4Rl3d7rvlo7S4EmTzfb51Met49CrvJ4=",
};
