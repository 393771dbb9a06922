//! `cgoflake build`: run `nix build` per target ([`drive`]), collect the
//! binaries into `build/<goos>/<goarch>/` ([`collect`], with a
//! [`universal`] darwin binary), and pack release archives ([`archive`]).

pub mod archive;
pub mod collect;
pub mod drive;
pub mod universal;
mod watch;

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use camino::{Utf8Path, Utf8PathBuf};

use crate::plan::{self, TargetPlan};

/// What `cgoflake build` was asked for: its command-line arguments (the doc
/// comments are their `--help`, written for the terminal, not rustdoc).
#[derive(Debug, Clone, clap::Args)]
#[allow(rustdoc::invalid_html_tags)]
pub struct BuildCommand {
    /// Targets to build (default: every target of the matrix).
    pub targets: Vec<String>,
    /// The matrix file.
    #[arg(long, default_value = crate::matrix::MATRIX_FILE)]
    pub matrix: Utf8PathBuf,
    /// The flake to build (default: `path:<matrix directory>`).
    #[arg(long)]
    pub flake: Option<String>,
    /// How many `nix build` to run at once.
    #[arg(long, short = 'j', default_value_t = 2)]
    pub jobs: usize,
    /// Where binaries, SHA256SUMS and manifest.json go.
    #[arg(long, default_value = "build")]
    pub out: Utf8PathBuf,
    /// Also pack release archives into <out>/dist/ (tar.gz, zip for
    /// windows; reproducible, mtime from SOURCE_DATE_EPOCH) with SHA256SUMS.
    #[arg(long)]
    pub archive: bool,
    /// Arguments passed to every `nix build`, e.g. `-- --override-input nixpkgs path:/x --max-jobs 4`.
    #[arg(last = true)]
    pub nix_args: Vec<String>,
}

/// Build, collect, report; exit 1 when any target failed.
pub fn run(cmd: &BuildCommand) -> Result<ExitCode> {
    let plan = plan::load(&cmd.matrix)?;
    let selected = plan.select(&cmd.targets)?;
    let flake = match &cmd.flake {
        Some(f) => f.clone(),
        None => default_flake_ref(&plan::matrix_dir(&cmd.matrix))?,
    };
    let opts = drive::DriveOptions {
        flake,
        jobs: cmd.jobs,
        nix_args: cmd.nix_args.clone(),
        log_dir: cmd.out.join("logs"),
        nix: std::env::var("CGOFLAKE_NIX").unwrap_or_else(|_| "nix".into()),
    };
    let jobs: Vec<drive::BuildJob> = selected
        .iter()
        .map(|t| drive::BuildJob {
            target: t.name.clone(),
            derivation: format!("{}-{}", t.pname, plan.project.version),
        })
        .collect();
    let outcomes = drive::run_all(&jobs, &opts)?;
    let items: Vec<collect::Collectable> = selected
        .iter()
        .zip(&outcomes)
        .map(|(t, o)| collectable(t, o))
        .collect();
    let manifest = collect::collect(&cmd.out, &items)?;
    print_sums(&cmd.out, &manifest);
    if cmd.archive {
        let opts = archive::ArchiveOptions::from_env(&plan.project.pname, &plan.project.version);
        for a in archive::archive_all(&cmd.out, &manifest, &opts)? {
            println!("{}  {}", a.sha256, cmd.out.join(&a.path));
        }
        println!("wrote {}/dist/SHA256SUMS", cmd.out);
    }
    Ok(report_failures(&manifest, &selected))
}

/// What the collector gets for a target: its store path, or why not.
fn collectable(t: &TargetPlan, o: &drive::BuildOutcome) -> collect::Collectable {
    collect::Collectable {
        target: t.name.clone(),
        goos: t.target.goos().to_string(),
        goarch: t.target.goarch().to_string(),
        out_dir: t.out_dir.clone(),
        result: o.result.clone(),
    }
}

/// `sha256  path` of every collected file, as `sha256sum` prints them.
fn print_sums(out: &Utf8Path, manifest: &collect::Manifest) {
    for t in &manifest.targets {
        for f in &t.files {
            println!("{}  {}", f.sha256, out.join(&f.path));
        }
    }
    println!("wrote {out}/SHA256SUMS and {out}/manifest.json");
}

/// Every failure of this run, with its log tail; exit 1 if there is one.
fn report_failures(manifest: &collect::Manifest, selected: &[&TargetPlan]) -> ExitCode {
    let failed: Vec<&collect::TargetEntry> = manifest
        .targets
        .iter()
        .filter(|t| {
            t.status == collect::Status::Failed && selected.iter().any(|s| s.name == t.target)
        })
        .collect();
    if failed.is_empty() {
        return ExitCode::SUCCESS;
    }
    for t in &failed {
        eprintln!(
            "error: {} failed: {}",
            t.target,
            t.error.as_deref().unwrap_or("")
        );
    }
    eprintln!("{} of {} targets failed", failed.len(), selected.len());
    ExitCode::FAILURE
}

/// The flake `cgoflake build` builds by default: the directory itself in a
/// git checkout (Nix then sees tracked files only, so `build/` is never part
/// of the source), else `path:<dir>`.
fn default_flake_ref(dir: &Utf8Path) -> Result<String> {
    let abs = dir
        .canonicalize_utf8()
        .with_context(|| format!("resolving {dir}"))?;
    let in_git = std::process::Command::new("git")
        .args(["-C", abs.as_str(), "rev-parse", "--is-inside-work-tree"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    Ok(if in_git {
        abs.to_string()
    } else {
        format!("path:{abs}")
    })
}
