//! What a running `nix build` is doing, for whoever watches a terminal or a
//! CI log: Nix's `--log-format internal-json` events (Nix 2.8 and current
//! Nix alike) become the plain build log again (kept in a file), a line per
//! finished target, and a heartbeat while builds run, so a CI log is never
//! silent for half an hour.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde::Deserialize;

/// How often the heartbeat speaks while builds run.
pub const HEARTBEAT: Duration = Duration::from_secs(60);

/// Nix's activity type of a derivation build (`actBuild`).
const ACT_BUILD: u64 = 105;
/// Nix's result type of one line of build output (`resBuildLogLine`).
const RES_BUILD_LOG_LINE: u64 = 101;

/// One `@nix {…}` line of `--log-format internal-json`.
#[derive(Deserialize)]
struct Event {
    action: String,
    #[serde(default)]
    id: u64,
    #[serde(default, rename = "type")]
    kind: u64,
    #[serde(default)]
    text: String,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    fields: Vec<serde_json::Value>,
}

/// What is known about a running `nix build` of several targets.
#[derive(Debug, Default)]
struct State {
    /// Derivation name (`<pname>-<version>`) → target, for every target.
    targets: BTreeMap<String, String>,
    /// Running builds: activity id → derivation name.
    running: BTreeMap<u64, String>,
    /// Targets whose package was built in this run, in order.
    built: Vec<String>,
    /// Set when the build has ended.
    done: bool,
}

/// Follows one `nix build` and reports on it.
pub struct Watch {
    state: Mutex<State>,
    ended: Condvar,
    started: Instant,
    total: usize,
}

impl Watch {
    /// A watch over `targets`: (target name, the derivation name of its package).
    pub fn new(targets: &[(String, String)]) -> Arc<Watch> {
        let state = State {
            targets: targets
                .iter()
                .map(|(t, drv)| (drv.clone(), t.clone()))
                .collect(),
            ..State::default()
        };
        Arc::new(Watch {
            state: Mutex::new(state),
            ended: Condvar::new(),
            started: Instant::now(),
            total: targets.len(),
        })
    }

    /// Read `events` until it ends, writing the plain log to `log` and
    /// calling `say` with a line per target whose package finished building.
    pub fn follow(&self, events: impl Read, mut log: impl Write, say: &dyn Fn(String)) {
        for line in BufReader::new(events).lines() {
            let Ok(line) = line else { break };
            let Some(json) = line.strip_prefix("@nix ") else {
                let _ = writeln!(log, "{line}");
                continue;
            };
            let Ok(event) = serde_json::from_str::<Event>(json) else {
                let _ = writeln!(log, "{line}");
                continue;
            };
            if let Some(text) = self.apply(&event) {
                let _ = writeln!(log, "{text}");
            }
            if let Some(target) = self.finished_target(&event) {
                say(target);
            }
        }
        let _ = log.flush();
    }

    /// The plain-log text of an event, and its effect on the state.
    fn apply(&self, e: &Event) -> Option<String> {
        let mut state = self.state.lock().expect("watch lock");
        match (e.action.as_str(), e.kind) {
            ("start", ACT_BUILD) => {
                let drv = e.fields.first().and_then(|f| f.as_str()).unwrap_or("");
                state.running.insert(e.id, derivation_name(drv).to_owned());
                Some(e.text.clone())
            }
            ("start", _) if !e.text.is_empty() => Some(e.text.clone()),
            ("result", RES_BUILD_LOG_LINE) => {
                let name = state.running.get(&e.id).map_or("", String::as_str);
                let line = e.fields.first().and_then(|f| f.as_str()).unwrap_or("");
                Some(format!("{name}> {line}"))
            }
            ("msg", _) => Some(e.msg.clone()),
            _ => None,
        }
    }

    /// The line to say when `e` ends the build of a target's package.
    fn finished_target(&self, e: &Event) -> Option<String> {
        if e.action != "stop" {
            return None;
        }
        let mut state = self.state.lock().expect("watch lock");
        let drv = state.running.remove(&e.id)?;
        let target = state.targets.get(&drv)?.clone();
        state.built.push(target.clone());
        Some(format!(
            "[{}/{}] built {target} ({})",
            state.built.len(),
            self.total,
            elapsed(self.started.elapsed())
        ))
    }

    /// A build this watch does not follow through Nix's log has begun
    /// (`cgoflake build` running one `nix build` per target).
    pub fn begin(&self, key: u64, name: &str) {
        let mut state = self.state.lock().expect("watch lock");
        state.running.insert(key, name.to_owned());
    }

    /// That build has ended.
    pub fn finish(&self, key: u64) {
        let mut state = self.state.lock().expect("watch lock");
        if let Some(name) = state.running.remove(&key) {
            state.built.push(name);
        }
    }

    /// Targets whose package this run built (the others were built before).
    pub fn built(&self) -> Vec<String> {
        self.state.lock().expect("watch lock").built.clone()
    }

