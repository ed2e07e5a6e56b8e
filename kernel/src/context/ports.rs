//! Ports, rights and sets: the kernel-port operations (`mach_port_*`).

use super::TaskContext;
use crate::error::KernError;
use crate::kernel_port::KernelOp;

use crate::syscall::Call;
use ports::{NotificationKind, PortName, QueueLimit, RightKind, RightSet};

impl TaskContext {
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
        self.call(Call::Kernel(op)).await
    }

    /// Allocates an empty port set.
    ///
    /// # Errors
    /// `NoSpace` if the name space is full.
    pub async fn allocate_port_set(&self, label: Option<&str>) -> Result<PortName, KernError> {
        let op = KernelOp::AllocateSet {
            label: label.map(str::to_string),
        };
        self.call(Call::Kernel(op)).await
    }

    /// Adds one send reference made from this task's receive right `name`.
    ///
    /// # Errors
    /// `InvalidName`, `InvalidRight` (not a receive right), `UrefsOverflow`.
    pub async fn make_send(&self, name: PortName) -> Result<(), KernError> {
        self.call(Call::Kernel(KernelOp::MakeSend { name })).await
    }

    /// Drops one user reference of a send, send-once or dead-name right.
    ///
    /// # Errors
    /// `InvalidName`, `InvalidRight` (a receive right or set).
    pub async fn deallocate(&self, name: PortName) -> Result<(), KernError> {
        self.call(Call::Kernel(KernelOp::Deallocate { name })).await
    }

    /// Destroys every right under `name`; a receive right's port dies (or goes to
    /// its port-destroyed backup).
    ///
    /// # Errors
    /// `InvalidName`.
    pub async fn destroy(&self, name: PortName) -> Result<(), KernError> {
        self.call(Call::Kernel(KernelOp::Destroy { name })).await
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
        self.call(Call::Kernel(KernelOp::ModRefs { name, right, delta }))
            .await
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
        self.call(Call::Kernel(KernelOp::SetQueueLimit { name, limit }))
            .await
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
        let op = KernelOp::RequestNotification {
            name,
            kind,
            notify,
            sync,
        };
        self.call(Call::Kernel(op)).await
    }

    /// Moves the receive right `member` into `set` (leaving any set it was in).
    ///
    /// # Errors
    /// `InvalidRight` if `member` is not a receive right or `set` not a set.
    pub async fn add_to_set(&self, member: PortName, set: PortName) -> Result<(), KernError> {
        let op = KernelOp::MoveMember {
            member,
            set: Some(set),
        };
        self.call(Call::Kernel(op)).await
    }

    /// Takes `member` out of `set`.
    ///
    /// # Errors
    /// `NotInSet` if it is not in that set.
    pub async fn remove_from_set(&self, member: PortName, set: PortName) -> Result<(), KernError> {
        self.call(Call::Kernel(KernelOp::RemoveMember { member, set }))
            .await
    }

    /// What `name` denotes, and the user references of its send right or dead name
    /// (`mach_port_type` with `mach_port_get_refs`).
    ///
    /// # Errors
    /// `InvalidName` if it denotes nothing.
    pub async fn port_type(&self, name: PortName) -> Result<(RightSet, u32), KernError> {
        self.call(Call::Kernel(KernelOp::PortType { name })).await
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
        let op = KernelOp::InsertRight {
            task_port,
            right,
            disposition,
        };
        self.call(Call::Kernel(op)).await
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
        let op = KernelOp::ExtractRight {
            task_port,
            name,
            disposition,
        };
        self.call(Call::Kernel(op)).await
    }
}
