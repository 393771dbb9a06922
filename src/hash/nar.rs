//! NAR (Nix ARchive) serialisation and hashing.
//!
//! `nix hash path` and a fixed-output derivation with
//! `outputHashMode = "recursive"` (such as `buildGoModule`'s `goModules`)
//! hash the NAR serialisation of a file tree. This module reproduces that
//! serialisation byte for byte and streams it into SHA-256.
//!
//! # Why an own implementation
//!
//! `nix-compat` on crates.io is an empty placeholder. The registry crate
//! `nix-nar` works, but it produces the archive through a `Read` adapter with
//! its own error type and pulls in extra dependencies, while all we need is
//! to *hash* a tree. The format is tiny (see below), so a ~100 line writer
//! that streams into any [`std::io::Write`] (a [`sha2::Sha256`] for hashing,
//! a `Vec<u8>` in tests) is easier to audit, never holds a whole file in
//! memory, and reports unsupported file types with a typed error naming the
//! path. It is checked byte for byte against `nix-store --dump` and
//! `nix hash path` in `tests/nar_hash.rs`.
//!
//! # The format
//!
//! Every token is a *string*: its length as a little-endian `u64`, the bytes,
//! then zero padding to a multiple of 8. An archive is `"nix-archive-1"`
//! followed by one node:
//!
//! ```text
//! node      = "(" "type" ( regular | symlink | directory ) ")"
//! regular   = "regular" [ "executable" "" ] "contents" <file bytes as a string>
//! symlink   = "symlink" "target" <target>
//! directory = "directory" { "entry" "(" "name" <name> "node" node ")" }
//! ```
//!
//! Directory entries are sorted by the raw bytes of their names. A regular
//! file is executable when its owner-execute bit is set (as in Nix); no other
//! metadata (times, owners, other mode bits) is recorded. Symlinks are never
//! followed. Sockets, FIFOs and device nodes cannot be archived.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use camino::Utf8Path;
use sha2::{Digest, Sha256};

/// Errors while serialising a tree as a NAR.
#[derive(Debug, thiserror::Error)]
pub enum NarError {
    /// A file system operation failed on `path`.
    #[error("cannot archive {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// `path` is a socket, FIFO or device node, which NAR cannot represent.
    #[error("cannot archive {path}: unsupported file type ({kind}); NAR only holds regular files, executables, symlinks and directories")]
    UnsupportedFileType { path: PathBuf, kind: &'static str },
    /// A regular file changed size while it was being read.
    #[error("cannot archive {path}: file changed while being read (expected {expected} bytes, read {actual})")]
    FileChanged {
        path: PathBuf,
        expected: u64,
        actual: u64,
    },
    /// Writing the archive to the output sink failed.
    #[error("cannot write NAR output: {0}")]
    Write(#[source] io::Error),
}

/// SHA-256 of the NAR serialisation of `path`, as `nix hash path --type sha256`
/// computes it. Files are streamed in chunks, never loaded whole.
pub fn nar_hash(path: &Utf8Path) -> Result<[u8; 32], NarError> {
    let mut hasher = Sha256::new();
    write_nar(path.as_std_path(), &mut hasher)?;
    Ok(hasher.finalize().into())
}

/// Write the NAR serialisation of `path` (not following a top-level symlink)
/// to `out`; the same bytes as `nix-store --dump path`.
pub fn write_nar<W: Write>(path: &Path, out: &mut W) -> Result<(), NarError> {
    let mut w = NarWriter { out };
    w.str(b"nix-archive-1")?;
    w.node(path)
}

const CHUNK: usize = 64 * 1024;

struct NarWriter<'a, W: Write> {
    out: &'a mut W,
}

impl<W: Write> NarWriter<'_, W> {
    fn raw(&mut self, bytes: &[u8]) -> Result<(), NarError> {
        self.out.write_all(bytes).map_err(NarError::Write)
    }

    fn len_prefix(&mut self, len: u64) -> Result<(), NarError> {
        self.raw(&len.to_le_bytes())
    }

    fn pad(&mut self, len: u64) -> Result<(), NarError> {
        let rem = (len % 8) as usize;
        if rem != 0 {
            self.raw(&[0u8; 8][..8 - rem])?;
        }
        Ok(())
    }

    fn str(&mut self, s: &[u8]) -> Result<(), NarError> {
        self.len_prefix(s.len() as u64)?;
        self.raw(s)?;
        self.pad(s.len() as u64)
    }