    /// Say how things stand every `every` until [`Watch::end`].
    pub fn heartbeat(&self, every: Duration, say: &dyn Fn(String)) {
        let mut state = self.state.lock().expect("watch lock");
        loop {
            let (next, timeout) = self.ended.wait_timeout(state, every).expect("watch lock");
            state = next;
            if state.done {
                return;
            }
            if timeout.timed_out() {
                say(beat(&state, self.total, self.started.elapsed()));
            }
        }
    }

    /// The build has ended: stop the heartbeat.
    pub fn end(&self) {
        self.state.lock().expect("watch lock").done = true;
        self.ended.notify_all();
    }
}

/// `still building (5m00s): 3 of 11 targets built; running: a, b`.
fn beat(state: &State, total: usize, time: Duration) -> String {
    let running: Vec<&str> = state.running.values().map(String::as_str).collect();
    let running = if running.is_empty() {
        "evaluating or waiting".to_owned()
    } else {
        format!("running: {}", running.join(", "))
    };
    format!(
        "still building ({}): {} of {total} targets done; {running}",
        elapsed(time),
        state.built.len()
    )
}

/// `/nix/store/<hash>-<name>.drv` → `<name>`.
fn derivation_name(drv_path: &str) -> &str {
    let base = drv_path.rsplit('/').next().unwrap_or(drv_path);
    let base = base.strip_suffix(".drv").unwrap_or(base);
    base.split_once('-').map_or(base, |(_, name)| name)
}

/// `4m05s`, `12.3s`.
pub fn elapsed(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENTS: &str = r#"@nix {"action":"start","id":1,"level":4,"parent":0,"text":"evaluating","type":0}
@nix {"action":"start","fields":["/nix/store/aaaa-sqlite-aarch64-linux-musl.drv","",1,1],"id":7,"level":3,"parent":0,"text":"building '/nix/store/aaaa-sqlite-aarch64-linux-musl.drv'","type":105}
@nix {"action":"result","fields":["zig cc -c sqlite3.c"],"id":7,"type":101}
@nix {"action":"stop","id":7}
@nix {"action":"start","fields":["/nix/store/bbbb-app-linux-arm64-musl-1.0.drv","",1,1],"id":9,"level":3,"parent":0,"text":"building '/nix/store/bbbb-app-linux-arm64-musl-1.0.drv'","type":105}
@nix {"action":"msg","level":1,"msg":"warning: not writing modified lock file"}
@nix {"action":"stop","id":9}
not json at all
"#;

    #[test]
    fn events_become_the_plain_log_and_a_line_per_target() {
        let watch = Watch::new(&[
            ("linux-arm64-musl".into(), "app-linux-arm64-musl-1.0".into()),
            ("linux-arm64".into(), "app-linux-arm64-1.0".into()),
        ]);
        let said = Mutex::new(Vec::new());
        let mut log = Vec::new();
        watch.follow(EVENTS.as_bytes(), &mut log, &|l| {
            said.lock().unwrap().push(l)
        });
        let log = String::from_utf8(log).unwrap();
        assert_eq!(
            log,
            "evaluating\n\
             building '/nix/store/aaaa-sqlite-aarch64-linux-musl.drv'\n\
             sqlite-aarch64-linux-musl> zig cc -c sqlite3.c\n\
             building '/nix/store/bbbb-app-linux-arm64-musl-1.0.drv'\n\
             warning: not writing modified lock file\n\
             not json at all\n"
        );
        let said = said.into_inner().unwrap();
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(
            said[0].starts_with("[1/2] built linux-arm64-musl ("),
            "{said:?}"
        );
        assert_eq!(watch.built(), ["linux-arm64-musl"]);
    }

    #[test]
    fn the_heartbeat_names_what_runs_and_stops_at_the_end() {
        let watch = Watch::new(&[("t".into(), "app-t-1".into())]);
        watch.follow(
            r#"@nix {"action":"start","fields":["/nix/store/x-zig-0.15.2.drv"],"id":3,"type":105,"text":""}"#
                .as_bytes(),
            std::io::sink(),
            &|_| {},
        );
        let said = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            s.spawn(|| {
                watch.heartbeat(Duration::from_millis(20), &|l| said.lock().unwrap().push(l))
            });
            std::thread::sleep(Duration::from_millis(90));
            watch.end();
        });
        let said = said.into_inner().unwrap();
        assert!(!said.is_empty());
        assert!(
            said[0].starts_with("still building (")
                && said[0].ends_with("0 of 1 targets done; running: zig-0.15.2"),
            "{said:?}"
        );
    }

    #[test]
    fn names_and_times() {
        assert_eq!(
            derivation_name("/nix/store/abc-go-1.25.14.drv"),
            "go-1.25.14"
        );
        assert_eq!(elapsed(Duration::from_secs(245)), "4m05s");
        assert_eq!(elapsed(Duration::from_millis(12_340)), "12.3s");
    }
}
