//! `cgoflake gen`: matrix → plan → rendered files → disk, atomically; and
//! `gen --check`, which compares instead of writing.

use std::collections::BTreeSet;
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use camino::{Utf8Path, Utf8PathBuf};

use crate::hash::vendor as vendor_hash;
use crate::lock::{self, LockChoice, LockDrift};
use crate::matrix::DarwinLinker;
use crate::plan::{Plan, VendorHashPlan};
use crate::platform::{Goarch, Goos};
use crate::render::{self, RenderContext, Rendered, GENERATED_MARKER, OPTIONAL_OUTPUTS};
use crate::{cgo_scan, fsutil, matrix, plan};

/// Options of `gen`.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// The matrix file.
    pub matrix: Utf8PathBuf,
    /// Where flake.nix and nix/ go.
    pub out: Utf8PathBuf,
    /// Overwrite files that lack the generated marker.
    pub force: bool,
}

/// The matrix parsed and resolved, and the files it renders to.
pub struct Generated {
    /// The plan.
    pub plan: Plan,
    /// Relative path → content.
    pub files: Rendered,
    /// What `gen` decided for the user (e.g. proxyVendor), one line each.
    pub notes: Vec<String>,
}

/// `cgoflake gen`: write the files (and flake.lock as `lock_choice` says,
/// see [`lock`]) and say which changed; with `check`, write nothing and exit
/// 1 with a summary of what differs (flake.lock included when `lock_choice`
/// names a pin).
pub fn run(
    opts: &GenOptions,
    ci: &[Ci],
    lock_choice: &LockChoice,
    check: bool,
) -> Result<ExitCode> {
    let out = &opts.out;
    let generated = generate_with_ci(opts, ci)?;
    for note in &generated.notes {
        eprintln!("note: {note}");
    }
    let count = generated.files.len();
    if check {
        let mut drift = self::check(out, &generated.files)?;
        match lock::check(out, lock_choice)? {
            Some(LockDrift::Missing) => drift.missing.push("flake.lock".into()),
            Some(LockDrift::Changed(why)) => drift.changed.push(Changed {
                path: "flake.lock".into(),
                why,
                diff: String::new(),
            }),
            None => {}
        }
        if drift.is_clean() {
            println!("up to date: {count} files");
            return Ok(ExitCode::SUCCESS);
        }
        eprint!(
            "generated files are out of date; run `cgoflake gen`:\n{}",
            drift.summary()
        );
        return Ok(ExitCode::FAILURE);
    }
    // Decided (and an unusable existing lock refused) before anything is
    // written.
    let lock_action = lock::prepare(out, lock_choice)?;
    let changes = write(out, &generated.files, opts.force)?;
    if let Some(line) = lock_action.apply()? {
        println!("{line}");
    }
    if changes.is_empty() {
        println!("up to date: {count} files");
    }
    for (rel, change) in changes {
        let verb = match change {
            Change::Wrote => "wrote",
            Change::Removed => "removed",
        };
        println!("{verb} {}", out.join(rel));
    }
    Ok(ExitCode::SUCCESS)
}

/// Load, resolve and render; touches nothing on disk except caches.
/// A GitHub workflow that an earlier `gen --ci github` wrote (it carries the
/// marker) is rendered too, so `gen` keeps it current and `gen --check`
/// notices hand edits.
pub fn generate(opts: &GenOptions) -> Result<Generated> {
    generate_with_ci(opts, &[])
}

/// CI configurations `gen --ci` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ci {
    /// `.github/workflows/cgoflake.yml`.
    Github,
}

