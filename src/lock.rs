//! flake.lock and its nixpkgs pin: cgoflake's default revision, a user's own
//! (`gen --nixpkgs-rev … --nixpkgs-nar-hash … --nixpkgs-last-modified …`),
//! or none at all (`gen --no-lock`: Nix locks on first use).
//!
//! `gen` writes flake.lock only when it is missing and leaves an existing one
//! alone (the user may have run `nix flake update` on purpose), except when a
//! pin is asked for explicitly: then the nixpkgs node of an existing lock is
//! set to it, every other node kept as it is.

use anyhow::{Context as _, Result};
use camino::{Utf8Path, Utf8PathBuf};
use serde_json::{json, Value};

use crate::fsutil;
use crate::hash::sri::{parse_sri_sha256, SriError};

/// The branch the generated flake.nix follows
/// (`inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11"`): the lock's
/// `original`, whatever revision is locked.
pub const NIXPKGS_REF: &str = "nixos-25.11";

// cgoflake's default pin, a nixos-25.11 revision. The same rev/narHash pair
// (and lastModified 1778430510) is in independent public lock files:
// MoriSummerz/DevOps-Core-Course `labs/lab18/app_python/flake.lock` (branch
// lab18) and auser/mvm `nix/flake.lock`, both with original ref nixos-25.11;
// online-go/online-go.com's default.nix fetches this rev with fetchTarball
// and sha256 1i4bkzy1siavmxaskp49lgi9s02gam6crb0d0abbbjmsyl39jbsf, the same
// digest in Nix-base32 (checked by a test below). tinylabscom/mvm's ADR-096
// reports that Nix 2.31.1 computed a different narHash for this revision
// (sha256-hOlf/RVFs9vVyapFtW6+/jp209mi+UAat/cqa2hrc+Y=) where Nix 2.34.7
// computed this one; the cause was not identified there.

/// The nixos-25.11 revision a new flake.lock pins by default.
pub const DEFAULT_REV: &str = "8fd9daa3db09ced9700431c5b7ad0e8ba199b575";
/// The NAR hash of [`DEFAULT_REV`]'s source tree.
pub const DEFAULT_NAR_HASH: &str = "sha256-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q=";
/// The commit time of [`DEFAULT_REV`] (Unix seconds).
pub const DEFAULT_LAST_MODIFIED: u64 = 1778430510;

/// A locked `github:NixOS/nixpkgs` revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NixpkgsPin {
    /// The full commit id (40 lowercase hex digits).
    pub rev: String,
    /// The NAR hash of its source tree (`sha256-` SRI).
    pub nar_hash: String,
    /// Its `lastModified` (Unix seconds), as `nix flake metadata` prints it.
    pub last_modified: u64,
}

impl NixpkgsPin {
    /// cgoflake's default pin.
    pub fn default_pin() -> Self {
        NixpkgsPin {
            rev: DEFAULT_REV.to_owned(),
            nar_hash: DEFAULT_NAR_HASH.to_owned(),
            last_modified: DEFAULT_LAST_MODIFIED,
        }
    }

    /// The pin from `gen`'s three flags: none of them → `None`; all three →
    /// the pin, each value checked; some → an error naming the missing flag.
    ///
    /// `lastModified` is required rather than left out: current Nix treats a
    /// lock file entry as final and hands its attributes to the flake as
    /// they are, so a node without `lastModified` would give nixpkgs none
    /// (older Nix fills it in from the tarball), unlike what `nix flake lock`
    /// writes.
    pub fn from_flags(
        rev: Option<&str>,
        nar_hash: Option<&str>,
        last_modified: Option<u64>,
    ) -> Result<Option<Self>, String> {
        if rev.is_none() && nar_hash.is_none() && last_modified.is_none() {
            return Ok(None);
        }
        let missing: Vec<&str> = [
            ("--nixpkgs-rev", rev.is_none()),
            ("--nixpkgs-nar-hash", nar_hash.is_none()),
            ("--nixpkgs-last-modified", last_modified.is_none()),
        ]
        .into_iter()
        .filter_map(|(flag, absent)| absent.then_some(flag))
        .collect();
        if !missing.is_empty() {
            return Err(format!(
                "a nixpkgs pin needs --nixpkgs-rev, --nixpkgs-nar-hash and --nixpkgs-last-modified together; missing: {}. \
                 `nix flake metadata --json github:NixOS/nixpkgs/<rev>` prints the revision's narHash and lastModified \
                 (or pass --no-lock and let Nix lock nixpkgs on first use)",
                missing.join(", ")
            ));
        }
        let flag = |name: &str, r: Result<String, String>| r.map_err(|e| format!("{name}: {e}"));
        Ok(Some(NixpkgsPin {
            rev: flag("--nixpkgs-rev", parse_rev(rev.unwrap_or_default()))?,
            nar_hash: flag(
                "--nixpkgs-nar-hash",
                parse_nar_hash(nar_hash.unwrap_or_default()),
            )?,
            last_modified: check_last_modified(last_modified.unwrap_or_default())
                .map_err(|e| format!("--nixpkgs-last-modified: {e}"))?,
        }))
    }

