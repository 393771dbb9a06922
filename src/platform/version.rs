//! `major.minor` versions: glibc floors and OS minimums.

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

/// A `major.minor` version as the matrix writes it (`2.28`, `12.0`):
/// compared by its numbers, printed as written.
#[derive(Debug, Clone)]
pub struct Version {
    text: String,
    numbers: (u32, u32),
}

impl Version {
    /// `major.minor`, each 1-3 digits; nothing else.
    ///
    /// ```
    /// use cgoflake::platform::Version;
    /// assert_eq!(Version::parse("2.28").unwrap().numbers(), (2, 28));
    /// for bad in ["2.28.1", "2.", "two.28", "+2.28", "2"] {
    ///     assert!(Version::parse(bad).is_none(), "{bad}");
    /// }
    /// ```
    pub fn parse(text: &str) -> Option<Version> {
        let (major, minor) = text.split_once('.')?;
        let ok = |p: &str| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit());
        if !ok(major) || !ok(minor) {
            return None;
        }
        Some(Version {
            text: text.to_owned(),
            numbers: (major.parse().ok()?, minor.parse().ok()?),
        })
    }

    /// `(major, minor)`.
    pub fn numbers(&self) -> (u32, u32) {
        self.numbers
    }

    /// As written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.numbers == other.numbers
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Serialised as written.
impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}
