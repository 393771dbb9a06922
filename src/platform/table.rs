//! The one table of what each platform is. A new platform is a row in
//! [`PLATFORMS`] (and, for a new GOOS, one in [`OSES`]) plus its enum
//! variant in [`super`].

use super::{Abi, ArchiveFormat, BinaryFormat, GlibcFacts, Goarch, Goos, Platform, Runner};

/// What every architecture of one GOOS shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OsFacts {
    /// GOOS.
    pub goos: Goos,
    /// The executable format.
    pub format: BinaryFormat,
    /// Zig's name of the OS in the triple.
    pub zig_os: &'static str,
    /// The ABI part of the triple when the target names no C library
    /// (`windows-gnu`: MinGW).
    pub zig_abi: Option<&'static str>,
    /// `.exe` on windows.
    pub exe_suffix: &'static str,
    /// How release archives pack its binaries (`build --archive`, the
    /// workflow's release job).
    pub archive: ArchiveFormat,
    /// The minimum OS version a binary is built for, carried in the triple
    /// (`aarch64-macos.12.0`); `None` where the OS has none (linux has its
    /// glibc floor instead, see [`super::Libc`]).
    pub floor: Option<OsFloor>,
    /// The dynamic linker every dynamically linked binary names, where the
    /// OS has one whatever the C library (the BSDs; linux's depends on the
    /// CPU, see [`super::GlibcFacts`]).
    pub interpreter: Option<&'static str>,
    /// The ELF note that says which OS (and version) a binary is for.
    pub abi_note: Option<AbiNote>,
    /// The libc's symbol versions, where they say which OS release added a
    /// symbol (FreeBSD's `FBSD_1.N`).
    pub symbol_versions: Option<SymbolVersions>,
    /// Libraries cmd/go links (`-l…`) that Zig's libc for this OS lacks,
    /// whose functions live in its libc: linked as empty archives.
    pub empty_libs: &'static [&'static str],
}

/// An ELF ABI note: its owner, and how the OS version in its descriptor
/// encodes `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbiNote {
    /// The note's owner name (`FreeBSD`, `NetBSD`).
    pub owner: &'static str,
    /// The descriptor's value for `major.0` is `major * per_major`…
    pub per_major: u64,
    /// …plus `minor * per_minor`.
    pub per_minor: u64,
}

/// A libc's versioned symbols `<prefix><N>`, N growing by one per major OS
/// release: FreeBSD 14 added `FBSD_1.7`, 15 `FBSD_1.8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SymbolVersions {
    /// `FBSD_1.`
    pub prefix: &'static str,
    /// N of the symbols release `major` added is `major - major_offset`.
    pub major_offset: u32,
}

impl SymbolVersions {
    /// The newest N a binary built for `floor` may need.
    pub fn max_for(&self, floor: (u32, u32)) -> u32 {
        floor.0.saturating_sub(self.major_offset)
    }
}

impl AbiNote {
    /// The largest descriptor a binary for `floor` may carry: anything up to
    /// the next minor release (patch levels and build numbers below it).
    pub fn max_version(&self, floor: (u32, u32)) -> u64 {
        u64::from(floor.0) * self.per_major + (u64::from(floor.1) + 1) * self.per_minor - 1
    }
}

/// The minimum OS version of a GOOS that has one: its default and the range
/// Go and Zig support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OsFloor {
    /// How messages name the OS (`macOS`).
    pub name: &'static str,
    /// The floor of targets that name none.
    pub default: &'static str,
    /// The matrix key that sets it per target and in `defaults`.
    pub key: &'static str,
    /// The oldest version allowed (major, minor).
    pub min: (u32, u32),
    /// The newest major version allowed.
    pub max_major: u32,
    /// Why the oldest is the oldest.
    pub why: &'static str,
}

/// Go 1.25 supports macOS 12 (Monterey) and later.
const MACOS: OsFloor = OsFloor {
    name: "macOS",
    key: "macos",
    default: "12.0",
    min: (12, 0),
    max_major: 26,
    why: "Go 1.25 needs macOS 12",
};

/// Zig 0.15 ships FreeBSD's libc from 14.0 on (its default, 13, has none).
const FREEBSD: OsFloor = OsFloor {
    name: "FreeBSD",
    key: "freebsd",
    default: "14.0",
    min: (14, 0),
    max_major: 15,
    why: "Zig 0.15 ships FreeBSD's libc from 14.0 on",
};

/// Zig 0.15 ships NetBSD's libc from 10.1 on.
const NETBSD: OsFloor = OsFloor {
    name: "NetBSD",
    key: "netbsd",
    default: "10.1",
    min: (10, 1),
    max_major: 10,
    why: "Zig 0.15 ships NetBSD's libc from 10.1 on",
};

