//! Checks on single values of the matrix: names, hashes, paths, versions,
//! environment variables. Each returns a [`MatrixError`] naming the key.

use camino::{Utf8Component, Utf8Path};

use crate::hash::sri::parse_sri_sha256;
use crate::matrix::error::MatrixError;

/// Target names become Nix attribute names (`packages.<system>.<name>`) and
/// file names, so they are restricted to a portable, unquoted-safe alphabet.
pub fn target_name(file: &Utf8Path, key: &str, name: &str) -> Result<(), MatrixError> {
    const RESERVED: &[&str] = &["all", "default", "universal"];
    let first_ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if name.is_empty() || name.len() > 64 || !first_ok || !rest_ok {
        return Err(MatrixError::invalid(
            file,
            key,
            format!(
                "target name {name:?} is not allowed: use 1-64 characters, a letter first, then letters, digits, `-` or `_` (it becomes a Nix attribute and a file name)"
            ),
        ));
    }
    if RESERVED.contains(&name) {
        return Err(MatrixError::invalid(
            file,
            key,
            format!("target name `{name}` is reserved (reserved: all, default, universal)"),
        ));
    }
    Ok(())
}

/// An SRI sha256 hash such as `sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=`.
pub fn sri_hash(file: &Utf8Path, key: &str, value: &str) -> Result<(), MatrixError> {
    if parse_sri_sha256(value).is_ok() {
        return Ok(());
    }
    let why = match value.strip_prefix("sha256-") {
        Some(b64) if b64.len() != 44 => format!(
            "the base64 part has {} characters, a sha256 hash has 44 (32 bytes, ending in `=`)",
            b64.chars().count()
        ),
        Some(_) => "the part after `sha256-` is not valid base64 of 32 bytes".to_owned(),
        None => match value.split_once('-') {
            Some((algo, _))
                if !algo.is_empty() && algo.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                format!("only sha256 is accepted, not {algo}; write `sha256-<base64>`")
            }
            _ => "expected the SRI form `sha256-<base64>` (44 base64 characters of 32 bytes)"
                .to_owned(),
        },
    };
    Err(
        MatrixError::invalid(file, key, format!("malformed hash {value:?}: {why}")).with_help(
            "`nix hash file --type sha256 --sri FILE` (or `nix hash convert`) prints the SRI form",
        ),
    )
}

/// A relative path that stays inside its base directory: no absolute paths,
/// no `..`, no empty string.
pub fn inside(file: &Utf8Path, key: &str, path: &str, what: &str) -> Result<(), MatrixError> {
    if path.is_empty() {
        return Err(MatrixError::invalid(
            file,
            key,
            format!("an empty path is not allowed: use a relative path inside {what}, e.g. `.`"),
        ));
    }
    let p = Utf8Path::new(path);
    let escapes = path.is_empty()
        || p.is_absolute()
        || path.contains('\\')
        || p.components()
            .any(|c| matches!(c, Utf8Component::ParentDir | Utf8Component::Prefix(_)));
    if escapes {
        return Err(MatrixError::invalid(
            file,
            key,
            format!("{path:?} is outside {what}: use a relative path without `..`"),
        ));
    }
    Ok(())
}

/// Characters we allow in paths that are rendered as Nix path literals.
pub fn nix_path_safe(file: &Utf8Path, key: &str, path: &str) -> Result<(), MatrixError> {
    let ok = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-+/".contains(c));
    if !ok {
        return Err(MatrixError::invalid(
            file,
            key,
            format!("{path:?} contains characters a Nix path cannot hold: use letters, digits and `._-+/`"),
        ));
    }
    Ok(())
}

/// An environment variable name, not one cgoflake sets itself.
pub fn env_name(
    file: &Utf8Path,
    key: &str,
    name: &str,
    reserved: &[&str],
) -> Result<(), MatrixError> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(MatrixError::invalid(
            file,
            key,
            format!("{name:?} is not an environment variable name: use A-Z, 0-9 and `_`, not starting with a digit"),
        ));
    }
    if reserved.contains(&name) {
        return Err(MatrixError::invalid(
            file,
            key,
            format!(
                "`{name}` is set by cgoflake per target and cannot be overridden here (reserved: {})",
                reserved.join(", ")
            ),
        )
        .with_help(reserved_env_help(name)));
    }
    Ok(())
}

