//! Messages: send, receive, both in one call, and direct naming.

use super::TaskContext;
use super::reply::SendReceive;
use crate::error::{ReceiveError, SendError, SendStatus};
use crate::syscall::Call;
use crate::task::ReceiveOptions;
use ports::{Message, PortName, ReceivePolicy, SendPolicy};

impl TaskContext {
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
        self.call(Call::Send { message, policy }).await
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
        match self.call(call).await {
            SendReceive::Received(result) => Ok(result?),
            SendReceive::SendFailed(e) => Err(e.into()),
            // The send waited and then went in: now the receive.
            SendReceive::SentAfterWait => Ok(self.receive(name, receive_policy, options).await?),
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
        self.call(Call::SendToTask {
            task: task.to_string(),
            message,
            policy,
        })
        .await
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
        self.call(Call::Receive {
            name,
            policy,
            options,
        })
        .await
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
        self.call(Call::ReceiveDirect {
            from,
            policy,
            options,
        })
        .await
    }
}
