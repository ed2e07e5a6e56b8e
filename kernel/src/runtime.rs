//! The kernel runtime: task programs, the run loop, timers and faults.

use crate::clock::{Ticks, TimerKind};
use crate::config::Config;
use crate::context::{TaskContext, lock};
use crate::error::{ApiError, TaskExit};
use crate::port::Receiver;
use crate::state::{Fault, Halt, KernelState, MessageCounts};
use crate::task::{ReceiveSource, TaskEntry, TaskState, Wait};
use crate::trace::{Event, FaultKind, PortDestroyReason, TraceRecord, WakeReason};
use crate::violation::{Site, Violation, panic_message};
use ports::{PortId, PortName, PortSpace, QueueLimit, ScheduleKind, TaskId};
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// A task program's future.
pub(crate) type TaskFuture = Pin<Box<dyn Future<Output = TaskExit> + Send>>;
/// Makes a task's future from its context.
pub type TaskFactory =
    Box<dyn FnOnce(TaskContext) -> Pin<Box<dyn Future<Output = TaskExit> + Send>> + Send>;

/// What a task program may return: nothing (exit 0), an exit code, or a result
/// whose error crashes the task with its message.
pub trait TaskOutput: Send + 'static {
    /// How the task ends.
    fn into_exit(self) -> TaskExit;
}

impl TaskOutput for () {
    fn into_exit(self) -> TaskExit {
        TaskExit::Exited(0)
    }
}

impl TaskOutput for i32 {
    fn into_exit(self) -> TaskExit {
        TaskExit::Exited(self)
    }
}

impl TaskOutput for TaskExit {
    fn into_exit(self) -> TaskExit {
        self
    }
}

impl<E: std::fmt::Display + Send + 'static> TaskOutput for Result<(), E> {
    fn into_exit(self) -> TaskExit {
        match self {
            Ok(()) => TaskExit::Exited(0),
            Err(e) => TaskExit::Crashed(e.to_string()),
        }
    }
}

pub(crate) fn factory<F, Fut, O>(program: F) -> TaskFactory
where
    F: FnOnce(TaskContext) -> Fut + Send + 'static,
    Fut: Future<Output = O> + Send + 'static,
    O: TaskOutput,
{
    Box::new(move |cx| Box::pin(async move { program(cx).await.into_exit() }))
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every task ended.
    Completed,
    /// Tasks remain, none can run, and nothing is pending.
    Deadlock(DeadlockReport),
    /// The virtual-time limit was reached.
    TimeLimit,
    /// The kernel-call limit was reached.
    StepLimit,
    /// Kernel code panicked (or answered a call wrongly) and the run stopped there;
    /// the report's violations say where.
    KernelBug,
}

impl Outcome {
    /// The scenario-file name of the outcome.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Deadlock(_) => "deadlock",
            Outcome::TimeLimit => "time_limit",
            Outcome::StepLimit => "step_limit",
            Outcome::KernelBug => "kernel_bug",
        }
    }
}

/// Who is stuck in a deadlock, on what, and the wait-for cycle if there is one.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DeadlockReport {
    /// Each blocked task and what it waits on, in task order.
    pub blocked: Vec<(String, String)>,
    /// A cycle of tasks each waiting for the next, if one exists.
    pub cycle: Vec<String>,
}

/// The result of [`Kernel::run`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunReport {
    /// How it ended.
    pub outcome: Outcome,
    /// Virtual time at the end, in nanoseconds.
    pub end_ns: Ticks,
    /// Kernel calls made.
    pub steps: u64,
    /// Message conservation counters.
    pub messages: MessageCounts,
    /// Messages still queued and held by blocked senders at the end.
    pub in_flight: u64,
    /// Kernel bugs: broken invariants (conservation, rights) and panics in kernel
    /// code; empty in a correct run.
    pub violations: Vec<Violation>,
    /// How each task stood at the end, in creation order.
    pub tasks: Vec<TaskReport>,
}

impl RunReport {
    /// How the task named `name` stood at the end, if there is such a task.
    pub fn task_end(&self, name: &str) -> Option<&TaskEnd> {
        self.tasks.iter().find(|t| t.name == name).map(|t| &t.end)
    }

    /// The tasks that crashed, with their messages, in creation order.
    pub fn crashed(&self) -> Vec<(&str, &str)> {
        self.tasks
            .iter()
            .filter_map(|t| match &t.end {
                TaskEnd::Ended(TaskExit::Crashed(reason)) => {
                    Some((t.name.as_str(), reason.as_str()))
                }
                _ => None,
            })
            .collect()
    }
}

/// One task in a [`RunReport`]: its name and how it stood at the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskReport {
    /// Its name (unique in the run).
    pub name: String,
    /// How it ended, or what it was doing when the run did.
    pub end: TaskEnd,
}

/// How a task stood when the run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskEnd {
    /// It ended: exited with a code, crashed with a message, or was killed.
    Ended(TaskExit),
    /// It was waiting in the kernel; on what, as the deadlock report says it
    /// (`receiving on inbox`, `sending to buffer (full)`, `sleeping`, …).
    Waiting(String),
    /// It was runnable: the run stopped at a limit, or at a kernel bug.
    Runnable,
    /// It never started: declared and never spawned, or its start time never came.
    NotStarted,
}

