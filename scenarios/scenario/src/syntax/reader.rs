//! Typed reading of spanned TOML values, reporting every mismatch with its span.
//!
//! The [`Reader`] is the one place that turns a `toml` value into a Rust value: strings,
//! integers of each width, keywords, labels and task names. Every read either returns the
//! value or records a diagnostic and returns `None`, so the readers of sections and steps
//! (in sibling modules, each adding an `impl Reader` block) stay declarative and go on
//! after a problem to find the next one.

use std::ops::Range;

use serde_spanned::Spanned;
use toml::de::{DeArray, DeString, DeTable, DeValue};

use super::sink::Sink;
use super::suggest::{Suggester, listed, one_of};
use super::symbols::{
    LabelDecl, LabelKind, LabelNeed, LabelUse, ScriptHandles, Symbols, TaskDecl, TaskRole, TaskUse,
};
use crate::model::labels;
use crate::model::words::spellings;
use crate::model::{ExpectedResult, PortRef, Word};
use kernel::{QueueLimit, ReturnCode};

/// A TOML value with its byte span.
pub(super) type Value<'i> = Spanned<DeValue<'i>>;

/// Reads one file's TOML into the model, collecting diagnostics and names.
pub(super) struct Reader<'t> {
    /// Where problems go.
    pub(super) sink: Sink<'t>,
    /// The names declared and used, for the cross-reference checks.
    pub(super) symbols: Symbols,
    /// Finds near names for "did you mean".
    pub(super) suggester: Suggester,
    /// The handle names of the script task being read, if one is.
    pub(super) script: Option<ScriptHandles>,
    /// The `expect` of the step being read: `Some(None)` when it could not be read.
    pub(super) step_expect: Option<Option<ExpectedResult>>,
}

/// A table being read: its entries, the span a "missing key" points at, and its name in
/// messages ("[[port]]", "`send` step").
pub(super) struct Fields<'v, 'i> {
    pub(super) table: &'v DeTable<'i>,
    pub(super) span: Range<usize>,
    pub(super) context: String,
}

impl<'v, 'i> Fields<'v, 'i> {
    /// The value of `key`, if present.
    pub(super) fn get(&self, key: &str) -> Option<&'v Value<'i>> {
        self.table.get(key)
    }

    /// The span of the key `key` itself (for "not both" messages), if present.
    pub(super) fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.table.get_key_value(key).map(|(key, _)| key.span())
    }
}

/// An integer type a scenario value can be read into, with its range.
pub(super) trait Integer: TryFrom<i128> {
    /// The smallest value.
    const MIN: i128;
    /// The largest value.
    const MAX: i128;
}

macro_rules! integer {
    ($($ty:ty),+) => {
        $(impl Integer for $ty {
            const MIN: i128 = <$ty>::MIN as i128;
            const MAX: i128 = <$ty>::MAX as i128;
        })+
    };
}

integer!(u8, u16, u32, u64, i8, i16, i32, i64);

/// "a string", "an integer", ...: what a TOML value is, for "found ..." messages.
pub(super) fn describe(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// A table's entries in the order the file writes them (`toml` keeps them sorted by key),
/// so that "the second of two" is the second in the file.
pub(super) fn in_file_order<'v, 'i>(
    table: &'v DeTable<'i>,
) -> Vec<(&'v Spanned<DeString<'i>>, &'v Value<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

/// The words of a table, `` `a`, `b` or `c` ``, for `expected` texts.
pub(super) fn quoted_words<T>(table: &'static [(&'static str, T)]) -> String {
    one_of(spellings(table))
}

impl<'t> Reader<'t> {
    /// A reader reporting into `sink`.
    pub(super) fn new(sink: Sink<'t>) -> Self {
        Self {
            sink,
            symbols: Symbols::default(),
            suggester: Suggester::new(),
            script: None,
            step_expect: None,
        }
    }

    /// Whether the step being read says it may return `result` (with an `expect` that
    /// names it, or `"any"`), so a check that it would is not an error. A step whose
    /// `expect` could not be read tolerates everything: that problem is reported already.
    pub(super) fn step_tolerates(&self, result: ReturnCode) -> bool {
        match &self.step_expect {
            Some(Some(expect)) => expect.allows(result),
            Some(None) => true,
            None => false,
        }
    }

    /// The 1-based line and column of a span's start.
    pub(super) fn position(&mut self, span: &Range<usize>) -> (u32, u32) {
        self.sink.position(span.start)
    }

