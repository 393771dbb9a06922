//! `cgoflake build --archive`: one release archive per collected target in
//! `build/dist/`, and `build/dist/SHA256SUMS`.
//!
//! `.tar.gz` for unix targets, `.zip` for windows; each holds one top-level
//! folder `<pname>-<version>-<target>/` with the target's binaries. Archives
//! are reproducible: entries sorted, a fixed mtime (`SOURCE_DATE_EPOCH`, else
//! 0; zip: 1980-01-01 when earlier), uid/gid 0 without names, mode 0755 for
//! files and directories, no extra fields, gzip without name or timestamp.

use std::io::Write as _;

use anyhow::{Context as _, Result};
use camino::{Utf8Path, Utf8PathBuf};

use crate::build::collect::{Manifest, Status};
use crate::platform::{ArchiveFormat, Goos};
use crate::{fsutil, hash};

/// What goes into the archive names.
#[derive(Debug, Clone)]
pub struct ArchiveOptions {
    /// `project.pname`.
    pub pname: String,
    /// `project.version`.
    pub version: String,
    /// Unix seconds stamped on every entry.
    pub mtime: u64,
}

impl ArchiveOptions {
    /// The mtime from `SOURCE_DATE_EPOCH`, else 0.
    pub fn from_env(pname: &str, version: &str) -> Self {
        let mtime = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        ArchiveOptions {
            pname: pname.to_owned(),
            version: version.to_owned(),
            mtime,
        }
    }
}

/// One written archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveEntry {
    /// The target it packs.
    pub target: String,
    /// Path relative to the build directory, e.g. `dist/app-1.0-linux-amd64.tar.gz`.
    pub path: String,
    /// sha256, hex.
    pub sha256: String,
}

/// The top-level folder (and archive base name) of a target.
pub fn folder_name(opts: &ArchiveOptions, target: &str) -> String {
    format!("{}-{}-{}", opts.pname, opts.version, target)
}

/// Archive every successfully collected target of `manifest` into
/// `build/dist/`, then write `build/dist/SHA256SUMS` over every archive there.
pub fn archive_all(
    build: &Utf8Path,
    manifest: &Manifest,
    opts: &ArchiveOptions,
) -> Result<Vec<ArchiveEntry>> {
    let dist = build.join("dist");
    std::fs::create_dir_all(&dist).with_context(|| format!("creating {dist}"))?;
    let mut written = Vec::new();
    for t in manifest.targets.iter().filter(|t| t.status == Status::Ok) {
        if t.files.is_empty() {
            continue;
        }
        let folder = folder_name(opts, &t.target);
        let mut files: Vec<(String, Utf8PathBuf)> = t
            .files
            .iter()
            .map(|f| {
                let name = Utf8Path::new(&f.path)
                    .file_name()
                    .unwrap_or(&f.path)
                    .to_owned();
                (name, build.join(&f.path))
            })
            .collect();
        files.sort();
        // manifest.json is read from disk: a goos cgoflake does not know is
        // an error, never a guess at the archive format.
        let format = Goos::parse(&t.goos)
            .map(|g| g.facts().archive)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{build}/manifest.json: target {} has goos {:?}, which cgoflake does not build",
                    t.target,
                    t.goos
                )
            })?;
        let bytes = match format {
            ArchiveFormat::Zip => zip_bytes(&folder, &files, opts.mtime)?,
            ArchiveFormat::TarGz => tar_gz_bytes(&folder, &files, opts.mtime)?,
        };
        let name = format!("{folder}.{}", format.extension());
        fsutil::write(&dist.join(&name), &bytes)?;
        written.push(ArchiveEntry {
            target: t.target.clone(),
            path: format!("dist/{name}"),
            sha256: hash::sha256_hex(&bytes),
        });
    }
    write_sums(&dist)?;
    Ok(written)
}

/// `dist/SHA256SUMS` over every archive in `dist`, sorted by name.
fn write_sums(dist: &Utf8Path) -> Result<()> {
    let mut names: Vec<String> = dist
        .read_dir_utf8()
        .with_context(|| format!("reading {dist}"))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_owned())
        .filter(|n| n.ends_with(".tar.gz") || n.ends_with(".zip"))
        .collect();
    names.sort();
    let mut sums = String::new();
    for n in names {
        sums.push_str(&format!("{}  {n}\n", hash::sha256_file(&dist.join(&n))?));
    }
    fsutil::write(&dist.join("SHA256SUMS"), sums.as_bytes())
}

/// A deterministic `.tar.gz`: `folder/` then `folder/<name>` for each file.
pub fn tar_gz_bytes(folder: &str, files: &[(String, Utf8PathBuf)], mtime: u64) -> Result<Vec<u8>> {
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::new(9));
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    let header = |kind: tar::EntryType, size: u64| {
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(kind);
        h.set_size(size);
        h.set_mode(0o755);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(mtime);
        h
    };
    let mut dir = header(tar::EntryType::Directory, 0);
    tar.append_data(&mut dir, format!("{folder}/"), std::io::empty())?;
    for (name, path) in files {
        let data = std::fs::read(path).with_context(|| format!("reading {path}"))?;
        let mut h = header(tar::EntryType::Regular, data.len() as u64);
        tar.append_data(&mut h, format!("{folder}/{name}"), data.as_slice())
            .with_context(|| format!("archiving {path}"))?;
    }
    let gz = tar.into_inner()?;
    Ok(gz.finish()?)
}

/// A deterministic `.zip`: `folder/` then `folder/<name>` for each file,
/// deflated, no extra fields.
pub fn zip_bytes(folder: &str, files: &[(String, Utf8PathBuf)], mtime: u64) -> Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(dos_time(mtime))
        .unix_permissions(0o755)
        .large_file(false);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.add_directory(format!("{folder}/"), options)?;
    for (name, path) in files {
        let data = std::fs::read(path).with_context(|| format!("reading {path}"))?;
        zip.start_file(format!("{folder}/{name}"), options)?;
        zip.write_all(&data)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// Unix seconds as a zip (MS-DOS) time; 1980-01-01 00:00:00 when earlier.
fn dos_time(secs: u64) -> zip::DateTime {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    let (h, min, s) = (
        (rem / 3600) as u8,
        ((rem % 3600) / 60) as u8,
        (rem % 60) as u8,
    );
    u16::try_from(y)
        .ok()
        .and_then(|y| zip::DateTime::from_date_and_time(y, m, d, h, min, s).ok())
        .unwrap_or_default()
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian
/// (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        let t = dos_time(1_704_067_200 + 3661); // 2024-01-01 01:01:01
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (2024, 1, 1, 1, 1, 0) // DOS time has 2-second resolution
        );
        assert_eq!(dos_time(0), zip::DateTime::default());
    }
}