/// Builds a [`Kernel`].
#[derive(Clone, Debug, Default)]
pub struct KernelBuilder {
    config: Config,
}

impl KernelBuilder {
    /// The seed of every random choice.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// The scheduler.
    #[must_use]
    pub fn schedule(mut self, schedule: ScheduleKind) -> Self {
        self.config.schedule = schedule;
        self
    }

    /// Records a trace of the run.
    #[must_use]
    pub fn trace(mut self, on: bool) -> Self {
        self.config.trace = on;
        self
    }

    /// Records the trace straight into the binary form (postcard) as events happen,
    /// keeping no event structures: the cheapest way to trace a long run. Read it
    /// with [`Kernel::take_binary_trace`].
    #[must_use]
    pub fn stream_binary_trace(mut self) -> Self {
        self.config.trace = true;
        self.config.stream_binary_trace = true;
        self
    }

    /// The virtual-time limit, in milliseconds.
    #[must_use]
    pub fn time_limit_ms(mut self, ms: u64) -> Self {
        self.config.time_limit = crate::clock::ms(ms);
        self
    }

    /// The limit on kernel calls.
    #[must_use]
    pub fn step_limit(mut self, steps: u64) -> Self {
        self.config.step_limit = steps;
        self
    }

    /// Every setting at once.
    #[must_use]
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// The kernel.
    pub fn build(self) -> Kernel {
        let scheduler = crate::sched::for_config(&self.config);
        Kernel {
            state: Arc::new(Mutex::new(KernelState::new(self.config, scheduler))),
            futures: Vec::new(),
            polled: None,
        }
    }
}

/// A simulated Mach kernel: tasks, ports, a scheduler, a virtual clock and a trace.
///
/// # Examples
/// ```
/// use kernel::{
///     Kernel, Message, QueueLimit, ReceiveOptions, ReceivePolicy, SendPolicy, TaskEnd, TaskExit,
/// };
///
/// let mut kernel = Kernel::builder().seed(7).trace(true).build();
/// kernel.spawn("echo", |cx| async move {
///     let port = cx.allocate_port(QueueLimit::DEFAULT, Some("inbox")).await?;
///     cx.make_send(port).await?;
///     cx.send(Message::new(port, 1), SendPolicy::Block).await?;
///     let got = cx.receive(port, ReceivePolicy::Block, ReceiveOptions::default()).await?;
///     assert_eq!(got.id(), 1);
///     Ok::<(), kernel::Error>(())
/// });
/// let report = kernel.run();
/// assert_eq!(report.outcome.as_str(), "completed");
/// assert!(report.violations.is_empty());
/// // A failed assertion inside the task crashes the task, not this example: how
/// // the task ended is what says its assertion held.
/// assert_eq!(report.task_end("echo"), Some(&TaskEnd::Ended(TaskExit::Exited(0))));
/// ```
pub struct Kernel {
    state: Arc<Mutex<KernelState>>,
    futures: Vec<Option<TaskFuture>>,
    /// The last poll's result, settled at the start of the next step.
    polled: Option<(TaskId, u64, Polled)>,
}

/// What polling a task's future gave.
enum Polled {
    Pending,
    Ended(TaskExit),
}

impl std::fmt::Debug for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kernel").finish_non_exhaustive()
    }
}

impl Kernel {
    /// A builder with the defaults: seed 0, round robin, no trace, 60 s, 1,000,000 calls.
    pub fn builder() -> KernelBuilder {
        KernelBuilder::default()
    }

    /// Creates a task running `program`, runnable at once.
    pub fn spawn<F, Fut, O>(&mut self, name: &str, program: F) -> TaskId
    where
        F: FnOnce(TaskContext) -> Fut + Send + 'static,
        Fut: Future<Output = O> + Send + 'static,
        O: TaskOutput,
    {
        self.spawn_at(name, 0, program)
    }

    /// Creates a task that becomes runnable at `start_ms` of virtual time.
    pub fn spawn_at<F, Fut, O>(&mut self, name: &str, start_ms: u64, program: F) -> TaskId
    where
        F: FnOnce(TaskContext) -> Fut + Send + 'static,
        Fut: Future<Output = O> + Send + 'static,
        O: TaskOutput,
    {
        let mut state = lock(&self.state);
        let start = crate::clock::ms(start_ms);
        let task = state.create_task(name, None, Some(start));
        state.to_start.push((task, factory(program)));
        if start <= state.now {
            state.start_task(task);
        } else {
            state.timers.set(start, TimerKind::Start { task });
            state.pending_starts += 1;
        }
        drop(state);
        self.instantiate();
        task
    }

    /// Creates a task that only another task's `spawn_declared(name)` starts.
    pub fn declare<F, Fut, O>(&mut self, name: &str, program: F) -> TaskId
    where
        F: FnOnce(TaskContext) -> Fut + Send + 'static,
        Fut: Future<Output = O> + Send + 'static,
        O: TaskOutput,
    {
        let mut state = lock(&self.state);
        let task = state.create_task(name, None, None);
        let label = state.task_label(task);
        state.declared.insert(label, (task, factory(program)));
        task
    }

