//! Your own `machsim`: the whole command line, with a task program of your own.
//!
//! A scenario file names a Rust task program with `program = "..."`; `machsim` finds
//! it in a [`Registry`]. The stock binary knows the stock programs (`echo_server`,
//! `consumer`, ...). To run scenarios that use yours, build a binary whose `main`
//! registers them into [`Registry::stock`] and hands the registry to
//! [`machsim::cli::main_with`]: that is this whole file.
//!
//! ```text
//! cargo run -p scenarios --example custom_machsim -- run scenarios/examples/custom_machsim.toml
//! cargo run -p scenarios --example custom_machsim -- check scenarios/examples/custom_machsim.toml
//! ```
//!
//! The stock `machsim` refuses that scenario with exit status 2 (no program named
//! `doubler` is registered): only this binary registers the program.
//!
//! In a crate of your own, depend on `kernel`, `tasks` and `scenarios` and put this
//! in `src/main.rs`. (`scenarios/tests/cli.rs` compiles this file as a module to
//! test [`registry`], so keep `registry` `pub(crate)`.)

use kernel::{Item, Message, ReceiveOptions, ReceivePolicy, SendPolicy, TaskContext};
use std::process::ExitCode;
use tasks::{ArgDoc, ArgType, Program, Registry};

/// Added to a request's id to make its reply's id (MIG's convention, as `echo_server`).
const REPLY_OFFSET: i32 = 100;

/// The programs of this `machsim`: the stock ones and `doubler`.
pub(crate) fn registry() -> Registry {
    let mut registry = Registry::stock();
    registry.register(
        "doubler",
        "Receives `count` requests on `port`, each carrying one i64, and replies to each \
         through its reply right with id + 100 and twice the number (a request of any \
         other shape gets the reply `[str \"expected one i64\"]`); then exits 0.",
        &[
            ArgDoc::optional(
                "port",
                ArgType::Str,
                "\"numbers\"",
                "label of the port to serve; this task must hold its receive right",
            ),
            ArgDoc::required("count", ArgType::Int, "how many requests to answer"),
        ],
        |args| {
            // Read every argument here, before the run, so that a mistake is reported
            // with the argument's name instead of crashing a running task.
            let port = args.str_or("port", "numbers")?.to_string();
            let count = args.u64("count")?;
            Ok(Program::new(move |cx| doubler(cx, port, count)))
        },
    );
    registry
}

/// The `doubler` task: a server that awaits nothing but its context's kernel calls.
async fn doubler(cx: TaskContext, label: String, count: u64) -> Result<(), String> {
    let port = cx
        .lookup(&label)
        .ok_or_else(|| format!("no right for `{label}`"))?;
    for _ in 0..count {
        let request = cx
            .receive(port, ReceivePolicy::Block, ReceiveOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        // A request without a reply right cannot be answered: drop it.
        if !request.header.reply.is_valid() {
            continue;
        }
        // Clients can send anything: check the shape, never trust it.
        let answer = match request.body.as_slice() {
            [Item::I64(n)] => Item::I64(n.wrapping_mul(2)),
            _ => Item::Str("expected one i64".into()),
        };
        let reply = Message::new(
            request.header.reply,
            request.id().wrapping_add(REPLY_OFFSET),
        )
        .with_dest_disposition(request.header.reply_disposition)
        .with(answer);
        // Never wait for a client: a reply that cannot go now is handed back, and
        // releasing the reply right it carries is all there is left to do.
        if let Err(failed) = cx.send(reply, SendPolicy::NoWait).await {
            let back = failed.into_message();
            let _ = cx.deallocate(back.header.dest).await;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    machsim::cli::main_with(registry())
}
