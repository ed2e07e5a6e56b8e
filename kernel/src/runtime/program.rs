//! Task programs: what a program may return, and how it becomes a future.

use crate::context::TaskContext;
use crate::error::TaskExit;
use std::future::Future;
use std::pin::Pin;

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