/// Every GOOS, in the order messages list them.
pub(super) const OSES: &[OsFacts] = &[
    OsFacts {
        goos: Goos::Linux,
        format: BinaryFormat::Elf,
        zig_os: "linux",
        zig_abi: None,
        exe_suffix: "",
        archive: ArchiveFormat::TarGz,
        floor: None,
        interpreter: None,
        abi_note: None,
        symbol_versions: None,
        empty_libs: &[],
    },
    OsFacts {
        goos: Goos::Windows,
        format: BinaryFormat::Pe,
        zig_os: "windows",
        zig_abi: Some("gnu"),
        exe_suffix: ".exe",
        archive: ArchiveFormat::Zip,
        floor: None,
        interpreter: None,
        abi_note: None,
        symbol_versions: None,
        empty_libs: &[],
    },
    OsFacts {
        goos: Goos::Darwin,
        format: BinaryFormat::MachO,
        zig_os: "macos",
        zig_abi: None,
        exe_suffix: "",
        archive: ArchiveFormat::TarGz,
        floor: Some(MACOS),
        interpreter: None,
        abi_note: None,
        symbol_versions: None,
        empty_libs: &[],
    },
    OsFacts {
        goos: Goos::Freebsd,
        format: BinaryFormat::Elf,
        zig_os: "freebsd",
        zig_abi: None,
        exe_suffix: "",
        archive: ArchiveFormat::TarGz,
        floor: Some(FREEBSD),
        interpreter: Some("/libexec/ld-elf.so.1"),
        // __FreeBSD_version: 1400000 for 14.0, 1401000 for 14.1.
        abi_note: Some(AbiNote {
            owner: "FreeBSD",
            per_major: 100_000,
            per_minor: 1_000,
        }),
        symbol_versions: Some(SymbolVersions {
            prefix: "FBSD_1.",
            major_offset: 7,
        }),
        empty_libs: &[],
    },
    OsFacts {
        goos: Goos::Netbsd,
        format: BinaryFormat::Elf,
        zig_os: "netbsd",
        zig_abi: None,
        exe_suffix: "",
        archive: ArchiveFormat::TarGz,
        floor: Some(NETBSD),
        // What Zig names; NetBSD's own toolchain names
        // /usr/libexec/ld.elf_so (not tried on a NetBSD machine here).
        interpreter: Some("/libexec/ld.elf_so"),
        // __NetBSD_Version__: 1001000000 for 10.1.
        abi_note: Some(AbiNote {
            owner: "NetBSD",
            per_major: 100_000_000,
            per_minor: 1_000_000,
        }),
        // NetBSD versions its libc by renaming symbols, not ELF versions.
        symbol_versions: None,
        // Go's net package links -lresolv; NetBSD's resolver is in libc.
        empty_libs: &["resolv"],
    },
];

// Machine numbers: ELF e_machine, PE Machine, Mach-O cputype.
const EM_X86_64: u32 = 62;
const EM_AARCH64: u32 = 183;
const EM_ARM: u32 = 40;
const EM_386: u32 = 3;
const EM_RISCV: u32 = 243;
const EM_PPC64: u32 = 21;
const EM_S390: u32 = 22;
const EM_LOONGARCH: u32 = 258;
const EM_MIPS: u32 = 8;
const IMAGE_FILE_MACHINE_AMD64: u32 = 0x8664;
const IMAGE_FILE_MACHINE_ARM64: u32 = 0xaa64;
const IMAGE_FILE_MACHINE_I386: u32 = 0x14c;
const CPU_TYPE_X86_64: u32 = 0x0100_0007;
const CPU_TYPE_ARM64: u32 = 0x0100_000c;

