//! Pinned facts: the official Zig and Go release tarballs cgoflake holds
//! hashes for, SQLite's amalgamation, and the osxcross source.
//!
//! Only releases listed here are accepted (`pins.zig`, `project.go`), so a
//! generated flake never fetches an unpinned toolchain. Every hash is the one
//! the project publishes (ziglang.org's download index; go.dev/dl, as mirrored
//! in public pins such as docker-library/golang's versions.json; for SQLite,
//! nixpkgs' pin of the same tarball).

/// `pins.zig` when the matrix names none.
pub const DEFAULT_ZIG: &str = "0.15.2";

/// One official release tarball for one Nix build system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tarball {
    /// The Nix system that runs it (the build host).
    pub system: &'static str,
    /// Download URL.
    pub url: &'static str,
    /// sha256 of the tarball, hex, as published.
    pub sha256_hex: &'static str,
}

/// A toolchain release with one tarball per build host.
#[derive(Debug, Clone, Copy)]
pub struct Release {
    /// The version, e.g. `0.15.2` or `1.25.14`.
    pub version: &'static str,
    /// One tarball per build host, sorted by system.
    pub tarballs: &'static [Tarball],
}

/// Every Zig release cgoflake can pin.
pub const ZIG_RELEASES: &[Release] = &[Release {
    version: DEFAULT_ZIG,
    tarballs: &[
        Tarball {
            system: "aarch64-darwin",
            url: "https://ziglang.org/download/0.15.2/zig-aarch64-macos-0.15.2.tar.xz",
            sha256_hex: "3cc2bab367e185cdfb27501c4b30b1b0653c28d9f73df8dc91488e66ece5fa6b",
        },
        Tarball {
            system: "aarch64-linux",
            url: "https://ziglang.org/download/0.15.2/zig-aarch64-linux-0.15.2.tar.xz",
            sha256_hex: "958ed7d1e00d0ea76590d27666efbf7a932281b3d7ba0c6b01b0ff26498f667f",
        },
        Tarball {
            system: "x86_64-darwin",
            url: "https://ziglang.org/download/0.15.2/zig-x86_64-macos-0.15.2.tar.xz",
            sha256_hex: "375b6909fc1495d16fc2c7db9538f707456bfc3373b14ee83fdd3e22b3d43f7f",
        },
        Tarball {
            system: "x86_64-linux",
            url: "https://ziglang.org/download/0.15.2/zig-x86_64-linux-0.15.2.tar.xz",
            sha256_hex: "02aa270f183da276e5b5920b1dac44a63f1a49e55050ebde3aecc9eb82f93239",
        },
    ],
}];

/// The Zig release for `version`, if cgoflake holds its hashes.
pub fn zig_release(version: &str) -> Option<&'static Release> {
    ZIG_RELEASES.iter().find(|r| r.version == version)
}