    fn node(&mut self, path: &Path) -> Result<(), NarError> {
        let io_err = |source| NarError::Io {
            path: path.to_owned(),
            source,
        };
        let meta = fs::symlink_metadata(path).map_err(io_err)?;
        let ft = meta.file_type();
        self.str(b"(")?;
        self.str(b"type")?;
        if ft.is_symlink() {
            let target = fs::read_link(path).map_err(io_err)?;
            self.str(b"symlink")?;
            self.str(b"target")?;
            self.str(target.as_os_str().as_bytes())?;
        } else if ft.is_file() {
            self.str(b"regular")?;
            if meta.permissions().mode() & 0o100 != 0 {
                self.str(b"executable")?;
                self.str(b"")?;
            }
            self.str(b"contents")?;
            self.file_contents(path, meta.len())?;
        } else if ft.is_dir() {
            self.str(b"directory")?;
            let mut names: Vec<std::ffi::OsString> = fs::read_dir(path)
                .map_err(io_err)?
                .map(|e| e.map(|e| e.file_name()))
                .collect::<Result<_, _>>()
                .map_err(io_err)?;
            names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            for name in names {
                self.str(b"entry")?;
                self.str(b"(")?;
                self.str(b"name")?;
                self.str(OsStr::as_bytes(&name))?;
                self.str(b"node")?;
                self.node(&path.join(&name))?;
                self.str(b")")?;
            }
        } else {
            return Err(NarError::UnsupportedFileType {
                path: path.to_owned(),
                kind: file_kind(&ft),
            });
        }
        self.str(b")")
    }

    fn file_contents(&mut self, path: &Path, expected: u64) -> Result<(), NarError> {
        let io_err = |source| NarError::Io {
            path: path.to_owned(),
            source,
        };
        let mut file = File::open(path).map_err(io_err)?;
        self.len_prefix(expected)?;
        let mut buf = vec![0u8; CHUNK];
        let mut total: u64 = 0;
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_err(e)),
            };
            total += n as u64;
            if total > expected {
                break;
            }
            self.raw(&buf[..n])?;
        }
        if total != expected {
            return Err(NarError::FileChanged {
                path: path.to_owned(),
                expected,
                actual: total,
            });
        }
        self.pad(expected)
    }
}

