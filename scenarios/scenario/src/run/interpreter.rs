//! The script interpreter: a scenario task's steps, run as a task program.
//!
//! It is written only against the kernel's public API, as any task is. Each step is
//! one kernel call (a `repeat` iteration is one more, a yield), and its result is
//! compared with the step's `expect`; a mismatch is recorded and the task goes on.
//!
//! The services' steps name mappings and pipe ends by task-local handle names, which the
//! kernel keeps as handle labels ([`TaskContext::label_handle`]), so a child spawned after
//! a `pipe` step finds its parent's names for the ends it inherits.

use super::log::{StepFailure, StepLog};
use crate::model::{
    BodyItem, Capacity, Disposition as ModelDisposition, ExpectedData, ExpectedResult, MemoryWidth,
    Op, PipeAccess, PipePolicy, PortRef, ReceiveOp, ReceivePolicy as ModelReceivePolicy,
    ReceiveSource, RightExpectation, SendOp, SendPolicy as ModelSendPolicy, SendTarget, Step,
};
use bytes::Bytes;
use kernel::{
    Disposition, Item, Message, NotificationKind, Ool, PortItem, PortName, QueueLimit,
    ReceiveOptions, ReceivePolicy, ReturnCode, SendPolicy, TaskContext,
};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

/// A name no task ever holds: steps naming a label the task has no right for use it,
/// so the kernel answers with the error Mach gives for an unknown name.
const NO_RIGHT: PortName = PortName(0x00ff_ff01);

/// A handle no task ever has: steps naming a handle the task has not made (or whose
/// making failed) use it, so the kernel answers `bad_handle`, as POSIX answers `EBADF`.
const NO_HANDLE: u32 = u32::MAX;

/// Runs `steps` for the task `cx`, recording failed expectations in `log`.
pub async fn run_script(cx: TaskContext, steps: Arc<Vec<Step>>, log: Arc<Mutex<StepLog>>) {
    let mut script = Script {
        cx,
        log,
        last_reply: PortName::NULL,
        last_regions: Vec::new(),
    };
    script.run(&steps).await;
}

struct Script {
    cx: TaskContext,
    log: Arc<Mutex<StepLog>>,
    /// The reply right of the last message received (`@reply`).
    last_reply: PortName,
    /// The out-of-line regions of the last message received, by body position (empty when
    /// it had none), for `memory_from_ool`.
    last_regions: Vec<Option<Ool>>,
}