/// [`generate`], also rendering the named CI configurations.
pub fn generate_with_ci(opts: &GenOptions, ci: &[Ci]) -> Result<Generated> {
    let m = matrix::load(&opts.matrix)?;
    let mut plan = plan::resolve(&m, &opts.matrix, &opts.out)?;
    let mut notes = Vec::new();
    check_cgo(&opts.matrix, &mut plan, &mut notes)?;
    let vendor_hash = resolve_vendor_hash(&plan)?;
    let ctx = RenderContext {
        plan: &plan,
        vendor_hash,
        matrix_name: opts
            .matrix
            .file_name()
            .unwrap_or(matrix::MATRIX_FILE)
            .to_owned(),
    };
    let mut files = render::render(&ctx)?;
    let workflow = opts.out.join(render::GITHUB_WORKFLOW);
    let generated_before =
        std::fs::read_to_string(&workflow).is_ok_and(|t| t.contains(GENERATED_MARKER));
    if ci.contains(&Ci::Github) || generated_before {
        files.insert(
            Utf8PathBuf::from(render::GITHUB_WORKFLOW),
            render::render_github_workflow(&ctx)?,
        );
    }
    Ok(Generated { plan, files, notes })
}

/// `vendorHash = "auto"` → computed (cached by go.mod/go.sum content).
fn resolve_vendor_hash(plan: &Plan) -> Result<Option<String>> {
    match &plan.project.vendor_hash {
        VendorHashPlan::None => Ok(None),
        VendorHashPlan::Fixed(h) => Ok(Some(h.clone())),
        VendorHashPlan::Auto => {
            let go = Utf8PathBuf::from("go");
            let req = vendor_hash::VendorRequest {
                module_dir: &plan.project.src_dir,
                go: &go,
                toolchain: Some(&plan.go.version),
                proxy_vendor: plan.project.proxy_vendor == Some(true),
            };
            let computed = vendor_hash::compute_cached(&req, &cache_dir()).context(
                "computing vendorHash (set `project.vendorHash` in the matrix to skip this)",
            )?;
            Ok(computed.sri().map(str::to_owned))
        }
    }
}

/// What the module's cgo code needs, found before anything is built: whether
/// buildGoModule needs `proxyVendor` (decided here when the matrix leaves it
/// unset, with a note saying why), and whether a darwin target without an
/// SDK would compile against a framework (an error naming package, header
/// or framework, and the way out).
fn check_cgo(matrix: &Utf8Path, plan: &mut Plan, notes: &mut Vec<String>) -> Result<()> {
    let decide_vendor =
        plan.project.proxy_vendor.is_none() && plan.project.vendor_hash != VendorHashPlan::None;
    let sdk_free_darwin: Vec<&str> = plan
        .targets
        .iter()
        .filter(|t| t.target.darwin_linker == Some(DarwinLinker::Stubs))
        .map(|t| t.name.as_str())
        .collect();
    if !decide_vendor && sdk_free_darwin.is_empty() {
        plan.project.proxy_vendor.get_or_insert(false);
        return Ok(());
    }
    // One platform per GOOS: cgo code differs by OS far more than by CPU.
    let mut platforms: Vec<(Goos, Goarch)> = Vec::new();
    for t in &plan.targets {
        if !platforms.iter().any(|(goos, _)| *goos == t.target.goos()) {
            platforms.push((t.target.goos(), t.target.goarch()));
        }
    }
    let p = &plan.project;
    let scan = match cgo_scan::scan(
        &p.src_dir,
        Utf8Path::new("go"),
        &platforms,
        &p.tags,
        &p.sub_packages,
    ) {
        Ok(scan) => scan,
        Err(e) => {
            notes.push(format!(
                "could not list the module's cgo packages ({e:#}): proxyVendor stays off and darwin targets are not checked for Apple frameworks; set `project.proxyVendor` yourself if a dependency needs it"
            ));
            plan.project.proxy_vendor.get_or_insert(false);
            return Ok(());
        }
    };
    // Packages `go list` could not load (an untidy go.sum, say) were not
    // looked at: say so rather than decide quietly on half the graph.
    notes.extend(
        scan.warnings
            .iter()
            .map(|w| w.trim_end_matches("; to add:"))
            .map(|w| {
                format!(
                    "cgo packages not checked ({w}): run `go mod tidy`, then `cgoflake gen` again"
                )
            }),
    );
    if decide_vendor {
        if let Some(first) = scan.vendoring.first() {
            let more = match scan.vendoring.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            notes.push(format!(
                "proxyVendor chosen (set `project.proxyVendor` to decide yourself): {first}{more}"
            ));
        }
        plan.project.proxy_vendor = Some(!scan.vendoring.is_empty());
    }
    if !sdk_free_darwin.is_empty() && !scan.darwin.is_empty() {
        let findings: Vec<String> = scan.darwin.iter().map(|f| format!("  {f}")).collect();
        bail!(
            "{matrix}: targets {} build darwin without a macOS SDK, but the program's cgo code needs Apple frameworks:\n{}",
            sdk_free_darwin.join(", "),
            findings.join("\n")
        );
    }
    Ok(())
}