    /// Before the run: a port labelled `label` whose receive right `receiver` holds.
    ///
    /// # Errors
    /// `NoSuchTask` if `receiver` names no task; `Kern` if its space is full.
    pub fn allocate_port(
        &mut self,
        receiver: &str,
        label: &str,
        limit: QueueLimit,
    ) -> Result<PortName, ApiError> {
        let mut state = lock(&self.state);
        let task = state.task_by_name(receiver)?;
        Ok(state.allocate_receive(None, task, label, limit)?)
    }

    /// Before the run: gives `task` one send right (one reference) for the port
    /// labelled `label`, made as `make_send` makes one.
    ///
    /// # Errors
    /// `NoSuchTask`, `NoSuchPort`, or `Kern` (overflow, full space).
    pub fn give_send_right(&mut self, task: &str, label: &str) -> Result<PortName, ApiError> {
        let mut state = lock(&self.state);
        let task = state.task_by_name(task)?;
        let port = state.port_by_label(label)?;
        let name = state
            .grant_send(None, task, port)
            .map_err(crate::error::KernError::from)?;
        Ok(name)
    }

    /// Before the run: a port set labelled `label` held by `holder`, with members.
    ///
    /// # Errors
    /// `NoSuchTask`, `NoSuchPort`, or `Kern(InvalidRight)` if the holder does not
    /// hold a member's receive right.
    pub fn allocate_port_set(
        &mut self,
        holder: &str,
        label: &str,
        members: &[&str],
    ) -> Result<PortName, ApiError> {
        let mut state = lock(&self.state);
        let task = state.task_by_name(holder)?;
        let (set, name) = state.allocate_set(None, task, label)?;
        for member in members {
            let port = state.port_by_label(member)?;
            // The holder must hold the member's receive right, and a port is in at
            // most one set (Mach 3.0).
            if state.port(port).map(|p| p.receiver) != Some(Receiver::Task(task))
                || state.port(port).is_some_and(|p| p.set.is_some())
            {
                return Err(ApiError::Kern(crate::error::KernError::InvalidRight));
            }
            state.add_member(None, port, set);
        }
        Ok(name)
    }

    /// Schedules an outside fault at `at_ms` of virtual time.
    ///
    /// # Errors
    /// `NoSuchTask` / `NoSuchPort` if the target does not exist.
    pub fn schedule_fault(
        &mut self,
        at_ms: u64,
        kill: Option<&str>,
        destroy: Option<&str>,
    ) -> Result<(), ApiError> {
        let mut state = lock(&self.state);
        let fault = match (kill, destroy) {
            (Some(task), _) => Fault::Kill(state.task_by_name(task)?),
            (None, Some(label)) => Fault::DestroyPort(label.to_string()),
            (None, None) => return Ok(()),
        };
        let index = state.faults.len();
        state.faults.push(fault);
        state
            .timers
            .set(crate::clock::ms(at_ms), TimerKind::Fault { index });
        Ok(())
    }

    /// Runs until every task ends, a deadlock, or a limit.
    pub fn run(&mut self) -> RunReport {
        lock(&self.state).inline = true;
        while self.step_once() {}
        lock(&self.state).inline = false;
        self.report()
    }

    /// Runs one scheduling decision: one task makes one kernel call (or the clock
    /// moves, or a fault is applied). Returns false when the run is over.
    pub fn step(&mut self) -> bool {
        lock(&self.state).inline = false;
        let more = self.step_once();
        self.settle_now();
        more
    }

