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

use super::watch::{Watch, HEARTBEAT};

/// One `nix build` to run.
#[derive(Debug, Clone)]
pub struct BuildJob {
    /// Target name (the flake attribute).
    pub target: String,
    /// The name of its package's derivation (`<pname>-<version>`), which
    /// Nix's log names when it builds it.
    pub derivation: String,
}

/// The result of one `nix build`.
#[derive(Debug, Clone)]
pub struct BuildOutcome {
    /// Target name.
    pub target: String,
    /// The output store path, or why the build failed (with the end of
    /// the log).
    pub result: Result<Utf8PathBuf, String>,
    /// The full log.
    pub log: Utf8PathBuf,
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
    fresh_log_dir(&opts.log_dir)?;
    if jobs.len() > 1 {
        if let Ok(outcomes) = run_together(jobs, opts) {
            return Ok(outcomes);
        }
        eprintln!("some targets failed; building each on its own to find which");
    }
    run_each(jobs, opts)
}

/// The logs of this run only: those of an earlier run would otherwise
/// linger beside them and be mistaken for this run's.
fn fresh_log_dir(dir: &Utf8Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("removing old logs in {dir}"))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {dir}"))
}

/// `nix build` of every target in one invocation, followed through Nix's
/// JSON log: the plain log goes to `all.log`, and a line per finished
/// target (and, without a terminal, a heartbeat) to stderr.
fn run_together(jobs: &[BuildJob], opts: &DriveOptions) -> Result<Vec<BuildOutcome>> {
    let started = Instant::now();
    let log = opts.log_dir.join("all.log");
    let log_file = std::fs::File::create(&log).with_context(|| format!("creating {log}"))?;
    let progress = Progress::new(jobs.len());
    let bar = progress.start(&format!("{} targets", jobs.len()));
    let mut cmd = Command::new(&opts.nix);
    cmd.args(["build", "--json", "--no-link", "-L", "--keep-going"]);
    cmd.args(["--log-format", "internal-json"]);
    cmd.args(jobs.iter().map(|j| format!("{}#{}", opts.flake, j.target)));
    let at_once = opts.jobs.min(jobs.len());
    cmd.args(scheduling_args(opts, at_once, at_once, available_cores()));
    let mut child = cmd
        .args(&opts.nix_args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("running `{} build`", opts.nix))?;
    let events = child.stderr.take().expect("stderr is piped");
    let watch = Watch::new(
        &jobs
            .iter()
            .map(|j| (j.target.clone(), j.derivation.clone()))
            .collect::<Vec<_>>(),
    );
    let out = std::thread::scope(|s| {
        s.spawn(|| watch.follow(events, log_file, &|line| progress.say(line)));
        if progress.multi.is_none() {
            s.spawn(|| watch.heartbeat(HEARTBEAT, &|line| progress.say(line)));
        }
        let out = child.wait_with_output();
        watch.end();
        out
    })
    .with_context(|| format!("running `{} build`", opts.nix))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !out.status.success() {
        bail!("`nix build` of all targets failed ({})", out.status);
    }
    let paths = parse_build_json_many(&String::from_utf8_lossy(&out.stdout), jobs.len())?;
    let elapsed = started.elapsed();
    let built = watch.built();
    Ok(jobs
        .iter()
        .zip(paths)
        .map(|(job, path)| {
            if !built.contains(&job.target) {
                progress.say(format!("{} was built before: {path}", job.target));
            }
            BuildOutcome {
                target: job.target.clone(),
                result: Ok(path),
                log: log.clone(),
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

/// `--max-jobs` (derivations one `nix` process builds at once) and
/// `--cores` for `at_once` builds running together on this machine (in one
/// `nix` process, or in as many processes), unless the user passed their own. Nix's default gives every build all cores, so `--jobs N` would
/// run N×cores compiler processes; splitting the cores among the builds
/// that really run at once keeps the machine busy without thrashing it (a
/// single target gets every core).
fn scheduling_args(
    opts: &DriveOptions,
    max_jobs: usize,
    at_once: usize,
    cores: usize,
) -> Vec<String> {
    let given = |names: &[&str]| opts.nix_args.iter().any(|a| names.contains(&a.as_str()));
    let at_once = at_once.max(1);
    let mut args = Vec::new();
    if !given(&["--max-jobs", "-j"]) {
        args.extend(["--max-jobs".to_owned(), max_jobs.max(1).to_string()]);
    }
    if !given(&["--cores"]) {
        args.extend(["--cores".to_owned(), (cores / at_once).max(1).to_string()]);
    }
    args
}

fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Run every job on its own, `opts.jobs` at a time; outcomes in job order.
/// A line per finished target, and without a terminal a heartbeat.
pub fn run_each(jobs: &[BuildJob], opts: &DriveOptions) -> Result<Vec<BuildOutcome>> {
    std::fs::create_dir_all(&opts.log_dir).with_context(|| format!("creating {}", opts.log_dir))?;
    let queue: Arc<Mutex<VecDeque<(usize, BuildJob)>>> =
        Arc::new(Mutex::new(jobs.iter().cloned().enumerate().collect()));
    let results: Arc<Mutex<Vec<Option<BuildOutcome>>>> =
        Arc::new(Mutex::new(vec![None; jobs.len()]));
    let progress = Progress::new(jobs.len());
    let watch = Watch::new(&[]);
    let at_once = opts.jobs.clamp(1, jobs.len().max(1));

    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..at_once)
            .map(|_| {
                let queue = Arc::clone(&queue);
                let results = Arc::clone(&results);
                let (progress, watch) = (&progress, &watch);
                scope.spawn(move || loop {
                    let Some((index, job)) = queue.lock().expect("queue lock").pop_front() else {
                        break;
                    };
                    let bar = progress.start(&job.target);
                    watch.begin(index as u64, &job.target);
                    let outcome = build_one(&job, opts, at_once);
                    watch.finish(index as u64);
                    progress.finish(bar, &outcome);
                    results.lock().expect("results lock")[index] = Some(outcome);
                })
            })
            .collect();
        if progress.multi.is_none() {
            scope.spawn(|| watch.heartbeat(HEARTBEAT, &|line| progress.say(line)));
        }
        for w in workers {
            let _ = w.join();
        }
        watch.end();
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

/// One target's `nix build`, one of `at_once` running side by side.
fn build_one(job: &BuildJob, opts: &DriveOptions, at_once: usize) -> BuildOutcome {
    let started = Instant::now();
    let log = opts.log_dir.join(format!("{}.log", job.target));
    let attempt = || -> Result<Utf8PathBuf> {
        let log_file = std::fs::File::create(&log).with_context(|| format!("creating {log}"))?;
        let installable = format!("{}#{}", opts.flake, job.target);
        let out = Command::new(&opts.nix)
            .args(["build", "--json", "--no-link", "-L"])
            .arg(&installable)
            .args(scheduling_args(opts, 1, at_once, available_cores()))
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
    BuildOutcome {
        target: job.target.clone(),
        result: attempt().map_err(|e| format!("{e:#}")),
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

    /// A line for whoever watches: above the spinners on a terminal.
    fn say(&self, line: String) {
        match &self.multi {
            Some(multi) => {
                let _ = multi.println(line);
            }
            None => eprintln!("{line}"),
        }
    }

    fn finish(&self, bar: Option<ProgressBar>, outcome: &BuildOutcome) {
        let mut done = self.done.lock().expect("progress lock");
        *done += 1;
        let status = if outcome.result.is_ok() {
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
    fn the_cores_are_split_among_the_builds_that_run_at_once() {
        // Two targets built together by one nix: two builds, half the cores each.
        assert_eq!(
            scheduling_args(&opts(2, &[]), 2, 2, 8),
            ["--max-jobs", "2", "--cores", "4"]
        );
        // One target with the default --jobs 2: it is alone, it gets every core.
        assert_eq!(
            scheduling_args(&opts(2, &[]), 1, 1, 2),
            ["--max-jobs", "1", "--cores", "2"]
        );
        // One nix per target, three side by side.
        assert_eq!(
            scheduling_args(&opts(3, &[]), 1, 3, 6),
            ["--max-jobs", "1", "--cores", "2"]
        );
        // The user's own settings win.
        assert!(scheduling_args(&opts(2, &["--cores", "16", "-j", "4"]), 2, 2, 8).is_empty());
    }
}