/// `$XDG_CACHE_HOME/cgoflake`, else `~/.cache/cgoflake`, else a temp dir.
pub fn cache_dir() -> Utf8PathBuf {
    let from_env = |k: &str| {
        std::env::var(k)
            .ok()
            .filter(|v| !v.is_empty())
            .map(Utf8PathBuf::from)
    };
    from_env("XDG_CACHE_HOME")
        .or_else(|| from_env("HOME").map(|h| h.join(".cache")))
        .unwrap_or_else(|| Utf8PathBuf::from(std::env::temp_dir().to_string_lossy().into_owned()))
        .join("cgoflake")
}

/// A generated file that differs from what gen would write.
#[derive(Debug)]
pub struct Changed {
    pub path: Utf8PathBuf,
    /// One line: why it differs, when that can be named.
    pub why: String,
    /// A unified diff from the file on disk to what gen would write, capped
    /// at [`DIFF_LINES`] lines; empty where a diff says nothing more.
    pub diff: String,
}

/// How many lines of a stale file's diff `gen --check` prints.
pub const DIFF_LINES: usize = 40;

/// What `gen --check` found.
#[derive(Debug, Default)]
pub struct Drift {
    /// Files that differ.
    pub changed: Vec<Changed>,
    /// Files gen would create.
    pub missing: Vec<Utf8PathBuf>,
    /// Generated files gen would delete.
    pub stale: Vec<Utf8PathBuf>,
}

impl Drift {
    /// Nothing differs.
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.stale.is_empty()
    }

    /// A short summary for the terminal.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        for c in &self.changed {
            s.push_str(&format!("  changed: {} ({})\n", c.path, c.why));
            for line in c.diff.lines() {
                s.push_str(&format!("    {line}\n"));
            }
        }
        for p in &self.missing {
            s.push_str(&format!("  missing: {p}\n"));
        }
        for p in &self.stale {
            s.push_str(&format!("  stale:   {p} (no longer generated)\n"));
        }
        s
    }
}

/// Compare rendered files with the disk.
pub fn check(out: &Utf8Path, files: &Rendered) -> Result<Drift> {
    let mut drift = Drift::default();
    for (rel, want) in files {
        let path = out.join(rel);
        match std::fs::read_to_string(&path) {
            Ok(have) if &have == want => {}
            Ok(have) => drift.changed.push(Changed {
                path: rel.clone(),
                why: describe_difference(&have, want),
                diff: unified_diff(rel, &have, want),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => drift.missing.push(rel.clone()),
            Err(e) => return Err(e).with_context(|| format!("reading {path}")),
        }
    }
    drift.stale = stale_files(out, files);
    Ok(drift)
}

/// `have` → `want` as a unified diff (3 lines of context), at most
/// [`DIFF_LINES`] lines, then how many were left out.
fn unified_diff(rel: &Utf8Path, have: &str, want: &str) -> String {
    let diff = similar::TextDiff::from_lines(have, want)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{rel}"), &format!("b/{rel}"))
        .to_string();
    let total = diff.lines().count();
    let mut out: String = diff
        .lines()
        .take(DIFF_LINES)
        .map(|l| format!("{l}\n"))
        .collect();
    if total > DIFF_LINES {
        out.push_str(&format!("… ({} more diff lines)\n", total - DIFF_LINES));
    }
    out
}

/// The first differing line, and the cause when we can name it.
fn describe_difference(have: &str, want: &str) -> String {
    let differing: Vec<(usize, &str, &str)> = have
        .lines()
        .zip(want.lines())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| (i + 1, a, b))
        .collect();
    if !have.contains(GENERATED_MARKER) {
        return "not generated by cgoflake".to_owned();
    }
    if !differing.is_empty()
        && differing
            .iter()
            .all(|(_, a, b)| a.contains("vendorHash = ") && b.contains("vendorHash = "))
    {
        return "vendorHash is out of date: go.mod/go.sum changed since the last `cgoflake gen`"
            .to_owned();
    }
    match differing.first() {
        Some((line, _, _)) => format!("first difference at line {line}"),
        None => "differs in length".to_owned(),
    }
}

fn stale_files(out: &Utf8Path, files: &Rendered) -> Vec<Utf8PathBuf> {
    OPTIONAL_OUTPUTS
        .iter()
        .map(Utf8PathBuf::from)
        .filter(|rel| !files.contains_key(rel))
        .filter(|rel| {
            std::fs::read_to_string(out.join(rel)).is_ok_and(|t| t.contains(GENERATED_MARKER))
        })
        .collect()
}

/// What [`write`] did to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Created or replaced it.
    Wrote,
    /// Deleted it: generated before, no longer needed by the plan.
    Removed,
}