/// Every official Go release cgoflake can pin (`project.go`), oldest first:
/// the newest 1.25, 1.26 and 1.27 releases whose go.dev/dl hashes are
/// published where this project can read them, and 1.26.8.
pub const GO_RELEASES: &[Release] = &[
    Release {
        version: "1.25.14",
        tarballs: &[
            Tarball {
                system: "aarch64-darwin",
                url: "https://go.dev/dl/go1.25.14.darwin-arm64.tar.gz",
                sha256_hex: "5b26c0b6f308240fca2614fb02f622cfcc8c0cc3b69c78bba4845489a4590259",
            },
            Tarball {
                system: "aarch64-linux",
                url: "https://go.dev/dl/go1.25.14.linux-arm64.tar.gz",
                sha256_hex: "9bf234ea70ffec9347fdf6b22ce4add51717d3386a38a441e8c8743fceb5eaee",
            },
            Tarball {
                system: "x86_64-darwin",
                url: "https://go.dev/dl/go1.25.14.darwin-amd64.tar.gz",
                sha256_hex: "b09087a67d5792a8b0fcbf74212d62560c94ac8a8fd750ff920d8cb5f1e20118",
            },
            Tarball {
                system: "x86_64-linux",
                url: "https://go.dev/dl/go1.25.14.linux-amd64.tar.gz",
                sha256_hex: "a21ae5633a269bcd7e90cf767e48225633795e99d831742cbf3397064fee7712",
            },
        ],
    },
    Release {
        version: "1.26.8",
        tarballs: &[
            Tarball {
                system: "aarch64-darwin",
                url: "https://go.dev/dl/go1.26.8.darwin-arm64.tar.gz",
                sha256_hex: "a012b25b571bd0138a03dcd25375ceba866fe5ca822f426d2c66a4de56fd3f4b",
            },
            Tarball {
                system: "aarch64-linux",
                url: "https://go.dev/dl/go1.26.8.linux-arm64.tar.gz",
                sha256_hex: "211ffced9dcb9633a55eac6364816ec0ddd951389a740e88fa8b3337971bdda0",
            },
            Tarball {
                system: "x86_64-darwin",
                url: "https://go.dev/dl/go1.26.8.darwin-amd64.tar.gz",
                sha256_hex: "186be014105aa6542b767d2c6ed5cca10a0214bdff809ef1724022a8c7894150",
            },
            Tarball {
                system: "x86_64-linux",
                url: "https://go.dev/dl/go1.26.8.linux-amd64.tar.gz",
                sha256_hex: "d0f743b33e8d8945e6b1f432edd15785c70507121d6e2a723b21285eddf8b57b",
            },
        ],
    },
    Release {
        version: "1.26.9",
        tarballs: &[
            Tarball {
                system: "aarch64-darwin",
                url: "https://go.dev/dl/go1.26.9.darwin-arm64.tar.gz",
                sha256_hex: "f9bb7c0a02506c5d9bf0d1eb1f7ee6c7684f844ae49558308a0427b830e022cc",
            },
            Tarball {
                system: "aarch64-linux",
                url: "https://go.dev/dl/go1.26.9.linux-arm64.tar.gz",
                sha256_hex: "4a97373d49fcacdcf3694fea368a500b00ee3e963974f3e7514132717632f052",
            },
            Tarball {
                system: "x86_64-darwin",
                url: "https://go.dev/dl/go1.26.9.darwin-amd64.tar.gz",
                sha256_hex: "00c29e3d4c8562f547410daa18d2959b641bd691ab00c4a525ea817a0253d4bd",
            },
            Tarball {
                system: "x86_64-linux",
                url: "https://go.dev/dl/go1.26.9.linux-amd64.tar.gz",
                sha256_hex: "42d158b4d8f7b61ac0a830567c940a86098fb7aac52e467a5ebec03ef5cc2f8d",
            },
        ],
    },
    Release {
        version: "1.27.2",
        tarballs: &[
            Tarball {
                system: "aarch64-darwin",
                url: "https://go.dev/dl/go1.27.2.darwin-arm64.tar.gz",
                sha256_hex: "76812b213b1b2302c978d28fa52fa92d541704b9e7d9d5db8002c50e4018c4c5",
            },
            Tarball {
                system: "aarch64-linux",
                url: "https://go.dev/dl/go1.27.2.linux-arm64.tar.gz",
                sha256_hex: "94f3e30b8e374bc285e7dadc11e0865726b9bc6e85b841ccceaabc0214c6b7c8",
            },
            Tarball {
                system: "x86_64-darwin",
                url: "https://go.dev/dl/go1.27.2.darwin-amd64.tar.gz",
                sha256_hex: "587b59182488b23aa6e5fc25110405a3e0e5b38ed2f5b2f46ed13c32aee356fe",
            },
            Tarball {
                system: "x86_64-linux",
                url: "https://go.dev/dl/go1.27.2.linux-amd64.tar.gz",
                sha256_hex: "ecbadb99091a3f46e31f5f934b068b1864eafa7995211b39eaddf76996045fe5",
            },
        ],
    },
];

/// The Go release for `version`, if cgoflake holds its hashes.
pub fn go_release(version: &str) -> Option<&'static Release> {
    GO_RELEASES.iter().find(|r| r.version == version)
}

/// SQLite's official amalgamation (the autoconf tarball: its top folder holds
/// `sqlite3.c`, `sqlite3.h` and `sqlite3ext.h`), built per target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteRelease {
    /// What `sqlite_version()` reports.
    pub version: &'static str,
    /// Download URL.
    pub url: &'static str,
    /// sha256 of the tarball, hex.
    pub sha256_hex: &'static str,
}

/// SQLite 3.50.4, the release nixos-25.11 ships, by sqlite.org's URL.
pub const SQLITE: SqliteRelease = SqliteRelease {
    version: "3.50.4",
    url: "https://sqlite.org/2025/sqlite-autoconf-3500400.tar.gz",
    sha256_hex: "a3db587a1b92ee5ddac2f66b3edb41b26f9c867275782d46c3a088977d6a5b18",
};

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
