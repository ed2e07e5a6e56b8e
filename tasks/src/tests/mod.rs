//! Tests of the arguments, the registry and every stock program in a real kernel.

mod args;
mod echo_server;
mod name_server;
mod pipes;
mod producer_consumer;
mod registry;
mod shm;

use harness::{run_allowing_crashes, run_clean};
use kernel::{
    Disposition, Kernel, Message, PortName, QueueLimit, ReceiveOptions, ReceivePolicy, SendPolicy,
    TaskContext, TaskExit,
};
use std::sync::{Arc, Mutex};

/// Lines a test's tasks write, read after the run.
type Log = Arc<Mutex<Vec<String>>>;

fn log() -> Log {
    Arc::new(Mutex::new(Vec::new()))
}

fn push(log: &Log, line: impl Into<String>) {
    log.lock().unwrap().push(line.into());
}

fn lines(log: &Log) -> Vec<String> {
    log.lock().unwrap().clone()
}

/// How the task `name` ended.
fn exit_of(kernel: &Kernel, name: &str) -> Option<TaskExit> {
    kernel.inspect(|k| {
        k.tasks()
            .into_iter()
            .find(|t| t.name == name)
            .and_then(|t| t.exit)
    })
}

/// Sends `request` with a fresh send-once reply right; returns the reply.
async fn call(cx: &TaskContext, request: Message) -> Result<Message, String> {
    let reply_port = cx
        .allocate_port(QueueLimit::DEFAULT, None)
        .await
        .map_err(|e| e.to_string())?;
    let request = request.with_reply(reply_port, Disposition::MakeSendOnce);
    cx.send(request, SendPolicy::Block)
        .await
        .map_err(|e| e.to_string())?;
    let reply = cx
        .receive(reply_port, ReceivePolicy::Block, ReceiveOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    cx.destroy(reply_port).await.map_err(|e| e.to_string())?;
    Ok(reply)
}

/// The task's right for the port labelled `label`.
fn right(cx: &TaskContext, label: &str) -> Result<PortName, String> {
    cx.lookup(label)
        .ok_or_else(|| format!("{} holds no right for `{label}`", cx.name()))
}
