//! Writing files so that no reader ever sees half of one: the content goes
//! to a temporary sibling (`.cgoflake-*`), is synced, and is renamed into
//! place. Every file cgoflake writes goes through here.
//!
//! New files get mode `0666 & !umask`, like any file a program creates
//! (`tempfile` alone would leave them `0600`); [`set_executable`] makes
//! collected binaries `0755`.

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;

use anyhow::{Context as _, Result};
use camino::{Utf8Path, Utf8PathBuf};
use tempfile::NamedTempFile;

/// The name prefix of temporary files; a killed run's leftovers carry it.
pub const TEMP_PREFIX: &str = ".cgoflake-";

/// Content written beside its destination, not yet in place. Dropped
/// without [`Staged::commit`], the temporary file is removed.
pub struct Staged {
    tmp: NamedTempFile,
    dest: Utf8PathBuf,
}

/// Write `content` to a temporary sibling of `dest` (creating the directory).
pub fn stage(dest: &Utf8Path, content: &[u8]) -> Result<Staged> {
    let dir = match dest.parent() {
        Some(d) if !d.as_str().is_empty() => d,
        _ => Utf8Path::new("."),
    };
    fs::create_dir_all(dir).with_context(|| format!("creating {dir}"))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .permissions(fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {dir}"))?;
    tmp.write_all(content)
        .with_context(|| format!("writing {dest}"))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("syncing {dest}"))?;
    Ok(Staged {
        tmp,
        dest: dest.to_owned(),
    })
}

impl Staged {
    /// Rename into place, replacing what is there.
    pub fn commit(self) -> Result<()> {
        let dest = self.dest;
        self.tmp
            .persist(&dest)
            .with_context(|| format!("replacing {dest}"))?;
        Ok(())
    }

    /// Rename into place only if nothing is at the destination (not even a
    /// file that appeared since [`stage`]); the error says why not.
    pub fn commit_new(self) -> std::result::Result<(), std::io::Error> {
        self.tmp
            .persist_noclobber(&self.dest)
            .map(drop)
            .map_err(|e| e.error)
    }
}

/// [`stage`] and [`Staged::commit`]: replace `dest` atomically.
pub fn write(dest: &Utf8Path, content: &[u8]) -> Result<()> {
    stage(dest, content)?.commit()
}

/// Remove the temporary files a killed run left in `dir`.
pub fn remove_leftover_temp_files(dir: &Utf8Path) {
    let Ok(entries) = dir.read_dir_utf8() else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().starts_with(TEMP_PREFIX) && entry.path().is_file() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Mode 0755: what collected binaries get, whatever the store said.
pub fn set_executable(path: &Utf8Path) -> Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .with_context(|| format!("chmod {path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Utf8Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn files_get_the_mode_of_any_new_file() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = Utf8Path::from_path(tmp.path()).unwrap();
        // What the process's umask makes of 0666, as every program gets it.
        let reference = dir.join("reference");
        fs::File::create(&reference).unwrap();
        let want = mode(&reference);
        assert_eq!(want & !0o666, 0, "{want:o}");

        write(&dir.join("a"), b"one").unwrap();
        assert_eq!(mode(&dir.join("a")), want);
        // Replacing keeps the same rule; a new file too.
        write(&dir.join("a"), b"two").unwrap();
        assert_eq!(fs::read(dir.join("a")).unwrap(), b"two");
        assert_eq!(mode(&dir.join("a")), want);
        stage(&dir.join("sub/b"), b"x")
            .unwrap()
            .commit_new()
            .unwrap();
        assert_eq!(mode(&dir.join("sub/b")), want);

        set_executable(&dir.join("a")).unwrap();
        assert_eq!(mode(&dir.join("a")), 0o755);
    }

    #[test]
    fn commit_new_never_replaces() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = Utf8Path::from_path(tmp.path()).unwrap();
        let dest = dir.join("f");
        let staged = stage(&dest, b"new").unwrap();
        fs::write(&dest, "appeared meanwhile").unwrap();
        let err = staged.commit_new().unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read_to_string(&dest).unwrap(), "appeared meanwhile");
        // The temporary file is gone with the failed commit.
        let names: Vec<String> = dir
            .read_dir_utf8()
            .unwrap()
            .map(|e| e.unwrap().file_name().to_owned())
            .collect();
        assert_eq!(names, ["f"]);
    }

    #[test]
    fn leftovers_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = Utf8Path::from_path(tmp.path()).unwrap();
        fs::write(dir.join(".cgoflake-abc"), "half").unwrap();
        fs::write(dir.join("keep"), "x").unwrap();
        remove_leftover_temp_files(dir);
        assert!(!dir.join(".cgoflake-abc").exists());
        assert!(dir.join("keep").exists());
    }
}
