//! What cgoflake knows about the platforms it builds for, and nothing
//! else: GOOS/GOARCH as types, and one table (`table.rs`) saying for each
//! supported pair its Zig triple pieces, executable format and machine
//! number, glibc floor minimum and dynamic linker, and how an x86_64 Linux
//! host runs it. Adding a platform is a row there (and an enum variant
//! here); no other module names a GOOS, a triple or a machine number.

mod table;
mod version;

use std::fmt;

use serde::Serialize;

pub use table::{AbiNote, OsFacts, OsFloor, SymbolVersions, PLATFORMS};
pub use version::Version;

/// GOOS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Goos {
    /// `linux`
    Linux,
    /// `windows`
    Windows,
    /// `darwin`
    Darwin,
    /// `freebsd`
    Freebsd,
    /// `netbsd`
    Netbsd,
}

/// GOARCH.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Goarch {
    /// `amd64`
    Amd64,
    /// `arm64`
    Arm64,
    /// `arm` (32-bit; see [`Goarm`])
    Arm,
    /// `386`
    I386,
    /// `riscv64`
    Riscv64,
    /// `ppc64le`
    Ppc64le,
    /// `s390x` (big-endian)
    S390x,
    /// `loong64`
    Loong64,
    /// `mips64le`
    Mips64le,
}

impl Goos {
    /// Go's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Goos::Linux => "linux",
            Goos::Windows => "windows",
            Goos::Darwin => "darwin",
            Goos::Freebsd => "freebsd",
            Goos::Netbsd => "netbsd",
        }
    }

    /// Every GOOS of the table, in its order.
    pub fn all() -> impl Iterator<Item = Goos> {
        table::OSES.iter().map(|o| o.goos)
    }

    /// The GOOS Go calls `name`.
    pub fn parse(name: &str) -> Option<Goos> {
        Goos::all().find(|g| g.as_str() == name)
    }

    /// What every architecture of this GOOS shares.
    pub fn facts(self) -> &'static OsFacts {
        table::OSES
            .iter()
            .find(|o| o.goos == self)
            .expect("every GOOS has a row in table::OSES")
    }
}

impl Goarch {
    /// Go's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Goarch::Amd64 => "amd64",
            Goarch::Arm64 => "arm64",
            Goarch::Arm => "arm",
            Goarch::I386 => "386",
            Goarch::Riscv64 => "riscv64",
            Goarch::Ppc64le => "ppc64le",
            Goarch::S390x => "s390x",
            Goarch::Loong64 => "loong64",
            Goarch::Mips64le => "mips64le",
        }
    }

    /// `big` for s390x, `little` everywhere else cgoflake builds for: the
    /// byte order of the target's executables and data.
    pub const fn byte_order(self) -> &'static str {
        match self {
            Goarch::S390x => "big",
            _ => "little",
        }
    }

    /// The GOARCH values supported for `goos`, in table order.
    pub fn all_for(goos: Goos) -> impl Iterator<Item = Goarch> {
        PLATFORMS
            .iter()
            .filter(move |p| p.goos == goos)
            .map(|p| p.goarch)
    }
}

macro_rules! go_name {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        /// Serialised as Go's name.
        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    )*};
}
go_name!(Goos, Goarch, BinaryFormat, Goarm);

/// An executable format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryFormat {
    /// `elf`
    Elf,
    /// `pe`
    Pe,
    /// `macho`
    MachO,
}

impl BinaryFormat {
    /// The name the plan and `cgoflake inspect` use.
    pub const fn as_str(self) -> &'static str {
        match self {
            BinaryFormat::Elf => "elf",
            BinaryFormat::Pe => "pe",
            BinaryFormat::MachO => "macho",
        }
    }
}

/// A release archive's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFormat {
    /// `.tar.gz`
    TarGz,
    /// `.zip` (windows)
    Zip,
}

impl ArchiveFormat {
    /// The file name extension, without the dot.
    pub const fn extension(self) -> &'static str {
        match self {
            ArchiveFormat::TarGz => "tar.gz",
            ArchiveFormat::Zip => "zip",
        }
    }
}

