//! Schedule kinds: which scheduler picks the next runnable task.
//!
//! Scheduling itself is the kernel's; the kind is a word that scenario files,
//! command lines and every trace's header carry, so it lives with the vocabulary.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Which scheduler picks the next runnable task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ScheduleKind {
    /// Runnable tasks take turns, one kernel call each, in the order they became runnable.
    #[default]
    RoundRobin,
    /// A runnable task chosen uniformly by a ChaCha generator seeded with the run's seed.
    Random,
    /// Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): random
    /// priorities, the highest runnable runs, with `depth - 1` priority change points.
    Pct {
        /// The bug depth the schedule aims at (3 by default).
        depth: u32,
    },
}

impl ScheduleKind {
    /// The bug depth `pct` aims at unless told otherwise.
    pub const DEFAULT_PCT_DEPTH: u32 = 3;

    /// The name used by scenario files and traces.
    pub const fn as_str(self) -> &'static str {
        match self {
            ScheduleKind::RoundRobin => "round_robin",
            ScheduleKind::Random => "random",
            ScheduleKind::Pct { .. } => "pct",
        }
    }
}

impl fmt::Display for ScheduleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ScheduleKind {
    type Err = String;
    /// Parses the name; `pct` gets [`ScheduleKind::DEFAULT_PCT_DEPTH`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "round_robin" => Ok(ScheduleKind::RoundRobin),
            "random" => Ok(ScheduleKind::Random),
            "pct" => Ok(ScheduleKind::Pct {
                depth: ScheduleKind::DEFAULT_PCT_DEPTH,
            }),
            other => Err(format!(
                "unknown schedule `{other}`: expected round_robin, random or pct"
            )),
        }
    }
}

/// Written as its name alone (a trace header's `"schedule":"pct"`): the depth of a
/// `pct` schedule is not part of the word, and reads back as the default depth.
impl Serialize for ScheduleKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ScheduleKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::ScheduleKind;

    #[test]
    fn every_name_reads_back() {
        for kind in [
            ScheduleKind::RoundRobin,
            ScheduleKind::Random,
            ScheduleKind::Pct { depth: 3 },
        ] {
            assert_eq!(kind.as_str().parse::<ScheduleKind>(), Ok(kind));
        }
        assert!("fifo".parse::<ScheduleKind>().is_err());
    }
}