    fn step_once(&mut self) -> bool {
        let mut state = lock(&self.state);
        if let Some(polled) = self.polled.take() {
            state.guarded(Site::RunLoop, |state| state.settle(polled));
        }
        if state.has_programs_to_instantiate() {
            drop(state);
            self.instantiate();
            state = lock(&self.state);
        }
        let (task, steps_before) = match state.guarded(Site::RunLoop, KernelState::choose) {
            None | Some(Choice::Over) => return false,
            Some(Choice::Fired) => {
                drop(state);
                self.instantiate();
                return true;
            }
            Some(Choice::Idle { more }) => return more,
            Some(Choice::Run { task, steps_before }) => (task, steps_before),
        };
        drop(state);
        let Some(mut future) = self
            .futures
            .get_mut(task.index as usize)
            .and_then(Option::take)
        else {
            let mut state = lock(&self.state);
            state.guarded(Site::RunLoop, |state| {
                state.end_task(task, TaskExit::Crashed("task has no program".into()));
            });
            return true;
        };
        let mut cx = Context::from_waker(Waker::noop());
        let outcome = match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx))) {
            Ok(Poll::Ready(exit)) => Polled::Ended(exit),
            Ok(Poll::Pending) => {
                self.futures[task.index as usize] = Some(future);
                Polled::Pending
            }
            // Kernel code the task called into panicked: the bug is recorded where it
            // happened and the run has stopped; the task is not to blame.
            Err(_) if lock(&self.state).has_kernel_bug() => Polled::Pending,
            // The task's own code panicked: a task fault.
            Err(panic) => Polled::Ended(TaskExit::Crashed(format!(
                "panicked: {}",
                panic_message(panic.as_ref())
            ))),
        };
        // What the poll did is settled under the next iteration's lock, saving one
        // lock per task switch on the hot path.
        self.polled = Some((task, steps_before, outcome));
        true
    }

    /// Settles the last poll now, so the state can be inspected between steps.
    fn settle_now(&mut self) {
        if let Some(polled) = self.polled.take() {
            let mut state = lock(&self.state);
            state.guarded(Site::RunLoop, |state| state.settle(polled));
            let pending = state.has_programs_to_instantiate();
            drop(state);
            if pending {
                self.instantiate();
            }
        }
    }

    /// Creates the futures of tasks the kernel started, and drops those of ended tasks.
    fn instantiate(&mut self) {
        let mut state = lock(&self.state);
        let starting = std::mem::take(&mut state.to_start);
        let dropping = std::mem::take(&mut state.to_drop);
        let contexts: Vec<_> = starting
            .into_iter()
            .map(|(task, factory)| {
                let entry = state.task(task);
                let cx = TaskContext {
                    id: task,
                    name: entry.name.clone(),
                    kernel_port: entry.kernel_port_name,
                    notify_port: entry.notify_port_name,
                    state: Arc::clone(&self.state),
                };
                (task, factory, cx)
            })
            .collect();
        drop(state);
        for task in dropping {
            if let Some(slot) = self.futures.get_mut(task.index as usize) {
                let future = slot.take();
                let _ = catch_unwind(AssertUnwindSafe(move || drop(future)));
            }
        }
        for (task, factory, cx) in contexts {
            let index = task.index as usize;
            if self.futures.len() <= index {
                self.futures.resize_with(index + 1, || None);
            }
            // Making the future runs the program's own code (its closure): a panic
            // there is the task's fault, as in any poll.
            match catch_unwind(AssertUnwindSafe(move || factory(cx))) {
                Ok(future) => self.futures[index] = Some(future),
                Err(panic) => {
                    let exit =
                        TaskExit::Crashed(format!("panicked: {}", panic_message(panic.as_ref())));
                    let mut state = lock(&self.state);
                    state.guarded(Site::RunLoop, |state| state.end_task(task, exit));
                }
            }
        }
    }

    fn report(&self) -> RunReport {
        let state = lock(&self.state);
        let outcome = state.final_outcome().unwrap_or(Outcome::Completed);
        let in_flight = state.in_flight();
        // Bugs caught while running come first: a panic explains what the audit
        // then finds broken.
        let mut violations = state.violations.clone();
        violations.extend(state.audit());
        RunReport {
            outcome,
            end_ns: state.now,
            steps: state.steps,
            messages: state.counts,
            in_flight,
            violations,
            tasks: state.task_reports(),
        }
    }

    /// The trace recorded so far.
    pub fn trace(&self) -> Vec<TraceRecord> {
        lock(&self.state).trace.records().to_vec()
    }

    /// Takes the recorded trace out of the kernel (empty for a streamed trace).
    pub fn take_trace(&mut self) -> Vec<TraceRecord> {
        lock(&self.state).trace.take()
    }

    /// Takes a streamed binary trace out of the kernel as a complete `.trace` file:
    /// `header`'s line, then the records. For a kernel that kept its events in
    /// memory, encodes them.
    ///
    /// # Errors
    /// An encoding error (none is expected for well-formed events).
    pub fn take_binary_trace(
        &mut self,
        header: &crate::trace::TraceHeader,
    ) -> std::io::Result<Vec<u8>> {
        let mut state = lock(&self.state);
        let mut out = Vec::new();
        crate::trace::write_binary_header(&mut out, header)?;
        match state.trace.take_encoded() {
            Some(bytes) => out.extend_from_slice(&bytes),
            None => {
                let records = state.trace.take();
                crate::trace::write_binary_records(&mut out, &records)?;
            }
        }
        Ok(out)
    }

    /// A read-only view of the kernel's state, for reports and tests.
    pub fn inspect<R>(&self, f: impl FnOnce(&crate::inspect::Inspector<'_>) -> R) -> R {
        let state = lock(&self.state);
        f(&crate::inspect::Inspector { state: &state })
    }
}

/// What the run loop does next, decided under the lock.
enum Choice {
    /// The run is over.
    Over,
    /// Timers fired (tasks may have started): look again.
    Fired,
    /// No task could run and the clock moved on (`more` is false at the time limit).
    Idle { more: bool },
    /// Poll this task, which has made `steps_before` calls so far.
    Run { task: TaskId, steps_before: u64 },
}

impl KernelState {
    /// Whether tasks were started or ended whose futures the runtime must make or drop.
    fn has_programs_to_instantiate(&self) -> bool {
        !self.to_start.is_empty() || !self.to_drop.is_empty()
    }

