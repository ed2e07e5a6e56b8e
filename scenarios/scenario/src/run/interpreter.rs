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
use crate::model::labels;
use crate::model::{
    BodyItem, ExpectedData, ExpectedItem, Op, PortRef, ReceiveOp, ReceiveSource, SendItem, SendOp,
    SendTarget, ServiceOp, Step,
};
use bytes::Bytes;
use kernel::{
    Item, KernError, Message, NotificationKind, Ool, PortItem, PortName, QueueLimit,
    ReceiveOptions, ReceivePolicy, ReturnCode, RightKind, RightSet, ServiceError, TaskContext,
};
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
        if !step.expect.allows(code) {
            self.fail(step, step.expect.to_string(), code.as_str().to_string());
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
            Op::Allocate { port, queue_limit } => {
                code_of(cx.allocate_port(*queue_limit, Some(port)).await.map(drop))
            }
            Op::MakeSend { port } => code_of(cx.make_send(self.resolve(port)).await),
            Op::Deallocate { port } => code_of(cx.deallocate(self.resolve(port)).await),
            Op::Destroy { port } => code_of(cx.destroy(self.resolve(port)).await),
            Op::SetQueueLimit { port, queue_limit } => {
                // The call takes Mach's bounded number, or none for no limit.
                let limit = match queue_limit {
                    QueueLimit::Bounded(n) => Some(*n),
                    QueueLimit::Unbounded => None,
                };
                code_of(cx.set_queue_limit(self.resolve(port), limit).await)
            }
            Op::RequestNotification {
                port,
                kind,
                notify,
                sync,
            } => {
                let notify = self.resolve(notify);
                code_of(
                    cx.request_notification(self.resolve(port), *kind, notify, *sync)
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
            Op::Service(service) => return self.service(step, service).await,
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
    async fn service(&self, step: &Step, op: &ServiceOp) {
        let cx = &self.cx;
        let code = match op {
            ServiceOp::MemoryCreate { object, size } => {
                code_of(cx.memory_create(*size, Some(object)).await.map(drop))
            }
            ServiceOp::MemoryFromOol { object, item } => {
                let region = self.region(*item);
                code_of(cx.memory_from_ool(&region, Some(object)).await.map(drop))
            }
            ServiceOp::MemoryMap { object, mapping } => {
                let result = cx.memory_map(self.object(object)).await;
                self.name_handle(mapping, result.as_ref().ok().copied());
                code_of(result.map(drop))
            }
            ServiceOp::MemoryRead {
                mapping,
                offset,
                width,
                expect_value,
            } => match cx.memory_read(self.handle(mapping), *offset, *width).await {
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
            ServiceOp::MemoryWrite {
                mapping,
                offset,
                width,
                value,
            } => code_of(
                cx.memory_write(self.handle(mapping), *offset, *width, *value)
                    .await,
            ),
            ServiceOp::MemoryUnmap { mapping } => {
                code_of(cx.memory_unmap(self.handle(mapping)).await)
            }
            ServiceOp::SemaphoreCreate { semaphore, value } => {
                code_of(cx.semaphore_create(*value, Some(semaphore)).await.map(drop))
            }
            ServiceOp::SemaphoreWait {
                semaphore,
                on_empty,
            } => {
                let name = self.object(semaphore);
                code_of(match on_empty.wait_ms() {
                    None => cx.semaphore_wait(name).await,
                    Some(ms) => cx.semaphore_timed_wait(name, ms).await,
                })
            }
            ServiceOp::SemaphoreSignal { semaphore } => {
                code_of(cx.semaphore_signal(self.object(semaphore)).await)
            }
            ServiceOp::SemaphoreDestroy { semaphore } => {
                code_of(cx.semaphore_destroy(self.object(semaphore)).await)
            }
            ServiceOp::Pipe {
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
            ServiceOp::PipeWrite {
                handle,
                data,
                on_full,
                expect_written,
            } => {
                let bytes = Bytes::from(data.to_bytes());
                match cx
                    .pipe_write(self.handle(handle), bytes, on_full.no_wait())
                    .await
                {
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
            ServiceOp::PipeRead {
                handle,
                max,
                on_empty,
                expect_data,
            } => {
                match cx
                    .pipe_read(self.handle(handle), *max, on_empty.no_wait())
                    .await
                {
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
            ServiceOp::PipeClose { handle } => code_of(cx.pipe_close(self.handle(handle)).await),
            ServiceOp::NamedPipeCreate {
                path,
                mode,
                capacity,
            } => code_of(cx.named_pipe_create(path, *mode, Some(*capacity)).await),
            ServiceOp::NamedPipeOpen {
                path,
                access,
                handle,
                no_wait,
            } => {
                let result = cx.named_pipe_open(path, *access, *no_wait).await;
                self.name_handle(handle, result.as_ref().ok().copied());
                code_of(result.map(drop))
            }
            ServiceOp::NamedPipeAccept {
                path,
                handle,
                no_wait,
            } => {
                let result = cx.named_pipe_accept(path, *no_wait).await;
                self.name_handle(handle, result.as_ref().ok().copied());
                code_of(result.map(drop))
            }
            ServiceOp::NamedPipeUnlink { path } => code_of(cx.named_pipe_unlink(path).await),
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
        message.header.dest_disposition = send.right;
        if let Some(reply) = &send.reply {
            message = message.with_reply(self.resolve(reply), send.reply_right);
        }
        for item in &send.body {
            message.push(self.item(item));
        }
        let policy = send.on_full;
        let result = match &send.target {
            SendTarget::Task(task) => self.cx.send_to_task(task, message, policy).await,
            _ => self.cx.send(message, policy).await,
        };
        match result {
            Ok(status) => status.code(),
            Err(e) => e.code(),
        }
    }

    /// The message item a `send` step's body item stands for, in this task's names.
    fn item(&self, item: &SendItem) -> Item {
        match item {
            BodyItem::Value(item) => item.clone(),
            BodyItem::Fill(n) => Item::Bytes(zeros(*n)),
            BodyItem::Ool(n) => Item::Ool(Ool { data: zeros(*n) }),
            BodyItem::Port { port, disposition } => Item::Port(PortItem {
                name: self.resolve(port),
                disposition: *disposition,
            }),
        }
    }

    async fn receive(&mut self, step: &Step, receive: &ReceiveOp) {
        let policy: ReceivePolicy = receive.on_empty;
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
            if got != Some(kind) {
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

    fn compare_body(&self, expected: &[ExpectedItem], got: &[Item]) -> Option<String> {
        if expected.len() != got.len() {
            return Some(format!("{} items instead of {}", got.len(), expected.len()));
        }
        for (index, (want, have)) in expected.iter().zip(got).enumerate() {
            let same = match (want, have) {
                (BodyItem::Value(Item::F64(x)), Item::F64(y)) => {
                    x.to_bits() == y.to_bits() || x == y
                }
                (BodyItem::Value(want), have) => want == have,
                (BodyItem::Fill(n), Item::Bytes(b)) => b.len() == *n as usize,
                (BodyItem::Ool(n), Item::Ool(o)) => o.data.len() == *n as usize,
                (BodyItem::Port { port, disposition }, Item::Port(p)) => {
                    let same_port = match port {
                        PortRef::Label(label) => self
                            .cx
                            .label_of(p.name)
                            .is_some_and(|l| labels::as_written(&l) == label.as_str()),
                        other => self.resolve(other) == p.name,
                    };
                    let same_right = disposition.is_none_or(|d| d.received_form() == p.disposition);
                    same_port && same_right
                }
                // A size or a port expected, and another kind of item received.
                (BodyItem::Fill(_) | BodyItem::Ool(_) | BodyItem::Port { .. }, _) => false,
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
        is: RightSet,
        urefs: Option<u32>,
    ) {
        let name = self.resolve(port);
        // Always a kernel call, so every `expect_right` is one kernel step, even
        // for a label the task holds nothing under: the name denotes nothing then, which
        // is what `none` expects.
        let (rights, refs) = self.cx.port_type(name).await.unwrap_or((RightSet::NONE, 0));
        // A receive or send-once right counts as one reference.
        let refs = if rights == RightSet::of(RightKind::Receive)
            || rights == RightSet::of(RightKind::SendOnce)
        {
            1
        } else {
            refs
        };
        // The step checks what is held; its own return code (`invalid_name` for a
        // label that names nothing) is part of that check, so its `expect` key is
        // not judged (docs/scenarios.md, `expect_right`): `expect = "success"`
        // written out means what leaving it out means.
        if rights != is {
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

/// `n` zero bytes.
fn zeros(n: u32) -> Bytes {
    Bytes::from(vec![0u8; n as usize])
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

/// The return code of a kernel call's result.
fn code_of<E: Coded>(result: Result<(), E>) -> ReturnCode {
    match result {
        Ok(()) => ReturnCode::Success,
        Err(e) => e.code(),
    }
}

/// An error of a call a step makes, which Mach's return codes name.
trait Coded {
    /// Mach's return code.
    fn code(&self) -> ReturnCode;
}

impl Coded for KernError {
    fn code(&self) -> ReturnCode {
        KernError::code(*self)
    }
}

impl Coded for ServiceError {
    fn code(&self) -> ReturnCode {
        ServiceError::code(self)
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
