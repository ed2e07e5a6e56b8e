//! Serde for a value that JSON writes as one word but that carries more than a
//! fieldless enum can: a task's name or a word (a receiver), an access or a word (a
//! named-pipe wait).
//!
//! JSON keeps the one string the trace has always had; the binary form, which
//! need not stay readable, encodes the value as an ordinary tagged enum (through
//! serde's `remote` derive of a mirror type), so nothing is lost there.

use serde::{Deserialize, Deserializer, Serializer};

/// Writes `word` in a human-readable form, else the value through `tagged`.
pub(super) fn serialize<T, S, F>(
    value: &T,
    word: &str,
    serializer: S,
    tagged: F,
) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    F: FnOnce(&T, S) -> Result<S::Ok, S::Error>,
{
    if serializer.is_human_readable() {
        serializer.serialize_str(word)
    } else {
        tagged(value, serializer)
    }
}

/// Reads a word in a human-readable form (`parse` says what it stands for, or why
/// it stands for nothing), else the value through `tagged`.
pub(super) fn deserialize<'de, T, D, P, F>(
    deserializer: D,
    parse: P,
    tagged: F,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    P: FnOnce(&str) -> Result<T, String>,
    F: FnOnce(D) -> Result<T, D::Error>,
{
    if deserializer.is_human_readable() {
        let word = String::deserialize(deserializer)?;
        parse(&word).map_err(serde::de::Error::custom)
    } else {
        tagged(deserializer)
    }
}
