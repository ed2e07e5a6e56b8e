//! A kernel-port operation as a request message: its MIG id, its name in traces,
//! and its arguments as the body the trace shows.

use super::KernelOp;
use crate::envelope::{Body, Carried, Envelope, KItem, Origin};
use crate::state::KernelState;
use crate::trace::CallName;
use ports::{Item, MessageId, PortName, RightKind, TaskId};

impl KernelOp {
    /// The operation's MIG message id: the `mach_port` subsystem's numbers as XNU's
    /// `mach_port.defs` gives them (3201 `type` … 3215 `extract_right`); 3216 for
    /// `set_queue_limit` is machsim's own choice (Mach sets the limit through
    /// `mach_port_set_attributes`).
    pub fn id(&self) -> i32 {
        match self {
            KernelOp::PortType { .. } => 3201,
            KernelOp::Allocate { .. } | KernelOp::AllocateSet { .. } => 3204,
            KernelOp::Destroy { .. } => 3205,
            KernelOp::Deallocate { .. } => 3206,
            KernelOp::ModRefs { .. } => 3208,
            KernelOp::MoveMember { .. } | KernelOp::RemoveMember { .. } => 3212,
            KernelOp::RequestNotification { .. } => 3213,
            KernelOp::MakeSend { .. } | KernelOp::InsertRight { .. } => 3214,
            KernelOp::ExtractRight { .. } => 3215,
            KernelOp::SetQueueLimit { .. } => 3216,
        }
    }

    /// The operation's name in traces.
    pub fn name(&self) -> CallName {
        match self {
            KernelOp::Allocate { .. } => CallName::Allocate,
            KernelOp::AllocateSet { .. } => CallName::AllocateSet,
            KernelOp::MakeSend { .. } => CallName::MakeSend,
            KernelOp::Deallocate { .. } => CallName::Deallocate,
            KernelOp::Destroy { .. } => CallName::Destroy,
            KernelOp::ModRefs { .. } => CallName::ModRefs,
            KernelOp::SetQueueLimit { .. } => CallName::SetQueueLimit,
            KernelOp::RequestNotification { .. } => CallName::RequestNotification,
            KernelOp::MoveMember { .. } => CallName::MoveMember,
            KernelOp::RemoveMember { .. } => CallName::RemoveMember,
            KernelOp::PortType { .. } => CallName::PortType,
            KernelOp::InsertRight { .. } => CallName::InsertRight,
            KernelOp::ExtractRight { .. } => CallName::ExtractRight,
        }
    }

    pub(super) fn arguments(&self) -> Vec<KItem> {
        let name = |n: &PortName| KItem::Data(Item::U32(n.0));
        match self {
            KernelOp::Allocate { limit, .. } => vec![KItem::Data(Item::Str(limit.to_string()))],
            KernelOp::AllocateSet { .. } => Vec::new(),
            KernelOp::MakeSend { name: n }
            | KernelOp::Deallocate { name: n }
            | KernelOp::Destroy { name: n }
            | KernelOp::PortType { name: n } => vec![name(n)],
            KernelOp::ModRefs { name: n, delta, .. } => {
                vec![name(n), KItem::Data(Item::I32(*delta))]
            }
            KernelOp::SetQueueLimit { name: n, limit } => {
                vec![name(n), KItem::Data(Item::U32(limit.unwrap_or(u32::MAX)))]
            }
            KernelOp::RequestNotification {
                name: n,
                kind,
                notify,
                sync,
            } => vec![
                name(n),
                KItem::Data(Item::I32(kind.id())),
                name(notify),
                KItem::Data(Item::U32(*sync)),
            ],
            KernelOp::MoveMember { member, set } => {
                vec![name(member), name(&set.unwrap_or(PortName::NULL))]
            }
            KernelOp::RemoveMember { member, set } => vec![name(member), name(set)],
            KernelOp::InsertRight {
                task_port,
                right,
                disposition,
            } => vec![
                name(task_port),
                name(right),
                KItem::Data(Item::U32(disposition.mach_value())),
            ],
            KernelOp::ExtractRight {
                task_port,
                name: n,
                disposition,
            } => vec![
                name(task_port),
                name(n),
                KItem::Data(Item::U32(disposition.mach_value())),
            ],
        }
    }
}

impl KernelState {
    /// Records a request to `task`'s kernel port, received at once by the kernel:
    /// how every kernel-port operation and service call appears in the trace.
    ///
    /// The request's body only shows in the trace (the kernel reads the operation,
    /// not the message), so it is built only when tracing; the serial number, the
    /// counts and the right bookkeeping are the same either way.
    pub(crate) fn kernel_request(
        &mut self,
        task: TaskId,
        id: i32,
        arguments: impl FnOnce() -> Vec<KItem>,
    ) {
        let body = if self.trace.enabled() {
            Body::from(arguments())
        } else {
            Body::default()
        };
        let kernel_port = self.task(task).kernel_port;
        let size = body.message_size();
        // The request goes through a copy of the task's send right to its kernel
        // port, which the kernel's receipt consumes.
        if let Some(p) = self.port_mut(kernel_port) {
            p.srights += 1;
        }
        let dest = Carried {
            port: kernel_port,
            kind: RightKind::Send,
        };
        let request = Envelope::new(
            self.number_message(),
            Origin::Task(task),
            MessageId(id),
            size,
            dest,
            None,
            body,
        );
        self.record_sent(Some(task), &request);
        self.receive_by_kernel(Some(task), request);
    }
}
