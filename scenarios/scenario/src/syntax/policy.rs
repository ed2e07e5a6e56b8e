//! Reading `on_full` and `on_empty`: a word, or a one-key table with a time.

use toml::de::DeValue;

use super::reader::{Reader, Value, in_file_order};
use super::suggest::one_of;
use crate::model::{ReceivePolicy, SendPolicy};

const SEND_WORDS: &[&str] = &["block", "no_wait", "notify"];
const SEND_KEYS: &[&str] = &["timeout_ms", "notify_after_ms"];
const SEND_EXPECTED: &str =
    "\"block\", \"no_wait\", \"notify\", `{ timeout_ms = N }` or `{ notify_after_ms = N }`";
const RECEIVE_WORDS: &[&str] = &["block", "no_wait"];
const RECEIVE_KEYS: &[&str] = &["timeout_ms"];
const RECEIVE_EXPECTED: &str = "\"block\", \"no_wait\" or `{ timeout_ms = N }`";

impl Reader<'_> {
    /// `on_full`.
    pub(super) fn send_policy(&mut self, value: &Value<'_>) -> Option<SendPolicy> {
        let (word, ms) = self.policy(value, "on_full", SEND_WORDS, SEND_KEYS, SEND_EXPECTED)?;
        Some(match word {
            "block" => SendPolicy::Block,
            "no_wait" => SendPolicy::NoWait,
            "notify" => SendPolicy::Notify,
            "timeout_ms" => SendPolicy::Timeout(ms),
            _ => SendPolicy::NotifyAfter(ms),
        })
    }

    /// `on_empty`.
    pub(super) fn receive_policy(&mut self, value: &Value<'_>) -> Option<ReceivePolicy> {
        if value.get_ref().as_str() == Some("notify") {
            self.sink
                .error(
                    value.span(),
                    "`notify` is a send policy (`on_full`), not a receive policy",
                )
                .expected(RECEIVE_EXPECTED);
            return None;
        }
        let (word, ms) = self.policy(
            value,
            "on_empty",
            RECEIVE_WORDS,
            RECEIVE_KEYS,
            RECEIVE_EXPECTED,
        )?;
        Some(match word {
            "block" => ReceivePolicy::Block,
            "no_wait" => ReceivePolicy::NoWait,
            _ => ReceivePolicy::Timeout(ms),
        })
    }

    /// A policy: one of `words`, or a table with one of `keys` and its milliseconds.
    /// Returns the word or key (from the static lists) and the time (0 for words).
    fn policy(
        &mut self,
        value: &Value<'_>,
        what: &str,
        words: &'static [&'static str],
        keys: &'static [&'static str],
        expected: &str,
    ) -> Option<(&'static str, u64)> {
        match value.get_ref() {
            DeValue::String(word) => {
                if let Some(known) = words.iter().find(|known| **known == word.as_ref()) {
                    return Some((known, 0));
                }
                let help = self
                    .suggester
                    .did_you_mean(word, words.iter().copied())
                    .or_else(|| {
                        // "timeout" or "timeout_ms" as a word: the table form was meant.
                        keys.iter()
                            .find(|key| !word.is_empty() && key.starts_with(word.as_ref()))
                            .map(|key| format!("write `{{ {key} = N }}`"))
                    });
                self.sink
                    .error(value.span(), format!("unknown `{what}` policy `{word}`"))
                    .expected(expected.to_owned())
                    .maybe_help(help);
                None
            }
            DeValue::Table(table) => {
                let mut found = None;
                let mut complete = true;
                for (key, ms) in in_file_order(table) {
                    let name = key.get_ref().as_ref();
                    let Some(known) = keys.iter().find(|known| **known == name) else {
                        let help = self.suggester.did_you_mean(name, keys.iter().copied());
                        self.sink
                            .error(key.span(), format!("unknown key `{name}` in `{what}`"))
                            .expected(one_of(keys.iter().copied()))
                            .maybe_help(help);
                        complete = false;
                        continue;
                    };
                    if found.is_some() {
                        self.sink
                            .error(key.span(), format!("`{what}` has more than one policy"))
                            .expected(expected.to_owned());
                        complete = false;
                        continue;
                    }
                    found = Some((*known, self.integer::<u64>(ms, name)));
                }
                match found {
                    Some((known, Some(ms))) if complete => Some((known, ms)),
                    Some(_) => None,
                    None => {
                        if complete {
                            self.sink
                                .error(value.span(), format!("`{what}` is an empty table"))
                                .expected(expected.to_owned());
                        }
                        None
                    }
                }
            }
            _ => {
                self.wrong_type(value, &format!("`{what}`"), expected);
                None
            }
        }
    }
}
