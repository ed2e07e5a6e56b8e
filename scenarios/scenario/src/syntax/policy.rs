//! Reading `on_full` and `on_empty`: a word, or a one-key table with a time.
//!
//! Each policy's words and timed keys are a table of what they stand for (the kernel's
//! `SendPolicy` and `ReceivePolicy`, or a pipe's [`PipePolicy`]); the tables give the
//! value, the "expected" text and the suggestions.

use toml::de::DeValue;

use super::reader::{Reader, Value, in_file_order};
use super::suggest::{listed, one_of};
use crate::model::PipePolicy;
use crate::model::words::{lookup, spellings};
use kernel::{ReceivePolicy, SendPolicy};

/// A policy's words (`"block"`) and what each stands for.
type Words<P> = &'static [(&'static str, P)];

/// A policy's timed forms (`{ timeout_ms = N }`): the key, and the policy for N ms.
type Timed<P> = &'static [(&'static str, fn(u64) -> P)];

const SEND_WORDS: Words<SendPolicy> = &[
    ("block", SendPolicy::Block),
    ("no_wait", SendPolicy::NoWait),
    ("notify", SendPolicy::Notify),
];
const SEND_TIMED: Timed<SendPolicy> = &[
    ("timeout_ms", SendPolicy::Timeout),
    ("notify_after_ms", SendPolicy::NotifyAfter),
];
const RECEIVE_WORDS: Words<ReceivePolicy> = &[
    ("block", ReceivePolicy::Block),
    ("no_wait", ReceivePolicy::NoWait),
];
const RECEIVE_TIMED: Timed<ReceivePolicy> = &[("timeout_ms", ReceivePolicy::Timeout)];
const PIPE_WORDS: Words<PipePolicy> = &[
    ("block", PipePolicy::Block),
    ("no_wait", PipePolicy::NoWait),
];

/// What a policy may be: `"block", "no_wait" or `{ timeout_ms = N }``.
fn expected<P>(words: Words<P>, timed: Timed<P>) -> String {
    let words = spellings(words).map(|word| format!("\"{word}\""));
    let timed = spellings(timed).map(|key| format!("`{{ {key} = N }}`"));
    listed(words.chain(timed).collect())
}

impl Reader<'_> {
    /// `on_full`.
    pub(super) fn send_policy(&mut self, value: &Value<'_>, what: &str) -> Option<SendPolicy> {
        self.policy(value, what, SEND_WORDS, SEND_TIMED)
    }

    /// `on_empty`.
    pub(super) fn receive_policy(
        &mut self,
        value: &Value<'_>,
        what: &str,
    ) -> Option<ReceivePolicy> {
        if value.get_ref().as_str() == Some("notify") {
            self.sink
                .error(
                    value.span(),
                    "`notify` is a send policy (`on_full`), not a receive policy",
                )
                .expected(expected(RECEIVE_WORDS, RECEIVE_TIMED));
            return None;
        }
        self.policy(value, what, RECEIVE_WORDS, RECEIVE_TIMED)
    }

    /// A policy: one of `words`, or a table with one of the `timed` keys and its
    /// milliseconds.
    fn policy<P: Copy>(
        &mut self,
        value: &Value<'_>,
        what: &str,
        words: Words<P>,
        timed: Timed<P>,
    ) -> Option<P> {
        match value.get_ref() {
            DeValue::String(word) => {
                if let Some(policy) = lookup(words, word) {
                    return Some(policy);
                }
                let help = self
                    .suggester
                    .did_you_mean(word, spellings(words))
                    .or_else(|| {
                        // "timeout" or "timeout_ms" as a word: the table form was meant.
                        spellings(timed)
                            .find(|key| !word.is_empty() && key.starts_with(word.as_ref()))
                            .map(|key| format!("write `{{ {key} = N }}`"))
                    });
                self.sink
                    .error(value.span(), format!("unknown `{what}` policy `{word}`"))
                    .expected(expected(words, timed))
                    .maybe_help(help);
                None
            }
            DeValue::Table(table) => {
                let mut found = None;
                let mut complete = true;
                for (key, ms) in in_file_order(table) {
                    let name = key.get_ref().as_ref();
                    let Some(policy) = lookup(timed, name) else {
                        let help = self.suggester.did_you_mean(name, spellings(timed));
                        self.sink
                            .error(key.span(), format!("unknown key `{name}` in `{what}`"))
                            .expected(one_of(spellings(timed)))
                            .maybe_help(help);
                        complete = false;
                        continue;
                    };
                    if found.is_some() {
                        self.sink
                            .error(key.span(), format!("`{what}` has more than one policy"))
                            .expected(expected(words, timed));
                        complete = false;
                        continue;
                    }
                    found = Some(self.integer::<u64>(ms, name).map(policy));
                }
                match found {
                    Some(Some(policy)) if complete => Some(policy),
                    Some(_) => None,
                    None => {
                        if complete {
                            self.sink
                                .error(value.span(), format!("`{what}` is an empty table"))
                                .expected(expected(words, timed));
                        }
                        None
                    }
                }
            }
            _ => {
                self.wrong_type(value, &format!("`{what}`"), &expected(words, timed));
                None
            }
        }
    }

    /// `on_full` of a `pipe_write` or `on_empty` of a `pipe_read`: `"block"` or `"no_wait"`.
    pub(super) fn pipe_policy(&mut self, value: &Value<'_>, what: &str) -> Option<PipePolicy> {
        let expected = expected(PIPE_WORDS, &[]);
        match value.get_ref() {
            DeValue::String(word) => {
                if let Some(policy) = lookup(PIPE_WORDS, word) {
                    return Some(policy);
                }
                let help = if word == "notify" {
                    Some("`notify` is a `send` policy: a pipe has no kernel cache".to_owned())
                } else {
                    self.suggester.did_you_mean(word, spellings(PIPE_WORDS))
                };
                self.sink
                    .error(
                        value.span(),
                        format!("unknown pipe `{what}` policy `{word}`"),
                    )
                    .expected(expected)
                    .maybe_help(help);
                None
            }
            DeValue::Table(_) => {
                self.sink
                    .error(value.span(), format!("a pipe's `{what}` has no timeout"))
                    .expected(expected)
                    .help("pipe reads and writes wait as long as it takes, or not at all (POSIX `O_NONBLOCK`)");
                None
            }
            _ => {
                self.wrong_type(value, &format!("`{what}`"), &expected);
                None
            }
        }
    }
}