    /// Decides the next step: the run is over, timers due now fire (a fault at the
    /// current instant, say, comes before any task step at that instant), a task
    /// runs, or the clock moves to the next timer.
    fn choose(&mut self) -> Choice {
        if self.halted.is_some() || self.final_outcome().is_some() {
            return Choice::Over;
        }
        if self.fire_due() {
            return Choice::Fired;
        }
        let next = match self.switch_to.take() {
            Some(task) if self.ready.contains(&task) => {
                self.ready.retain(|t| *t != task);
                Some(task)
            }
            _ => self.pick_next(),
        };
        match next {
            Some(task) => {
                self.current = Some(task);
                Choice::Run {
                    task,
                    steps_before: self.task(task).steps,
                }
            }
            None => Choice::Idle {
                more: self.advance_clock(),
            },
        }
    }

    /// Applies the result of polling a task: an ended program ends its task; a task
    /// that returned `Pending` without a kernel call awaited something the kernel does
    /// not drive, a fault. (An ended task's future is dropped through `to_drop`.)
    fn settle(&mut self, (task, steps_before, outcome): (TaskId, u64, Polled)) {
        self.current = None;
        match outcome {
            Polled::Ended(exit) => self.end_task(task, exit),
            Polled::Pending => {
                let made_call = self.task(task).steps != steps_before;
                // A task that returns `Pending` must be waiting in the kernel, or
                // runnable with the answer to its last call parked; anything else
                // awaited a future the kernel does not drive.
                let entry = self.task(task);
                let fine = entry.is_ended()
                    || matches!(entry.state, TaskState::Waiting(_))
                    || (matches!(entry.state, TaskState::Ready) && entry.reply.is_some());
                if self.halted.is_none() && (!made_call || !fine) {
                    self.end_task(
                        task,
                        TaskExit::Crashed("awaited a future the kernel does not drive".into()),
                    );
                }
            }
        }
    }
}

impl KernelState {
    pub(crate) fn task_by_name(&self, name: &str) -> Result<TaskId, ApiError> {
        self.task_names
            .get(name)
            .copied()
            .ok_or_else(|| ApiError::NoSuchTask(name.into()))
    }

    pub(crate) fn port_by_label(&self, label: &str) -> Result<PortId, ApiError> {
        self.port_labels
            .get(label)
            .copied()
            .ok_or_else(|| ApiError::NoSuchPort(label.into()))
    }

    /// Finds the name of a right `task` holds for the port or set labelled `label`
    /// (the most recent one when a label was reused).
    pub(crate) fn lookup_label(&self, task: TaskId, label: &str) -> Option<PortName> {
        let space = &self.task(task).space;
        let mut found: Option<(u32, PortName)> = None;
        for (name, entry) in space.iter() {
            let (object_label, index) = match entry.object {
                ports::EntryObject::Port(p) => (self.port(p).map(|_| self.port_label(p)), p.index),
                ports::EntryObject::PortSet(s) => (self.set(s).map(|s| s.label.clone()), s.index),
            };
            let matches = object_label
                .as_deref()
                .is_some_and(|l| l == label || l.split('#').next() == Some(label));
            if matches && found.is_none_or(|(i, _)| index >= i) {
                found = Some((index, name));
            }
        }
        // Rights whose port died are still found by the label the task knew.
        found.map(|(_, n)| n).or_else(|| {
            space.iter().find_map(|(name, entry)| {
                let port = entry.port()?;
                (self.port(port).is_none()
                    && self.dead_labels.get(&port).is_some_and(|l| &**l == label))
                .then_some(name)
            })
        })
    }

    /// Creates a task with its kernel and notify ports.
    pub(crate) fn create_task(
        &mut self,
        name: &str,
        parent: Option<TaskId>,
        start: Option<Ticks>,
    ) -> TaskId {
        let label = self.unique_task_name(name);
        let max_names = self.config.max_names_per_task;
        let (index, generation) = self.tasks.insert(TaskEntry {
            name: label.clone(),
            space: PortSpace::new(max_names),
            state: TaskState::NotStarted,
            reply: None,
            kernel_port: PortId::new(0, 0),
            notify_port: PortId::new(0, 0),
            kernel_port_name: PortName::NULL,
            notify_port_name: PortName::NULL,
            direct_mailbox: None,
            steps: 0,
            blocked_ns: 0,
            waiting_since: 0,
            wait_token: 0,
            handles: std::collections::BTreeMap::new(),
            handle_labels: std::collections::BTreeMap::new(),
            next_handle: 3,
            max_handles: self.config.max_handles_per_task,
        });
        let task = TaskId::new(index, generation);
        self.task_names.insert(label.clone(), task);
        self.scheduler.task_created(task);
        let kernel_label = format!("{label}.kernel");
        let notify_label = format!("{label}.notify");
        self.record(None, |k| Event::TaskCreated {
            name: label.clone(),
            parent: parent.map(|p| k.task_label(p)),
            kernel_port: Arc::from(kernel_label.as_str()),
            notify_port: Arc::from(notify_label.as_str()),
            start_ns: start,
        });
        let kernel_port = self.create_port(
            None,
            &kernel_label,
            QueueLimit::Unbounded,
            Receiver::Kernel(task),
        );
        let notify_port = self.create_port(
            None,
            &notify_label,
            QueueLimit::DEFAULT,
            Receiver::Task(task),
        );
        let kernel_name = self
            .task_mut(task)
            .space
            .insert_send(kernel_port, 1)
            .unwrap_or(PortName::NULL);
        if let Some(p) = self.port_mut(kernel_port) {
            p.srights += 1;
            p.mscount += 1;
        }
        let notify_name = self
            .task_mut(task)
            .space
            .insert_receive(notify_port)
            .unwrap_or(PortName::NULL);
        self.record_name(
            None,
            task,
            kernel_name,
            ports::EntryObject::Port(kernel_port),
        );
        self.record_name(
            None,
            task,
            notify_name,
            ports::EntryObject::Port(notify_port),
        );
        let entry = self.task_mut(task);
        entry.kernel_port = kernel_port;
        entry.notify_port = notify_port;
        entry.kernel_port_name = kernel_name;
        entry.notify_port_name = notify_name;
        task
    }