    /// Reads `value` as a table named `context`, reporting keys not in `allowed`.
    ///
    /// `elsewhere` can explain an unknown key that is valid in another context (a `from`
    /// written on a `send` step); otherwise the nearest allowed key is suggested.
    pub(super) fn fields<'v, 'i>(
        &mut self,
        value: &'v Value<'i>,
        context: &str,
        allowed: &[&str],
        elsewhere: &dyn Fn(&str) -> Option<String>,
    ) -> Option<Fields<'v, 'i>> {
        let DeValue::Table(table) = value.get_ref() else {
            self.wrong_type(value, context, "a table");
            return None;
        };
        for (key, _) in table.iter() {
            let name = key.get_ref().as_ref();
            if allowed.contains(&name) {
                continue;
            }
            let help = elsewhere(name)
                .or_else(|| self.suggester.did_you_mean(name, allowed.iter().copied()));
            self.sink
                .error(key.span(), format!("unknown key `{name}` in {context}"))
                .expected(one_of(allowed.iter().copied()))
                .maybe_help(help);
        }
        Some(Fields {
            table,
            span: value.span(),
            context: context.to_owned(),
        })
    }

    /// The value of a key that must be present; a missing key is reported at the table.
    pub(super) fn required<'v, 'i>(
        &mut self,
        fields: &Fields<'v, 'i>,
        key: &str,
        expected: &str,
    ) -> Option<&'v Value<'i>> {
        let value = fields.get(key);
        if value.is_none() {
            self.sink
                .error(
                    fields.span.clone(),
                    format!("missing `{key}` in {}", fields.context),
                )
                .expected(expected.to_owned());
        }
        value
    }

