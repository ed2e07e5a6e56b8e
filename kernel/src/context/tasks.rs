//! The task's own life: yielding, sleeping, spawning children, ending.

use super::TaskContext;
use crate::error::{KernError, TaskExit};
use crate::syscall::Call;
use ports::PortName;
use std::future::Future;

impl TaskContext {
    /// Gives the scheduler a chance to run another task; a kernel step that changes
    /// nothing (Mach's `thread_switch`). A scenario's `repeat` makes one per iteration.
    pub async fn yield_now(&self) {
        self.call(Call::Yield).await
    }

    /// Sleeps for `ms` of virtual time (0 just yields).
    pub async fn sleep(&self, ms: u64) {
        self.call(Call::Sleep { ms }).await
    }

    /// Starts the declared task `name` as this task's child; returns this task's
    /// send right to the child's kernel port.
    ///
    /// # Errors
    /// `InvalidArgument` if no task of that name waits to be spawned.
    pub async fn spawn_declared(&self, name: &str) -> Result<PortName, KernError> {
        self.call(Call::Spawn {
            name: name.to_string(),
            factory: None,
        })
        .await
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
        self.call(Call::Spawn {
            name: name.to_string(),
            factory: Some(factory),
        })
        .await
    }

    /// Ends this task with `code`. The await never completes: the kernel ends the
    /// task inside the call and never polls it again (its type is `()` rather than
    /// `!` so that a program ending in it still has an ordinary output type).
    pub async fn exit(&self, code: i32) {
        self.call(Call::Exit(TaskExit::Exited(code))).await
    }

    /// Ends this task as crashed, with `reason`. The await never completes.
    pub async fn crash(&self, reason: &str) {
        self.call(Call::Exit(TaskExit::Crashed(reason.to_string())))
            .await
    }
}
