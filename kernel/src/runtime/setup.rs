//! Setting a run up through the embedding API: tasks, ports, sets, service
//! objects and faults, before the run (a scenario's declarations).

use super::{Kernel, TaskOutput, factory};
use crate::clock::TimerKind;
use crate::context::{TaskContext, lock};
use crate::error::{ApiError, KernError, LpcError};
use crate::port::Receiver;
use crate::services::{PipeMode, ServiceError};
use crate::state::{Fault, KernelState};
use bytes::Bytes;
use ports::{PortId, PortName, QueueLimit, TaskId};
use std::future::Future;

impl Kernel {
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
        self.create_object(label, holders, |state, first| {
            state.memory_create(None, first, Bytes::new(), size, Some(label))
        })
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
        self.create_object(label, holders, |state, first| {
            state.semaphore_create(None, first, value, Some(label))
        })
    }

    /// A service object made by the kernel (`create`, for the first holder, as
    /// that holder's own call would), then one send right for each other holder.
    fn create_object(
        &mut self,
        label: &str,
        holders: &[&str],
        create: impl FnOnce(&mut KernelState, TaskId) -> Result<PortName, ServiceError>,
    ) -> Result<(), ApiError> {
        let mut state = lock(&self.state);
        let tasks = holders
            .iter()
            .map(|h| state.task_by_name(h))
            .collect::<Result<Vec<_>, _>>()?;
        let Some((&first, rest)) = tasks.split_first() else {
            return Err(ApiError::Kern(KernError::InvalidArgument));
        };
        let name = create(&mut state, first).map_err(refused)?;
        let port = state
            .task(first)
            .space
            .get(name)
            .and_then(|e| e.port())
            .ok_or(ApiError::NoSuchPort(label.into()))?;
        for task in rest {
            state
                .give_object_send_right(None, *task, port)
                .map_err(refused)?;
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
        mode: PipeMode,
        capacity: Option<u32>,
    ) -> Result<(), ApiError> {
        let mut state = lock(&self.state);
        state
            .named_pipe_create(None, path, mode, capacity)
            .map(drop)
            .map_err(refused)
    }
}

impl Kernel {
    /// Before the run: a connection port named `name` (an NT object name) whose
    /// server is the task `server`, its handle labelled `handle_label` there (a
    /// scenario's `[[lpc_port]]`), made by the kernel as that task's
    /// `nt_create_port` would make it. Returns the handle.
    ///
    /// # Errors
    /// `NoSuchTask`; `Lpc` with `nt_create_port`'s status.
    pub fn create_lpc_port(
        &mut self,
        server: &str,
        name: &str,
        handle_label: &str,
        max_connection_info_length: u32,
        max_message_length: u32,
    ) -> Result<u32, ApiError> {
        let mut state = lock(&self.state);
        let task = state.task_by_name(server)?;
        let handle = state
            .nt_create_port(
                None,
                task,
                name,
                max_connection_info_length,
                max_message_length,
            )
            .map_err(LpcError)?;
        state
            .task_mut(task)
            .handle_labels
            .insert(handle_label.to_string(), handle);
        Ok(handle)
    }
}

/// A service's refusal of an embedding call, as the kernel error it reports.
fn refused(e: ServiceError) -> ApiError {
    ApiError::Kern(match e {
        ServiceError::InvalidName => KernError::InvalidName,
        ServiceError::InvalidRight => KernError::InvalidRight,
        ServiceError::NameExists => KernError::NameExists,
        ServiceError::NoSpace => KernError::NoSpace,
        _ => KernError::InvalidValue,
    })
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
}