    /// The value of an optional `key` as `read` reads it, or `default` when it is absent.
    ///
    /// `read` gets the key as the name of the value, for its diagnostics.
    pub(super) fn optional<T>(
        &mut self,
        fields: &Fields<'_, '_>,
        key: &str,
        default: T,
        read: impl FnOnce(&mut Self, &Value<'_>, &str) -> Option<T>,
    ) -> Option<T> {
        match fields.get(key) {
            Some(value) => read(self, value, key),
            None => Some(default),
        }
    }

    /// The value of an optional `key` that has no default: `Some(None)` when it is absent.
    pub(super) fn maybe<T>(
        &mut self,
        fields: &Fields<'_, '_>,
        key: &str,
        read: impl FnOnce(&mut Self, &Value<'_>, &str) -> Option<T>,
    ) -> Option<Option<T>> {
        self.optional(fields, key, None, |reader, value, key| {
            read(reader, value, key).map(Some)
        })
    }

    /// A required `key` that declares a new label of `kind`. When it is missing, the
    /// label it would have declared is unknown, so uses of undeclared labels are not
    /// reported: they may have meant it.
    pub(super) fn required_new_label(
        &mut self,
        fields: &Fields<'_, '_>,
        key: &str,
        expected: &str,
        kind: LabelKind,
    ) -> Option<String> {
        match self.required(fields, key, expected) {
            Some(label) => self.new_label(label, key, kind),
            None => {
                self.symbols.labels_incomplete = true;
                None
            }
        }
    }

    /// Reports a value of the wrong type.
    pub(super) fn wrong_type(&mut self, value: &Value<'_>, what: &str, expected: &str) {
        let found = describe(value.get_ref());
        self.sink
            .error(
                value.span(),
                format!("wrong type for {what}: found {found}"),
            )
            .expected(expected.to_owned());
    }

    /// Reads a string.
    pub(super) fn string<'v>(&mut self, value: &'v Value<'_>, what: &str) -> Option<&'v str> {
        match value.get_ref() {
            DeValue::String(text) => Some(text.as_ref()),
            _ => {
                self.wrong_type(value, &format!("`{what}`"), "a string");
                None
            }
        }
    }

    /// Reads a name (of a task, port, set, label, path or program): a string that is not
    /// empty and holds no control character.
    ///
    /// Names are printed in accounts, traces and the stepper, and compared as written:
    /// two names that differ only by a NUL or an escape sequence would look the same
    /// and be different tasks, so a name must be printable.
    pub(super) fn name<'v>(&mut self, value: &'v Value<'_>, what: &str) -> Option<&'v str> {
        let name = self.string(value, what)?;
        if name.is_empty() {
            self.sink
                .error(value.span(), format!("`{what}` is empty"))
                .expected("a name");
            return None;
        }
        if let Some(control) = name.chars().find(|c| c.is_control()) {
            self.sink
                .error(
                    value.span(),
                    format!(
                        "`{what}` holds a control character (U+{:04X}): `{name}`",
                        u32::from(control)
                    ),
                )
                .expected("a name of printable characters")
                .help("remove the control character (a TOML escape such as `\\u0000` writes one)");
            return None;
        }
        Some(name)
    }

    /// Reads a boolean.
    pub(super) fn boolean(&mut self, value: &Value<'_>, what: &str) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(flag) => Some(*flag),
            _ => {
                self.wrong_type(value, &format!("`{what}`"), "`true` or `false`");
                None
            }
        }
    }

    /// Reads an integer of type `T`, reporting a value out of its range.
    pub(super) fn integer<T: Integer>(&mut self, value: &Value<'_>, what: &str) -> Option<T> {
        let expected = if T::MIN == 0 && T::MAX >= i128::from(i64::MAX) {
            "an integer, 0 or more".to_owned()
        } else {
            format!("an integer from {} to {}", T::MIN, T::MAX)
        };
        self.integer_in(value, what, T::MIN, T::MAX, &expected)
    }

    /// Reads an integer of type `T` in `min..=max`; `expected` words the range for the
    /// diagnostic.
    pub(super) fn integer_between<T: Integer + Into<i128>>(
        &mut self,
        value: &Value<'_>,
        what: &str,
        min: T,
        max: T,
        expected: &str,
    ) -> Option<T> {
        self.integer_in(value, what, min.into(), max.into(), expected)
    }

    /// Reads an integer of type `T` in `min..=max` (a range within `T`'s); `expected`
    /// words the range for the diagnostic.
    fn integer_in<T: Integer>(
        &mut self,
        value: &Value<'_>,
        what: &str,
        min: i128,
        max: i128,
        expected: &str,
    ) -> Option<T> {
        let DeValue::Integer(integer) = value.get_ref() else {
            self.wrong_type(value, &format!("`{what}`"), expected);
            return None;
        };
        let Ok(number) = i128::from_str_radix(integer.as_str(), integer.radix()) else {
            self.sink
                .error(
                    value.span(),
                    format!("`{what}` does not fit: {integer} is too large"),
                )
                .expected(expected.to_owned());
            return None;
        };
        if number < min || number > max {
            let message = if number < 0 && min == 0 {
                format!("`{what}` must not be negative: {integer}")
            } else {
                format!("`{what}` is out of range: {integer}")
            };
            self.sink
                .error(value.span(), message)
                .expected(expected.to_owned());
            return None;
        }
        // The range was checked and lies within `T`'s, so the conversion cannot fail; a
        // failure would still only be a `None`, never a panic.
        T::try_from(number).ok()
    }

    /// Reads one word of a [`Word`] vocabulary, suggesting the nearest for a typo.
    pub(super) fn word<W: Word>(&mut self, value: &Value<'_>, what: &str) -> Option<W> {
        self.word_in(value, what, W::NOUN, W::WORDS)
    }

    /// Reads one word of `table`, whose words are called `noun`s in messages, suggesting
    /// the nearest for a typo.
    pub(super) fn word_in<T: Copy>(
        &mut self,
        value: &Value<'_>,
        what: &str,
        noun: &str,
        table: &'static [(&'static str, T)],
    ) -> Option<T> {
        let word = match value.get_ref() {
            DeValue::String(word) => word.as_ref(),
            _ => {
                self.wrong_type(value, &format!("`{what}`"), &quoted_words(table));
                return None;
            }
        };
        if let Some(found) = crate::model::words::lookup(table, word) {
            return Some(found);
        }
        let help = self.suggester.did_you_mean(word, spellings(table));
        self.sink
            .error(value.span(), format!("unknown {noun} `{word}`"))
            .expected(quoted_words(table))
            .maybe_help(help);
        None
    }

    /// Reads an array.
    pub(super) fn array<'v, 'i>(
        &mut self,
        value: &'v Value<'i>,
        what: &str,
    ) -> Option<&'v DeArray<'i>> {
        match value.get_ref() {
            DeValue::Array(array) => Some(array),
            _ => {
                self.wrong_type(value, &format!("`{what}`"), "an array");
                None
            }
        }
    }

    /// Reads a queue limit (a `capacity`): an integer up to `max`, or `"unbounded"`.
    pub(super) fn queue_limit(
        &mut self,
        value: &Value<'_>,
        what: &str,
        max: u32,
    ) -> Option<QueueLimit> {
        let expected = format!("an integer from 0 to {max}, or \"unbounded\"");
        if let DeValue::String(word) = value.get_ref() {
            if word == "unbounded" {
                return Some(QueueLimit::Unbounded);
            }
            let help = self.suggester.did_you_mean(word, ["unbounded"]);
            self.sink
                .error(value.span(), format!("unknown `{what}` `{word}`"))
                .expected(expected)
                .maybe_help(help);
            return None;
        }
        self.integer_between(value, what, 0, max, &expected)
            .map(QueueLimit::Bounded)
    }

    /// Reads the name of a task used in `role`, recording the use for the checks.
    pub(super) fn task_ref(
        &mut self,
        value: &Value<'_>,
        what: &str,
        role: TaskRole,
    ) -> Option<String> {
        let name = self.name(value, what)?.to_owned();
        self.task_use(&name, value.span(), role);
        Some(name)
    }

    /// Records that a task is named at `span` in `role`.
    pub(super) fn task_use(&mut self, name: &str, span: Range<usize>, role: TaskRole) {
        self.symbols.task_uses.push(TaskUse {
            name: name.to_owned(),
            span,
            role,
        });
    }

    /// Reads a port reference inside a task: `"kernel"`, `"notify"` or a declared label.
    pub(super) fn port_ref(
        &mut self,
        value: &Value<'_>,
        what: &str,
        need: LabelNeed,
    ) -> Option<PortRef> {
        let name = self.name(value, what)?;
        match name {
            "kernel" => Some(PortRef::Kernel),
            "notify" => Some(PortRef::Notify),
            _ => self
                .label_use(name, value.span(), what, need)
                .map(PortRef::Label),
        }
    }

    /// Reads a label that must be declared (not `"kernel"` or `"notify"`, which differ per
    /// task), recording the use for the checks.
    pub(super) fn label_ref(
        &mut self,
        value: &Value<'_>,
        what: &str,
        need: LabelNeed,
    ) -> Option<String> {
        let name = self.name(value, what)?;
        self.label_use(name, value.span(), what, need)
    }

    /// Checks a label written at `span` and records its use.
    pub(super) fn label_use(
        &mut self,
        name: &str,
        span: Range<usize>,
        what: &str,
        need: LabelNeed,
    ) -> Option<String> {
        if matches!(name, "kernel" | "notify") {
            self.sink
                .error(
                    span,
                    format!("`{name}` is each task's own port, so `{what}` cannot name it"),
                )
                .expected("a label declared by [[port]], [[port_set]] or an `allocate` step");
            return None;
        }
        if !self.reserved_ok(name, span.clone()) {
            return None;
        }
        self.symbols.label_uses.push(LabelUse {
            name: name.to_owned(),
            span,
            need,
        });
        Some(name.to_owned())
    }

    /// Reports a name starting with `@` (reserved for `@reply`); true when there is none.
    fn reserved_ok(&mut self, name: &str, span: Range<usize>) -> bool {
        if name == "@reply" {
            self.sink
                .error(span, "`@reply` can only be the `port` of a `send` step")
                .expected("a label");
            return false;
        }
        if name.starts_with('@') {
            let help = self.suggester.did_you_mean(name, ["@reply"]);
            self.sink
                .error(span, format!("unknown reserved name `{name}`"))
                .expected("a label (names starting with `@` are reserved)")
                .maybe_help(help);
            return false;
        }
        true
    }

    /// Reads a label being declared, recording the declaration.
    pub(super) fn new_label(
        &mut self,
        value: &Value<'_>,
        what: &str,
        kind: LabelKind,
    ) -> Option<String> {
        let Some(name) = self.name(value, what) else {
            self.symbols.labels_incomplete = true;
            return None;
        };
        if matches!(name, "kernel" | "notify") {
            self.sink
                .error(
                    value.span(),
                    format!("`{name}` is reserved: it names each task's own {name} port"),
                )
                .expected("another label");
            return None;
        }
        // Labels machsim makes itself (`task.kernel`, `task.notify`, `task.direct`,
        // `label#2` for a reused label) must not be taken by a file's own.
        if labels::is_kernel_made(name) {
            self.sink
                .error(
                    value.span(),
                    format!("`{name}` is a label machsim makes itself"),
                )
                .expected(format!(
                    "a label without `#` that does not end in {}",
                    listed(
                        labels::TASK_PORT_SUFFIXES
                            .iter()
                            .map(|suffix| format!("`{suffix}`"))
                            .collect()
                    )
                ));
            return None;
        }
        if name.starts_with('@') {
            self.sink
                .error(
                    value.span(),
                    format!("labels cannot start with `@`: `{name}`"),
                )
                .expected("a label (names starting with `@` are reserved)");
            self.symbols.labels_incomplete = true;
            return None;
        }
        self.symbols.labels.push(LabelDecl {
            name: name.to_owned(),
            span: value.span(),
            kind,
        });
        Some(name.to_owned())
    }

    /// Reads a task name being declared, recording the declaration.
    pub(super) fn new_task(&mut self, value: &Value<'_>, spawned: bool) -> Option<String> {
        let Some(name) = self.name(value, "name") else {
            self.symbols.tasks_incomplete = true;
            return None;
        };
        if name == "any" {
            self.sink
                .error(
                    value.span(),
                    "`any` cannot name a task: `from = \"any\"` means any task",
                )
                .expected("another task name");
            self.symbols.tasks_incomplete = true;
            return None;
        }
        self.symbols.tasks.push(TaskDecl {
            name: name.to_owned(),
            span: value.span(),
            spawned,
        });
        Some(name.to_owned())
    }
}
