//! Reading a task's steps: the `op`, its keys and defaults, and the step's `expect`.
//!
//! Each op's keys are listed in [`op_keys`], the single source for "unknown key" reports;
//! a key that belongs to another op is explained as such ("`from` is a key of `receive`"),
//! since writing a `receive` key on a `send` is a likelier mistake than a typo.

use toml::de::DeValue;

use super::reader::{Fields, Reader, Value, quoted_words};
use super::suggest::one_of;
use super::symbols::{HandleEvent, LabelKind, LabelNeed, PathDecl, TaskRole};
use crate::model::{
    Capacity, Disposition, ExpectedResult, MAX_CAPACITY, MAX_REPEAT_DEPTH, Op, OpKind, PortRef,
    ReceiveOp, ReceivePolicy, ReceiveSource, ResultName, SendOp, SendPolicy, SendTarget, Step,
};

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
    let owners: Vec<&str> = OpKind::ALL
        .iter()
        .filter(|kind| op_keys(**kind).contains(&key))
        .map(|kind| kind.as_str())
        .collect();
    (!owners.is_empty()).then(|| format!("`{key}` is a key of {} steps", one_of(owners)))
}

/// The dispositions a `send` step's `right` may have.
const SEND_RIGHTS: &[Disposition] = &[
    Disposition::CopySend,
    Disposition::MoveSend,
    Disposition::MakeSend,
    Disposition::MoveSendOnce,
    Disposition::MakeSendOnce,
];

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
                .expected(format!("`op = ...`, {}", quoted_words::<OpKind>()));
            return None;
        };
        let Some(kind) = self.keyword::<OpKind>(op_value, "op") else {
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
        let expect = match fields.get("expect") {
            Some(expect) => self.expected_result(expect),
            None => Some(ExpectedResult::Success),
        };
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
            quoted_words::<ResultName>()
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
    fn result_name(&mut self, value: &Value<'_>) -> Option<ResultName> {
        let Some(word) = value.get_ref().as_str() else {
            self.wrong_type(value, "a result", &quoted_words::<ResultName>());
            return None;
        };
        if let Ok(result) = word.parse::<ResultName>() {
            return Some(result);
        }
        let candidates = ResultName::ALL
            .iter()
            .map(|result| result.as_str())
            .chain(["any"]);
        let help = self.suggester.did_you_mean(word, candidates);
        self.sink
            .error(value.span(), format!("unknown result `{word}`"))
            .expected(quoted_words::<ResultName>())
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
                let capacity = self.optional_capacity(fields, MAX_CAPACITY);
                Some(Op::Allocate {
                    port: port?,
                    capacity: capacity?,
                })
            }
            OpKind::MakeSend => self.step_port(fields).map(|port| Op::MakeSend { port }),
            OpKind::Deallocate => self.step_port(fields).map(|port| Op::Deallocate { port }),
            OpKind::Destroy => self.step_port(fields).map(|port| Op::Destroy { port }),
            OpKind::SetCapacity => {
                let port = self.step_port(fields);
                // Over MAX_CAPACITY is the step's `invalid_value` when it runs, as in Mach.
                let capacity = self
                    .required(fields, "capacity", "the new queue limit")
                    .and_then(|capacity| self.capacity(capacity, "capacity", u32::MAX));
                Some(Op::SetCapacity {
                    port: port?,
                    capacity: capacity?,
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
                    .and_then(|kind| self.keyword(kind, "kind"));
                let notify = match fields.get("notify") {
                    Some(notify) => self.port_ref(notify, "notify", LabelNeed::Any),
                    None => Some(PortRef::Notify),
                };
                let sync = match fields.get("sync") {
                    Some(sync) => self.integer(sync, "sync"),
                    None => Some(0),
                };
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
                    .and_then(|is| self.keyword(is, "is"));
                let urefs = match fields.get("urefs") {
                    Some(urefs) => self.integer(urefs, "urefs").map(Some),
                    None => Some(None),
                };
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
                let code = match fields.get("code") {
                    Some(code) => self.integer(code, "code"),
                    None => Some(0),
                };
                Some(Op::Exit { code: code? })
            }
            OpKind::Crash => {
                let reason = match fields.get("reason") {
                    Some(reason) => self.string(reason, "reason").map(|r| Some(r.to_owned())),
                    None => Some(None),
                };
                Some(Op::Crash { reason: reason? })
            }
            _ => self.service_op(kind, fields),
        }
    }

    /// The `port` every port op has.
    fn step_port(&mut self, fields: &Fields<'_, '_>) -> Option<PortRef> {
        let port = self.required(fields, "port", "a label, \"kernel\" or \"notify\"")?;
        self.port_ref(port, "port", LabelNeed::Any)
    }

    /// An optional `capacity`, 5 when absent.
    fn optional_capacity(&mut self, fields: &Fields<'_, '_>, max: u32) -> Option<Capacity> {
        match fields.get("capacity") {
            Some(capacity) => self.capacity(capacity, "capacity", max),
            None => Some(Capacity::DEFAULT),
        }
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
        let id = match fields.get("id") {
            Some(id) => self.integer(id, "id"),
            None => Some(0),
        };
        let body = match fields.get("body") {
            Some(body) => self.read_body(body, "body", false),
            None => Some(Vec::new()),
        };
        let reply = match fields.get("reply") {
            Some(reply) => self.port_ref(reply, "reply", LabelNeed::Any).map(Some),
            None => Some(None),
        };
        let reply_right = match fields.get("reply_right") {
            Some(right) => self.keyword(right, "reply_right"),
            None => Some(Disposition::MakeSendOnce),
        };
        let right = match fields.get("right") {
            Some(right) => self.send_right(right).map(Some),
            None => Some(None),
        };
        let on_full = match fields.get("on_full") {
            Some(policy) => self.send_policy(policy),
            None => Some(SendPolicy::Block),
        };
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
        let right = self.keyword::<Disposition>(value, "right")?;
        if !right.is_send() {
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
        let on_empty = match fields.get("on_empty") {
            Some(policy) => self.receive_policy(policy),
            None => Some(ReceivePolicy::Block),
        };
        let max_bytes = match fields.get("max_bytes") {
            Some(max) => self.integer(max, "max_bytes").map(Some),
            None => Some(None),
        };
        let large = match fields.get("large") {
            Some(large) => self.boolean(large, "large"),
            None => Some(false),
        };
        let expect_id = match fields.get("expect_id") {
            Some(id) => self.integer(id, "expect_id").map(Some),
            None => Some(None),
        };
        let expect_body = match fields.get("expect_body") {
            Some(body) => self.read_body(body, "expect_body", true).map(Some),
            None => Some(None),
        };
        let expect_notification = match fields.get("expect_notification") {
            Some(kind) => self.keyword(kind, "expect_notification").map(Some),
            None => Some(None),
        };
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
