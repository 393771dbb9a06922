//! How a target is built: its Go environment, C and linker flags, and the
//! flags SQLite is compiled with. Every target-specific flag is set here,
//! each for a numbered pitfall (docs/pitfalls.md).

use std::collections::BTreeMap;

use super::Target;
use crate::matrix::{TargetDefaults, TargetSpec, Toolchain};
use crate::platform::{Goarch, Goos, Libc};

/// Installed with SQLite's headers; musl targets `-include` it (pitfall 10).
pub const COMPAT_HEADER: &str = "cgoflake-compat.h";

/// The build recipe of one target.
#[derive(Debug, Clone, Default)]
pub struct Recipe {
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
    /// The target's flags for compiling a C library (`cLibs`), before the library's own.
    pub c_lib_cflags: Vec<String>,
}

/// What the matrix adds to every target's flags, and to this one's.
pub(super) struct ExtraFlags<'a> {
    pub defaults: &'a TargetDefaults,
    pub spec: &'a TargetSpec,
    pub sqlite_defines: &'a [String],
    /// The program links SQLite (and sqlite-vec may need the compat header).
    pub sqlite: bool,
}

/// The flags a target needs whatever the matrix says.
struct PlatformFlags {
    cflags: Vec<String>,
    /// For Go's C code only, not SQLite's.
    cgo_only: Vec<String>,
    /// For the C libraries cgoflake builds (SQLite, `cLibs`) only.
    libs_only: Vec<String>,
    ldflags: Vec<String>,
    go_ldflags: Vec<String>,
}

impl Recipe {
    /// The recipe of `t`: the platform's flags, then `defaults`', then the
    /// target's own.
    pub(super) fn new(t: &Target, extra: &ExtraFlags) -> Recipe {
        let flags = platform_flags(t, extra.sqlite);
        let (defaults, spec) = (extra.defaults, extra.spec);
        let cflags = [&flags.cflags[..], &defaults.cflags, &spec.cflags].concat();
        let defines = extra.sqlite_defines.iter().map(|d| format!("-D{d}"));
        Recipe {
            go_env: go_env(t),
            cgo_cflags: [&cflags[..], &flags.cgo_only].concat(),
            cgo_ldflags: [&flags.ldflags[..], &defaults.ldflags, &spec.ldflags].concat(),
            go_ldflags: flags.go_ldflags,
            c_lib_cflags: [&cflags[..], &flags.libs_only].concat(),
            sqlite_cflags: [&cflags[..], &flags.libs_only]
                .concat()
                .into_iter()
                .chain(defines)
                .collect(),
        }
    }
}

/// GOOS, GOARCH, GOARM/GOAMD64, CGO_ENABLED, and the C compilers.
fn go_env(t: &Target) -> BTreeMap<String, String> {
    let (cc, cxx) = match t.toolchain {
        Toolchain::Zig => {
            let target = format!(" -target {}", t.zig_triple());
            (format!("zig cc{target}"), format!("zig c++{target}"))
        }
        Toolchain::Osxcross => {
            let prefix = t
                .platform
                .osxcross_prefix
                .expect("osxcross builds darwin targets only");
            (format!("{prefix}-clang"), format!("{prefix}-clang++"))
        }
    };
    let mut env = BTreeMap::new();
    let mut set = |k: &str, v: &str| env.insert(k.to_owned(), v.to_owned());
    set("GOOS", t.goos().as_str());
    set("GOARCH", t.goarch().as_str());
    if let Some(v) = t.goarm {
        set("GOARM", v.as_str());
    }
    if let Some(v) = t.goamd64 {
        set("GOAMD64", v);
    }
    set("CGO_ENABLED", "1");
    set("CC", &cc);
    set("CXX", &cxx);
    env
}

