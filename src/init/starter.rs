//! The starter matrix: its targets and its text.

use std::fmt::Write as _;

use crate::matrix::LibcKind;
use crate::platform::{glibc, Goarch, Goos, PLATFORMS};

/// The starter targets, in the order they are written.
pub const STARTER_TARGETS: &[(Goos, Goarch, Option<LibcKind>)] = &[
    (Goos::Linux, Goarch::Amd64, Some(LibcKind::Gnu)),
    (Goos::Linux, Goarch::Arm64, Some(LibcKind::Gnu)),
    (Goos::Linux, Goarch::Amd64, Some(LibcKind::Musl)),
    (Goos::Linux, Goarch::Arm64, Some(LibcKind::Musl)),
    (Goos::Windows, Goarch::Amd64, None),
    (Goos::Windows, Goarch::Arm64, None),
    (Goos::Darwin, Goarch::Amd64, None),
    (Goos::Darwin, Goarch::Arm64, None),
];

/// Every supported `goos/goarch` that the starter matrix leaves out.
pub(super) fn more_platforms() -> Vec<String> {
    PLATFORMS
        .iter()
        .filter(|p| {
            !STARTER_TARGETS
                .iter()
                .any(|&(g, a, _)| g == p.goos && a == p.goarch)
        })
        .map(|p| format!("{}/{}", p.goos, p.goarch))
        .collect()
}

/// A starter target's name: `<goos>-<goarch>`, `-musl` for musl.
fn starter_name(goos: Goos, goarch: Goarch, libc: Option<LibcKind>) -> String {
    let musl = if libc == Some(LibcKind::Musl) {
        "-musl"
    } else {
        ""
    };
    format!("{goos}-{goarch}{musl}")
}

/// The matrix text: deterministic, one target per line.
pub fn render_matrix(pname: &str, go_release: Option<&str>, sub_packages: &[String]) -> String {
    let q = |s: &str| serde_json::to_string(s).expect("strings serialise");
    let subs: Vec<String> = sub_packages.iter().map(|s| q(s)).collect();
    let mut out = String::new();
    out.push_str("{\n  \"project\": {\n");
    let _ = writeln!(out, "    \"pname\": {},", q(pname));
    out.push_str("    \"version\": \"0.1.0\",\n");
    out.push_str("    \"src\": \".\",\n");
    let _ = writeln!(out, "    \"subPackages\": [{}],", subs.join(", "));
    out.push_str("    \"vendorHash\": \"auto\",\n");
    if let Some(release) = go_release {
        let _ = writeln!(out, "    \"go\": {},", q(release));
    }
    out.push_str("    \"stamp\": {}\n  },\n");
    out.push_str("  \"targets\": {\n");
    for (i, &(goos, goarch, libc)) in STARTER_TARGETS.iter().enumerate() {
        let name = starter_name(goos, goarch, libc);
        let mut fields = vec![
            format!("\"goos\": {}", q(goos.as_str())),
            format!("\"goarch\": {}", q(goarch.as_str())),
        ];
        if let Some(libc) = libc {
            fields.push(format!("\"libc\": {}", q(libc.as_str())));
        }
        if libc == Some(LibcKind::Gnu) {
            fields.push(format!("\"glibc\": {}", q(glibc::DEFAULT)));
        }
        let comma = if i + 1 < STARTER_TARGETS.len() {
            ","
        } else {
            ""
        };
        let _ = writeln!(out, "    {}: {{ {} }}{comma}", q(&name), fields.join(", "));
    }
    out.push_str("  }\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use camino::Utf8Path;

    use super::*;

    #[test]
    fn the_starter_matrix_parses_and_lists_every_default_target() {
        let text = render_matrix(
            "app",
            Some("1.25.14"),
            &[".".to_owned(), "cmd/x".to_owned()],
        );
        let m = crate::matrix::parse(Utf8Path::new("cgoflake.json"), &text).unwrap();
        let names: Vec<&str> = m.targets.0.keys().map(String::as_str).collect();
        let mut want: Vec<String> = STARTER_TARGETS
            .iter()
            .map(|&(goos, goarch, libc)| starter_name(goos, goarch, libc))
            .collect();
        want.sort();
        assert_eq!(names, want);
        assert_eq!(m.project.vendor_hash.as_deref(), Some("auto"));
        assert_eq!(m.project.sub_packages, [".", "cmd/x"]);
        assert_eq!(
            text,
            render_matrix(
                "app",
                Some("1.25.14"),
                &[".".to_owned(), "cmd/x".to_owned()]
            )
        );
    }
}