    fn unique_task_name(&mut self, wanted: &str) -> Arc<str> {
        if !self.task_names.contains_key(wanted) {
            return Arc::from(wanted);
        }
        (2..)
            .map(|n| format!("{wanted}#{n}"))
            .find(|n| !self.task_names.contains_key(n.as_str()))
            .map(Arc::from)
            .unwrap_or_else(|| Arc::from(wanted))
    }

    /// Chooses the next task to run and takes it off the ready queue.
    pub(crate) fn pick_next(&mut self) -> Option<TaskId> {
        if self.ready.is_empty() {
            return None;
        }
        // With one runnable task there is no choice to make, and the scheduler is
        // not asked (so `run`, which goes on inline, and `step` draw the same random
        // numbers).
        if self.ready.len() == 1 {
            return self.ready.pop_front();
        }
        let ready = self.ready.make_contiguous();
        let index = self.scheduler.pick(ready).min(ready.len() - 1);
        self.ready.remove(index)
    }

    /// After a call that finished at once: may the task go on without a trip through
    /// the run loop? Only when the scheduler would pick it again anyway.
    pub(crate) fn continue_inline(&mut self, task: TaskId) -> bool {
        if !self.inline || self.halted.is_some() {
            return false;
        }
        if self.ready.is_empty() {
            return true;
        }
        self.ready.push_back(task);
        let next = self.pick_next();
        if next == Some(task) {
            return true;
        }
        // Put the chosen task back at the front so the loop takes it next.
        if let Some(next) = next {
            self.ready.retain(|t| *t != task);
            self.switch_to = Some(next);
            self.ready.push_front(next);
            // `task` becomes ready again through the caller.
        }
        false
    }

    /// No task can run: move the clock to the next timer and fire what is due.
    /// Returns false when the run is over.
    fn advance_clock(&mut self) -> bool {
        let Some(((deadline, _), _)) = self.timers.earliest() else {
            return false;
        };
        if deadline > self.config.time_limit {
            self.now = self.config.time_limit;
            self.halted = Some(Halt::TimeLimit);
            return false;
        }
        self.now = self.now.max(deadline);
        self.fire_due();
        true
    }

    /// Fires every timer due at or before now, faults first. Returns whether any fired.
    pub(crate) fn fire_due(&mut self) -> bool {
        let mut fired = false;
        while let Some(kind) = self.timers.pop_due(self.now) {
            self.fire(kind);
            fired = true;
        }
        fired
    }

    fn fire(&mut self, kind: TimerKind) {
        match kind {
            TimerKind::Start { task } => {
                self.pending_starts -= 1;
                self.start_task(task);
            }
            TimerKind::Fault { index } => {
                let Some(fault) = self.faults.get(index).cloned() else {
                    return;
                };
                match fault {
                    Fault::Kill(task) if self.task(task).is_ended() => {}
                    Fault::Kill(task) => {
                        self.record(None, |k| Event::FaultApplied {
                            kind: FaultKind::Kill,
                            target: k.task_label(task),
                        });
                        self.end_task(task, TaskExit::Killed);
                    }
                    Fault::DestroyPort(label) => match self.port_by_label(&label) {
                        Ok(port) => {
                            self.record(None, |k| Event::FaultApplied {
                                kind: FaultKind::Destroy,
                                target: k.port_label(port),
                            });
                            self.destroy_port(port, PortDestroyReason::Fault, None);
                        }
                        Err(_) => self.record(None, |_| Event::FaultApplied {
                            kind: FaultKind::DestroyMissed,
                            target: Arc::from(label.as_str()),
                        }),
                    },
                }
            }
            TimerKind::WaitEnds { task, token } => {
                let entry = self.task(task);
                if entry.wait_token != token {
                    return;
                }
                match &entry.state {
                    TaskState::Waiting(Wait::Send { .. }) => self.send_wait_expired(task),
                    TaskState::Waiting(Wait::Receive { .. }) => self.receive_wait_expired(task),
                    TaskState::Waiting(Wait::Sleep { .. }) => {
                        self.wake(
                            task,
                            crate::task::Reply::Kern(Ok(crate::task::KernReply::Done)),
                            WakeReason::Timeout,
                        );
                    }
                    TaskState::Waiting(Wait::Service {
                        wait: crate::services::ServiceWait::Semaphore { semaphore },
                        ..
                    }) => {
                        let semaphore = *semaphore;
                        self.semaphore_wait_expired(task, semaphore);
                    }
                    _ => {}
                }
            }
        }
    }

