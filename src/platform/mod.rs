//! What cgoflake knows about each GOOS/GOARCH: the valid pairs, the Zig
//! triple, the glibc floors Zig can target, whether the result is static, and
//! how an x86_64 Linux host can run it. Nothing else in the crate hard-codes
//! a triple.

use serde::Serialize;

use crate::matrix::Libc;

/// One supported GOOS/GOARCH pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Platform {
    /// GOOS.
    pub goos: &'static str,
    /// GOARCH.
    pub goarch: &'static str,
    /// Zig's name for the CPU architecture.
    pub zig_arch: &'static str,
    /// The oldest glibc Zig can target on this architecture (linux only).
    pub min_glibc: Option<(u32, u32)>,
    /// The Nix system that runs this target natively, if any.
    pub native_system: Option<&'static str>,
    /// How an x86_64 Linux host runs a binary of this target.
    pub runner: Runner,
}

/// How an x86_64 Linux host can run a binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    /// Directly.
    Native,
    /// With qemu-user: the binary name suffix (`qemu-<arch>`).
    Qemu(&'static str),
    /// With Wine (64-bit).
    Wine,
    /// Not at all (checked structurally only).
    None,
}

impl std::fmt::Display for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Runner::Native => f.write_str("native"),
            Runner::Qemu(arch) => write!(f, "qemu-{arch}"),
            Runner::Wine => f.write_str("wine"),
            Runner::None => f.write_str("none"),
        }
    }
}

/// Serialised as `native`, `qemu-aarch64`, `wine` or `none`.
impl Serialize for Runner {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Every pair cgoflake supports, in display order.
pub const PLATFORMS: &[Platform] = &[
    linux(
        "amd64",
        "x86_64",
        (2, 17),
        Some("x86_64-linux"),
        Runner::Native,
    ),
    linux(
        "arm64",
        "aarch64",
        (2, 17),
        Some("aarch64-linux"),
        Runner::Qemu("aarch64"),
    ),
    linux("arm", "arm", (2, 17), None, Runner::Qemu("arm")),
    // qemu-i386 7.x crashes on Go's 386 binaries; an x86_64 kernel runs them.
    linux("386", "x86", (2, 17), None, Runner::Native),
    linux("riscv64", "riscv64", (2, 27), None, Runner::Qemu("riscv64")),
    windows("amd64", "x86_64", Runner::Wine),
    windows("arm64", "aarch64", Runner::None),
    darwin("amd64", "x86_64", Some("x86_64-darwin")),
    darwin("arm64", "aarch64", Some("aarch64-darwin")),
];

const fn linux(
    goarch: &'static str,
    zig_arch: &'static str,
    min_glibc: (u32, u32),
    native_system: Option<&'static str>,
    runner: Runner,
) -> Platform {
    Platform {
        goos: "linux",
        goarch,
        zig_arch,
        min_glibc: Some(min_glibc),
        native_system,
        runner,
    }
}

const fn windows(goarch: &'static str, zig_arch: &'static str, runner: Runner) -> Platform {
    Platform {
        goos: "windows",
        goarch,
        zig_arch,
        min_glibc: None,
        native_system: None,
        runner,
    }
}

const fn darwin(
    goarch: &'static str,
    zig_arch: &'static str,
    native: Option<&'static str>,
) -> Platform {
    Platform {
        goos: "darwin",
        goarch,
        zig_arch,
        min_glibc: None,
        native_system: native,
        runner: Runner::None,
    }
}

/// The newest glibc Zig 0.15 ships symbol lists for.
pub const MAX_GLIBC: (u32, u32) = (2, 41);

/// Every GOOS cgoflake supports.
pub fn known_goos() -> Vec<&'static str> {
    let mut v: Vec<_> = PLATFORMS.iter().map(|p| p.goos).collect();
    v.dedup();
    v
}

/// The GOARCH values supported for `goos`.
pub fn known_goarch(goos: &str) -> Vec<&'static str> {
    PLATFORMS
        .iter()
        .filter(|p| p.goos == goos)
        .map(|p| p.goarch)
        .collect()
}

/// Look up a pair.
pub fn platform(goos: &str, goarch: &str) -> Option<&'static Platform> {
    PLATFORMS
        .iter()
        .find(|p| p.goos == goos && p.goarch == goarch)
}

/// GOARM values and the ABI they imply.
pub const GOARM_VALUES: &[&str] = &["5", "6", "7"];
/// GOAMD64 values.
pub const GOAMD64_VALUES: &[&str] = &["v1", "v2", "v3", "v4"];