fn platform_flags(t: &Target, sqlite: bool) -> PlatformFlags {
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<String>>();
    let mut f = PlatformFlags {
        // Pitfall 1: setting CGO_CFLAGS drops Go's default `-O2 -g`, and Zig
        // then builds C with UBSan; optimise explicitly and turn sanitizers off.
        cflags: s(&["-O2", "-fno-sanitize=undefined"]),
        cgo_only: Vec::new(),
        libs_only: Vec::new(),
        // CGO_LDFLAGS set without `-g`, so `-s` really strips (pitfall 12).
        ldflags: s(&["-O2"]),
        // Release binaries: no Go symbol table or DWARF. On darwin this is
        // also what keeps Go from running dsymutil and GNU strip on Mach-O
        // (pitfall 15).
        go_ldflags: s(&["-s", "-w"]),
    };
    match t.goos() {
        Goos::Linux => {
            if let Some(v) = t.goarm {
                f.cflags.push(format!("-mcpu={}", v.mcpu()));
            }
            if t.libc == Some(Libc::Musl) && sqlite {
                // Pitfall 10: sqlite-vec < 0.1.10 needs u_int8_t from
                // sys/types.h on musl. Not `-include sys/types.h` itself: cgo
                // also passes CGO_CFLAGS to runtime/cgo's assembly files. The
                // header nix/sqlite.nix installs includes it only for C.
                f.cgo_only.extend(s(&["-include", COMPAT_HEADER]));
            }
            if t.libc == Some(Libc::Musl) && t.goarch() == Goarch::Mips64le {
                // Pitfall 21: cmd/go compiles runtime/cgo with -fno-PIC and
                // -Werror; clang ignores -fno-PIC under the n64 ABI and says
                // so, which -Werror makes fatal. A later -fPIC keeps it quiet.
                f.cflags.push("-fPIC".to_owned());
            }
            // Pitfalls 12 and 13: strip the external link's output for size
            // and so outputs do not record the build directory.
            f.go_ldflags.push("-extldflags=-Wl,--strip-all".to_owned());
        }
        Goos::Freebsd | Goos::Netbsd => {
            if sqlite {
                // Pitfall 22: go-sqlite3's `libsqlite3` tag names
                // -lsqlite3 only for linux, darwin, openbsd, solaris and
                // windows.
                f.ldflags.push("-lsqlite3".to_owned());
            }
            if t.goos() == Goos::Freebsd {
                if sqlite {
                    // Pitfall 10 again: FreeBSD's headers give sqlite-vec
                    // its u_int8_t only through sys/types.h.
                    f.cgo_only.extend(s(&["-include", COMPAT_HEADER]));
                }
                // Pitfall 22: lld's section GC drops the .note.tag that
                // tells FreeBSD's kernel the binary's ABI.
                f.ldflags.push("-Wl,--no-gc-sections".to_owned());
            }
            // Pitfalls 12 and 13, as on linux.
            f.go_ldflags.push("-extldflags=-Wl,--strip-all".to_owned());
        }
        Goos::Windows => {
            // Pitfall 6: Go passes -mthreads, which zig does not use.
            f.cflags
                .push("-Wno-unused-command-line-argument".to_owned());
            f.ldflags
                .push("-Wno-unused-command-line-argument".to_owned());
            // Pitfall 27: zig's CodeView names the object by the random
            // temporary file it compiled to; a library's archive would
            // differ on every build.
            f.libs_only.push("-g0".to_owned());
        }
        Goos::Darwin if t.toolchain == Toolchain::Osxcross => {
            // Pitfall 7: ld64 from osxcross leaves __DATA_CONST writable.
            f.ldflags.push("-fuse-ld=lld".to_owned());
            // Zig carries the minimum in its triple; osxcross takes a flag.
            let floor = t.os_floor.as_ref().expect("darwin targets have a minimum");
            let min = format!("-mmacosx-version-min={floor}");
            f.cflags.push(min.clone());
            f.ldflags.push(min);
        }
        Goos::Darwin => {}
    }
    f
}