/// Where to set what a reserved environment variable would have set.
fn reserved_env_help(name: &str) -> &'static str {
    match name {
        "GOOS" | "GOARCH" => "each target's `goos` and `goarch` set these",
        "GOARM" | "GOAMD64" | "GO386" => "set a target's `goarm` or `goamd64`",
        "CC" | "CXX" => "cgoflake's pinned `zig cc` (or osxcross) is the C compiler; pick it with a target's `toolchain`",
        "CGO_ENABLED" => "CGO is always on: cgoflake exists to build CGO programs",
        n if n.starts_with("CGO_") => {
            "add C flags with `cflags`/`ldflags` in `defaults` or in a target"
        }
        _ => "cgoflake sets it so the build is hermetic; use `project.tags` or `project.ldflags` for Go build options",
    }
}

/// A Nix attribute name we render unquoted (`pkgs.go_1_25`).
pub fn nix_attr(file: &Utf8Path, key: &str, name: &str) -> Result<(), MatrixError> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        return Err(MatrixError::invalid(
            file,
            key,
            format!("{name:?} is not a nixpkgs attribute name (e.g. `go_1_25`)"),
        ));
    }
    Ok(())
}

/// `project.pname`: a package name Nix and file systems accept.
pub fn pname(file: &Utf8Path, key: &str, name: &str) -> Result<(), MatrixError> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.+".contains(c));
    if ok {
        return Ok(());
    }
    Err(MatrixError::invalid(file, key, format!("{name:?} is not a valid package name: letters, digits and `-_.+`, starting with a letter or digit")))
}

/// `project.version`.
pub fn version(file: &Utf8Path, key: &str, version: &str) -> Result<(), MatrixError> {
    let ok = !version.is_empty()
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.+".contains(c));
    if ok {
        return Ok(());
    }
    Err(MatrixError::invalid(
        file,
        key,
        format!("{version:?} is not a valid version: letters, digits and `-_.+`"),
    ))
}

/// A Go build tag.
pub fn go_tag(file: &Utf8Path, key: &str, tag: &str) -> Result<(), MatrixError> {
    let ok = !tag.is_empty()
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.".contains(c));
    if ok {
        return Ok(());
    }
    Err(MatrixError::invalid(
        file,
        key,
        format!("{tag:?} is not a Go build tag (letters, digits, `_`, `.`)"),
    ))
}

/// A C define for SQLite, without `-D`: `SQLITE_ENABLE_FTS5`, `SQLITE_MAX_LENGTH=1000000`.
pub fn c_define(file: &Utf8Path, key: &str, define: &str) -> Result<(), MatrixError> {
    let ok = !define.is_empty()
        && define
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_=.-".contains(c))
        && define.starts_with(|c: char| c.is_ascii_uppercase());
    if ok {
        return Ok(());
    }
    Err(MatrixError::invalid(
        file,
        key,
        format!(
            "{define:?} is not a C define like `SQLITE_ENABLE_FTS5` or `SQLITE_MAX_LENGTH=1000000`"
        ),
    ))
}

/// C compiler or linker flags: one flag per item, no whitespace (they are
/// joined with spaces into CGO_CFLAGS/CGO_LDFLAGS).
pub fn c_flags(file: &Utf8Path, key: &str, flags: &[String]) -> Result<(), MatrixError> {
    for (i, f) in flags.iter().enumerate() {
        if f.is_empty() || f.contains(char::is_whitespace) {
            return Err(MatrixError::invalid(
                file,
                format!("{key}[{i}]"),
                format!("{f:?}: give one flag per list item, without spaces (e.g. [\"-DA=1\", \"-DB=2\"])"),
            ));
        }
    }
    Ok(())
}

