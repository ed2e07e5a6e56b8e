//! Task creation: a task's record, its kernel and notify ports, and its start.

use crate::TaskFactory;
use crate::clock::Ticks;
use crate::error::KernError;
use crate::port::Receiver;
use crate::services::hooks as services;
use crate::state::KernelState;
use crate::task::{KernReply, TaskEntry, TaskState};
use crate::trace::{CallName, Event};
use ports::{PortId, PortName, PortSpace, QueueLimit, TaskId};
use std::sync::Arc;

impl KernelState {
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
            created_ns: self.now,
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
        self.ready.task_created(task);
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

    /// Starts a declared task (`spawn` step) or a new one (a Rust closure) as a child.
    pub(crate) fn spawn_child(
        &mut self,
        parent: TaskId,
        name: &str,
        factory: Option<TaskFactory>,
    ) -> Result<KernReply, KernError> {
        // The parent gets a send right to the child's kernel port: make sure it can,
        // before anything starts.
        if self.task(parent).space.is_full() {
            self.record(Some(parent), |_| Event::KernelCall {
                call: CallName::Spawn,
                code: ports::ReturnCode::NoSpace.into(),
            });
            return Err(KernError::NoSpace);
        }
        let (child, factory) = match factory {
            Some(factory) => (self.create_task(name, Some(parent), None), factory),
            None => {
                let Some((child, factory)) = self.declared.remove(name) else {
                    self.record(Some(parent), |_| Event::KernelCall {
                        call: CallName::Spawn,
                        code: ports::ReturnCode::InvalidArgument.into(),
                    });
                    return Err(KernError::InvalidArgument);
                };
                (child, factory)
            }
        };
        self.to_start.push((child, factory));
        // Pipe ends made before the spawn are the child's too (fork's descriptors).
        services::on_task_spawned(self, parent, child);
        self.start_task_by(child, Some(parent));
        let kernel_port = self.task(child).kernel_port;
        let name = self.grant_send(Some(parent), parent, kernel_port)?;
        Ok(KernReply::Name(name))
    }

    /// Makes a created task runnable.
    pub(crate) fn start_task(&mut self, task: TaskId) {
        self.start_task_by(task, None);
    }

    /// Makes a created task runnable; `by` is the task whose `spawn` started it
    /// (the event is its action), `None` for a start time or the embedding API.
    pub(crate) fn start_task_by(&mut self, task: TaskId, by: Option<TaskId>) {
        if matches!(self.task(task).state, TaskState::NotStarted) {
            self.record(by, |k| Event::TaskStarted {
                name: k.task_label(task),
                by: by.map(|b| k.task_label(b)),
            });
            self.live_tasks += 1;
            self.make_ready(task);
        }
    }
}
