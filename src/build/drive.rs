//! `cgoflake build`, part one: run `nix build --json` for each target, a few
//! at a time, with progress, and keep each log so a failure can be shown.
//!
//! Works with Nix 2.8 (no `--print-out-paths`) and current Nix: both print
//! `[{"drvPath": …, "outputs": {"out": …}}]` for `--json`.

use std::collections::VecDeque;
use std::io::IsTerminal as _;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};
use camino::{Utf8Path, Utf8PathBuf};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use serde::Deserialize;

/// One `nix build` to run.
#[derive(Debug, Clone)]
pub struct BuildJob {
    /// Target name (the flake attribute).
    pub target: String,
}

/// The result of one `nix build`.
#[derive(Debug, Clone)]
pub struct BuildOutcome {
    /// Target name.
    pub target: String,
    /// The output store path, on success.
    pub out_path: Option<Utf8PathBuf>,
    /// The full log.
    pub log: Utf8PathBuf,
    /// Why it failed, with the end of the log.
    pub error: Option<String>,
    /// Wall time.
    pub elapsed: Duration,
}

/// Options shared by every job.
#[derive(Debug, Clone)]
pub struct DriveOptions {
    /// The flake reference, e.g. `.` or `path:/src/app`.
    pub flake: String,
    /// How many `nix build` run at once.
    pub jobs: usize,
    /// Extra arguments for nix (after `--` on the command line).
    pub nix_args: Vec<String>,
    /// Where logs go.
    pub log_dir: Utf8PathBuf,
    /// The nix binary.
    pub nix: String,
}

#[derive(Deserialize)]
struct NixBuildResult {
    outputs: std::collections::BTreeMap<String, String>,
}

/// Parse `nix build --json` output: the `out` path of the single result.
pub fn parse_build_json(stdout: &str) -> Result<Utf8PathBuf> {
    let results: Vec<NixBuildResult> = serde_json::from_str(stdout.trim())
        .with_context(|| format!("unexpected `nix build --json` output: {stdout:?}"))?;
    let [result] = results.as_slice() else {
        bail!(
            "`nix build --json` returned {} results, expected 1",
            results.len()
        );
    };
    let out = result
        .outputs
        .get("out")
        .with_context(|| "`nix build --json` result has no `out` output")?;
    Ok(Utf8PathBuf::from(out))
}

/// Build every job; outcomes come back in job order.
///
/// First one `nix build` for all targets: one evaluation, and Nix schedules
/// the shared derivations (Zig, go-modules) once. If that fails, each target
/// is built on its own (`opts.jobs` at a time; finished ones are instant) so
/// every failure is attributed to its target with its own log.
pub fn run_all(jobs: &[BuildJob], opts: &DriveOptions) -> Result<Vec<BuildOutcome>> {
    std::fs::create_dir_all(&opts.log_dir).with_context(|| format!("creating {}", opts.log_dir))?;
    if jobs.len() > 1 {
        if let Ok(outcomes) = run_together(jobs, opts) {
            return Ok(outcomes);
        }
        eprintln!("some targets failed; building each on its own to find which");
    }
    run_each(jobs, opts)
}

/// `nix build` of every target in one invocation.
fn run_together(jobs: &[BuildJob], opts: &DriveOptions) -> Result<Vec<BuildOutcome>> {
    let started = Instant::now();
    let log = opts.log_dir.join("all.log");
    let log_file = std::fs::File::create(&log).with_context(|| format!("creating {log}"))?;
    let bar = Progress::new(1).start(&format!("{} targets", jobs.len()));
    let mut cmd = Command::new(&opts.nix);
    cmd.args(["build", "--json", "--no-link", "-L", "--keep-going"]);
    cmd.args(jobs.iter().map(|j| format!("{}#{}", opts.flake, j.target)));
    cmd.args(scheduling_args(opts, opts.jobs, available_cores()));
    let out = cmd
        .args(&opts.nix_args)
        .stdin(Stdio::null())
        .stderr(Stdio::from(log_file))
        .output()
        .with_context(|| format!("running `{} build`", opts.nix))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !out.status.success() {
        bail!("`nix build` of all targets failed ({})", out.status);
    }
    let paths = parse_build_json_many(&String::from_utf8_lossy(&out.stdout), jobs.len())?;
    let elapsed = started.elapsed();
    Ok(jobs
        .iter()
        .zip(paths)
        .map(|(job, path)| {
            eprintln!("built {} ({})", job.target, path);
            BuildOutcome {
                target: job.target.clone(),
                out_path: Some(path),
                log: log.clone(),
                error: None,
                elapsed,
            }
        })
        .collect())
}