/// An http(s) URL that is safe inside a Nix string.
pub fn url(file: &Utf8Path, key: &str, u: &str) -> Result<(), MatrixError> {
    let ok = (u.starts_with("https://") || u.starts_with("http://"))
        && !u.chars().any(|c| c.is_whitespace() || c == '"');
    if ok {
        return Ok(());
    }
    Err(MatrixError::invalid(
        file,
        key,
        format!("{u:?} is not an http(s) URL"),
    ))
}

/// A dotted version of 2 to 4 numbers (`14.5`, `3.50.4`).
pub fn is_dotted(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    (2..=4).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A Go `-X` target such as `main.version` or `example.com/m/pkg.Var`.
pub fn go_symbol(file: &Utf8Path, key: &str, sym: &str) -> Result<(), MatrixError> {
    let valid = sym.contains('.')
        && !sym.starts_with('.')
        && !sym.ends_with('.')
        && sym
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/~".contains(c));
    if !valid {
        return Err(MatrixError::invalid(
            file,
            key,
            format!("{sym:?} is not a Go variable for `-X` (e.g. `main.version`)"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: &str = "cgoflake.json";

    #[test]
    fn target_names() {
        for ok in ["linux-arm64", "win_64", "a"] {
            target_name(F.into(), "k", ok).unwrap();
        }
        for bad in [
            "", "../x", "a/b", "a b", "-x", "1abc", "x.y", "all", "default", "a\"b", "${x}",
        ] {
            assert!(target_name(F.into(), "k", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn paths_stay_inside() {
        inside(F.into(), "k", "examples/app", "the repo").unwrap();
        inside(F.into(), "k", "./cmd/x", "the module").unwrap();
        for bad in ["", "/abs", "../up", "a/../../b", "a\\b"] {
            assert!(
                inside(F.into(), "k", bad, "the module").is_err(),
                "{bad:?} accepted"
            );
        }
    }

    #[test]
    fn hash_messages_say_what_is_wrong() {
        let msg = |h: &str| sri_hash(F.into(), "k", h).unwrap_err().message;
        assert!(msg("sha512-AAAA").contains("only sha256 is accepted, not sha512"));
        assert!(msg("sha256-short").contains("has 5 characters, a sha256 hash has 44"));
        let bad_b64 = format!("sha256-{}=", "!".repeat(43));
        assert!(msg(&bad_b64).contains("not valid base64"));
        assert!(msg("47DEQpj8").contains("`sha256-<base64>`"));
        assert!(msg("").contains("`sha256-<base64>`"));
    }

    #[test]
    fn empty_paths_say_so() {
        let e = inside(F.into(), "k", "", "the module").unwrap_err();
        assert!(
            e.message.starts_with("an empty path is not allowed"),
            "{}",
            e.message
        );
    }

    #[test]
    fn reserved_env_names_point_to_the_right_setting() {
        let reserved = [
            "GOOS",
            "GOARCH",
            "GOARM",
            "CC",
            "CGO_CFLAGS",
            "CGO_ENABLED",
            "GOFLAGS",
        ];
        let help = |n: &str| {
            env_name(F.into(), "k", n, &reserved)
                .unwrap_err()
                .help
                .unwrap()
        };
        assert!(help("GOOS").contains("`goos`"));
        assert!(help("GOARM").contains("`goarm`"));
        assert!(help("CC").contains("`toolchain`"));
        assert!(help("CGO_CFLAGS").contains("`cflags`"));
        assert!(help("CGO_ENABLED").contains("always on"));
        assert!(help("GOFLAGS").contains("project.tags"));
        let e = env_name(F.into(), "k", "GOOS", &reserved).unwrap_err();
        assert!(
            e.message.contains("(reserved: GOOS, GOARCH"),
            "{}",
            e.message
        );
        env_name(F.into(), "k", "GOEXPERIMENT", &reserved).unwrap();
    }

    #[test]
    fn hashes() {
        sri_hash(
            F.into(),
            "k",
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        )
        .unwrap();
        for bad in [
            "",
            "sha256-",
            "sha1-AAAA",
            "47DEQpj8",
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
        ] {
            assert!(sri_hash(F.into(), "k", bad).is_err(), "{bad:?} accepted");
        }
    }
}