/// GOARM: the 32-bit ARM instruction set Go's code uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goarm {
    /// ARMv5, soft float.
    V5,
    /// ARMv6 (Raspberry Pi 1 / Zero), hard float.
    V6,
    /// ARMv7, hard float: Go's default.
    V7,
}

impl Goarm {
    /// Every value, in order.
    pub const ALL: [Goarm; 3] = [Goarm::V5, Goarm::V6, Goarm::V7];

    /// Go's name: `5`, `6`, `7`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Goarm::V5 => "5",
            Goarm::V6 => "6",
            Goarm::V7 => "7",
        }
    }

    /// The value written `name`.
    pub fn parse(name: &str) -> Option<Goarm> {
        Goarm::ALL.into_iter().find(|g| g.as_str() == name)
    }

    /// Zig's `-mcpu`: the C code must not assume more than the Go code.
    pub const fn mcpu(self) -> &'static str {
        match self {
            Goarm::V5 => "arm926ej_s",
            Goarm::V6 => "arm1176jzf_s",
            Goarm::V7 => "generic+v7a",
        }
    }

    /// GOARM=5 is soft-float (the `eabi` ABI); 6 and 7 use `eabihf`.
    pub const fn hard_float(self) -> bool {
        !matches!(self, Goarm::V5)
    }
}

/// GOAMD64 values.
pub const GOAMD64_VALUES: &[&str] = &["v1", "v2", "v3", "v4"];

/// The C library of a linux target, and the floor that comes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Libc {
    /// glibc, dynamically linked; runs on systems with at least `glibc`.
    Gnu {
        /// The floor, always explicit in the Zig triple (pitfalls 5 and 11).
        glibc: Version,
    },
    /// musl, fully static.
    Musl,
}

impl Libc {
    /// `gnu` or `musl`, as the matrix and the Zig triple write it.
    pub const fn name(&self) -> &'static str {
        match self {
            Libc::Gnu { .. } => "gnu",
            Libc::Musl => "musl",
        }
    }

    /// The glibc floor, for glibc.
    pub fn glibc(&self) -> Option<&Version> {
        match self {
            Libc::Gnu { glibc } => Some(glibc),
            Libc::Musl => None,
        }
    }
}

/// glibc floors: the default, and the newest one Zig 0.15 ships symbol
/// lists for (the oldest depends on the architecture: [`Platform::glibc`]).
pub mod glibc {
    /// The floor of linux gnu targets that name none.
    pub const DEFAULT: &str = "2.28";
    /// The newest glibc Zig 0.15 ships symbol lists for.
    pub const MAX: (u32, u32) = (2, 41);

    /// The oldest floor any linux architecture accepts.
    pub fn oldest() -> (u32, u32) {
        super::PLATFORMS
            .iter()
            .filter_map(|p| p.glibc)
            .map(|g| g.min)
            .min()
            .expect("linux has rows")
    }
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

impl fmt::Display for Runner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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

/// The ABI suffix a Zig triple carries after the C library (`gnueabihf`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abi {
    /// Nothing.
    Plain,
    /// 32-bit ARM: `eabihf`, or `eabi` for soft-float GOARM=5.
    ArmEabi,
    /// 64-bit MIPS, the n64 ABI Go uses: `abi64`.
    Mips64,
}

impl Abi {
    fn suffix(self, goarm: Option<Goarm>) -> &'static str {
        match (self, goarm) {
            (Abi::Plain, _) => "",
            (Abi::ArmEabi, Some(g)) if !g.hard_float() => "eabi",
            (Abi::ArmEabi, _) => "eabihf",
            (Abi::Mips64, _) => "abi64",
        }
    }
}

/// glibc facts of a linux architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlibcFacts {
    /// The oldest glibc Zig can target here.
    pub min: (u32, u32),
    /// The standard dynamic linker a binary must name (never /nix/store).
    pub interpreter: &'static str,
}