    /// The node's `locked` attributes, keys sorted as Nix writes them.
    fn locked(&self) -> Value {
        json!({
            "lastModified": self.last_modified,
            "narHash": self.nar_hash,
            "owner": "NixOS",
            "repo": "nixpkgs",
            "rev": self.rev,
            "type": "github"
        })
    }

    /// `github:NixOS/nixpkgs/<rev>`.
    pub fn flake_ref(&self) -> String {
        format!("github:NixOS/nixpkgs/{}", self.rev)
    }
}

/// The node's `original`: what flake.nix's `inputs.nixpkgs.url` says.
fn original() -> Value {
    json!({
        "owner": "NixOS",
        "ref": NIXPKGS_REF,
        "repo": "nixpkgs",
        "type": "github"
    })
}

/// `--nixpkgs-rev`: a full git commit id, 40 lowercase hex digits.
pub fn parse_rev(s: &str) -> Result<String, String> {
    const ALLOWED: &str = "a full git commit id: 40 lowercase hex digits (0-9, a-f)";
    if let Some((i, c)) = s
        .char_indices()
        .find(|(_, c)| !matches!(c, '0'..='9' | 'a'..='f'))
    {
        return Err(format!(
            "{s:?} is not {ALLOWED}; found {c:?} at position {}",
            i + 1
        ));
    }
    if s.len() != 40 {
        return Err(format!(
            "{s:?} is not {ALLOWED}; found {} digits{}",
            s.len(),
            if s.len() < 40 {
                " (an abbreviated id is not enough)"
            } else {
                ""
            }
        ));
    }
    Ok(s.to_owned())
}

/// `--nixpkgs-nar-hash`: `sha256-` and 44 base64 characters that decode to
/// 32 bytes, as `nix flake metadata --json` prints `narHash`.
pub fn parse_nar_hash(s: &str) -> Result<String, String> {
    const ALLOWED: &str = "a SHA-256 SRI hash: \"sha256-\" followed by 44 base64 characters (32 bytes), as `nix flake metadata --json` prints narHash";
    parse_sri_sha256(s).map_err(|e| {
        let found = match e {
            SriError::WrongPrefix(_) => "it does not start with \"sha256-\"".to_owned(),
            SriError::WrongLength { found, .. } => {
                format!("found {found} characters after \"sha256-\"")
            }
            SriError::InvalidBase64 { reason, .. } => format!("invalid base64 ({reason})"),
        };
        format!("{s:?} is not {ALLOWED}; {found}")
    })?;
    Ok(s.to_owned())
}

/// `--nixpkgs-last-modified`: Unix seconds.
pub fn parse_last_modified(s: &str) -> Result<u64, String> {
    s.parse::<u64>()
        .map_err(|_| format!("{s:?} is not {LAST_MODIFIED_ALLOWED}"))
        .and_then(check_last_modified)
}

const LAST_MODIFIED_ALLOWED: &str = "a commit time in Unix seconds (a non-negative integer, as `nix flake metadata --json` prints lastModified)";

/// Unix seconds Nix can hold (a signed 64-bit `time_t`).
fn check_last_modified(n: u64) -> Result<u64, String> {
    i64::try_from(n)
        .map(|_| n)
        .map_err(|_| format!("{n} is not {LAST_MODIFIED_ALLOWED}: too large"))
}