/// Every `out` path of a multi-installable `nix build --json`, in order.
pub fn parse_build_json_many(stdout: &str, expected: usize) -> Result<Vec<Utf8PathBuf>> {
    let results: Vec<NixBuildResult> = serde_json::from_str(stdout.trim())
        .with_context(|| format!("unexpected `nix build --json` output: {stdout:?}"))?;
    if results.len() != expected {
        bail!(
            "`nix build --json` returned {} results, expected {expected}",
            results.len()
        );
    }
    results
        .into_iter()
        .map(|r| {
            r.outputs
                .get("out")
                .map(Utf8PathBuf::from)
                .context("a result has no `out` output")
        })
        .collect()
}

/// `--max-jobs` (builds at once in this `nix` process) and `--cores` for
/// `opts.jobs` builds at once in all, unless the user passed their own.
/// Nix's default gives every build all cores, so `--jobs N` would run
/// N×cores compiler processes; splitting the cores keeps the machine busy
/// without thrashing it.
fn scheduling_args(opts: &DriveOptions, max_jobs: usize, cores: usize) -> Vec<String> {
    let given = |names: &[&str]| opts.nix_args.iter().any(|a| names.contains(&a.as_str()));
    let jobs = opts.jobs.max(1);
    let mut args = Vec::new();
    if !given(&["--max-jobs", "-j"]) {
        args.extend(["--max-jobs".to_owned(), max_jobs.max(1).to_string()]);
    }
    if !given(&["--cores"]) {
        args.extend(["--cores".to_owned(), (cores / jobs).max(1).to_string()]);
    }
    args
}

fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Run every job on its own, `opts.jobs` at a time; outcomes in job order.
pub fn run_each(jobs: &[BuildJob], opts: &DriveOptions) -> Result<Vec<BuildOutcome>> {
    std::fs::create_dir_all(&opts.log_dir).with_context(|| format!("creating {}", opts.log_dir))?;
    let queue: Arc<Mutex<VecDeque<(usize, BuildJob)>>> =
        Arc::new(Mutex::new(jobs.iter().cloned().enumerate().collect()));
    let results: Arc<Mutex<Vec<Option<BuildOutcome>>>> =
        Arc::new(Mutex::new(vec![None; jobs.len()]));
    let progress = Progress::new(jobs.len());

    std::thread::scope(|scope| {
        for _ in 0..opts.jobs.clamp(1, jobs.len().max(1)) {
            let queue = Arc::clone(&queue);
            let results = Arc::clone(&results);
            let progress = &progress;
            scope.spawn(move || loop {
                let Some((index, job)) = queue.lock().expect("queue lock").pop_front() else {
                    break;
                };
                let bar = progress.start(&job.target);
                let outcome = build_one(&job, opts);
                progress.finish(bar, &outcome);
                results.lock().expect("results lock")[index] = Some(outcome);
            });
        }
    });
    let results = Arc::try_unwrap(results)
        .expect("threads joined")
        .into_inner()
        .expect("results lock");
    Ok(results
        .into_iter()
        .map(|r| r.expect("every job ran"))
        .collect())
}

