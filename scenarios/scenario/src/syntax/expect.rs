//! Reading `[expect]`: what the run as a whole must show.

use std::collections::BTreeMap;

use toml::de::{DeTable, DeValue};

use super::document::nowhere_else;
use super::reader::{Reader, Value, quoted_words};
use super::symbols::{LabelNeed, TaskRole};
use crate::model::words::{lookup, spellings};
use crate::model::{ExitExpectation, Expect, Located, Outcome, Word};
use kernel::NotificationKind;

const EXPECT_KEYS: &[&str] = &["outcome", "delivered", "queued", "exit", "notifications"];

impl Reader<'_> {
    /// `[expect]`.
    pub(super) fn read_expect(&mut self, value: &Value<'_>) -> Expect {
        let mut expect = Expect::default();
        let Some(fields) = self.fields(value, "[expect]", EXPECT_KEYS, &nowhere_else) else {
            return expect;
        };
        if let Some(outcome) = fields.get("outcome") {
            // An outcome that cannot be read is reported, so no scenario is made.
            expect.outcome = self.word::<Outcome>(outcome, "outcome").unwrap_or_default();
            expect.outcome_line = Some(self.position(&outcome.span()).0);
        }
        if let Some(delivered) = fields.get("delivered") {
            expect.delivered = self.port_counts(delivered, "delivered");
        }
        if let Some(queued) = fields.get("queued") {
            expect.queued = self.port_counts(queued, "queued");
        }
        if let Some(exit) = fields.get("exit") {
            expect.exit = self.per_task(exit, "exit", Self::exit_expectation);
        }
        if let Some(notifications) = fields.get("notifications") {
            expect.notifications = self.per_task(notifications, "notifications", Self::kinds);
        }
        expect
    }

    /// `delivered` or `queued`: a count per port label.
    fn port_counts(&mut self, value: &Value<'_>, what: &str) -> BTreeMap<String, Located<u64>> {
        let mut counts = BTreeMap::new();
        let Some(table) = self.inline_map(
            value,
            what,
            "a table of counts per port, such as `{ requests = 3 }`",
        ) else {
            return counts;
        };
        for (key, count) in table.iter() {
            let label = self.label_use(key.get_ref(), key.span(), what, LabelNeed::Port);
            let count = self.integer::<u64>(count, &format!("{what}.{}", key.get_ref()));
            let (line, column) = self.position(&key.span());
            if let (Some(label), Some(count)) = (label, count) {
                counts.insert(
                    label,
                    Located {
                        value: count,
                        line,
                        column,
                    },
                );
            }
        }
        counts
    }

    /// `exit` or `notifications`: a value per task name.
    fn per_task<T>(
        &mut self,
        value: &Value<'_>,
        what: &str,
        read: fn(&mut Self, &Value<'_>, &str) -> Option<T>,
    ) -> BTreeMap<String, Located<T>> {
        let mut map = BTreeMap::new();
        let Some(table) = self.inline_map(
            value,
            what,
            "a table keyed by task name, such as `{ client = 0 }`",
        ) else {
            return map;
        };
        for (key, item) in table.iter() {
            let name = key.get_ref().to_string();
            self.task_use(&name, key.span(), TaskRole::Expected);
            let item = read(self, item, &format!("{what}.{name}"));
            let (line, column) = self.position(&key.span());
            if let Some(item) = item {
                map.insert(
                    name,
                    Located {
                        value: item,
                        line,
                        column,
                    },
                );
            }
        }
        map
    }

    /// A table inside `[expect]`.
    fn inline_map<'v, 'i>(
        &mut self,
        value: &'v Value<'i>,
        what: &str,
        expected: &str,
    ) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(table) => Some(table),
            _ => {
                self.wrong_type(value, &format!("`{what}`"), expected);
                None
            }
        }
    }

    /// An `exit` expectation: a code, `"crashed"` or `"killed"`.
    fn exit_expectation(&mut self, value: &Value<'_>, what: &str) -> Option<ExitExpectation> {
        let expected = "an exit code, \"crashed\" or \"killed\"";
        match value.get_ref() {
            DeValue::Integer(_) => self.integer::<i32>(value, what).map(ExitExpectation::Code),
            DeValue::String(word) => {
                if let Some(exit) = lookup(ExitExpectation::WORDS, word) {
                    return Some(exit);
                }
                let help = self
                    .suggester
                    .did_you_mean(word, spellings(ExitExpectation::WORDS));
                self.sink
                    .error(value.span(), format!("unknown exit `{word}`"))
                    .expected(expected)
                    .maybe_help(help);
                None
            }
            _ => {
                self.wrong_type(value, &format!("`{what}`"), expected);
                None
            }
        }
    }

    /// A `notifications` list: notification kinds, in order.
    fn kinds(&mut self, value: &Value<'_>, what: &str) -> Option<Vec<NotificationKind>> {
        let DeValue::Array(array) = value.get_ref() else {
            let expected = format!("a list of {}", quoted_words(NotificationKind::WORDS));
            self.wrong_type(value, &format!("`{what}`"), &expected);
            return None;
        };
        let kinds: Vec<Option<NotificationKind>> =
            array.iter().map(|item| self.word(item, what)).collect();
        kinds.into_iter().collect()
    }
}
