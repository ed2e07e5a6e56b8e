//! `TaskContext`: the kernel API a task is written against.
//!
//! Every method that enters the kernel is `async`: awaiting it is a trap and a
//! scheduling point. The call runs atomically when the task is polled; if it must
//! wait, the task stays parked until another task's call (or a timer) finishes it.

use crate::error::{KernError, ReceiveError, SendError, SendStatus, TaskExit};
use crate::kernel_port::KernelOp;
use crate::state::KernelState;
use crate::syscall::Call;
use crate::task::{KernReply, ReceiveOptions, Reply};
use crate::violation::Site;
use ports::NotificationKind;
use ports::{
    Message, PortName, QueueLimit, ReceivePolicy, RightKind, RightSet, SendPolicy, TaskId,
};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

/// A task's handle on the kernel, given to its program when it starts.
///
/// It is the only way a task reaches the kernel: there is no ambient "current
/// kernel". Names it takes and returns are the task's own [`PortName`]s.
pub struct TaskContext {
    pub(crate) id: TaskId,
    pub(crate) name: Arc<str>,
    pub(crate) kernel_port: PortName,
    pub(crate) notify_port: PortName,
    pub(crate) state: Arc<Mutex<KernelState>>,
}

impl std::fmt::Debug for TaskContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskContext")
            .field("task", &self.name)
            .finish()
    }
}

pub(crate) fn lock(state: &Mutex<KernelState>) -> MutexGuard<'_, KernelState> {
    // A poisoned lock means a kernel bug panicked mid-call; the state is still the
    // best record of what happened, and the run's audit reports the damage.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The future of one kernel call.
struct Trap<'a> {
    cx: &'a TaskContext,
    call: Option<Call>,
}

impl Future for Trap<'_> {
    type Output = Reply;

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Reply> {
        let me = self.cx.id;
        let call = self.call.take();
        let mut state = lock(&self.cx.state);
        // A panic in the kernel's code is the kernel's bug, caught here so that it
        // does not unwind into the task's poll and get blamed on the task: the run
        // stops, and this call never returns.
        state
            .guarded(Site::Call, |state| state.trap(me, call))
            .unwrap_or(Poll::Pending)
    }
}