fn file_kind(ft: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_socket() {
        "socket"
    } else if ft.is_fifo() {
        "fifo"
    } else if ft.is_block_device() {
        "block device"
    } else if ft.is_char_device() {
        "character device"
    } else {
        "unknown"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::sri::{nix32, sri_sha256};
    use camino::Utf8PathBuf;
    use std::os::unix::fs::symlink;

    fn utf8(p: &Path) -> Utf8PathBuf {
        Utf8PathBuf::from_path_buf(p.to_owned()).unwrap()
    }

    fn nar_bytes(p: &Path) -> Vec<u8> {
        let mut v = Vec::new();
        write_nar(p, &mut v).unwrap();
        v
    }

    /// Encode tokens the slow obvious way, for comparison.
    fn tokens(ts: &[&[u8]]) -> Vec<u8> {
        let mut v = Vec::new();
        for t in ts {
            v.extend_from_slice(&(t.len() as u64).to_le_bytes());
            v.extend_from_slice(t);
            while v.len() % 8 != 0 {
                v.push(0);
            }
        }
        v
    }

    // Vectors below were produced with Nix 2.8:
    // `nix hash path --type sha256 [--base32] PATH`.

    #[test]
    fn regular_file_vector() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        fs::write(&f, "hello\n").unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            nar_bytes(&f),
            tokens(&[
                b"nix-archive-1",
                b"(",
                b"type",
                b"regular",
                b"contents",
                b"hello\n",
                b")"
            ])
        );
        let d = nar_hash(&utf8(&f)).unwrap();
        assert_eq!(
            sri_sha256(&d),
            "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM="
        );
        assert_eq!(
            nix32(&d),
            "04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw"
        );
    }

    #[test]
    fn empty_file_vector() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("e");
        fs::write(&f, "").unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            sri_sha256(&nar_hash(&utf8(&f)).unwrap()),
            "sha256-d6xi4mKdjkX2JFicDIv5niSzpyI0m/Hnm8GGAIU04kY="
        );
    }

    #[test]
    fn empty_dir_vector() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("empty");
        fs::create_dir(&d).unwrap();
        assert_eq!(
            nar_bytes(&d),
            tokens(&[b"nix-archive-1", b"(", b"type", b"directory", b")"])
        );
        assert_eq!(
            sri_sha256(&nar_hash(&utf8(&d)).unwrap()),
            "sha256-pQpattmS9VmO3ZIQUFn66az8GSmB4IvYhTTCFn6SUmo="
        );
    }

    #[test]
    fn symlink_vector() {
        let dir = tempfile::tempdir().unwrap();
        let l = dir.path().join("l");
        symlink("../f", &l).unwrap();
        assert_eq!(
            nar_bytes(&l),
            tokens(&[
                b"nix-archive-1",
                b"(",
                b"type",
                b"symlink",
                b"target",
                b"../f",
                b")"
            ])
        );
        assert_eq!(
            sri_sha256(&nar_hash(&utf8(&l)).unwrap()),
            "sha256-k1Wi4rFw0EOWM39/mBoTOjpdZlKCzXquLIBI9yLY9zM="
        );
    }

    /// d/a (executable, "x"), d/empty/, d/l -> ../f
    #[test]
    fn directory_vector() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("d");
        fs::create_dir(&d).unwrap();
        // Create in non-sorted order to exercise sorting.
        symlink("../f", d.join("l")).unwrap();
        fs::create_dir(d.join("empty")).unwrap();
        fs::write(d.join("a"), "x").unwrap();
        fs::set_permissions(d.join("a"), fs::Permissions::from_mode(0o755)).unwrap();
        let expected = tokens(&[
            b"nix-archive-1",
            b"(",
            b"type",
            b"directory",
            b"entry",
            b"(",
            b"name",
            b"a",
            b"node",
            b"(",
            b"type",
            b"regular",
            b"executable",
            b"",
            b"contents",
            b"x",
            b")",
            b")",
            b"entry",
            b"(",
            b"name",
            b"empty",
            b"node",
            b"(",
            b"type",
            b"directory",
            b")",
            b")",
            b"entry",
            b"(",
            b"name",
            b"l",
            b"node",
            b"(",
            b"type",
            b"symlink",
            b"target",
            b"../f",
            b")",
            b")",
            b")",
        ]);
        assert_eq!(nar_bytes(&d), expected);
        let h = nar_hash(&utf8(&d)).unwrap();
        assert_eq!(
            sri_sha256(&h),
            "sha256-EOfK8o/6d5qbZcrG5QeZrWFEAyYDDKavLoWc3qORQdY="
        );
        assert_eq!(
            nix32(&h),
            "1mj1j6ixx7455spsc3034q1l8qddk43ybinacndrlxzsizrcmrqh"
        );
    }

    #[test]
    fn large_file_streams_and_matches_in_memory_encoding() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("big");
        let data: Vec<u8> = (0..(3 * CHUNK + 13)).map(|i| (i % 251) as u8).collect();
        fs::write(&f, &data).unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o600)).unwrap();
        let expected = tokens(&[
            b"nix-archive-1",
            b"(",
            b"type",
            b"regular",
            b"contents",
            &data,
            b")",
        ]);
        assert_eq!(nar_bytes(&f), expected);
        let want: [u8; 32] = Sha256::digest(&expected).into();
        assert_eq!(nar_hash(&utf8(&f)).unwrap(), want);
    }

    #[test]
    fn entries_sorted_bytewise() {
        let dir = tempfile::tempdir().unwrap();
        for n in ["b", "B", "a", "_", "a.b", "a-b", "\u{e9}"] {
            fs::write(dir.path().join(n), "").unwrap();
        }
        let bytes = nar_bytes(dir.path());
        let mut order = Vec::new();
        let mut names = vec!["b", "B", "a", "_", "a.b", "a-b", "\u{e9}"];
        names.sort(); // str Ord is byte order for UTF-8
        for n in &names {
            let needle = tokens(&[b"name", n.as_bytes()]);
            let pos = bytes
                .windows(needle.len())
                .position(|w| w == needle.as_slice())
                .unwrap();
            order.push(pos);
        }
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    }

    #[test]
    fn fifo_is_rejected_with_path() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(status.success());
        let err = nar_hash(&utf8(dir.path())).unwrap_err();
        match &err {
            NarError::UnsupportedFileType { path, kind } => {
                assert_eq!(path, &fifo);
                assert_eq!(*kind, "fifo");
            }
            other => panic!("unexpected error {other:?}"),
        }
        assert!(err.to_string().contains("pipe"), "{err}");
    }

    #[test]
    fn missing_path_is_io_error_naming_path() {
        let err = nar_hash(Utf8Path::new("/nonexistent/cgoflake-nar-test")).unwrap_err();
        assert!(matches!(err, NarError::Io { .. }));
        assert!(err.to_string().contains("/nonexistent/cgoflake-nar-test"));
    }
}
