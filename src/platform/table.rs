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
}

/// The minimum OS version of a GOOS that has one: its default and the range
/// Go and Zig support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OsFloor {
    /// How messages name the OS (`macOS`).
    pub name: &'static str,
    /// The floor of targets that name none.
    pub default: &'static str,
    /// The oldest major version allowed.
    pub min_major: u32,
    /// The newest major version allowed.
    pub max_major: u32,
    /// Why the oldest is the oldest.
    pub why: &'static str,
}

/// Go 1.25 supports macOS 12 (Monterey) and later.
const MACOS: OsFloor = OsFloor {
    name: "macOS",
    default: "12.0",
    min_major: 12,
    max_major: 26,
    why: "Go 1.25 needs macOS 12",
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
    },
    OsFacts {
        goos: Goos::Windows,
        format: BinaryFormat::Pe,
        zig_os: "windows",
        zig_abi: Some("gnu"),
        exe_suffix: ".exe",
        archive: ArchiveFormat::Zip,
        floor: None,
    },
    OsFacts {
        goos: Goos::Darwin,
        format: BinaryFormat::MachO,
        zig_os: "macos",
        zig_abi: None,
        exe_suffix: "",
        archive: ArchiveFormat::TarGz,
        floor: Some(MACOS),
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
}