/// One supported GOOS/GOARCH pair: a row of [`PLATFORMS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Platform {
    /// GOOS.
    pub goos: Goos,
    /// GOARCH.
    pub goarch: Goarch,
    /// Zig's name for the CPU (`x86_64`, `aarch64`, …): the triple's first part.
    pub zig_arch: &'static str,
    /// What follows the C library in the triple.
    pub abi: Abi,
    /// The machine number the executable's header carries: ELF
    /// `e_machine`, PE `Machine`, Mach-O `cputype`.
    pub machine: u32,
    /// linux: the glibc floor minimum and the dynamic linker.
    pub glibc: Option<GlibcFacts>,
    /// The Nix system that runs this target natively, if any.
    pub native_system: Option<&'static str>,
    /// How an x86_64 Linux host runs a binary of this target.
    pub runner: Runner,
    /// darwin: osxcross' compiler prefix (`o64-clang`, `oa64-clang`).
    pub osxcross_prefix: Option<&'static str>,
    /// Arguments cmd/go passes to the C compiler for this CPU that `zig cc`
    /// refuses; the generated build leaves them out (pitfall 21).
    pub zig_drops: &'static [&'static str],
    /// Arguments that make the C compiler fail at once: probes whose
    /// failure is what cmd/link needs (freebsd/arm64's ld.bfd check).
    pub zig_refuses: &'static [&'static str],
}

