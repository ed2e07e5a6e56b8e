//! `echo_server`: answers every request with its own body.
//!
//! The smallest Mach server: receive a request, reply through the reply right it
//! carries, repeat. It is the other half of most request/reply scenarios.
//!
//! # Protocol
//! - Request: any id `n`, any body, usually a reply right (`make_send_once`).
//! - Reply: id `n + reply_offset` (100 by default, MIG's convention for the reply
//!   to request `n`), the request's body unchanged. Rights in the body travel back
//!   to the client: a right it sent is a right it gets back.
//! - A request without a reply right is received and dropped (its rights
//!   destroyed). A reply that cannot be delivered at once is destroyed, so a client
//!   with a full reply port cannot stall the server.
//!
//! # Ending
//! After `count` requests, or, without `count`, when no client holds a send right
//! any more (Mach's no-senders notification, requested on the port itself so every
//! earlier request is answered first), or when the port dies: exit code 0.
//! When `port` names a port set there is no no-senders notification to watch, so
//! only `count` or the set's end stops it. It crashes if it holds no receive right
//! (or port set) for `port`.

use crate::args::{ArgError, ArgType, Args};
use crate::registry::{ArgDoc, Program};
use crate::serve::Requests;
use kernel::{TaskContext, TaskExit, TaskOutput};

/// The `echo_server` program with its arguments.
///
/// # Examples
/// ```
/// use kernel::{
///     Disposition, Kernel, Message, QueueLimit, ReceiveOptions, ReceivePolicy, SendPolicy,
///     TaskEnd, TaskExit,
/// };
/// use tasks::stock::EchoServer;
///
/// let mut kernel = Kernel::builder().build();
/// kernel.spawn("echo", |cx| EchoServer::default().run(cx));
/// kernel.spawn("client", |cx| async move {
///     let server = cx.lookup("requests").ok_or("no send right")?;
///     let reply_port = cx.allocate_port(QueueLimit::DEFAULT, None).await.map_err(|e| e.to_string())?;
///     let request = Message::new(server, 7).with_reply(reply_port, Disposition::MakeSendOnce);
///     cx.send(request, SendPolicy::Block).await.map_err(|e| e.to_string())?;
///     let reply = cx
///         .receive(reply_port, ReceivePolicy::Block, ReceiveOptions::default())
///         .await
///         .map_err(|e| e.to_string())?;
///     assert_eq!(reply.id(), 107);
///     Ok::<(), String>(())
/// });
/// kernel.allocate_port("echo", "requests", QueueLimit::DEFAULT).unwrap();
/// kernel.give_send_right("client", "requests").unwrap();
/// let report = kernel.run();
/// assert_eq!(report.outcome.as_str(), "completed");
/// // The client's assertion held only if it exited cleanly.
/// assert_eq!(report.task_end("client"), Some(&TaskEnd::Ended(TaskExit::Exited(0))));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EchoServer {
    /// The label of the port (or port set) it receives on.
    pub port: String,
    /// How many requests to answer before exiting; `None` serves until no client is
    /// left or the port dies.
    pub count: Option<u64>,
    /// Added to a request's id to make its reply's id.
    pub reply_offset: i32,
    /// Virtual milliseconds spent on each request before replying (a slow server
    /// makes queues fill up).
    pub delay_ms: u64,
}

impl Default for EchoServer {
    fn default() -> Self {
        EchoServer {
            port: "requests".to_string(),
            count: None,
            reply_offset: 100,
            delay_ms: 0,
        }
    }
}

impl EchoServer {
    /// The name it is registered under.
    pub const NAME: &'static str = "echo_server";

    /// Its description in program listings.
    pub const DESCRIPTION: &'static str = "Receives requests on `port` and replies to each \
        through its reply right with the same body and id + `reply_offset` (MIG's +100 by \
        default). Requests without a reply right are dropped. Ends with exit code 0 after \
        `count` requests, or without `count` when no client holds a send right any more \
        (no-senders) or the port dies.";

    /// Its arguments.
    pub const ARGS: &'static [ArgDoc] = &[
        ArgDoc::optional(
            "port",
            ArgType::Str,
            "\"requests\"",
            "label of the port (or port set) to serve; this task must hold its receive right",
        ),
        ArgDoc::optional(
            "count",
            ArgType::Int,
            "until no senders",
            "requests to answer before exiting",
        ),
        ArgDoc::optional(
            "reply_offset",
            ArgType::Int,
            "100",
            "added to a request's id to make the reply's id",
        ),
        ArgDoc::optional(
            "delay_ms",
            ArgType::Int,
            "0",
            "virtual milliseconds spent on each request before replying",
        ),
    ];

    /// Reads the arguments, falling back to the defaults.
    ///
    /// # Errors
    /// An [`ArgError`] naming the argument: wrong type, a negative count or delay,
    /// a `reply_offset` outside `i32`.
    pub fn from_args(args: &Args) -> Result<EchoServer, ArgError> {
        let defaults = EchoServer::default();
        let offset = args.int_or("reply_offset", i64::from(defaults.reply_offset))?;
        let reply_offset = i32::try_from(offset).map_err(|_| {
            ArgError::invalid(
                "reply_offset",
                &offset.into(),
                "must fit a message id (a 32-bit signed integer)",
            )
        })?;
        Ok(EchoServer {
            port: args.str_or("port", &defaults.port)?.to_string(),
            count: args.opt_u64("count")?,
            reply_offset,
            delay_ms: args.u64_or("delay_ms", 0)?,
        })
    }

    /// The program, ready to spawn.
    pub fn program(self) -> Program {
        Program::new(move |cx| self.run(cx))
    }

    /// Serves until done; see the [module documentation](self) for how it ends.
    pub async fn run(self, cx: TaskContext) -> TaskExit {
        self.serve(&cx).await.into_exit()
    }

    async fn serve(&self, cx: &TaskContext) -> Result<(), String> {
        let mut requests = Requests::new(Self::NAME, &self.port, self.count);
        while let Some(request) = requests.next(cx).await? {
            if self.delay_ms > 0 {
                cx.sleep(self.delay_ms).await;
            }
            let id = request.id().wrapping_add(self.reply_offset);
            let body = request.body.clone();
            requests.answer(cx, &request, id, body).await;
        }
        Ok(())
    }
}

/// The registry's constructor for `echo_server`.
pub(crate) fn construct(args: &Args) -> Result<Program, ArgError> {
    Ok(EchoServer::from_args(args)?.program())
}