/// What `gen` does about flake.lock.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum LockChoice {
    /// Write cgoflake's default pin when flake.lock is missing; never touch
    /// an existing one.
    #[default]
    Default,
    /// Write this pin when flake.lock is missing; set an existing lock's
    /// nixpkgs node to it (other nodes kept).
    Pin(NixpkgsPin),
    /// Write no flake.lock (`--no-lock`): Nix locks nixpkgs on first use.
    None,
}

/// What [`prepare`] decided; [`Action::apply`] carries it out.
#[derive(Debug)]
pub enum Action {
    /// Write a new flake.lock.
    Create {
        path: Utf8PathBuf,
        text: String,
        pin: NixpkgsPin,
        explicit: bool,
    },
    /// Replace the nixpkgs node of an existing flake.lock.
    Update {
        path: Utf8PathBuf,
        text: String,
        from: String,
        to: NixpkgsPin,
    },
    /// The existing flake.lock already pins what was asked for.
    AlreadyPinned { path: Utf8PathBuf, pin: NixpkgsPin },
    /// An existing flake.lock, left alone (no pin asked for).
    KeepExisting,
    /// `--no-lock`, no flake.lock there.
    Skip,
    /// `--no-lock`, an existing flake.lock left alone.
    SkipExisting { path: Utf8PathBuf },
}

/// Decide what to do with `out/flake.lock`, reading (never writing) it: an
/// existing lock that cannot take the pin is an error here, before `gen`
/// writes anything.
pub fn prepare(out: &Utf8Path, choice: &LockChoice) -> Result<Action> {
    let path = out.join("flake.lock");
    let existing = match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {path}")),
    };
    Ok(match (choice, existing) {
        (LockChoice::None, None) => Action::Skip,
        (LockChoice::None, Some(_)) => Action::SkipExisting { path },
        (LockChoice::Default, Some(_)) => Action::KeepExisting,
        (LockChoice::Default, None) => {
            let pin = NixpkgsPin::default_pin();
            Action::Create {
                text: new_lock(&pin),
                path,
                pin,
                explicit: false,
            }
        }
        (LockChoice::Pin(pin), None) => Action::Create {
            text: new_lock(pin),
            path,
            pin: pin.clone(),
            explicit: true,
        },
        (LockChoice::Pin(pin), Some(text)) => match repin(&text, pin) {
            Ok(Repin::Same) => Action::AlreadyPinned {
                path,
                pin: pin.clone(),
            },
            Ok(Repin::Changed { text, from }) => Action::Update {
                path,
                text,
                from,
                to: pin.clone(),
            },
            Err(why) => anyhow::bail!(
                "cannot set the nixpkgs pin in {path}: {why}; delete it (gen then writes a new one) \
                 or run `nix flake lock --override-input nixpkgs {}`",
                pin.flake_ref()
            ),
        },
    })
}

impl Action {
    /// Write what was decided; the line `gen` prints about it, if any.
    pub fn apply(self) -> Result<Option<String>> {
        Ok(match self {
            Action::Create {
                path,
                text,
                pin,
                explicit,
            } => {
                fsutil::stage(&path, text.as_bytes())?
                    .commit_new()
                    .with_context(|| format!("writing {path}"))?;
                let whose = if explicit {
                    "--nixpkgs-rev"
                } else {
                    "cgoflake's default; --nixpkgs-rev pins another, --no-lock none"
                };
                Some(format!(
                    "wrote {path} (nixpkgs {NIXPKGS_REF} at {}, {whose})",
                    pin.rev
                ))
            }
            Action::Update {
                path,
                text,
                from,
                to,
            } => {
                fsutil::write(&path, text.as_bytes())?;
                Some(format!(
                    "updated {path}: nixpkgs {from} -> {} (other inputs kept)",
                    to.rev
                ))
            }
            Action::AlreadyPinned { path, pin } => {
                Some(format!("{path} already pins nixpkgs {}", pin.rev))
            }
            Action::KeepExisting => None,
            Action::Skip => Some(format!(
                "flake.lock not written (--no-lock): Nix locks nixpkgs ({NIXPKGS_REF}'s newest revision) \
                 on the first `nix build` or `nix flake lock`"
            )),
            Action::SkipExisting { path } => Some(format!(
                "flake.lock not written (--no-lock): the existing {path} is left as it is"
            )),
        })
    }
}