impl Script {
    fn run<'a>(
        &'a mut self,
        steps: &'a [Step],
    ) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        Box::pin(async move {
            for step in steps {
                self.step(step).await;
            }
        })
    }

    fn resolve(&self, port: &PortRef) -> PortName {
        match port {
            PortRef::Kernel => self.cx.kernel_port(),
            PortRef::Notify => self.cx.notify_port(),
            PortRef::Label(label) => self.cx.lookup(label).unwrap_or(NO_RIGHT),
        }
    }

    fn check(&self, step: &Step, code: ReturnCode) {
        if !allows(&step.expect, code) {
            self.fail(step, expected_text(&step.expect), code.as_str().to_string());
        }
    }

    fn fail(&self, step: &Step, expected: String, happened: String) {
        let failure = StepFailure {
            task: self.cx.name().to_string(),
            line: step.line,
            op: step.op.kind().as_str().to_string(),
            t_ns: self.cx.now_ns(),
            expected,
            happened,
        };
        self.log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .failures
            .push(failure);
    }

    async fn step(&mut self, step: &Step) {
        let cx = &self.cx;
        let code = match &step.op {
            Op::Send(send) => self.send(send).await,
            Op::Receive(receive) => return self.receive(step, receive).await,
            Op::Allocate { port, capacity } => code_of(
                cx.allocate_port(limit(*capacity), Some(port))
                    .await
                    .map(drop),
            ),
            Op::MakeSend { port } => code_of(cx.make_send(self.resolve(port)).await),
            Op::Deallocate { port } => code_of(cx.deallocate(self.resolve(port)).await),
            Op::Destroy { port } => code_of(cx.destroy(self.resolve(port)).await),
            Op::SetCapacity { port, capacity } => {
                let limit = match capacity {
                    Capacity::Bounded(n) => Some(*n),
                    Capacity::Unbounded => None,
                };
                code_of(cx.set_queue_limit(self.resolve(port), limit).await)
            }
            Op::RequestNotification {
                port,
                kind,
                notify,
                sync,
            } => {
                let kind = NotificationKind::from_name(kind.as_str())
                    .unwrap_or(NotificationKind::DeadName);
                let notify = self.resolve(notify);
                code_of(
                    cx.request_notification(self.resolve(port), kind, notify, *sync)
                        .await,
                )
            }
            Op::AddToSet { port, set } => {
                let set = self.resolve(&PortRef::Label(set.clone()));
                code_of(cx.add_to_set(self.resolve(port), set).await)
            }
            Op::RemoveFromSet { port, set } => {
                let set = self.resolve(&PortRef::Label(set.clone()));
                code_of(cx.remove_from_set(self.resolve(port), set).await)
            }
            Op::ExpectRight { port, is, urefs } => {
                return self.expect_right(step, port, *is, *urefs).await;
            }
            Op::Sleep { ms } => {
                cx.sleep(*ms).await;
                ReturnCode::Success
            }
            Op::Repeat { times, steps } => {
                for _ in 0..*times {
                    self.cx.yield_now().await;
                    self.run(steps).await;
                }
                ReturnCode::Success
            }
            Op::Spawn { task } => code_of(cx.spawn_declared(task).await.map(drop)),
            Op::Exit { code } => {
                cx.exit(*code).await;
                ReturnCode::Success
            }
            Op::Crash { reason } => {
                cx.crash(reason.as_deref().unwrap_or("crash step")).await;
                ReturnCode::Success
            }
            service => return self.service(step, service).await,
        };
        self.check(step, code);
    }

    /// The name under which the task holds a right for the object labelled `label`.
    fn object(&self, label: &str) -> PortName {
        self.cx.lookup(label).unwrap_or(NO_RIGHT)
    }

    /// The handle the task has under the handle name `name`.
    fn handle(&self, name: &str) -> u32 {
        self.cx.handle(name).unwrap_or(NO_HANDLE)
    }

    /// Gives `name` to the handle a step made; after a failure, to no handle, so that
    /// later uses of the name are `bad_handle` (as a failed `open` leaves no descriptor).
    fn name_handle(&self, name: &str, handle: Option<u32>) {
        self.cx.label_handle(handle.unwrap_or(NO_HANDLE), name);
    }

    /// A services step (shared memory, semaphores, pipes, named pipes): one kernel call.
    async fn service(&self, step: &Step, op: &Op) {
        let cx = &self.cx;
        let code = match op {
            Op::MemoryCreate { object, size } => {
                code_of(cx.memory_create(*size, Some(object)).await.map(drop))
            }
            Op::MemoryFromOol { object, item } => {
                let region = self.region(*item);
                code_of(cx.memory_from_ool(&region, Some(object)).await.map(drop))
            }
            Op::MemoryMap { object, mapping } => {
                let result = cx.memory_map(self.object(object)).await;
                self.name_handle(mapping, result.as_ref().ok().copied());
                code_of(result.map(drop))
            }
            Op::MemoryRead {
                mapping,
                offset,
                width: w,
                expect_value,
            } => match cx
                .memory_read(self.handle(mapping), *offset, width(*w))
                .await
            {
                Ok(value) => {
                    self.check(step, ReturnCode::Success);
                    if let Some(want) = expect_value
                        && value != *want
                    {
                        self.fail(step, format!("value {want}"), format!("value {value}"));
                    }
                    return;
                }
                Err(e) => e.code(),
            },
            Op::MemoryWrite {
                mapping,
                offset,
                width: w,
                value,
            } => code_of(
                cx.memory_write(self.handle(mapping), *offset, width(*w), *value)
                    .await,
            ),
            Op::MemoryUnmap { mapping } => code_of(cx.memory_unmap(self.handle(mapping)).await),
            Op::SemaphoreCreate { semaphore, value } => {
                code_of(cx.semaphore_create(*value, Some(semaphore)).await.map(drop))
            }
            Op::SemaphoreWait {
                semaphore,
                on_empty,
            } => {
                let name = self.object(semaphore);
                code_of(match on_empty {
                    ModelReceivePolicy::Block => cx.semaphore_wait(name).await,
                    ModelReceivePolicy::NoWait => cx.semaphore_timed_wait(name, 0).await,
                    ModelReceivePolicy::Timeout(ms) => cx.semaphore_timed_wait(name, *ms).await,
                })
            }
            Op::SemaphoreSignal { semaphore } => {
                code_of(cx.semaphore_signal(self.object(semaphore)).await)
            }
            Op::SemaphoreDestroy { semaphore } => {
                code_of(cx.semaphore_destroy(self.object(semaphore)).await)
            }
            Op::Pipe {
                read,
                write,
                capacity,
            } => {
                let result = cx.pipe(Some(*capacity)).await;
                let ends = result.as_ref().ok();
                self.name_handle(read, ends.map(|(read, _)| *read));
                self.name_handle(write, ends.map(|(_, write)| *write));
                code_of(result.map(drop))
            }
            Op::PipeWrite {
                handle,
                data,
                on_full,
                expect_written,
            } => {
                let bytes = Bytes::from(data.to_bytes());
                let no_wait = *on_full == PipePolicy::NoWait;
                match cx.pipe_write(self.handle(handle), bytes, no_wait).await {
                    Ok(written) => {
                        self.check(step, ReturnCode::Success);
                        if let Some(want) = expect_written
                            && written != *want
                        {
                            self.fail(
                                step,
                                format!("{want} bytes written"),
                                format!("{written} bytes written"),
                            );
                        }
                        return;
                    }
                    Err(e) => e.code(),
                }
            }
            Op::PipeRead {
                handle,
                max,
                on_empty,
                expect_data,
            } => {
                let no_wait = *on_empty == PipePolicy::NoWait;
                match cx.pipe_read(self.handle(handle), *max, no_wait).await {
                    Ok(data) => {
                        self.check(step, ReturnCode::Success);
                        if let Some(want) = expect_data
                            && !want.matches(&data)
                        {
                            self.fail(step, expected_data(want), got_data(want, &data));
                        }
                        return;
                    }
                    Err(e) => e.code(),
                }
            }
            Op::PipeClose { handle } => code_of(cx.pipe_close(self.handle(handle)).await),
            Op::NamedPipeCreate {
                path,
                mode,
                capacity,
            } => code_of(
                cx.named_pipe_create(path, super::pipe_mode(*mode), Some(*capacity))
                    .await,
            ),
            Op::NamedPipeOpen {
                path,
                access,
                handle,
                no_wait,
            } => {
                let result = cx
                    .named_pipe_open(path, pipe_access(*access), *no_wait)
                    .await;
                self.name_handle(handle, result.as_ref().ok().copied());
                code_of(result.map(drop))
            }
            Op::NamedPipeAccept {
                path,
                handle,
                no_wait,
            } => {
                let result = cx.named_pipe_accept(path, *no_wait).await;
                self.name_handle(handle, result.as_ref().ok().copied());
                code_of(result.map(drop))
            }
            Op::NamedPipeUnlink { path } => code_of(cx.named_pipe_unlink(path).await),
            _ => unreachable!("`step` runs the ports' ops itself"),
        };
        self.check(step, code);
    }

    /// The out-of-line region at body position `item` of the last message received (the
    /// first one when `item` is `None`); an empty region when there is none, which the
    /// kernel refuses with `invalid_value`.
    fn region(&self, item: Option<u32>) -> Ool {
        let found = match item {
            Some(index) => self
                .last_regions
                .get(index as usize)
                .and_then(Option::as_ref),
            None => self.last_regions.iter().flatten().next(),
        };
        found.cloned().unwrap_or(Ool { data: Bytes::new() })
    }

    async fn send(&mut self, send: &SendOp) -> ReturnCode {
        let dest = match &send.target {
            SendTarget::Port(port) => self.resolve(port),
            SendTarget::Reply => match self.last_reply {
                PortName::NULL => NO_RIGHT,
                name => name,
            },
            SendTarget::Task(_) => PortName::NULL,
        };
        let mut message = Message::new(dest, send.id);
        message.header.dest_disposition = send.right.map(disposition);
        if let Some(reply) = &send.reply {
            message = message.with_reply(self.resolve(reply), disposition(send.reply_right));
        }
        for item in &send.body {
            message.push(self.item(item));
        }
        let policy = match send.on_full {
            ModelSendPolicy::Block => SendPolicy::Block,
            ModelSendPolicy::NoWait => SendPolicy::NoWait,
            ModelSendPolicy::Notify => SendPolicy::Notify,
            ModelSendPolicy::Timeout(ms) => SendPolicy::Timeout(ms),
            ModelSendPolicy::NotifyAfter(ms) => SendPolicy::NotifyAfter(ms),
        };
        let result = match &send.target {
            SendTarget::Task(task) => self.cx.send_to_task(task, message, policy).await,
            _ => self.cx.send(message, policy).await,
        };
        match result {
            Ok(status) => status.code(),
            Err(e) => e.code(),
        }
    }

    fn item(&self, item: &BodyItem) -> Item {
        match item {
            BodyItem::U8(v) => Item::U8(*v),
            BodyItem::U16(v) => Item::U16(*v),
            BodyItem::U32(v) => Item::U32(*v),
            BodyItem::U64(v) => Item::U64(*v),
            BodyItem::I8(v) => Item::I8(*v),
            BodyItem::I16(v) => Item::I16(*v),
            BodyItem::I32(v) => Item::I32(*v),
            BodyItem::I64(v) => Item::I64(*v),
            BodyItem::Bool(v) => Item::Bool(*v),
            BodyItem::F64(v) => Item::F64(*v),
            BodyItem::Str(v) => Item::Str(v.clone()),
            BodyItem::Bytes(v) => Item::Bytes(Bytes::copy_from_slice(v)),
            BodyItem::Fill(n) => Item::Bytes(Bytes::from(vec![0u8; *n as usize])),
            BodyItem::Ool(n) => Item::Ool(Ool {
                data: Bytes::from(vec![0u8; *n as usize]),
            }),
            BodyItem::Port {
                port,
                disposition: d,
            } => Item::Port(PortItem {
                name: self.resolve(port),
                disposition: d.map_or(Disposition::CopySend, disposition),
            }),
        }
    }

    async fn receive(&mut self, step: &Step, receive: &ReceiveOp) {
        let policy = match receive.on_empty {
            ModelReceivePolicy::Block => ReceivePolicy::Block,
            ModelReceivePolicy::NoWait => ReceivePolicy::NoWait,
            ModelReceivePolicy::Timeout(ms) => ReceivePolicy::Timeout(ms),
        };
        let options = ReceiveOptions {
            max_bytes: receive.max_bytes,
            large: receive.large,
        };
        let result = match &receive.source {
            ReceiveSource::Port(port) => self.cx.receive(self.resolve(port), policy, options).await,
            ReceiveSource::Task(task) => {
                self.cx.receive_from_task(Some(task), policy, options).await
            }
            ReceiveSource::AnyTask => self.cx.receive_from_task(None, policy, options).await,
        };
        let message = match result {
            Ok(message) => message,
            Err(e) => {
                self.check(step, e.code());
                return;
            }
        };
        self.check(step, ReturnCode::Success);
        self.last_reply = message.header.reply;
        self.last_regions.clear();
        if message.body.iter().any(|item| matches!(item, Item::Ool(_))) {
            self.last_regions
                .extend(message.body.iter().map(|item| match item {
                    Item::Ool(region) => Some(region.clone()),
                    _ => None,
                }));
        }
        if let Some(id) = receive.expect_id
            && message.id() != id
        {
            self.fail(
                step,
                format!("a message with id {id}"),
                format!("id {}", message.id()),
            );
        }
        if let Some(kind) = receive.expect_notification {
            let got = NotificationKind::from_id(message.id());
            if got.map(|k| k.as_str()) != Some(kind.as_str()) {
                let happened = match got {
                    Some(k) => format!("a {k} notification"),
                    None => format!("an ordinary message (id {})", message.id()),
                };
                self.fail(step, format!("a {kind} notification"), happened);
            }
        }
        if let Some(expected) = &receive.expect_body
            && let Some(problem) = self.compare_body(expected, &message.body)
        {
            self.fail(step, "the body given by expect_body".into(), problem);
        }
    }

    fn compare_body(&self, expected: &[BodyItem], got: &[Item]) -> Option<String> {
        if expected.len() != got.len() {
            return Some(format!("{} items instead of {}", got.len(), expected.len()));
        }
        for (index, (want, have)) in expected.iter().zip(got).enumerate() {
            let same = match (want, have) {
                (BodyItem::Fill(n), Item::Bytes(b)) => b.len() == *n as usize,
                (BodyItem::Ool(n), Item::Ool(o)) => o.data.len() == *n as usize,
                (
                    BodyItem::Port {
                        port,
                        disposition: d,
                    },
                    Item::Port(p),
                ) => {
                    let same_port = match port {
                        PortRef::Label(label) => self.cx.label_of(p.name).is_some_and(|l| {
                            l == *label || l.split('#').next() == Some(label.as_str())
                        }),
                        other => self.resolve(other) == p.name,
                    };
                    let same_right =
                        d.is_none_or(|d| disposition(d).received_form() == p.disposition);
                    same_port && same_right
                }
                (BodyItem::F64(x), Item::F64(y)) => x.to_bits() == y.to_bits() || x == y,
                (want, have) => self.item(want) == *have,
            };
            if !same {
                return Some(format!("item {} is {}", index + 1, describe(have)));
            }
        }
        None
    }

    async fn expect_right(
        &mut self,
        step: &Step,
        port: &PortRef,
        is: RightExpectation,
        urefs: Option<u32>,
    ) {
        let name = self.resolve(port);
        // Always a kernel call, so every `expect_right` is one kernel step, even
        // for a label the task holds nothing under.
        let held = self.cx.port_type(name).await.ok();
        let (rights, refs) = match held {
            Some((rights, refs)) => (rights.as_str(), refs),
            None => ("none", 0),
        };
        let refs = if rights == "receive" || rights == "send_once" {
            1
        } else {
            refs
        };
        // The step checks what is held; its own return code (`invalid_name` for a
        // label that names nothing) is part of that check, so its `expect` key is
        // not judged (docs/scenarios.md, `expect_right`): `expect = "success"`
        // written out means what leaving it out means.
        if rights != is.as_str() {
            self.fail(
                step,
                format!("{port} to be {is}"),
                format!("it is {rights}"),
            );
        } else if let Some(want) = urefs
            && want != refs
        {
            self.fail(step, format!("{want} user references"), format!("{refs}"));
        }
    }
}