impl Platform {
    /// The pair `goos`/`goarch`, if cgoflake supports it.
    pub fn find(goos: Goos, goarch: &str) -> Option<&'static Platform> {
        PLATFORMS
            .iter()
            .find(|p| p.goos == goos && p.goarch.as_str() == goarch)
    }

    /// The row of a pair the plan already holds.
    pub fn of(goos: Goos, goarch: Goarch) -> &'static Platform {
        PLATFORMS
            .iter()
            .find(|p| p.goos == goos && p.goarch == goarch)
            .expect("plans hold supported platforms")
    }

    /// The platform a Nix system (`x86_64-linux`) runs natively.
    pub fn native_to(system: &str) -> Option<&'static Platform> {
        PLATFORMS.iter().find(|p| p.native_system == Some(system))
    }

    /// What its GOOS shares with the others.
    pub fn os(&self) -> &'static OsFacts {
        self.goos.facts()
    }

    /// The executable format.
    pub fn format(&self) -> BinaryFormat {
        self.os().format
    }

    /// The Zig `-target` triple: `<arch>-<os>[.<os floor>][-<libc><abi>[.<glibc>]]`,
    /// e.g. `x86_64-linux-gnu.2.28`, `arm-linux-musleabihf`,
    /// `x86_64-windows-gnu`, `aarch64-macos.12.0`. glibc targets always
    /// carry their floor: Zig's default differs per architecture
    /// (pitfalls 5 and 11).
    pub fn zig_triple(
        &self,
        libc: Option<&Libc>,
        goarm: Option<Goarm>,
        os_floor: Option<&Version>,
    ) -> String {
        let mut triple = format!("{}-{}", self.zig_arch, self.os().zig_os);
        if let Some(floor) = os_floor {
            triple.push_str(&format!(".{floor}"));
        }
        let abi = self.abi.suffix(goarm);
        match libc {
            Some(Libc::Gnu { glibc }) => triple.push_str(&format!("-gnu{abi}.{glibc}")),
            Some(Libc::Musl) => triple.push_str(&format!("-musl{abi}")),
            None => {
                if let Some(c) = self.os().zig_abi {
                    triple.push_str(&format!("-{c}"));
                }
            }
        }
        triple
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triple(goos: Goos, goarch: &str, libc: Option<Libc>) -> String {
        let p = Platform::find(goos, goarch).unwrap();
        let floor = (goos == Goos::Darwin).then(|| Version::parse("11.0").unwrap());
        p.zig_triple(libc.as_ref(), None, floor.as_ref())
    }

    fn gnu() -> Option<Libc> {
        Some(Libc::Gnu {
            glibc: Version::parse("2.28").unwrap(),
        })
    }

    #[test]
    fn triples() {
        use Goos::*;
        assert_eq!(triple(Linux, "amd64", gnu()), "x86_64-linux-gnu.2.28");
        assert_eq!(
            triple(Linux, "arm64", Some(Libc::Musl)),
            "aarch64-linux-musl"
        );
        assert_eq!(triple(Linux, "arm", gnu()), "arm-linux-gnueabihf.2.28");
        assert_eq!(
            triple(Linux, "arm", Some(Libc::Musl)),
            "arm-linux-musleabihf"
        );
        assert_eq!(triple(Linux, "386", gnu()), "x86-linux-gnu.2.28");
        assert_eq!(triple(Linux, "riscv64", gnu()), "riscv64-linux-gnu.2.28");
        assert_eq!(
            triple(Linux, "ppc64le", gnu()),
            "powerpc64le-linux-gnu.2.28"
        );
        assert_eq!(triple(Linux, "s390x", gnu()), "s390x-linux-gnu.2.28");
        assert_eq!(
            triple(Linux, "loong64", Some(Libc::Musl)),
            "loongarch64-linux-musl"
        );
        assert_eq!(
            triple(Linux, "mips64le", gnu()),
            "mips64el-linux-gnuabi64.2.28"
        );
        assert_eq!(
            triple(Linux, "mips64le", Some(Libc::Musl)),
            "mips64el-linux-muslabi64"
        );
        assert_eq!(triple(Windows, "amd64", None), "x86_64-windows-gnu");
        assert_eq!(triple(Windows, "arm64", None), "aarch64-windows-gnu");
        assert_eq!(triple(Darwin, "arm64", None), "aarch64-macos.11.0");
    }

    #[test]
    fn bsd_triples_carry_their_os_floor() {
        let v = |s: &str| Version::parse(s).unwrap();
        let freebsd = Platform::find(Goos::Freebsd, "arm64").unwrap();
        assert_eq!(
            freebsd.zig_triple(None, None, Some(&v("14.1"))),
            "aarch64-freebsd.14.1"
        );
        let netbsd = Platform::find(Goos::Netbsd, "amd64").unwrap();
        assert_eq!(
            netbsd.zig_triple(None, None, Some(&v("10.1"))),
            "x86_64-netbsd.10.1"
        );
        assert_eq!(
            Platform::find(Goos::Windows, "386")
                .unwrap()
                .zig_triple(None, None, None),
            "x86-windows-gnu"
        );
    }

    #[test]
    fn abi_notes_allow_patch_levels_of_the_floor_only() {
        let freebsd = Goos::Freebsd.facts().abi_note.unwrap();
        assert_eq!(freebsd.max_version((14, 0)), 1_400_999);
        let netbsd = Goos::Netbsd.facts().abi_note.unwrap();
        assert_eq!(netbsd.max_version((10, 1)), 1_001_999_999);
        let fbsd = Goos::Freebsd.facts().symbol_versions.unwrap();
        assert_eq!(fbsd.max_for((14, 0)), 7);
        assert_eq!(fbsd.max_for((15, 0)), 8);
    }

    #[test]
    fn goarm5_is_soft_float() {
        let p = Platform::find(Goos::Linux, "arm").unwrap();
        assert_eq!(
            p.zig_triple(gnu().as_ref(), Some(Goarm::V5), None),
            "arm-linux-gnueabi.2.28"
        );
    }

    #[test]
    fn unknown_pairs_are_rejected() {
        assert!(Platform::find(Goos::Linux, "mips").is_none());
        assert!(Platform::find(Goos::Linux, "ppc64").is_none());
        assert!(Platform::find(Goos::Darwin, "386").is_none());
        assert!(Goos::parse("plan9").is_none());
    }

    #[test]
    fn every_row_is_consistent() {
        for p in PLATFORMS {
            assert_eq!(p.glibc.is_some(), p.goos == Goos::Linux, "{p:?}");
            // An OS note implies a floor to compare its version with.
            assert!(p.os().abi_note.is_none() || p.os().floor.is_some(), "{p:?}");
            assert_eq!(p.osxcross_prefix.is_some(), p.goos == Goos::Darwin, "{p:?}");
            assert_eq!(Platform::of(p.goos, p.goarch), p);
            // One row per pair, and one machine number per format and CPU.
            let same = PLATFORMS
                .iter()
                .filter(|q| q.format() == p.format() && q.machine == p.machine);
            assert!(same.clone().all(|q| q.zig_arch == p.zig_arch), "{p:?}");
        }
        assert_eq!(Goos::all().count(), table::OSES.len());
    }
}