/// `gen --check` with a pin: how flake.lock differs from it, if it does.
/// Without a pin the lock is not checked (gen leaves an existing one alone).
pub fn check(out: &Utf8Path, choice: &LockChoice) -> Result<Option<LockDrift>> {
    let LockChoice::Pin(pin) = choice else {
        return Ok(None);
    };
    Ok(match prepare(out, choice) {
        Ok(Action::Create { .. }) => Some(LockDrift::Missing),
        Ok(Action::Update { from, .. }) if from == pin.rev => Some(LockDrift::Changed(format!(
            "nixpkgs {from} is locked with other attributes than --nixpkgs-nar-hash/--nixpkgs-last-modified"
        ))),
        Ok(Action::Update { from, .. }) => Some(LockDrift::Changed(format!(
            "pins nixpkgs {from}, not --nixpkgs-rev {}",
            pin.rev
        ))),
        Ok(_) => None,
        Err(e) => Some(LockDrift::Changed(format!("{e:#}"))),
    })
}

/// How flake.lock differs from the pin `gen --check` was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockDrift {
    /// No flake.lock.
    Missing,
    /// A different pin, with the reason.
    Changed(String),
}

/// A new flake.lock pinning nixpkgs, as `nix flake lock` writes it.
pub fn new_lock(pin: &NixpkgsPin) -> String {
    let lock = json!({
        "nodes": {
            "nixpkgs": {
                "locked": pin.locked(),
                "original": original()
            },
            "root": {
                "inputs": {
                    "nixpkgs": "nixpkgs"
                }
            }
        },
        "root": "root",
        "version": 7
    });
    to_text(&lock)
}

fn to_text(lock: &Value) -> String {
    let mut text = serde_json::to_string_pretty(lock).expect("JSON values always serialise");
    text.push('\n');
    text
}

enum Repin {
    Same,
    Changed { text: String, from: String },
}

/// Set the nixpkgs node of an existing lock (the one the root's `nixpkgs`
/// input names) to `pin`, keeping every other node and attribute.
fn repin(text: &str, pin: &NixpkgsPin) -> Result<Repin, String> {
    let mut lock: Value =
        serde_json::from_str(text).map_err(|e| format!("it is not valid JSON ({e})"))?;
    let root = lock
        .get("root")
        .and_then(Value::as_str)
        .ok_or("it has no \"root\" node name")?
        .to_owned();
    let node_name = lock
        .pointer(&format!("/nodes/{}/inputs/nixpkgs", pointer_escape(&root)))
        .and_then(Value::as_str)
        .ok_or("its root has no nixpkgs input")?
        .to_owned();
    let node = lock
        .pointer_mut(&format!("/nodes/{}", pointer_escape(&node_name)))
        .and_then(Value::as_object_mut)
        .ok_or_else(|| format!("its nixpkgs node {node_name:?} is missing"))?;
    let locked = pin.locked();
    let original = original();
    if node.get("locked") == Some(&locked) && node.get("original") == Some(&original) {
        return Ok(Repin::Same);
    }
    let from = node
        .get("locked")
        .and_then(|l| l.get("rev"))
        .and_then(Value::as_str)
        .unwrap_or("(no revision)")
        .to_owned();
    node.insert("locked".to_owned(), locked);
    node.insert("original".to_owned(), original);
    Ok(Repin::Changed {
        text: to_text(&lock),
        from,
    })
}