/// Write rendered files: every file goes to a temporary sibling first and is
/// renamed into place only when all are written, so an error or a kill never
/// leaves a half-written file. Files without the generated marker are not
/// overwritten unless `force`. Returns what changed, file by file.
pub fn write(out: &Utf8Path, files: &Rendered, force: bool) -> Result<Vec<(Utf8PathBuf, Change)>> {
    remove_leftover_temp_files(out, files);
    if !force {
        for rel in files.keys() {
            let path = out.join(rel);
            if let Ok(have) = std::fs::read_to_string(&path) {
                if !have.contains(GENERATED_MARKER) {
                    bail!(
                        "refusing to overwrite {path}: it was not generated by cgoflake (no `{GENERATED_MARKER}` marker); \
                         move it away or pass --force"
                    );
                }
            }
        }
    }
    let mut staged = Vec::new();
    let mut written = Vec::new();
    for (rel, content) in files {
        let path = out.join(rel);
        if std::fs::read_to_string(&path).is_ok_and(|have| &have == content) {
            continue;
        }
        staged.push(fsutil::stage(&path, content.as_bytes())?);
        written.push((rel.clone(), Change::Wrote));
    }
    for file in staged {
        file.commit()?;
    }
    for rel in stale_files(out, files) {
        std::fs::remove_file(out.join(&rel)).with_context(|| format!("removing stale {rel}"))?;
        written.push((rel, Change::Removed));
    }
    Ok(written)
}

/// Temporary files of a `gen` that was killed before renaming them.
fn remove_leftover_temp_files(out: &Utf8Path, files: &Rendered) {
    let dirs: BTreeSet<Utf8PathBuf> = files
        .keys()
        .filter_map(|rel| out.join(rel).parent().map(Utf8Path::to_owned))
        .collect();
    for dir in dirs {
        fsutil::remove_leftover_temp_files(&dir);
    }
}

/// Write flake.lock pinning cgoflake's default nixpkgs, unless one exists
/// (the user may have updated it on purpose).
pub fn write_lock_if_missing(out: &Utf8Path) -> Result<bool> {
    match lock::prepare(out, &LockChoice::Default)? {
        action @ lock::Action::Create { .. } => {
            action.apply()?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_diff_is_capped_and_says_how_much_was_left_out() {
        let have: String = (0..200).map(|i| format!("line {i}\n")).collect();
        let want: String = (0..200).map(|i| format!("line {}\n", i * 2)).collect();
        let diff = unified_diff(Utf8Path::new("nix/x.nix"), &have, &want);
        let lines: Vec<&str> = diff.lines().collect();
        assert_eq!(lines.len(), DIFF_LINES + 1);
        assert_eq!(lines[0], "--- a/nix/x.nix");
        assert!(lines[DIFF_LINES].ends_with("more diff lines)"), "{diff}");
    }

    #[test]
    fn a_short_diff_is_shown_whole() {
        let diff = unified_diff(Utf8Path::new("f"), "a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(diff, "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
    }
}