/// Every GOOS/GOARCH pair cgoflake supports, in display order.
pub const PLATFORMS: &[Platform] = &[
    linux(
        Goarch::Amd64,
        "x86_64",
        EM_X86_64,
        (2, 17),
        "/lib64/ld-linux-x86-64.so.2",
    )
    .native_on("x86_64-linux", Runner::Native),
    linux(
        Goarch::Arm64,
        "aarch64",
        EM_AARCH64,
        (2, 17),
        "/lib/ld-linux-aarch64.so.1",
    )
    .native_on("aarch64-linux", Runner::Qemu("aarch64")),
    linux(
        Goarch::Arm,
        "arm",
        EM_ARM,
        (2, 17),
        "/lib/ld-linux-armhf.so.3",
    )
    .with_abi(Abi::ArmEabi)
    .run_by(Runner::Qemu("arm")),
    // qemu-i386 7.x crashes on Go's 386 binaries; an x86_64 kernel runs them.
    linux(Goarch::I386, "x86", EM_386, (2, 17), "/lib/ld-linux.so.2").run_by(Runner::Native),
    linux(
        Goarch::Riscv64,
        "riscv64",
        EM_RISCV,
        (2, 27),
        "/lib/ld-linux-riscv64-lp64d.so.1",
    )
    .run_by(Runner::Qemu("riscv64")),
    // The oldest glibc Zig ships for ppc64le is 2.19 (its first release
    // there), loongarch64's 2.36; elsewhere Go's own floor, 2.17.
    linux(
        Goarch::Ppc64le,
        "powerpc64le",
        EM_PPC64,
        (2, 19),
        "/lib64/ld64.so.2",
    )
    .run_by(Runner::Qemu("ppc64le")),
    linux(Goarch::S390x, "s390x", EM_S390, (2, 17), "/lib/ld64.so.1").run_by(Runner::Qemu("s390x")),
    linux(
        Goarch::Loong64,
        "loongarch64",
        EM_LOONGARCH,
        (2, 36),
        "/lib64/ld-linux-loongarch-lp64d.so.1",
    )
    .run_by(Runner::Qemu("loongarch64")),
    // cmd/go passes -mhard-float (GOMIPS64=hardfloat, the n64 ABI's
    // default anyway), which zig refuses.
    linux(
        Goarch::Mips64le,
        "mips64el",
        EM_MIPS,
        (2, 17),
        "/lib64/ld.so.1",
    )
    .with_abi(Abi::Mips64)
    .run_by(Runner::Qemu("mips64el"))
    .dropping(&["-mhard-float"]),
    row(
        Goos::Windows,
        Goarch::Amd64,
        "x86_64",
        IMAGE_FILE_MACHINE_AMD64,
    )
    .run_by(Runner::Wine),
    row(
        Goos::Windows,
        Goarch::Arm64,
        "aarch64",
        IMAGE_FILE_MACHINE_ARM64,
    ),
    // Runs under 32-bit wine (wine32), which this repository's CI does not
    // install (see README): checked structurally.
    row(Goos::Windows, Goarch::I386, "x86", IMAGE_FILE_MACHINE_I386),
    row(Goos::Freebsd, Goarch::Amd64, "x86_64", EM_X86_64),
    // cmd/link insists on GNU ld for freebsd/arm64 (Go issue 35197): it
    // runs `$CC -fuse-ld=bfd -Wl,--version` and skips the check only if that
    // fails; zig has no ld.bfd and links correctly with its own.
    row(Goos::Freebsd, Goarch::Arm64, "aarch64", EM_AARCH64)
        .dropping(&["-fuse-ld=bfd"])
        .refusing(&["-Wl,--version"]),
    row(Goos::Netbsd, Goarch::Amd64, "x86_64", EM_X86_64),
    row(Goos::Netbsd, Goarch::Arm64, "aarch64", EM_AARCH64),
    darwin(Goarch::Amd64, "x86_64", CPU_TYPE_X86_64, "o64")
        .native_on("x86_64-darwin", Runner::None),
    darwin(Goarch::Arm64, "aarch64", CPU_TYPE_ARM64, "oa64")
        .native_on("aarch64-darwin", Runner::None),
];

/// A row with nothing but its identity; the builders below add the rest.
const fn row(goos: Goos, goarch: Goarch, zig_arch: &'static str, machine: u32) -> Platform {
    Platform {
        goos,
        goarch,
        zig_arch,
        abi: Abi::Plain,
        machine,
        glibc: None,
        native_system: None,
        runner: Runner::None,
        osxcross_prefix: None,
        zig_drops: &[],
        zig_refuses: &[],
    }
}

const fn linux(
    goarch: Goarch,
    zig_arch: &'static str,
    machine: u32,
    min_glibc: (u32, u32),
    interpreter: &'static str,
) -> Platform {
    let mut p = row(Goos::Linux, goarch, zig_arch, machine);
    p.glibc = Some(GlibcFacts {
        min: min_glibc,
        interpreter,
    });
    p
}

const fn darwin(
    goarch: Goarch,
    zig_arch: &'static str,
    machine: u32,
    osxcross_prefix: &'static str,
) -> Platform {
    let mut p = row(Goos::Darwin, goarch, zig_arch, machine);
    p.osxcross_prefix = Some(osxcross_prefix);
    p
}

impl Platform {
    const fn native_on(mut self, system: &'static str, runner: Runner) -> Platform {
        self.native_system = Some(system);
        self.runner = runner;
        self
    }

    const fn run_by(mut self, runner: Runner) -> Platform {
        self.runner = runner;
        self
    }

    const fn with_abi(mut self, abi: Abi) -> Platform {
        self.abi = abi;
        self
    }

    const fn dropping(mut self, args: &'static [&'static str]) -> Platform {
        self.zig_drops = args;
        self
    }

    const fn refusing(mut self, args: &'static [&'static str]) -> Platform {
        self.zig_refuses = args;
        self
    }
}
