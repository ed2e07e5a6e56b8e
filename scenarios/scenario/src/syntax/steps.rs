//! Reading a task's steps: the `op`, its keys and defaults, and the step's `expect`.
//!
//! Each op's keys are listed in [`op_keys`], the single source for "unknown key" reports;
//! a key that belongs to another op is explained as such ("`from` is a key of `receive`"),
//! since writing a `receive` key on a `send` is a likelier mistake than a typo.

use toml::de::DeValue;

use super::reader::{Fields, Reader, Value, quoted_words};
use super::suggest::one_of;
use super::symbols::{HandleEvent, LabelKind, LabelNeed, PathDecl, TaskRole};
use crate::model::words::{
    NOTIFICATION_REQUEST, REQUESTABLE_NOTIFICATIONS, SEND_RIGHTS, spellings,
};
use crate::model::{
    ExpectedResult, MAX_REPEAT_DEPTH, Op, OpKind, PortRef, ReceiveOp, ReceiveSource, SendOp,
    SendTarget, Step, Word,
};
use kernel::{Disposition, QueueLimit, ReceivePolicy, ReturnCode, SendPolicy};

/// Keys every step may have, whatever its op.
const COMMON_KEYS: &[&str] = &["op", "expect"];

/// The keys of each op, besides [`COMMON_KEYS`].
fn op_keys(kind: OpKind) -> &'static [&'static str] {
    match kind {
        OpKind::Send => &[
            "port",
            "task",
            "id",
            "body",
            "reply",
            "reply_right",
            "right",
            "on_full",
        ],
        OpKind::Receive => &[
            "port",
            "from",
            "on_empty",
            "max_bytes",
            "large",
            "expect_id",
            "expect_body",
            "expect_notification",
        ],
        OpKind::Allocate => &["port", "capacity"],
        OpKind::MakeSend | OpKind::Deallocate | OpKind::Destroy => &["port"],
        OpKind::SetCapacity => &["port", "capacity"],
        OpKind::RequestNotification => &["port", "kind", "notify", "sync"],
        OpKind::AddToSet | OpKind::RemoveFromSet => &["port", "set"],
        OpKind::ExpectRight => &["port", "is", "urefs"],
        OpKind::Sleep => &["ms"],
        OpKind::Repeat => &["times", "steps"],
        OpKind::Spawn => &["task"],
        OpKind::Exit => &["code"],
        OpKind::Crash => &["reason"],
        OpKind::MemoryCreate => &["object", "size"],
        OpKind::MemoryFromOol => &["object", "item"],
        OpKind::MemoryMap => &["object", "mapping"],
        OpKind::MemoryRead => &["mapping", "offset", "width", "expect_value"],
        OpKind::MemoryWrite => &["mapping", "offset", "width", "value"],
        OpKind::MemoryUnmap => &["mapping"],
        OpKind::SemaphoreCreate => &["semaphore", "value"],
        OpKind::SemaphoreWait => &["semaphore", "on_empty"],
        OpKind::SemaphoreSignal | OpKind::SemaphoreDestroy => &["semaphore"],
        OpKind::Pipe => &["read", "write", "capacity"],
        OpKind::PipeWrite => &[
            "handle",
            "str",
            "bytes",
            "fill",
            "on_full",
            "expect_written",
        ],
        OpKind::PipeRead => &["handle", "max", "on_empty", "expect_data"],
        OpKind::PipeClose => &["handle"],
        OpKind::NamedPipeCreate => &["path", "mode", "capacity"],
        OpKind::NamedPipeOpen => &["path", "access", "handle", "no_wait"],
        OpKind::NamedPipeAccept => &["path", "handle", "no_wait"],
        OpKind::NamedPipeUnlink => &["path"],
    }
}

/// "`from` is a key of `receive` steps" when `key` belongs to other ops.
fn key_of_other_ops(key: &str) -> Option<String> {
    let owners: Vec<&str> = OpKind::WORDS
        .iter()
        .filter(|(_, kind)| op_keys(*kind).contains(&key))
        .map(|(word, _)| *word)
        .collect();
    (!owners.is_empty()).then(|| format!("`{key}` is a key of {} steps", one_of(owners)))
}