/// A JSON pointer token (RFC 6901).
fn pointer_escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::sri::nix32;

    /// What gen wrote before the pin became a parameter, byte for byte.
    const OLD_LOCK: &str = r#"{
  "nodes": {
    "nixpkgs": {
      "locked": {
        "lastModified": 1778430510,
        "narHash": "sha256-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q=",
        "owner": "NixOS",
        "repo": "nixpkgs",
        "rev": "8fd9daa3db09ced9700431c5b7ad0e8ba199b575",
        "type": "github"
      },
      "original": {
        "owner": "NixOS",
        "ref": "nixos-25.11",
        "repo": "nixpkgs",
        "type": "github"
      }
    },
    "root": {
      "inputs": {
        "nixpkgs": "nixpkgs"
      }
    }
  },
  "root": "root",
  "version": 7
}
"#;

    #[test]
    fn the_default_lock_is_unchanged() {
        assert_eq!(new_lock(&NixpkgsPin::default_pin()), OLD_LOCK);
    }

    #[test]
    fn the_default_nar_hash_is_online_go_s_fetch_tarball_sha256() {
        // Same digest, two spellings: online-go/online-go.com's default.nix
        // fetches this revision with the Nix-base32 form.
        let digest = parse_sri_sha256(DEFAULT_NAR_HASH).unwrap();
        assert_eq!(
            nix32(&digest),
            "1i4bkzy1siavmxaskp49lgi9s02gam6crb0d0abbbjmsyl39jbsf"
        );
    }

    #[test]
    fn revs_and_hashes_are_checked() {
        assert!(parse_rev(DEFAULT_REV).is_ok());
        for bad in [
            "",
            "8fd9daa",
            "8FD9DAA3DB09CED9700431C5B7AD0E8BA199B575",
            "8fd9daa3db09ced9700431c5b7ad0e8ba199b5750",
            "g fd9daa3db09ced9700431c5b7ad0e8ba199b575",
            "nixos-25.11",
        ] {
            assert!(parse_rev(bad).is_err(), "{bad:?}");
        }
        assert!(parse_nar_hash(DEFAULT_NAR_HASH).is_ok());
        for bad in [
            "",
            "Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q=",
            "sha512-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q=",
            "sha256-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q",
            "sha256-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8!=",
            "sha256:1i4bkzy1siavmxaskp49lgi9s02gam6crb0d0abbbjmsyl39jbsf",
        ] {
            assert!(parse_nar_hash(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_last_modified("1778430510"), Ok(1778430510));
        for bad in ["", "-1", "1.5", "2026-05-10", "99999999999999999999"] {
            assert!(parse_last_modified(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_pin_needs_all_three_flags() {
        assert_eq!(NixpkgsPin::from_flags(None, None, None), Ok(None));
        let err =
            NixpkgsPin::from_flags(Some(DEFAULT_REV), Some(DEFAULT_NAR_HASH), None).unwrap_err();
        assert!(err.contains("missing: --nixpkgs-last-modified"), "{err}");
        let err = NixpkgsPin::from_flags(Some("abc"), Some(DEFAULT_NAR_HASH), Some(1)).unwrap_err();
        assert!(err.starts_with("--nixpkgs-rev: "), "{err}");
        assert_eq!(
            NixpkgsPin::from_flags(Some(DEFAULT_REV), Some(DEFAULT_NAR_HASH), Some(1778430510)),
            Ok(Some(NixpkgsPin::default_pin()))
        );
    }

    #[test]
    fn repin_keeps_other_nodes_and_attributes() {
        let mut lock: Value = serde_json::from_str(OLD_LOCK).unwrap();
        lock["nodes"]["other"] = json!({ "locked": { "type": "path", "path": "/x" }, "original": { "type": "path", "path": "/x" }, "flake": false });
        lock["nodes"]["root"]["inputs"]["other"] = json!("other");
        let text = to_text(&lock);
        assert!(matches!(
            repin(&text, &NixpkgsPin::default_pin()),
            Ok(Repin::Same)
        ));
        let pin = NixpkgsPin {
            rev: "0".repeat(40),
            nar_hash: "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_owned(),
            last_modified: 1,
        };
        let Ok(Repin::Changed { text: new, from }) = repin(&text, &pin) else {
            panic!("not changed");
        };
        assert_eq!(from, DEFAULT_REV);
        let new: Value = serde_json::from_str(&new).unwrap();
        assert_eq!(new["nodes"]["other"], lock["nodes"]["other"]);
        assert_eq!(new["nodes"]["root"], lock["nodes"]["root"]);
        assert_eq!(new["nodes"]["nixpkgs"]["locked"], pin.locked());
        assert_eq!(new["nodes"]["nixpkgs"]["original"], original());
        assert!(repin("{", &pin).is_err());
        assert!(repin(r#"{"nodes":{"root":{}},"root":"root","version":7}"#, &pin).is_err());
    }
}