    /// The outcome if the run is over now.
    pub(crate) fn final_outcome(&self) -> Option<Outcome> {
        match self.halted {
            Some(Halt::TimeLimit) => return Some(Outcome::TimeLimit),
            Some(Halt::StepLimit) => return Some(Outcome::StepLimit),
            Some(Halt::KernelBug) => return Some(Outcome::KernelBug),
            None => {}
        }
        if !self.ready.is_empty() {
            return None;
        }
        // Every task has ended and none waits for its start time: the run is over,
        // whatever faults are still scheduled (they have nothing left to hit).
        if self.live_tasks == 0 && self.pending_starts == 0 {
            return Some(Outcome::Completed);
        }
        if !self.timers.is_empty() {
            return None;
        }
        Some(Outcome::Deadlock(self.deadlock_report()))
    }

    /// Messages still in the kernel: queued, or held by blocked senders.
    pub(crate) fn in_flight(&self) -> u64 {
        let queued: usize = self.ports.iter().map(|(_, _, p)| p.queue.len()).sum();
        let held = self
            .tasks
            .iter()
            .filter(|(_, _, t)| matches!(t.state, TaskState::Waiting(Wait::Send { .. })))
            .count();
        (queued + held) as u64
    }

    /// How every task stands now, in creation order, for the run report.
    pub(crate) fn task_reports(&self) -> Vec<TaskReport> {
        self.tasks
            .iter()
            .map(|(index, generation, task)| TaskReport {
                name: task.name.to_string(),
                end: match &task.state {
                    TaskState::Ended(exit) => TaskEnd::Ended(exit.clone()),
                    TaskState::Waiting(wait) => {
                        let (what, _) = self.wait_for(TaskId::new(index, generation), wait);
                        TaskEnd::Waiting(what)
                    }
                    TaskState::Ready => TaskEnd::Runnable,
                    TaskState::NotStarted => TaskEnd::NotStarted,
                },
            })
            .collect()
    }

    /// What each blocked task waits on, and a wait-for cycle if one exists.
    pub(crate) fn deadlock_report(&self) -> DeadlockReport {
        let mut blocked = Vec::new();
        let mut edges: Vec<(TaskId, Vec<TaskId>)> = Vec::new();
        for (index, generation, task) in self.tasks.iter() {
            let id = TaskId::new(index, generation);
            let TaskState::Waiting(wait) = &task.state else {
                continue;
            };
            let (what, waits_for) = self.wait_for(id, wait);
            blocked.push((task.name.to_string(), what));
            edges.push((id, waits_for));
        }
        let cycle = find_cycle(&edges)
            .into_iter()
            .map(|t| self.task(t).name.to_string())
            .collect();
        DeadlockReport { blocked, cycle }
    }

    /// What `id`'s wait is, in words, and the tasks that could end it: a task
    /// receiving waits for every other holder of a send right to its port; a task
    /// sending to a full port waits for the port's receiver.
    fn wait_for(&self, id: TaskId, wait: &Wait) -> (String, Vec<TaskId>) {
        match wait {
            Wait::Send { port, .. } => (
                format!("sending to {} (full)", self.port_label(*port)),
                self.port(*port)
                    .and_then(|p| p.receiver_task())
                    .into_iter()
                    .collect(),
            ),
            Wait::Receive { source, .. } => {
                let ports: Vec<PortId> = match source {
                    ReceiveSource::Port(p) | ReceiveSource::Direct { mailbox: p, .. } => {
                        vec![*p]
                    }
                    ReceiveSource::Set(s) => {
                        self.set(*s).map(|s| s.members.clone()).unwrap_or_default()
                    }
                };
                let label = match source {
                    ReceiveSource::Set(s) => self.set_label(*s),
                    ReceiveSource::Port(p) | ReceiveSource::Direct { mailbox: p, .. } => {
                        self.port_label(*p)
                    }
                };
                let senders = self.send_right_holders(&ports, id);
                (format!("receiving on {label}"), senders)
            }
            Wait::Sleep { .. } => ("sleeping".to_string(), Vec::new()),
            Wait::Service { wait, .. } => self.service_wait_report(id, wait),
        }
    }

    fn send_right_holders(&self, ports: &[PortId], except: TaskId) -> Vec<TaskId> {
        let mut holders = Vec::new();
        for (index, generation, task) in self.tasks.iter() {
            let id = TaskId::new(index, generation);
            if id == except || task.is_ended() {
                continue;
            }
            let holds = task.space.iter().any(|(_, e)| {
                e.port().is_some_and(|p| ports.contains(&p))
                    && (e.rights.contains(ports::RightKind::Send)
                        || e.rights.contains(ports::RightKind::SendOnce))
            });
            if holds {
                holders.push(id);
            }
        }
        holders
    }
}

