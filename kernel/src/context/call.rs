//! One kernel call as a future: the trap, and the typed answer taken from its reply.

use super::{TaskContext, lock};
use crate::syscall::Call;
use crate::violation::{Site, ViolationKind};
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

pub(crate) use super::reply::FromReply;

/// The future of one kernel call, whose output is the call's typed answer `T`.
///
/// A plain struct rather than an `async fn`, so each public method's state machine
/// holds it directly (one layer less to move on every call).
pub(crate) struct Trap<'a, T> {
    cx: &'a TaskContext,
    call: Option<Call>,
    answer: PhantomData<fn() -> T>,
}

impl<T: FromReply> Future for Trap<'_, T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<T> {
        let me = self.cx.id;
        let call = self.call.take();
        let mut state = lock(&self.cx.state);
        // A panic in the kernel's code is the kernel's bug, caught here so that it
        // does not unwind into the task's poll and get blamed on the task: the run
        // stops, and this call never returns.
        let Some(Poll::Ready(reply)) = state.guarded(Site::Call, |state| state.trap(me, call))
        else {
            return Poll::Pending;
        };
        match T::from_reply(reply) {
            Ok(answer) => Poll::Ready(answer),
            // The kernel answers each call with that call's kind of reply; any other
            // is its bug, not the task's, and the run stops here.
            Err(reply) => {
                state.kernel_bug(
                    ViolationKind::WrongReply,
                    format!(
                        "a kernel call awaiting {} was answered with {reply:?}",
                        std::any::type_name::<T>()
                    ),
                );
                Poll::Pending
            }
        }
    }
}

impl TaskContext {
    /// Makes one kernel call; its answer is the type the caller asks for (a
    /// method's return type, usually), taken out of the kernel's reply.
    pub(crate) fn call<T: FromReply>(&self, call: Call) -> Trap<'_, T> {
        Trap {
            cx: self,
            call: Some(call),
            answer: PhantomData,
        }
    }
}
