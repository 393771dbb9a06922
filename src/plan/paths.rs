//! Paths in the plan: the matrix's directory, and paths relative to the
//! generated flake as Nix path literals (`./examples/app`).

use camino::{Utf8Component, Utf8Path, Utf8PathBuf};

/// The directory of a matrix file (`.` for a bare file name): paths in the
/// matrix are relative to it, and the flake is generated there by default.
pub fn matrix_dir(file: &Utf8Path) -> Utf8PathBuf {
    match file.parent() {
        Some(p) if !p.as_str().is_empty() => p.to_owned(),
        _ => Utf8PathBuf::from("."),
    }
}

/// `to` as a Nix path literal relative to `from` (`./.`, `./sub/dir`), when
/// it is inside it; both are compared as written.
pub fn nix_relative(from: &Utf8Path, to: &Utf8Path) -> Option<String> {
    let norm = |p: &Utf8Path| -> Utf8PathBuf {
        p.components()
            .filter(|c| !matches!(c, Utf8Component::CurDir))
            .collect()
    };
    let rel = norm(to).strip_prefix(norm(from)).ok()?.to_owned();
    Some(if rel.as_str().is_empty() || rel == "." {
        "./.".to_owned()
    } else {
        format!("./{rel}")
    })
}

/// [`nix_relative`] from the generated flake to an existing `path`, through
/// their real locations (symlinks, `..`); as written when either does not
/// exist yet.
pub fn inside_flake(out_dir: &Utf8Path, path: &Utf8Path) -> Option<String> {
    match (path.canonicalize_utf8(), out_dir.canonicalize_utf8()) {
        (Ok(p), Ok(o)) => nix_relative(&o, &p),
        _ => nix_relative(out_dir, path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        let rel = |from: &str, to: &str| nix_relative(from.into(), to.into());
        assert_eq!(
            rel(".", "./examples/app").as_deref(),
            Some("./examples/app")
        );
        assert_eq!(rel("a", "a").as_deref(), Some("./."));
        assert_eq!(rel("a", "./a/b").as_deref(), Some("./b"));
        assert_eq!(rel("a", "b"), None);
        assert_eq!(matrix_dir("cgoflake.json".into()), ".");
        assert_eq!(matrix_dir("x/cgoflake.json".into()), "x");
    }
}