fn limit(capacity: Capacity) -> QueueLimit {
    match capacity {
        Capacity::Bounded(n) => QueueLimit::Bounded(n),
        Capacity::Unbounded => QueueLimit::Unbounded,
    }
}

fn width(width: MemoryWidth) -> kernel::Width {
    match width {
        MemoryWidth::U8 => kernel::Width::U8,
        MemoryWidth::U16 => kernel::Width::U16,
        MemoryWidth::U32 => kernel::Width::U32,
        MemoryWidth::U64 => kernel::Width::U64,
    }
}

fn pipe_access(access: PipeAccess) -> kernel::Access {
    match access {
        PipeAccess::Read => kernel::Access::Read,
        PipeAccess::Write => kernel::Access::Write,
        PipeAccess::ReadWrite => kernel::Access::ReadWrite,
    }
}

/// How a report spells an `expect_data`.
fn expected_data(want: &ExpectedData) -> String {
    match want {
        ExpectedData::Size(n) => format!("{n} bytes"),
        _ if want.is_empty() => "no data".into(),
        ExpectedData::Str(text) => format!("data {text:?}"),
        ExpectedData::Bytes(bytes) => format!("data {}", hex(bytes)),
    }
}

/// How a report spells the data a read returned, in the terms of the expectation.
fn got_data(want: &ExpectedData, data: &[u8]) -> String {
    let text = std::str::from_utf8(data)
        .ok()
        .filter(|text| !text.chars().any(char::is_control));
    match (want, text) {
        (ExpectedData::Size(_), _) => format!("{} bytes", data.len()),
        _ if data.is_empty() => "no data".into(),
        (ExpectedData::Str(_), Some(text)) => format!("data {text:?}"),
        _ => format!("data {} ({} bytes)", hex(data), data.len()),
    }
}

