//! The services' words only the trace needs: which side of a pipe, what a task
//! waits to do on a named pipe.

use super::one_word;
use ports::service::Access;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

ports::word_enum! {
    /// A side of a pipe: an end a task holds (`pipe_end_opened`'s `end`) or the
    /// operation it waits to do (`pipe_blocked`'s `op`).
    pub enum PipeSide {
        /// The read side.
        Read = "read",
        /// The write side.
        Write = "write",
    }
}

/// What a task waits to do on a named pipe (`named_pipe_waiting`'s `access`): open
/// it with an [`Access`], or, as a duplex server, accept a client.
///
/// In JSON it is one word, as it always was: the access (`read`, `write`,
/// `read_write`), or `accept`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NamedPipeWait {
    /// Open it (the other side of a FIFO, or a duplex server, must come).
    Open(Access),
    /// Accept a client of a duplex named pipe.
    Accept,
}

impl NamedPipeWait {
    /// The JSON word for [`NamedPipeWait::Accept`].
    pub const ACCEPT: &'static str = "accept";

    /// The word JSON writes.
    pub const fn as_str(self) -> &'static str {
        match self {
            NamedPipeWait::Open(access) => access.as_str(),
            NamedPipeWait::Accept => Self::ACCEPT,
        }
    }

    /// The wait `word` stands for, if any.
    pub fn from_name(word: &str) -> Option<NamedPipeWait> {
        match word {
            Self::ACCEPT => Some(NamedPipeWait::Accept),
            access => Access::from_name(access).map(NamedPipeWait::Open),
        }
    }
}

impl fmt::Display for NamedPipeWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The binary form's encoding: an ordinary tagged enum.
#[derive(Serialize, Deserialize)]
#[serde(remote = "NamedPipeWait")]
enum Tagged {
    Open(Access),
    Accept,
}

impl Serialize for NamedPipeWait {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        one_word::serialize(self, self.as_str(), serializer, Tagged::serialize)
    }
}

impl<'de> Deserialize<'de> for NamedPipeWait {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parse = |word: &str| {
            NamedPipeWait::from_name(word).ok_or_else(|| {
                format!("expected read, write, read_write or accept, found {word:?}")
            })
        };
        one_word::deserialize(deserializer, parse, Tagged::deserialize)
    }
}

#[cfg(test)]
mod tests {
    use super::NamedPipeWait;
    use ports::service::Access;

    #[test]
    fn json_writes_one_word_and_reads_it_back() {
        let waits = Access::ALL
            .map(NamedPipeWait::Open)
            .into_iter()
            .chain([NamedPipeWait::Accept]);
        for wait in waits {
            let json = serde_json::to_string(&wait).unwrap();
            assert_eq!(json, format!("\"{wait}\""));
            assert_eq!(serde_json::from_str::<NamedPipeWait>(&json).unwrap(), wait);
            let binary = postcard::to_allocvec(&wait).unwrap();
            assert_eq!(
                postcard::from_bytes::<NamedPipeWait>(&binary).unwrap(),
                wait
            );
        }
        assert!(serde_json::from_str::<NamedPipeWait>("\"listen\"").is_err());
    }
}