fn build_one(job: &BuildJob, opts: &DriveOptions) -> BuildOutcome {
    let started = Instant::now();
    let log = opts.log_dir.join(format!("{}.log", job.target));
    let attempt = || -> Result<Utf8PathBuf> {
        let log_file = std::fs::File::create(&log).with_context(|| format!("creating {log}"))?;
        let installable = format!("{}#{}", opts.flake, job.target);
        let out = Command::new(&opts.nix)
            .args(["build", "--json", "--no-link", "-L"])
            .arg(&installable)
            .args(scheduling_args(opts, 1, available_cores()))
            .args(&opts.nix_args)
            .stdin(Stdio::null())
            .stderr(Stdio::from(log_file))
            .output()
            .with_context(|| format!("running `{} build {installable}`", opts.nix))?;
        if !out.status.success() {
            bail!(
                "`nix build {installable}` failed ({})\n{}",
                out.status,
                tail(&log, 25)
            );
        }
        parse_build_json(&String::from_utf8_lossy(&out.stdout))
    };
    let result = attempt();
    BuildOutcome {
        target: job.target.clone(),
        out_path: result.as_ref().ok().cloned(),
        error: result.err().map(|e| format!("{e:#}")),
        log,
        elapsed: started.elapsed(),
    }
}

/// The last `n` lines of a log file.
pub fn tail(path: &Utf8Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(n);
    lines[start..]
        .iter()
        .map(|l| format!("    | {l}\n"))
        .collect()
}

/// Spinners on a terminal, plain lines otherwise (CI logs).
struct Progress {
    multi: Option<MultiProgress>,
    total: usize,
    done: Mutex<usize>,
}

impl Progress {
    fn new(total: usize) -> Self {
        let multi = std::io::stderr().is_terminal().then(MultiProgress::new);
        Progress {
            multi,
            total,
            done: Mutex::new(0),
        }
    }

    fn start(&self, target: &str) -> Option<ProgressBar> {
        match &self.multi {
            Some(multi) => {
                let bar = multi.add(ProgressBar::new_spinner());
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}")
                        .expect("valid template"),
                );
                bar.set_message(format!("building {target}"));
                bar.enable_steady_tick(Duration::from_millis(120));
                Some(bar)
            }
            None => {
                eprintln!("building {target}");
                None
            }
        }
    }

    fn finish(&self, bar: Option<ProgressBar>, outcome: &BuildOutcome) {
        let mut done = self.done.lock().expect("progress lock");
        *done += 1;
        let status = if outcome.error.is_none() {
            "built"
        } else {
            "FAILED"
        };
        let line = format!(
            "[{}/{}] {status} {} in {:.1}s",
            *done,
            self.total,
            outcome.target,
            outcome.elapsed.as_secs_f64()
        );
        match bar {
            Some(bar) => bar.finish_with_message(line),
            None => eprintln!("{line}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nix_2_8_and_current_json() {
        let nix28 = r#"[{"drvPath":"/nix/store/abc-x.drv","outputs":{"out":"/nix/store/def-x"}}]"#;
        assert_eq!(parse_build_json(nix28).unwrap(), "/nix/store/def-x");
        let current = "[{\"drvPath\":\"/nix/store/abc-x.drv\",\"outputs\":{\"out\":\"/nix/store/def-x\"},\"startTime\":0,\"stopTime\":0}]\n";
        assert_eq!(parse_build_json(current).unwrap(), "/nix/store/def-x");
        assert!(parse_build_json("[]").is_err());
        assert!(parse_build_json("not json").is_err());
    }

    fn opts(jobs: usize, nix_args: &[&str]) -> DriveOptions {
        DriveOptions {
            flake: ".".into(),
            jobs,
            nix_args: nix_args.iter().map(|a| a.to_string()).collect(),
            log_dir: "logs".into(),
            nix: "nix".into(),
        }
    }

    #[test]
    fn jobs_split_the_cores() {
        assert_eq!(
            scheduling_args(&opts(2, &[]), 2, 8),
            ["--max-jobs", "2", "--cores", "4"]
        );
        // One build per nix process when each target has its own.
        assert_eq!(
            scheduling_args(&opts(3, &[]), 1, 2),
            ["--max-jobs", "1", "--cores", "1"]
        );
        // The user's own settings win.
        assert!(scheduling_args(&opts(2, &["--cores", "16", "-j", "4"]), 2, 8).is_empty());
    }
}