impl TaskContext {
    /// The future of one call: a plain struct rather than an `async fn`, so each
    /// public method's state machine holds it directly (one layer less to move).
    fn trap(&self, call: Call) -> Trap<'_> {
        Trap {
            cx: self,
            call: Some(call),
        }
    }

    /// Runs kernel code for this task outside a trap (a lookup, a handle label). A
    /// panic in it is a kernel bug as in a trap: recorded, and the run halted; the
    /// task's code does not go on (its poll unwinds, and the runtime, seeing the
    /// kernel halted by a bug, does not blame the task).
    pub(crate) fn with_state<R>(&self, f: impl FnOnce(&mut KernelState) -> R) -> R {
        let mut state = lock(&self.state);
        match state.guarded(Site::Call, f) {
            Some(result) => result,
            None => {
                drop(state);
                std::panic::resume_unwind(Box::new("kernel bug"))
            }
        }
    }

    async fn kernel(&self, op: KernelOp) -> Result<KernReply, KernError> {
        match self.trap(Call::Kernel(op)).await {
            Reply::Kern(result) => result,
            other => {
                unreachable!("a kernel-port call is answered by a kernel reply, not {other:?}")
            }
        }
    }

    /// This task's id.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// This task's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name of this task's send right to its kernel port.
    pub fn kernel_port(&self) -> PortName {
        self.kernel_port
    }

    /// The name of this task's notify port (it holds the receive right).
    pub fn notify_port(&self) -> PortName {
        self.notify_port
    }

    /// The current virtual time in nanoseconds (no scheduling point).
    pub fn now_ns(&self) -> u64 {
        self.with_state(|state| state.now)
    }

    /// The name under which this task holds a right for the port labelled `label`,
    /// if it holds any. Labels are trace metadata: this finds rights the task already
    /// has and grants none (scenario scripts name ports by label this way).
    pub fn lookup(&self, label: &str) -> Option<PortName> {
        self.with_state(|state| state.lookup_label(self.id, label))
    }

    /// The label of the port or set `name` denotes, if any.
    pub fn label_of(&self, name: PortName) -> Option<String> {
        self.with_state(|state| {
            let entry = state.task(self.id).space.get(name)?;
            Some(state.object_label(entry.object).to_string())
        })
    }

    /// Sends `message` under `policy`.
    ///
    /// Corresponds to `mach_msg` with `MACH_SEND_MSG` (plus `MACH_SEND_TIMEOUT` and
    /// `MACH_SEND_NOTIFY` as the policy says). The msg-accepted notification of a
    /// forced send goes to this task's notify port.
    ///
    /// # Errors
    /// A [`SendError`], carrying the message back where Mach hands it back.
    pub async fn send(
        &self,
        message: Message,
        policy: SendPolicy,
    ) -> Result<SendStatus, SendError> {
        match self.trap(Call::Send { message, policy }).await {
            Reply::Send(result) => result,
            other => unreachable!("a send is answered by a send reply, not {other:?}"),
        }
    }

    /// Sends `message`, then receives from `name`, in one kernel call: Mach's
    /// `mach_msg` with `MACH_SEND_MSG | MACH_RCV_MSG`, the way an RPC client sends a
    /// request and waits for the reply, and a server replies and waits for the next
    /// request. A send error returns at once without receiving. If the send has to
    /// wait, the receive follows when it completes.
    ///
    /// # Errors
    /// [`Error::Send`](crate::Error::Send) if the send failed (the message comes
    /// back in it), [`Error::Receive`](crate::Error::Receive) if the receive did.
    pub async fn send_receive(
        &self,
        message: Message,
        policy: SendPolicy,
        name: PortName,
        receive_policy: ReceivePolicy,
        options: ReceiveOptions,
    ) -> Result<Message, crate::Error> {
        let call = Call::SendReceive {
            message,
            policy,
            name,
            receive_policy,
            options,
        };
        match self.trap(call).await {
            Reply::Receive(result) => Ok(result?),
            Reply::Send(Err(e)) => Err(e.into()),
            // The send waited and then went in: now the receive.
            Reply::Send(Ok(_)) => Ok(self.receive(name, receive_policy, options).await?),
            other => {
                unreachable!("a send-receive is answered by a send or receive reply, not {other:?}")
            }
        }
    }

    /// Direct naming: sends to the task named `task` (its direct mailbox, capacity 5).
    /// The message's `dest` is ignored.
    ///
    /// # Errors
    /// `InvalidDest` if no live task has that name; otherwise as [`TaskContext::send`].
    pub async fn send_to_task(
        &self,
        task: &str,
        message: Message,
        policy: SendPolicy,
    ) -> Result<SendStatus, SendError> {
        match self
            .trap(Call::SendToTask {
                task: task.to_string(),
                message,
                policy,
            })
            .await
        {
            Reply::Send(result) => result,
            other => unreachable!("a send is answered by a send reply, not {other:?}"),
        }
    }

    /// Receives from a receive right or a port set.
    ///
    /// Corresponds to `mach_msg` with `MACH_RCV_MSG` (`MACH_RCV_TIMEOUT`,
    /// `MACH_RCV_LARGE` as asked).
    ///
    /// # Errors
    /// A [`ReceiveError`].
    pub async fn receive(
        &self,
        name: PortName,
        policy: ReceivePolicy,
        options: ReceiveOptions,
    ) -> Result<Message, ReceiveError> {
        match self
            .trap(Call::Receive {
                name,
                policy,
                options,
            })
            .await
        {
            Reply::Receive(result) => result,
            other => unreachable!("a receive is answered by a receive reply, not {other:?}"),
        }
    }

    /// Direct naming: receives from this task's direct mailbox, only what `from` sent
    /// (symmetric), or anything (`None`, asymmetric).
    ///
    /// # Errors
    /// `InvalidName` if `from` names no task; otherwise as [`TaskContext::receive`].
    pub async fn receive_from_task(
        &self,
        from: Option<&str>,
        policy: ReceivePolicy,
        options: ReceiveOptions,
    ) -> Result<Message, ReceiveError> {
        let from = from.map(str::to_string);
        match self
            .trap(Call::ReceiveDirect {
                from,
                policy,
                options,
            })
            .await
        {
            Reply::Receive(result) => result,
            other => unreachable!("a receive is answered by a receive reply, not {other:?}"),
        }
    }

    /// Allocates a port; this task holds its receive right.
    ///
    /// # Errors
    /// `NoSpace` if the name space is full.
    pub async fn allocate_port(
        &self,
        limit: QueueLimit,
        label: Option<&str>,
    ) -> Result<PortName, KernError> {
        let op = KernelOp::Allocate {
            limit,
            label: label.map(str::to_string),
        };
        match self.kernel(op).await? {
            KernReply::Name(name) => Ok(name),
            other => unreachable!("allocate answers a name, not {other:?}"),
        }
    }

    /// Allocates an empty port set.
    ///
    /// # Errors
    /// `NoSpace` if the name space is full.
    pub async fn allocate_port_set(&self, label: Option<&str>) -> Result<PortName, KernError> {
        match self
            .kernel(KernelOp::AllocateSet {
                label: label.map(str::to_string),
            })
            .await?
        {
            KernReply::Name(name) => Ok(name),
            other => unreachable!("allocate answers a name, not {other:?}"),
        }
    }

    /// Adds one send reference made from this task's receive right `name`.
    ///
    /// # Errors
    /// `InvalidName`, `InvalidRight` (not a receive right), `UrefsOverflow`.
    pub async fn make_send(&self, name: PortName) -> Result<(), KernError> {
        self.kernel(KernelOp::MakeSend { name }).await.map(drop)
    }

    /// Drops one user reference of a send, send-once or dead-name right.
    ///
    /// # Errors
    /// `InvalidName`, `InvalidRight` (a receive right or set).
    pub async fn deallocate(&self, name: PortName) -> Result<(), KernError> {
        self.kernel(KernelOp::Deallocate { name }).await.map(drop)
    }

    /// Destroys every right under `name`; a receive right's port dies (or goes to
    /// its port-destroyed backup).
    ///
    /// # Errors
    /// `InvalidName`.
    pub async fn destroy(&self, name: PortName) -> Result<(), KernError> {
        self.kernel(KernelOp::Destroy { name }).await.map(drop)
    }

    /// Adds (or with a negative `delta`, drops) user references of `right`.
    ///
    /// # Errors
    /// `InvalidName`, `InvalidRight`, `InvalidValue`, `UrefsOverflow`.
    pub async fn mod_refs(
        &self,
        name: PortName,
        right: RightKind,
        delta: i32,
    ) -> Result<(), KernError> {
        self.kernel(KernelOp::ModRefs { name, right, delta })
            .await
            .map(drop)
    }

    /// Changes the queue limit of a port this task receives from; raising it lets
    /// blocked senders in. `None` is unbounded.
    ///
    /// # Errors
    /// `InvalidRight` (not a receive right), `InvalidValue` (over 1024).
    pub async fn set_queue_limit(
        &self,
        name: PortName,
        limit: Option<u32>,
    ) -> Result<(), KernError> {
        self.kernel(KernelOp::SetQueueLimit { name, limit })
            .await
            .map(drop)
    }

    /// Requests one notification about `name`, sent to the receive right `notify`.
    ///
    /// # Errors
    /// `InvalidName`, `InvalidRight`, `InvalidValue`, `InvalidArgument`,
    /// `InvalidCapability` (bad notify port).
    pub async fn request_notification(
        &self,
        name: PortName,
        kind: NotificationKind,
        notify: PortName,
        sync: u32,
    ) -> Result<(), KernError> {
        self.kernel(KernelOp::RequestNotification {
            name,
            kind,
            notify,
            sync,
        })
        .await
        .map(drop)
    }

    /// Moves the receive right `member` into `set` (leaving any set it was in).
    ///
    /// # Errors
    /// `InvalidRight` if `member` is not a receive right or `set` not a set.
    pub async fn add_to_set(&self, member: PortName, set: PortName) -> Result<(), KernError> {
        self.kernel(KernelOp::MoveMember {
            member,
            set: Some(set),
        })
        .await
        .map(drop)
    }

    /// Takes `member` out of `set`.
    ///
    /// # Errors
    /// `NotInSet` if it is not in that set.
    pub async fn remove_from_set(&self, member: PortName, set: PortName) -> Result<(), KernError> {
        self.kernel(KernelOp::RemoveMember { member, set })
            .await
            .map(drop)
    }

    /// What `name` denotes, and the user references of its send right or dead name
    /// (`mach_port_type` with `mach_port_get_refs`).
    ///
    /// # Errors
    /// `InvalidName` if it denotes nothing.
    pub async fn port_type(&self, name: PortName) -> Result<(RightSet, u32), KernError> {
        match self.kernel(KernelOp::PortType { name }).await? {
            KernReply::Type { rights, urefs } => Ok((rights, urefs)),
            other => unreachable!("port_type answers a type, not {other:?}"),
        }
    }

    /// Gives the task whose kernel port `task_port` names the right `right`, taken
    /// as `disposition` says; returns its name in that task
    /// (`mach_port_insert_right`, with the kernel choosing the name).
    ///
    /// # Errors
    /// `InvalidName`/`InvalidRight` for a bad name (a task port whose task ended is a
    /// dead name: `InvalidRight`), `InvalidArgument` if `task_port` is a send right
    /// to a port that is not a task's kernel port, `InvalidCapability` for a dead right.
    pub async fn insert_right(
        &self,
        task_port: PortName,
        right: PortName,
        disposition: ports::Disposition,
    ) -> Result<PortName, KernError> {
        match self
            .kernel(KernelOp::InsertRight {
                task_port,
                right,
                disposition,
            })
            .await?
        {
            KernReply::Name(name) => Ok(name),
            other => unreachable!("insert_right answers a name, not {other:?}"),
        }
    }

    /// Takes the right `name` out of the task whose kernel port `task_port` names,
    /// as `disposition` says; returns its name in this task (`mach_port_extract_right`).
    ///
    /// # Errors
    /// As [`TaskContext::insert_right`].
    pub async fn extract_right(
        &self,
        task_port: PortName,
        name: PortName,
        disposition: ports::Disposition,
    ) -> Result<PortName, KernError> {
        match self
            .kernel(KernelOp::ExtractRight {
                task_port,
                name,
                disposition,
            })
            .await?
        {
            KernReply::Name(name) => Ok(name),
            other => unreachable!("extract_right answers a name, not {other:?}"),
        }
    }

    /// Gives the scheduler a chance to run another task; a kernel step that changes
    /// nothing (Mach's `thread_switch`). A scenario's `repeat` makes one per iteration.
    pub async fn yield_now(&self) {
        let _ = self.trap(Call::Yield).await;
    }

    /// Sleeps for `ms` of virtual time (0 just yields).
    pub async fn sleep(&self, ms: u64) {
        let _ = self.trap(Call::Sleep { ms }).await;
    }

    /// Starts the declared task `name` as this task's child; returns this task's
    /// send right to the child's kernel port.
    ///
    /// # Errors
    /// `InvalidArgument` if no task of that name waits to be spawned.
    pub async fn spawn_declared(&self, name: &str) -> Result<PortName, KernError> {
        match self
            .trap(Call::Spawn {
                name: name.to_string(),
                factory: None,
            })
            .await
        {
            Reply::Kern(Ok(KernReply::Name(name))) => Ok(name),
            Reply::Kern(Err(e)) => Err(e),
            other => unreachable!("spawn answers a name, not {other:?}"),
        }
    }

    /// Starts a new task running `program` as this task's child.
    ///
    /// # Errors
    /// `NoSpace` if this task's name space is full.
    pub async fn spawn<F, Fut, O>(&self, name: &str, program: F) -> Result<PortName, KernError>
    where
        F: FnOnce(TaskContext) -> Fut + Send + 'static,
        Fut: Future<Output = O> + Send + 'static,
        O: crate::TaskOutput,
    {
        let factory = crate::runtime::factory(program);
        match self
            .trap(Call::Spawn {
                name: name.to_string(),
                factory: Some(factory),
            })
            .await
        {
            Reply::Kern(Ok(KernReply::Name(name))) => Ok(name),
            Reply::Kern(Err(e)) => Err(e),
            other => unreachable!("spawn answers a name, not {other:?}"),
        }
    }

    /// Ends this task with `code`. The await never completes: the kernel ends the
    /// task inside the call and never polls it again (its type is `()` rather than
    /// `!` so that a program ending in it still has an ordinary output type).
    pub async fn exit(&self, code: i32) {
        let _ = self.trap(Call::Exit(TaskExit::Exited(code))).await;
    }

    /// Ends this task as crashed, with `reason`. The await never completes.
    pub async fn crash(&self, reason: &str) {
        let _ = self
            .trap(Call::Exit(TaskExit::Crashed(reason.to_string())))
            .await;
    }

    async fn service(
        &self,
        op: crate::services::ServiceOp,
    ) -> Result<crate::services::ServiceReply, crate::services::ServiceError> {
        match self.trap(Call::Service(op)).await {
            Reply::Service(result) => result,
            other => unreachable!("a service call is answered by a service reply, not {other:?}"),
        }
    }

    /// Gives a handle (a mapping or a pipe end) a label, so scripts and children
    /// can find it with [`TaskContext::handle`]. Metadata only: not a kernel call.
    pub fn label_handle(&self, handle: u32, label: &str) {
        self.with_state(|state| {
            state
                .task_mut(self.id)
                .handle_labels
                .insert(label.to_string(), handle);
        });
    }

    /// Forgets a handle label (the handle itself stays open).
    pub fn forget_handle(&self, label: &str) {
        self.with_state(|state| {
            state.task_mut(self.id).handle_labels.remove(label);
        });
    }

    /// The handle labelled `label`, if this task still has it open.
    pub fn handle(&self, label: &str) -> Option<u32> {
        self.with_state(|state| {
            let task = state.task(self.id);
            task.handle_labels
                .get(label)
                .copied()
                .filter(|h| task.handles.contains_key(h))
        })
    }

    /// Makes a zeroed memory object of `size` bytes; returns a send right naming
    /// it (give it to other tasks in messages to share the memory).
    ///
    /// # Errors
    /// `InvalidValue` for a size of 0 or over the kernel's limit; `NoSpace`.
    pub async fn memory_create(
        &self,
        size: u32,
        label: Option<&str>,
    ) -> Result<PortName, crate::services::ServiceError> {
        let op = crate::services::ServiceOp::MemoryCreate {
            size,
            label: label.map(str::to_string),
        };
        match self.service(op).await? {
            crate::services::ServiceReply::Name(name) => Ok(name),
            other => unreachable!("memory_create answers a name, not {other:?}"),
        }
    }

    /// Makes a memory object from an out-of-line region received in a message, by
    /// virtual copy: it shares the region's bytes until either side writes.
    ///
    /// # Errors
    /// `InvalidValue` for an empty region or one over the kernel's limit; `NoSpace`.
    pub async fn memory_from_ool(
        &self,
        region: &ports::Ool,
        label: Option<&str>,
    ) -> Result<PortName, crate::services::ServiceError> {
        let op = crate::services::ServiceOp::MemoryFromOol {
            data: region.data.clone(),
            label: label.map(str::to_string),
        };
        match self.service(op).await? {
            crate::services::ServiceReply::Name(name) => Ok(name),
            other => unreachable!("memory_from_ool answers a name, not {other:?}"),
        }
    }

    /// Maps the memory object `object` names; returns a mapping handle.
    ///
    /// # Errors
    /// `InvalidName`/`InvalidRight` if `object` is not a send right to a memory object.
    pub async fn memory_map(&self, object: PortName) -> Result<u32, crate::services::ServiceError> {
        match self
            .service(crate::services::ServiceOp::MemoryMap { object })
            .await?
        {
            crate::services::ServiceReply::Handle(handle) => Ok(handle),
            other => unreachable!("memory_map answers a handle, not {other:?}"),
        }
    }

    /// Reads a little-endian value of `width` at `offset` of a mapping: one kernel
    /// call, so other tasks may run between two reads.
    ///
    /// # Errors
    /// `BadHandle`; `InvalidAddress` outside the object.
    pub async fn memory_read(
        &self,
        mapping: u32,
        offset: u32,
        width: crate::services::Width,
    ) -> Result<u64, crate::services::ServiceError> {
        match self
            .service(crate::services::ServiceOp::MemoryRead {
                mapping,
                offset,
                width,
            })
            .await?
        {
            crate::services::ServiceReply::Value(value) => Ok(value),
            other => unreachable!("memory_read answers a value, not {other:?}"),
        }
    }

    /// Writes the low `width` bytes of `value`, little-endian, at `offset`.
    ///
    /// # Errors
    /// `BadHandle`; `InvalidAddress` outside the object.
    pub async fn memory_write(
        &self,
        mapping: u32,
        offset: u32,
        width: crate::services::Width,
        value: u64,
    ) -> Result<(), crate::services::ServiceError> {
        self.service(crate::services::ServiceOp::MemoryWrite {
            mapping,
            offset,
            width,
            value,
        })
        .await
        .map(drop)
    }

    /// Unmaps a mapping. The object is freed once nothing maps or names it.
    ///
    /// # Errors
    /// `BadHandle`.
    pub async fn memory_unmap(&self, mapping: u32) -> Result<(), crate::services::ServiceError> {
        self.service(crate::services::ServiceOp::MemoryUnmap { mapping })
            .await
            .map(drop)
    }

    /// `semaphore_create`: a counting semaphore starting at `value`; returns a send
    /// right naming it.
    ///
    /// # Errors
    /// `NoSpace`.
    pub async fn semaphore_create(
        &self,
        value: u32,
        label: Option<&str>,
    ) -> Result<PortName, crate::services::ServiceError> {
        let op = crate::services::ServiceOp::SemaphoreCreate {
            value,
            label: label.map(str::to_string),
        };
        match self.service(op).await? {
            crate::services::ServiceReply::Name(name) => Ok(name),
            other => unreachable!("semaphore_create answers a name, not {other:?}"),
        }
    }

    /// `semaphore_wait`: takes a unit, waiting while the count is 0.
    ///
    /// # Errors
    /// `InvalidName`/`InvalidRight`; `Terminated` if it is destroyed meanwhile.
    pub async fn semaphore_wait(
        &self,
        semaphore: PortName,
    ) -> Result<(), crate::services::ServiceError> {
        self.service(crate::services::ServiceOp::SemaphoreWait {
            semaphore,
            timeout_ms: None,
        })
        .await
        .map(drop)
    }

    /// `semaphore_timedwait`: as [`TaskContext::semaphore_wait`], for at most `ms`.
    ///
    /// # Errors
    /// `OperationTimedOut` when the time runs out; as `semaphore_wait` otherwise.
    pub async fn semaphore_timed_wait(
        &self,
        semaphore: PortName,
        ms: u64,
    ) -> Result<(), crate::services::ServiceError> {
        self.service(crate::services::ServiceOp::SemaphoreWait {
            semaphore,
            timeout_ms: Some(ms),
        })
        .await
        .map(drop)
    }

    /// `semaphore_signal`: gives a unit to the first waiter, or adds it to the count.
    ///
    /// # Errors
    /// `InvalidName`/`InvalidRight`.
    pub async fn semaphore_signal(
        &self,
        semaphore: PortName,
    ) -> Result<(), crate::services::ServiceError> {
        self.service(crate::services::ServiceOp::SemaphoreSignal { semaphore })
            .await
            .map(drop)
    }

    /// `semaphore_destroy`: destroys the semaphore now; tasks waiting on it get
    /// `terminated`, and every right naming it becomes a dead name.
    ///
    /// # Errors
    /// `InvalidName`/`InvalidRight`.
    pub async fn semaphore_destroy(
        &self,
        semaphore: PortName,
    ) -> Result<(), crate::services::ServiceError> {
        self.service(crate::services::ServiceOp::SemaphoreDestroy { semaphore })
            .await
            .map(drop)
    }

    /// `pipe()`: a one-way byte stream of `capacity` bytes (default 4096); returns
    /// (read end, write end). Children this task spawns afterwards get both ends.
    ///
    /// # Errors
    /// `InvalidValue` for a capacity of 0 or over 1 MiB; `NoSpace`.
    pub async fn pipe(
        &self,
        capacity: Option<u32>,
    ) -> Result<(u32, u32), crate::services::ServiceError> {
        match self
            .service(crate::services::ServiceOp::PipeCreate { capacity })
            .await?
        {
            crate::services::ServiceReply::Pipe { read, write } => Ok((read, write)),
            other => unreachable!("pipe answers two ends, not {other:?}"),
        }
    }

    /// Reads up to `max` bytes, waiting while the pipe is empty (unless `no_wait`).
    ///
    /// # Errors
    /// `Eof` when every write end is closed and nothing is left; `BadHandle`;
    /// `WouldBlock` for a no-wait read of an empty pipe.
    pub async fn pipe_read(
        &self,
        handle: u32,
        max: u32,
        no_wait: bool,
    ) -> Result<bytes::Bytes, crate::services::ServiceError> {
        match self
            .service(crate::services::ServiceOp::PipeRead {
                handle,
                max,
                no_wait,
            })
            .await?
        {
            crate::services::ServiceReply::Data(data) => Ok(data),
            other => unreachable!("pipe_read answers data, not {other:?}"),
        }
    }

    /// Writes `data`, waiting for room (unless `no_wait`); up to 512 bytes go in
    /// whole. Returns the bytes written.
    ///
    /// # Errors
    /// `BrokenPipe` with no read end open; `BadHandle`; `WouldBlock`.
    pub async fn pipe_write(
        &self,
        handle: u32,
        data: bytes::Bytes,
        no_wait: bool,
    ) -> Result<u32, crate::services::ServiceError> {
        match self
            .service(crate::services::ServiceOp::PipeWrite {
                handle,
                data,
                no_wait,
            })
            .await?
        {
            crate::services::ServiceReply::Written(n) => Ok(n),
            other => unreachable!("pipe_write answers a count, not {other:?}"),
        }
    }

    /// Closes a pipe end.
    ///
    /// # Errors
    /// `BadHandle`.
    pub async fn pipe_close(&self, handle: u32) -> Result<(), crate::services::ServiceError> {
        self.service(crate::services::ServiceOp::PipeClose { handle })
            .await
            .map(drop)
    }

    /// Makes a named pipe at `path`.
    ///
    /// # Errors
    /// `NameExists`; `InvalidValue` for an empty path or a bad capacity.
    pub async fn named_pipe_create(
        &self,
        path: &str,
        mode: crate::services::PipeMode,
        capacity: Option<u32>,
    ) -> Result<(), crate::services::ServiceError> {
        let op = crate::services::ServiceOp::NamedPipeCreate {
            path: path.to_string(),
            mode,
            capacity,
        };
        self.service(op).await.map(drop)
    }

    /// Opens a named pipe; returns a handle. A FIFO open waits for the other side
    /// unless `no_wait`; a duplex client waits for a server's accept.
    ///
    /// # Errors
    /// `NoSuchPath`; `WouldBlock` for a no-wait open that would wait.
    pub async fn named_pipe_open(
        &self,
        path: &str,
        access: crate::services::Access,
        no_wait: bool,
    ) -> Result<u32, crate::services::ServiceError> {
        let op = crate::services::ServiceOp::NamedPipeOpen {
            path: path.to_string(),
            access,
            no_wait,
        };
        match self.service(op).await? {
            crate::services::ServiceReply::Handle(handle) => Ok(handle),
            other => unreachable!("named_pipe_open answers a handle, not {other:?}"),
        }
    }

    /// As a duplex named pipe's server, waits for a client; returns the server's
    /// handle on the client's own instance.
    ///
    /// # Errors
    /// `NoSuchPath`; `InvalidValue` on a FIFO; `WouldBlock` for a no-wait accept.
    pub async fn named_pipe_accept(
        &self,
        path: &str,
        no_wait: bool,
    ) -> Result<u32, crate::services::ServiceError> {
        let op = crate::services::ServiceOp::NamedPipeAccept {
            path: path.to_string(),
            no_wait,
        };
        match self.service(op).await? {
            crate::services::ServiceReply::Handle(handle) => Ok(handle),
            other => unreachable!("named_pipe_accept answers a handle, not {other:?}"),
        }
    }

    /// Removes a named pipe's name; open ends keep working.
    ///
    /// # Errors
    /// `NoSuchPath`.
    pub async fn named_pipe_unlink(&self, path: &str) -> Result<(), crate::services::ServiceError> {
        self.service(crate::services::ServiceOp::NamedPipeUnlink {
            path: path.to_string(),
        })
        .await
        .map(drop)
    }
}
