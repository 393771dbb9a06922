//! Universal ("fat") Mach-O: darwin amd64 + arm64 in one file, as `lipo
//! -create` makes it. Each slice keeps its own code signature (zig's linker
//! signs arm64 ad hoc), and the fat wrapper itself is never signed, so no
//! re-signing is needed.
//!
//! Layout: a big-endian `fat_header` (magic `0xcafebabe`, slice count), one
//! `fat_arch` per slice (cputype, cpusubtype, offset, size, log2 alignment),
//! then the slices, each at an offset aligned to its page size (16 KiB for
//! arm64, 4 KiB for x86_64, like Apple's lipo). Slices are ordered by cputype,
//! so the output is deterministic.

use anyhow::{bail, Context as _, Result};

use crate::binary;
use crate::platform::{Goarch, Goos, Platform};

const FAT_MAGIC: u32 = 0xcafe_babe;

/// Merge thin Mach-O executables into one universal binary.
pub fn merge(slices: &[Vec<u8>]) -> Result<Vec<u8>> {
    if slices.len() < 2 {
        bail!(
            "a universal binary needs at least two slices, got {}",
            slices.len()
        );
    }
    let mut thin = Vec::new();
    for (i, bytes) in slices.iter().enumerate() {
        let info = binary::read_bytes(bytes).with_context(|| format!("slice {i} is not Mach-O"))?;
        let Some(m) = info.macho else {
            if info.format == "macho-universal" {
                bail!("slice {i} is already universal");
            }
            bail!("slice {i} is not Mach-O but {}", info.format);
        };
        thin.push((m.cputype, m.cpusubtype, bytes.as_slice()));
    }
    thin.sort_by_key(|(cputype, subtype, _)| (*cputype, *subtype));
    if thin.windows(2).any(|w| w[0].0 == w[1].0) {
        bail!("two slices have the same CPU type {:#x}", thin[0].0);
    }

    let header_len = 8 + 20 * thin.len();
    let mut out = Vec::new();
    out.extend_from_slice(&FAT_MAGIC.to_be_bytes());
    out.extend_from_slice(&(thin.len() as u32).to_be_bytes());
    let mut offset = header_len as u64;
    let mut placed = Vec::new();
    for (cputype, cpusubtype, bytes) in &thin {
        let arm64 = Platform::of(Goos::Darwin, Goarch::Arm64).machine;
        let align_log2: u32 = if *cputype == arm64 { 14 } else { 12 };
        let align = 1u64 << align_log2;
        offset = offset.div_ceil(align) * align;
        let size = u32::try_from(bytes.len()).context("slice larger than 4 GiB")?;
        let off32 = u32::try_from(offset).context("universal binary larger than 4 GiB")?;
        for field in [*cputype, *cpusubtype, off32, size, align_log2] {
            out.extend_from_slice(&field.to_be_bytes());
        }
        placed.push((offset as usize, *bytes));
        offset += bytes.len() as u64;
    }
    for (offset, bytes) in placed {
        out.resize(offset, 0);
        out.extend_from_slice(bytes);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use goblin::mach::Mach;

    const CPU_TYPE_ARM64: u32 = 0x0100_000c;

    /// A minimal thin Mach-O: a 64-bit header with no load commands.
    fn thin(cputype: u32, cpusubtype: u32) -> Vec<u8> {
        let mut v = Vec::new();
        for field in [
            0xfeed_facf_u32,
            cputype,
            cpusubtype,
            2, /* MH_EXECUTE */
            0,
            0,
            0,
            0,
        ] {
            v.extend_from_slice(&field.to_le_bytes());
        }
        v.extend_from_slice(&[0xAB; 100]);
        v
    }

    #[test]
    fn merges_two_slices_that_goblin_reads_back() {
        let x86 = thin(0x0100_0007, 3);
        let arm = thin(CPU_TYPE_ARM64, 0);
        let fat = merge(&[arm.clone(), x86.clone()]).unwrap();
        let Mach::Fat(multi) = Mach::parse(&fat).unwrap() else {
            panic!("not fat")
        };
        let arches = multi.arches().unwrap();
        assert_eq!(arches.len(), 2);
        // Sorted by cputype: x86_64 first, arm64 second, each aligned.
        assert_eq!(arches[0].cputype, 0x0100_0007);
        assert_eq!(arches[0].offset % 4096, 0);
        assert_eq!(arches[1].cputype, CPU_TYPE_ARM64);
        assert_eq!(arches[1].offset % 16384, 0);
        assert_eq!(&fat[arches[0].offset as usize..][..x86.len()], &x86[..]);
        assert_eq!(&fat[arches[1].offset as usize..][..arm.len()], &arm[..]);
        // Deterministic regardless of input order.
        assert_eq!(merge(&[x86, arm]).unwrap(), fat);
    }

    #[test]
    fn rejects_duplicates_and_non_macho() {
        let arm = thin(CPU_TYPE_ARM64, 0);
        assert!(merge(&[arm.clone(), arm.clone()]).is_err());
        assert!(merge(&[arm, b"not a binary at all, just text".to_vec()]).is_err());
    }
}