impl Reader<'_> {
    /// A list of steps (`steps = [...]` or `[[...steps]]`), inside `depth` repeats.
    pub(super) fn read_steps(&mut self, value: &Value<'_>, depth: u32) -> Vec<Step> {
        let DeValue::Array(array) = value.get_ref() else {
            if matches!(value.get_ref(), DeValue::Table(_)) {
                self.sink
                    .error(
                        value.span(),
                        "`steps` is a single table, not a list of steps",
                    )
                    .expected("`steps = [ {...}, ... ]` or [[task.steps]] blocks")
                    .help("write `[[task.steps]]`, with two brackets");
            } else {
                self.wrong_type(value, "`steps`", "an array of steps");
            }
            return Vec::new();
        };
        array
            .iter()
            .filter_map(|item| self.read_step(item, depth))
            .collect()
    }

    /// One step.
    fn read_step(&mut self, value: &Value<'_>, depth: u32) -> Option<Step> {
        let DeValue::Table(table) = value.get_ref() else {
            self.wrong_type(
                value,
                "a step",
                "a table such as `{ op = \"send\", port = \"requests\" }`",
            );
            return None;
        };
        let Some(op_value) = table.get("op") else {
            self.sink
                .error(value.span(), "missing `op` in a step")
                .expected(format!("`op = ...`, {}", quoted_words(OpKind::WORDS)));
            return None;
        };
        let Some(kind) = self.word::<OpKind>(op_value, "op") else {
            // It may have been a step that declares a label, a handle or a path, with a typo
            // in its op: uses of what it would have declared are not reported.
            for key in ["port", "object", "semaphore"] {
                if let Some(label) = table.get(key).and_then(|label| label.get_ref().as_str()) {
                    self.symbols.possible_labels.push(label.to_owned());
                }
            }
            if let Some(path) = table.get("path").and_then(|path| path.get_ref().as_str()) {
                self.symbols.paths.push(PathDecl {
                    path: path.to_owned(),
                    mode: None,
                    section_span: None,
                });
            }
            if let Some(script) = &mut self.script {
                script.incomplete = true;
            }
            return None;
        };
        // "an `allocate` step", "a `send` step".
        let article = if kind.as_str().starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        let context = format!("{article} `{kind}` step");
        let allowed: Vec<&str> = COMMON_KEYS.iter().chain(op_keys(kind)).copied().collect();
        let fields = self.fields(value, &context, &allowed, &key_of_other_ops)?;
        let expect = self.optional(
            &fields,
            "expect",
            ExpectedResult::Success,
            |reader, value, _| reader.expected_result(value),
        );
        let outer_expect = self.step_expect.replace(expect.clone());
        let op = self.read_op(kind, &fields, depth);
        self.step_expect = outer_expect;
        let (line, column) = self.position(&fields.span);
        Some(Step {
            op: op?,
            expect: expect?,
            line,
            column,
        })
    }

    /// A step's `expect`: a result, a list of results, or `"any"`.
    fn expected_result(&mut self, value: &Value<'_>) -> Option<ExpectedResult> {
        let expected = format!(
            "a result, a list of results, or \"any\"; results are {}",
            quoted_words(ReturnCode::WORDS)
        );
        match value.get_ref() {
            DeValue::String(word) if word == "any" => Some(ExpectedResult::Any),
            DeValue::String(_) => self.result_name(value).map(ExpectedResult::One),
            DeValue::Array(array) if array.is_empty() => {
                self.sink
                    .error(value.span(), "`expect` lists no result")
                    .expected("at least one result")
                    .help("write `expect = \"any\"` to accept whatever the step returns");
                None
            }
            DeValue::Array(array) => {
                let mut results = Vec::with_capacity(array.len());
                let mut complete = true;
                for item in array.iter() {
                    if item.get_ref().as_str() == Some("any") {
                        self.sink
                            .error(item.span(), "`any` cannot be one of a list of results")
                            .expected("result names")
                            .help("write `expect = \"any\"` on its own");
                        complete = false;
                    } else if let Some(result) = self.result_name(item) {
                        results.push(result);
                    } else {
                        complete = false;
                    }
                }
                complete.then_some(ExpectedResult::AnyOf(results))
            }
            _ => {
                self.wrong_type(value, "`expect`", &expected);
                None
            }
        }
    }

    /// One result name; `"any"` is among the suggestions.
    fn result_name(&mut self, value: &Value<'_>) -> Option<ReturnCode> {
        let Some(word) = value.get_ref().as_str() else {
            self.wrong_type(value, "a result", &quoted_words(ReturnCode::WORDS));
            return None;
        };
        if let Some(result) = ReturnCode::from_word(word) {
            return Some(result);
        }
        let candidates = spellings(ReturnCode::WORDS).chain(["any"]);
        let help = self.suggester.did_you_mean(word, candidates);
        self.sink
            .error(
                value.span(),
                format!("unknown {} `{word}`", ReturnCode::NOUN),
            )
            .expected(quoted_words(ReturnCode::WORDS))
            .maybe_help(help);
        None
    }

    /// The op of a step whose keys were already checked.
    fn read_op(&mut self, kind: OpKind, fields: &Fields<'_, '_>, depth: u32) -> Option<Op> {
        match kind {
            OpKind::Send => self.send(fields).map(Op::Send),
            OpKind::Receive => self.receive(fields).map(Op::Receive),
            OpKind::Allocate => {
                let port = self
                    .required(fields, "port", "a new label, such as `port = \"reply\"`")
                    .and_then(|port| self.new_label(port, "port", LabelKind::Allocated));
                let queue_limit = self.optional(
                    fields,
                    "capacity",
                    QueueLimit::DEFAULT,
                    |reader, value, key| reader.queue_limit(value, key, QueueLimit::MAX),
                );
                Some(Op::Allocate {
                    port: port?,
                    queue_limit: queue_limit?,
                })
            }
            OpKind::MakeSend => self.step_port(fields).map(|port| Op::MakeSend { port }),
            OpKind::Deallocate => self.step_port(fields).map(|port| Op::Deallocate { port }),
            OpKind::Destroy => self.step_port(fields).map(|port| Op::Destroy { port }),
            OpKind::SetCapacity => {
                let port = self.step_port(fields);
                // Over QueueLimit::MAX is the step's `invalid_value` when it runs, as in Mach.
                let queue_limit = self
                    .required(fields, "capacity", "the new queue limit")
                    .and_then(|limit| self.queue_limit(limit, "capacity", u32::MAX));
                Some(Op::SetQueueLimit {
                    port: port?,
                    queue_limit: queue_limit?,
                })
            }
            OpKind::RequestNotification => {
                let port = self.step_port(fields);
                let kind = self
                    .required(
                        fields,
                        "kind",
                        "\"dead_name\", \"no_senders\" or \"port_destroyed\"",
                    )
                    .and_then(|kind| {
                        self.word_in(
                            kind,
                            "kind",
                            NOTIFICATION_REQUEST,
                            REQUESTABLE_NOTIFICATIONS,
                        )
                    });
                let notify =
                    self.optional(fields, "notify", PortRef::Notify, |reader, value, key| {
                        reader.port_ref(value, key, LabelNeed::Any)
                    });
                let sync = self.optional(fields, "sync", 0, Self::integer);
                Some(Op::RequestNotification {
                    port: port?,
                    kind: kind?,
                    notify: notify?,
                    sync: sync?,
                })
            }
            OpKind::AddToSet | OpKind::RemoveFromSet => {
                let port = self.step_port(fields);
                let set = self
                    .required(fields, "set", "the label of a [[port_set]]")
                    .and_then(|set| self.label_ref(set, "set", LabelNeed::Set));
                let (port, set) = (port?, set?);
                Some(if kind == OpKind::AddToSet {
                    Op::AddToSet { port, set }
                } else {
                    Op::RemoveFromSet { port, set }
                })
            }
            OpKind::ExpectRight => {
                let port = self.step_port(fields);
                let is = self
                    .required(fields, "is", "what the task holds, such as `is = \"send\"`")
                    .and_then(|is| self.word(is, "is"));
                let urefs = self.maybe(fields, "urefs", Self::integer);
                Some(Op::ExpectRight {
                    port: port?,
                    is: is?,
                    urefs: urefs?,
                })
            }
            OpKind::Sleep => {
                let ms = self
                    .required(
                        fields,
                        "ms",
                        "a number of virtual milliseconds, such as `ms = 10`",
                    )
                    .and_then(|ms| self.integer(ms, "ms"));
                Some(Op::Sleep { ms: ms? })
            }
            OpKind::Repeat => self.repeat(fields, depth),
            OpKind::Spawn => {
                let task = self
                    .required(fields, "task", "a task declared with `spawned = true`")
                    .and_then(|task| self.task_ref(task, "task", TaskRole::SpawnTarget));
                if let (Some(task), Some(script)) = (&task, &mut self.script) {
                    script
                        .events
                        .push(HandleEvent::Spawn { task: task.clone() });
                }
                Some(Op::Spawn { task: task? })
            }
            OpKind::Exit => {
                let code = self.optional(fields, "code", 0, Self::integer);
                Some(Op::Exit { code: code? })
            }
            OpKind::Crash => {
                let reason = self.maybe(fields, "reason", |reader, value, key| {
                    reader.string(value, key).map(str::to_owned)
                });
                Some(Op::Crash { reason: reason? })
            }
            OpKind::MemoryCreate => self.memory_create(fields),
            OpKind::MemoryFromOol => self.memory_from_ool(fields),
            OpKind::MemoryMap => self.memory_map(fields),
            OpKind::MemoryRead => self.memory_read(fields),
            OpKind::MemoryWrite => self.memory_write(fields),
            OpKind::MemoryUnmap => self.memory_unmap(fields),
            OpKind::SemaphoreCreate => self.semaphore_create(fields),
            OpKind::SemaphoreWait => self.semaphore_wait(fields),
            OpKind::SemaphoreSignal => self.semaphore_signal(fields),
            OpKind::SemaphoreDestroy => self.semaphore_destroy(fields),
            OpKind::Pipe => self.pipe(fields),
            OpKind::PipeWrite => self.pipe_write(fields),
            OpKind::PipeRead => self.pipe_read(fields),
            OpKind::PipeClose => self.pipe_close(fields),
            OpKind::NamedPipeCreate => self.named_pipe_create(fields),
            OpKind::NamedPipeOpen => self.named_pipe_open(fields),
            OpKind::NamedPipeAccept => self.named_pipe_accept(fields),
            OpKind::NamedPipeUnlink => self.named_pipe_unlink(fields),
        }
    }

    /// The `port` every port op has.
    fn step_port(&mut self, fields: &Fields<'_, '_>) -> Option<PortRef> {
        let port = self.required(fields, "port", "a label, \"kernel\" or \"notify\"")?;
        self.port_ref(port, "port", LabelNeed::Any)
    }

    /// A `repeat` step, refused past [`MAX_REPEAT_DEPTH`] nested repeats.
    fn repeat(&mut self, fields: &Fields<'_, '_>, depth: u32) -> Option<Op> {
        if depth >= MAX_REPEAT_DEPTH {
            self.sink
                .error(
                    fields.span.clone(),
                    format!("`repeat` nested more than {MAX_REPEAT_DEPTH} deep"),
                )
                .expected(format!("at most {MAX_REPEAT_DEPTH} nested `repeat` steps"));
            return None;
        }
        let times = self
            .required(fields, "times", "how many times, such as `times = 3`")
            .and_then(|times| self.integer(times, "times"));
        let steps = self
            .required(
                fields,
                "steps",
                "the steps to repeat, `steps = [ {...}, ... ]`",
            )
            .map(|steps| {
                self.handle_event(HandleEvent::RepeatStart);
                // The steps inside have their own `expect`s.
                let outer_expect = self.step_expect.take();
                let read = self.read_steps(steps, depth + 1);
                self.step_expect = outer_expect;
                self.handle_event(HandleEvent::RepeatEnd);
                read
            });
        Some(Op::Repeat {
            times: times?,
            steps: steps?,
        })
    }

    /// A `send` step.
    fn send(&mut self, fields: &Fields<'_, '_>) -> Option<SendOp> {
        let target = match (fields.get("port"), fields.get("task")) {
            (Some(_), Some(_)) => {
                let span = fields
                    .key_span("task")
                    .unwrap_or_else(|| fields.span.clone());
                self.sink
                    .error(span, "a `send` names either a `port` or a `task`, not both")
                    .expected("`port = \"label\"` or `task = \"name\"`");
                None
            }
            (None, None) => {
                self.sink
                    .error(fields.span.clone(), "missing `port` in a `send` step")
                    .expected(
                        "`port = \"label\"` (or `task = \"name\"` to send to a task directly)",
                    );
                None
            }
            (Some(port), None) if port.get_ref().as_str() == Some("@reply") => {
                Some(SendTarget::Reply)
            }
            (Some(port), None) => self
                .port_ref(port, "port", LabelNeed::Any)
                .map(SendTarget::Port),
            (None, Some(task)) => self
                .task_ref(task, "task", TaskRole::Correspondent)
                .map(SendTarget::Task),
        };
        let id = self.optional(fields, "id", 0, Self::integer);
        let body = self.optional(fields, "body", Vec::new(), Self::send_body);
        let reply = self.maybe(fields, "reply", |reader, value, key| {
            reader.port_ref(value, key, LabelNeed::Any)
        });
        let reply_right =
            self.optional(fields, "reply_right", Disposition::MakeSendOnce, Self::word);
        let right = self.maybe(fields, "right", |reader, value, _| reader.send_right(value));
        let on_full = self.optional(fields, "on_full", SendPolicy::Block, Self::send_policy);
        Some(SendOp {
            target: target?,
            id: id?,
            body: body?,
            reply: reply?,
            reply_right: reply_right?,
            right: right?,
            on_full: on_full?,
        })
    }

    /// A `send` step's `right`: one of the five send dispositions.
    fn send_right(&mut self, value: &Value<'_>) -> Option<Disposition> {
        let right = self.word::<Disposition>(value, "right")?;
        if !right.is_send_type() {
            self.sink
                .error(value.span(), format!("`right` cannot be `{right}`: a message is sent with a send or send-once right"))
                .expected(one_of(SEND_RIGHTS.iter().map(|right| right.as_str())));
            return None;
        }
        Some(right)
    }

    /// A `receive` step.
    fn receive(&mut self, fields: &Fields<'_, '_>) -> Option<ReceiveOp> {
        let source = match (fields.get("port"), fields.get("from")) {
            (Some(_), Some(_)) => {
                let span = fields
                    .key_span("from")
                    .unwrap_or_else(|| fields.span.clone());
                self.sink
                    .error(
                        span,
                        "a `receive` names either a `port` or `from`, not both",
                    )
                    .expected("`port = \"label\"` or `from = \"task\"`");
                None
            }
            (None, None) => {
                self.sink
                    .error(fields.span.clone(), "missing `port` in a `receive` step")
                    .expected("`port = \"label\"`, a port set, \"notify\" (or `from = \"task\"` or `from = \"any\"` for direct naming)");
                None
            }
            (Some(port), None) => self
                .port_ref(port, "port", LabelNeed::Any)
                .map(ReceiveSource::Port),
            (None, Some(from)) if from.get_ref().as_str() == Some("any") => {
                Some(ReceiveSource::AnyTask)
            }
            (None, Some(from)) => self
                .task_ref(from, "from", TaskRole::Correspondent)
                .map(ReceiveSource::Task),
        };
        let on_empty = self.optional(
            fields,
            "on_empty",
            ReceivePolicy::Block,
            Self::receive_policy,
        );
        let max_bytes = self.maybe(fields, "max_bytes", Self::integer);
        let large = self.optional(fields, "large", false, Self::boolean);
        let expect_id = self.maybe(fields, "expect_id", Self::integer);
        let expect_body = self.maybe(fields, "expect_body", Self::expected_body);
        let expect_notification = self.maybe(fields, "expect_notification", Self::word);
        Some(ReceiveOp {
            source: source?,
            on_empty: on_empty?,
            max_bytes: max_bytes?,
            large: large?,
            expect_id: expect_id?,
            expect_body: expect_body?,
            expect_notification: expect_notification?,
        })
    }
}