/// A cycle in the wait-for graph, found by depth-first search in task order.
fn find_cycle(edges: &[(TaskId, Vec<TaskId>)]) -> Vec<TaskId> {
    fn visit(
        node: TaskId,
        edges: &[(TaskId, Vec<TaskId>)],
        path: &mut Vec<TaskId>,
        done: &mut Vec<TaskId>,
    ) -> Option<Vec<TaskId>> {
        if let Some(at) = path.iter().position(|t| *t == node) {
            return Some(path[at..].to_vec());
        }
        if done.contains(&node) {
            return None;
        }
        path.push(node);
        let next = edges
            .iter()
            .find(|(t, _)| *t == node)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        for n in next {
            if let Some(cycle) = visit(n, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.push(node);
        None
    }
    let mut done = Vec::new();
    for (start, _) in edges {
        let mut path = Vec::new();
        if let Some(cycle) = visit(*start, edges, &mut path, &mut done) {
            return cycle;
        }
    }
    Vec::new()
}

impl Kernel {
    /// Before the run: a memory object of `size` bytes labelled `label`, with one
    /// send right for each of `holders` (a scenario's `[[memory]]`).
    ///
    /// # Errors
    /// `NoSuchTask`; `Kern(InvalidValue)` for a bad size; `Kern(NoSpace)`.
    pub fn create_memory_object(
        &mut self,
        label: &str,
        size: u32,
        holders: &[&str],
    ) -> Result<(), ApiError> {
        let mut state = lock(&self.state);
        let tasks = holders
            .iter()
            .map(|h| state.task_by_name(h))
            .collect::<Result<Vec<_>, _>>()?;
        let Some((&first, rest)) = tasks.split_first() else {
            return Err(ApiError::Kern(crate::error::KernError::InvalidArgument));
        };
        let reply = state
            .memory_create_by(None, first, bytes::Bytes::new(), size, Some(label))
            .map_err(|e| ApiError::Kern(service_to_kern(&e)))?;
        let crate::services::ServiceReply::Name(name) = reply else {
            return Err(ApiError::Kern(crate::error::KernError::InvalidArgument));
        };
        let port = state
            .task(first)
            .space
            .get(name)
            .and_then(|e| e.port())
            .ok_or(ApiError::NoSuchPort(label.into()))?;
        for task in rest {
            state
                .give_object_send_right(None, *task, port)
                .map_err(|e| ApiError::Kern(service_to_kern(&e)))?;
        }
        Ok(())
    }

    /// Before the run: a semaphore with count `value` labelled `label`, with one
    /// send right for each of `holders` (a scenario's `[[semaphore]]`).
    ///
    /// # Errors
    /// `NoSuchTask`; `Kern(NoSpace)`.
    pub fn create_semaphore(
        &mut self,
        label: &str,
        value: u32,
        holders: &[&str],
    ) -> Result<(), ApiError> {
        let mut state = lock(&self.state);
        let tasks = holders
            .iter()
            .map(|h| state.task_by_name(h))
            .collect::<Result<Vec<_>, _>>()?;
        let Some((&first, rest)) = tasks.split_first() else {
            return Err(ApiError::Kern(crate::error::KernError::InvalidArgument));
        };
        let reply = state
            .semaphore_create_by(None, first, value, Some(label))
            .map_err(|e| ApiError::Kern(service_to_kern(&e)))?;
        let crate::services::ServiceReply::Name(name) = reply else {
            return Err(ApiError::Kern(crate::error::KernError::InvalidArgument));
        };
        let port = state
            .task(first)
            .space
            .get(name)
            .and_then(|e| e.port())
            .ok_or(ApiError::NoSuchPort(label.into()))?;
        for task in rest {
            state
                .give_object_send_right(None, *task, port)
                .map_err(|e| ApiError::Kern(service_to_kern(&e)))?;
        }
        Ok(())
    }

    /// Before the run: a named pipe at `path` (a scenario's `[[named_pipe]]`),
    /// made by no task, so it belongs to nobody until unlinked.
    ///
    /// # Errors
    /// `Kern(NameExists)` or `Kern(InvalidValue)`.
    pub fn create_named_pipe(
        &mut self,
        path: &str,
        mode: crate::services::PipeMode,
        capacity: Option<u32>,
    ) -> Result<(), ApiError> {
        let mut state = lock(&self.state);
        state
            .named_pipe_create(None, path, mode, capacity)
            .map(drop)
            .map_err(|e| ApiError::Kern(service_to_kern(&e)))
    }
}

/// The kernel error an embedding call reports for a service refusal.
fn service_to_kern(e: &crate::services::ServiceError) -> crate::error::KernError {
    use crate::error::KernError;
    use crate::services::ServiceError;
    match e {
        ServiceError::InvalidName => KernError::InvalidName,
        ServiceError::InvalidRight => KernError::InvalidRight,
        ServiceError::NameExists => KernError::NameExists,
        ServiceError::NoSpace => KernError::NoSpace,
        _ => KernError::InvalidValue,
    }
}

#[cfg(test)]
mod tests;
