//! The hooks through which core IPC reaches the services, so that only this
//! folder knows which service does what.
//!
//! Core code calls them where something happens that a service may care about: a
//! service object's port lost its last send right or died, a timed wait inside a
//! service ran out, a task waiting in a service ended, a task ended with handles
//! open, a task spawned a child. Each hook dispatches to the service concerned.
//! (madsim's plugins get the same kind of calls: `create_node`, `reset_node`.)

use super::{Handle, ObjectRef, PipeEnd, ServiceWait};
use crate::state::KernelState;
use crate::task::{Reply, TaskState, Wait};
use crate::trace::{CallName, Code};
use crate::violation::Violation;
use ports::TaskId;

/// The last send right for a service object's port went away: a semaphore is
/// destroyed (its waiters get `terminated`), a memory object is freed once nothing
/// maps it either.
pub(crate) fn on_no_senders(k: &mut KernelState, object: ObjectRef) {
    object_unnamed(k, object);
}

/// A service object's port died (a fault, say): the object goes with it, as when
/// its last send right goes.
pub(crate) fn on_port_died(k: &mut KernelState, object: ObjectRef) {
    object_unnamed(k, object);
}

fn object_unnamed(k: &mut KernelState, object: ObjectRef) {
    match object {
        ObjectRef::Memory(id) => k.free_memory_if_unused(id),
        ObjectRef::Semaphore(id) => k.destroy_semaphore(id, None),
    }
}

/// A task's timed wait inside a service ran out (a semaphore's timed wait, or a
/// bounded LPC receive).
pub(crate) fn on_wait_expired(k: &mut KernelState, task: TaskId) {
    match k.task(task).state {
        TaskState::Waiting(Wait::Service {
            wait: ServiceWait::Semaphore { semaphore },
            ..
        }) => k.semaphore_wait_expired(task, semaphore),
        TaskState::Waiting(Wait::Service {
            wait: ServiceWait::Lpc(_),
            ..
        }) => k.lpc_wait_expired(task),
        _ => {}
    }
}

/// The call a task waiting in a service is inside, and its result, once `reply`
/// ends the wait: Mach's code for the services, NT's status for LPC.
pub(crate) fn call_result(wait: &ServiceWait, reply: &Reply) -> Option<(CallName, Code)> {
    let code = match reply {
        Reply::Service(Ok(_)) => Code::Mach(ports::ReturnCode::Success),
        Reply::Service(Err(e)) => Code::Mach(e.code()),
        Reply::Lpc(answer) => Code::Nt(answer.status),
        Reply::Send(_) | Reply::Receive(_) | Reply::Kern(_) => return None,
    };
    Some((wait.call(), code))
}

/// A task left a service wait without its call finishing (it ended): it is taken
/// out of whatever queue it waited in.
pub(crate) fn on_wait_abandoned(k: &mut KernelState, task: TaskId, wait: &ServiceWait) {
    match wait {
        ServiceWait::Semaphore { semaphore } => {
            if let Some(s) = k.services.semaphores.get_mut(semaphore) {
                s.waiters.retain(|t| *t != task);
            }
        }
        ServiceWait::PipeRead { pipe, .. } => {
            if let Some(p) = k.services.pipes.get_mut(pipe) {
                p.waiting_readers.retain(|t| *t != task);
            }
        }
        ServiceWait::PipeWrite { pipe, .. } => {
            if let Some(p) = k.services.pipes.get_mut(pipe) {
                p.waiting_writers.retain(|t| *t != task);
            }
        }
        ServiceWait::Open { path, .. } => {
            if let Some(n) = k.services.named.get_mut(path) {
                n.openers.retain(|(t, _)| *t != task);
            }
        }
        ServiceWait::Accept { path } => {
            if let Some(n) = k.services.named.get_mut(path) {
                n.acceptors.retain(|t| *t != task);
            }
        }
        ServiceWait::Lpc(wait) => k.lpc_wait_abandoned(task, wait),
    }
}

/// A task ended: LPC sends `client_died` through the ports it registered and
/// empties its reply slot; then every handle it had open closes, in handle order,
/// pipe ends (readers see end of file, writers a broken pipe, as the rules say),
/// mappings and LPC ports (whose rules run); then its LPC registrations go.
pub(crate) fn on_task_ended(k: &mut KernelState, task: TaskId, cause: Option<TaskId>) {
    k.lpc_thread_ending(cause, task);
    let handles = std::mem::take(&mut k.task_mut(task).handles);
    for (handle, what) in handles {
        match what {
            Handle::Pipe(end) => k.close_end(task, handle, end),
            Handle::Mapping(id) => k.drop_mapping(cause, task, id, handle),
            Handle::LpcPort(port) => k.lpc_handle_closed(cause, task, handle, port),
        }
    }
    k.lpc_thread_ended(cause, task);
}

/// A task spawned a child: the child gets a copy of each of its pipe ends, as a
/// forked UNIX process does.
pub(crate) fn on_task_spawned(k: &mut KernelState, parent: TaskId, child: TaskId) {
    k.inherit_pipe_ends(parent, child);
}

/// What a task waiting in a service waits on, in words, and which tasks could end
/// the wait (for the run report and the deadlock report's wait-for graph).
pub(crate) fn wait_for(
    k: &KernelState,
    waiter: TaskId,
    wait: &ServiceWait,
) -> (String, Vec<TaskId>) {
    let pipe_label = |pipe: &u32| {
        k.services
            .pipes
            .get(pipe)
            .map_or_else(|| format!("pipe{pipe}"), |p| p.label.to_string())
    };
    let holders = |pick: &dyn Fn(&PipeEnd) -> bool| -> Vec<TaskId> {
        k.tasks
            .iter()
            .filter(|(_, _, t)| !t.is_ended())
            .filter(|(_, _, t)| {
                t.handles
                    .values()
                    .any(|h| matches!(h, Handle::Pipe(end) if pick(end)))
            })
            .map(|(index, generation, _)| TaskId::new(index, generation))
            .filter(|t| *t != waiter)
            .collect()
    };
    match wait {
        ServiceWait::Semaphore { semaphore } => {
            let Some(s) = k.services.semaphores.get(semaphore) else {
                return ("waiting on a destroyed semaphore".into(), Vec::new());
            };
            let signallers = k
                .tasks
                .iter()
                .filter(|(_, _, t)| !t.is_ended())
                .filter(|(_, _, t)| t.space.name_of(s.port).is_some())
                .map(|(index, generation, _)| TaskId::new(index, generation))
                .filter(|t| *t != waiter)
                .collect();
            (format!("waiting on semaphore {}", s.label), signallers)
        }
        ServiceWait::PipeRead { pipe, .. } => (
            format!("reading {} (empty)", pipe_label(pipe)),
            holders(&|end| end.write == Some(*pipe)),
        ),
        ServiceWait::PipeWrite { pipe, .. } => (
            format!("writing {} (full)", pipe_label(pipe)),
            holders(&|end| end.read == Some(*pipe)),
        ),
        ServiceWait::Open { path, access } => (
            format!("opening named pipe {path} for {}", access.as_str()),
            Vec::new(),
        ),
        ServiceWait::Accept { path } => (
            format!("accepting a client on named pipe {path}"),
            Vec::new(),
        ),
        ServiceWait::Lpc(wait) => k.lpc_wait_for(waiter, wait),
    }
}

/// The services' own checks at the end of a run: LPC's message conservation and
/// reply slots.
pub(crate) fn audit(k: &KernelState) -> Vec<Violation> {
    k.lpc_audit()
}