/// Parse a `major.minor` version such as a glibc floor or a macOS minimum.
pub fn parse_version(s: &str) -> Option<(u32, u32)> {
    let (major, minor) = s.split_once('.')?;
    let ok = |p: &str| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit());
    if !ok(major) || !ok(minor) {
        return None;
    }
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// The Zig `-target` triple of a resolved target.
///
/// glibc targets always carry their floor (`x86_64-linux-gnu.2.28`): Zig's
/// default floor differs per architecture (pitfalls 5 and 11).
pub fn zig_triple(
    p: &Platform,
    libc: Option<Libc>,
    glibc: Option<&str>,
    goarm: Option<&str>,
    macos: Option<&str>,
) -> String {
    let arch = p.zig_arch;
    match p.goos {
        "linux" => {
            // GOARM=5 is soft-float (eabi); 6 and 7 use the hard-float ABI.
            let abi_suffix = if p.goarch == "arm" {
                if goarm == Some("5") {
                    "eabi"
                } else {
                    "eabihf"
                }
            } else {
                ""
            };
            match libc.unwrap_or_default() {
                Libc::Gnu => format!("{arch}-linux-gnu{abi_suffix}.{}", glibc.unwrap_or("2.28")),
                Libc::Musl => format!("{arch}-linux-musl{abi_suffix}"),
            }
        }
        "windows" => format!("{arch}-windows-gnu"),
        "darwin" => format!("{arch}-macos.{}", macos.unwrap_or("12.0")),
        other => unreachable!("platform table holds no GOOS {other}"),
    }
}

/// Zig's `-mcpu` for 32-bit ARM: Go's GOARM sets the instruction set the Go
/// code uses, so the C code must not assume more.
pub fn arm_cpu(goarm: &str) -> &'static str {
    match goarm {
        "5" => "arm926ej_s",
        "6" => "arm1176jzf_s",
        _ => "generic+v7a",
    }
}

/// The executable format of a GOOS (`elf`, `pe`, `macho`) and the machine
/// number its header must carry: ELF `e_machine`, PE `Machine`, Mach-O
/// `cputype`. The generated `nix flake check` compares binaries against it.
pub fn binary_machine(p: &Platform) -> (&'static str, u32) {
    let format = match p.goos {
        "windows" => "pe",
        "darwin" => "macho",
        _ => "elf",
    };
    let machine = match (format, p.zig_arch) {
        ("elf", "x86_64") => 62,             // EM_X86_64
        ("elf", "aarch64") => 183,           // EM_AARCH64
        ("elf", "arm") => 40,                // EM_ARM
        ("elf", "x86") => 3,                 // EM_386
        ("elf", "riscv64") => 243,           // EM_RISCV
        ("pe", "x86_64") => 0x8664,          // IMAGE_FILE_MACHINE_AMD64
        ("pe", "aarch64") => 0xaa64,         // IMAGE_FILE_MACHINE_ARM64
        ("pe", "x86") => 0x14c,              // IMAGE_FILE_MACHINE_I386
        ("macho", "x86_64") => 0x0100_0007,  // CPU_TYPE_X86_64
        ("macho", "aarch64") => 0x0100_000c, // CPU_TYPE_ARM64
        (f, a) => unreachable!("platform table holds no {f} machine for {a}"),
    };
    (format, machine)
}

/// The standard glibc dynamic linker of a linux architecture (what a
/// dynamically linked binary must name as its interpreter: never /nix/store).
pub fn glibc_interpreter(p: &Platform) -> Option<&'static str> {
    match (p.goos, p.zig_arch) {
        ("linux", "x86_64") => Some("/lib64/ld-linux-x86-64.so.2"),
        ("linux", "aarch64") => Some("/lib/ld-linux-aarch64.so.1"),
        ("linux", "arm") => Some("/lib/ld-linux-armhf.so.3"),
        ("linux", "x86") => Some("/lib/ld-linux.so.2"),
        ("linux", "riscv64") => Some("/lib/ld-linux-riscv64-lp64d.so.1"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triple(goos: &str, goarch: &str, libc: Option<Libc>) -> String {
        zig_triple(
            platform(goos, goarch).unwrap(),
            libc,
            Some("2.28"),
            None,
            Some("11.0"),
        )
    }

    #[test]
    fn triples() {
        assert_eq!(triple("linux", "amd64", None), "x86_64-linux-gnu.2.28");
        assert_eq!(
            triple("linux", "arm64", Some(Libc::Musl)),
            "aarch64-linux-musl"
        );
        assert_eq!(triple("linux", "arm", None), "arm-linux-gnueabihf.2.28");
        assert_eq!(
            triple("linux", "arm", Some(Libc::Musl)),
            "arm-linux-musleabihf"
        );
        assert_eq!(triple("linux", "386", None), "x86-linux-gnu.2.28");
        assert_eq!(triple("linux", "riscv64", None), "riscv64-linux-gnu.2.28");
        assert_eq!(triple("windows", "amd64", None), "x86_64-windows-gnu");
        assert_eq!(triple("windows", "arm64", None), "aarch64-windows-gnu");
        assert_eq!(triple("darwin", "arm64", None), "aarch64-macos.11.0");
    }

    #[test]
    fn goarm5_is_soft_float() {
        let p = platform("linux", "arm").unwrap();
        assert_eq!(
            zig_triple(p, None, Some("2.28"), Some("5"), None),
            "arm-linux-gnueabi.2.28"
        );
    }

    #[test]
    fn unknown_pairs_are_rejected() {
        assert!(platform("linux", "mips").is_none());
        assert!(platform("darwin", "386").is_none());
        assert!(platform("plan9", "amd64").is_none());
    }

    #[test]
    fn versions_parse_strictly() {
        assert_eq!(parse_version("2.28"), Some((2, 28)));
        assert_eq!(parse_version("2.28.1"), None);
        assert_eq!(parse_version("2."), None);
        assert_eq!(parse_version("two.28"), None);
        assert_eq!(parse_version("+2.28"), None);
    }
}