/// Bytes as hex, cut short after 64 of them.
fn hex(bytes: &[u8]) -> String {
    let mut text: String = bytes.iter().take(64).map(|b| format!("{b:02x}")).collect();
    if bytes.len() > 64 {
        text.push('…');
    }
    text
}

fn disposition(d: ModelDisposition) -> Disposition {
    Disposition::from_name(d.as_str()).unwrap_or(Disposition::CopySend)
}

fn code_of<E: Into<kernel::Error>>(result: Result<(), E>) -> ReturnCode {
    match result {
        Ok(()) => ReturnCode::Success,
        Err(e) => e.into().code().unwrap_or(ReturnCode::InvalidArgument),
    }
}

/// Whether a step that returned `code` meets `expect`.
pub fn allows(expect: &ExpectedResult, code: ReturnCode) -> bool {
    match crate::model::ResultName::from_str(code.as_str()) {
        Ok(result) => expect.allows(result),
        Err(_) => matches!(expect, ExpectedResult::Any),
    }
}

/// How a report spells an expected result.
pub fn expected_text(expect: &ExpectedResult) -> String {
    match expect {
        ExpectedResult::Success => "success".into(),
        ExpectedResult::One(r) => r.as_str().into(),
        ExpectedResult::AnyOf(list) => list
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(" or "),
        ExpectedResult::Any => "any result".into(),
    }
}

fn describe(item: &Item) -> String {
    match item {
        Item::Bytes(b) => format!("{} bytes", b.len()),
        Item::Ool(o) => format!("{} bytes out of line", o.data.len()),
        Item::Port(p) => format!("a port right ({})", p.name),
        other => format!("{other:?}").to_lowercase(),
    }
}
