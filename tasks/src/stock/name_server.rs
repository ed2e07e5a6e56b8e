//! `name_server`: maps names to send rights, as Mach's bootstrap server does.
//!
//! Ports have no global names in Mach; a task finds a service by asking a name
//! server it already holds a send right for (in Mach, the bootstrap port every task
//! inherits). A server registers a send right under a name; a client looks the name
//! up and receives its own copy of that send right.
//!
//! # Protocol
//! Every request carries a reply right (`make_send_once`) if it wants an answer;
//! the reply's id is the request's id + 100 (MIG's convention) and its first item
//! is an `i32` return code ([`SUCCESS`], [`NAME_IN_USE`], [`UNKNOWN_NAME`],
//! [`BAD_ARGUMENTS`], [`BAD_ID`]).
//!
//! | request | id | body | reply (id) | reply body |
//! |---|---|---|---|---|
//! | register | [`REGISTER`] (1) | `str` name, `port` a send right (`move_send`, `copy_send` or `make_send`) | 101 | `i32` code |
//! | look up | [`LOOK_UP`] (2) | `str` name | 102 | `i32` 0 and `port` a send right (`copy_send` of the registered one); or `i32` code alone |
//! | unregister | [`UNREGISTER`] (3) | `str` name | 103 | `i32` code |
//!
//! - Register answers [`NAME_IN_USE`] if the name is taken by a live port, and
//!   replaces it if the registered port has died (its right became a dead name).
//! - Look up answers [`UNKNOWN_NAME`] for a name never registered, unregistered, or
//!   whose port died (the entry is then dropped).
//! - A body of the wrong shape (missing or extra items, a right that is not a send
//!   right, a dead port) answers [`BAD_ARGUMENTS`]; an unknown id, [`BAD_ID`]. As a
//!   MIG server does, a refused request's rights are destroyed.
//! - Simplification: anyone may unregister any name (Mach's bootstrap checks the
//!   caller's privileges; netmsgserver a signature port).
//!
//! # Ending
//! After `count` requests, or without `count` when no client holds a send right
//! any more (no-senders) or the port dies: exit code 0. Registered rights are
//! released when it ends. It crashes if it holds no receive right for `port`.

use crate::args::{ArgError, ArgType, Args};
use crate::registry::{ArgDoc, Program};
use crate::serve::{self, Requests};
use kernel::{
    Disposition, Item, Message, PortItem, PortName, RightKind, TaskContext, TaskExit, TaskOutput,
};
use std::collections::BTreeMap;

/// Request id: register a send right under a name.
pub const REGISTER: i32 = 1;
/// Request id: look a name up.
pub const LOOK_UP: i32 = 2;
/// Request id: remove a name.
pub const UNREGISTER: i32 = 3;
/// Added to a request's id to make its reply's id (MIG's convention).
pub const REPLY_OFFSET: i32 = 100;

/// Return code: done (`KERN_SUCCESS`, `BOOTSTRAP_SUCCESS`).
pub const SUCCESS: i32 = 0;
/// Return code: the name is registered to a live port (`BOOTSTRAP_NAME_IN_USE`).
pub const NAME_IN_USE: i32 = 1101;
/// Return code: no such name (`BOOTSTRAP_UNKNOWN_SERVICE`).
pub const UNKNOWN_NAME: i32 = 1102;
/// Return code: the body has the wrong shape (`MIG_BAD_ARGUMENTS`).
pub const BAD_ARGUMENTS: i32 = -304;
/// Return code: the request id is not one of the above (`MIG_BAD_ID`).
pub const BAD_ID: i32 = -303;

/// The `name_server` program with its arguments.
///
/// # Examples
/// A server registers its port; a client looks it up and uses the right it gets.
/// ```
/// use kernel::{Disposition, Item, Kernel, Message, PortItem, QueueLimit, ReceiveOptions,
///              ReceivePolicy, SendPolicy, TaskContext};
/// use tasks::stock::{NameServer, name_server};
///
/// async fn call(cx: &TaskContext, request: Message) -> Result<Message, String> {
///     let reply_port = cx.allocate_port(QueueLimit::DEFAULT, None).await.map_err(|e| e.to_string())?;
///     let request = request.with_reply(reply_port, Disposition::MakeSendOnce);
///     cx.send(request, SendPolicy::Block).await.map_err(|e| e.to_string())?;
///     let reply = cx.receive(reply_port, ReceivePolicy::Block, ReceiveOptions::default())
///         .await.map_err(|e| e.to_string())?;
///     cx.destroy(reply_port).await.map_err(|e| e.to_string())?;
///     Ok(reply)
/// }
///
/// let mut kernel = Kernel::builder().build();
/// kernel.spawn("name_server", |cx| NameServer::default().run(cx));
/// kernel.spawn("printer", |cx| async move {
///     let names = cx.lookup("names").ok_or("no name server")?;
///     let mine = cx.allocate_port(QueueLimit::DEFAULT, Some("printer")).await.map_err(|e| e.to_string())?;
///     let register = Message::new(names, name_server::REGISTER)
///         .with(Item::Str("printer".into()))
///         .with(Item::Port(PortItem { name: mine, disposition: Disposition::MakeSend }));
///     assert_eq!(call(&cx, register).await?.body, vec![Item::I32(name_server::SUCCESS)]);
///     cx.receive(mine, ReceivePolicy::Block, ReceiveOptions::default()).await.map_err(|e| e.to_string())?;
///     Ok::<(), String>(())
/// });
/// kernel.spawn_at("client", 1, |cx| async move {
///     let names = cx.lookup("names").ok_or("no name server")?;
///     let look_up = Message::new(names, name_server::LOOK_UP).with(Item::Str("printer".into()));
///     let reply = call(&cx, look_up).await?;
///     let [Item::I32(name_server::SUCCESS), Item::Port(printer)] = reply.body.as_slice() else {
///         return Err(format!("unexpected reply {:?}", reply.body));
///     };
///     cx.send(Message::new(printer.name, 9), SendPolicy::Block).await.map_err(|e| e.to_string())?;
///     Ok(())
/// });
/// kernel.allocate_port("name_server", "names", QueueLimit::DEFAULT).unwrap();
/// kernel.give_send_right("printer", "names").unwrap();
/// kernel.give_send_right("client", "names").unwrap();
/// let report = kernel.run();
/// assert_eq!(report.outcome.as_str(), "completed");
/// assert!(report.violations.is_empty());
/// // The tasks' own assertions held only if none of them crashed.
/// assert_eq!(report.crashed(), []);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameServer {
    /// The label of the port it serves.
    pub port: String,
    /// How many requests to serve before exiting; `None` serves until no client is
    /// left or the port dies.
    pub count: Option<u64>,
}

impl Default for NameServer {
    fn default() -> Self {
        NameServer {
            port: "names".to_string(),
            count: None,
        }
    }
}

impl NameServer {
    /// The name it is registered under.
    pub const NAME: &'static str = "name_server";

    /// Its description in program listings.
    pub const DESCRIPTION: &'static str = "Maps names to send rights, like Mach's bootstrap \
        server. Requests on `port`: id 1 register [str name, port send right], id 2 look up \
        [str name], id 3 unregister [str name]; each reply (id + 100) starts with an i32 code: \
        0 success, 1101 name in use, 1102 unknown name, -304 bad arguments, -303 bad id; a \
        successful look-up adds a copy of the registered send right. Ends with exit code 0 \
        after `count` requests, or without `count` when no client holds a send right any \
        more or the port dies.";

    /// Its arguments.
    pub const ARGS: &'static [ArgDoc] = &[
        ArgDoc::optional(
            "port",
            ArgType::Str,
            "\"names\"",
            "label of the port to serve; this task must hold its receive right",
        ),
        ArgDoc::optional(
            "count",
            ArgType::Int,
            "until no senders",
            "requests to serve before exiting",
        ),
    ];

    /// Reads the arguments, falling back to the defaults.
    ///
    /// # Errors
    /// An [`ArgError`] naming the argument: wrong type or a negative count.
    pub fn from_args(args: &Args) -> Result<NameServer, ArgError> {
        Ok(NameServer {
            port: args.str_or("port", "names")?.to_string(),
            count: args.opt_u64("count")?,
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
        // Name order, not hash order: nothing about a run may depend on hashing.
        let mut names: BTreeMap<String, PortName> = BTreeMap::new();
        while let Some(request) = requests.next(cx).await? {
            let reply_id = request.id().wrapping_add(REPLY_OFFSET);
            let reply_body = handle(cx, &mut names, &request).await;
            requests.answer(cx, &request, reply_id, reply_body).await;
        }
        Ok(())
    }
}

/// Carries out one request; returns the reply's body.
async fn handle(
    cx: &TaskContext,
    names: &mut BTreeMap<String, PortName>,
    request: &Message,
) -> Vec<Item> {
    match (request.id(), request.body.as_slice()) {
        (
            REGISTER,
            [
                Item::Str(name),
                Item::Port(PortItem {
                    name: right,
                    disposition: Disposition::MoveSend,
                }),
            ],
        ) if right.is_valid() => {
            if let Some(&old) = names.get(name) {
                if is_alive(cx, old).await {
                    let _ = cx.deallocate(*right).await;
                    return vec![Item::I32(NAME_IN_USE)];
                }
                let _ = cx.deallocate(old).await;
            }
            names.insert(name.clone(), *right);
            vec![Item::I32(SUCCESS)]
        }
        (LOOK_UP, [Item::Str(name)]) => match names.get(name).copied() {
            Some(right) if is_alive(cx, right).await => vec![
                Item::I32(SUCCESS),
                Item::Port(PortItem {
                    name: right,
                    disposition: Disposition::CopySend,
                }),
            ],
            Some(dead) => {
                names.remove(name);
                let _ = cx.deallocate(dead).await;
                vec![Item::I32(UNKNOWN_NAME)]
            }
            None => vec![Item::I32(UNKNOWN_NAME)],
        },
        (UNREGISTER, [Item::Str(name)]) => match names.remove(name) {
            Some(right) => {
                let _ = cx.deallocate(right).await;
                vec![Item::I32(SUCCESS)]
            }
            None => vec![Item::I32(UNKNOWN_NAME)],
        },
        (id, body) => {
            serve::destroy_items(cx, body.to_vec()).await;
            let code = if matches!(id, REGISTER | LOOK_UP | UNREGISTER) {
                BAD_ARGUMENTS
            } else {
                BAD_ID
            };
            vec![Item::I32(code)]
        }
    }
}

/// True if `name` still denotes a send right (not a dead name).
async fn is_alive(cx: &TaskContext, name: PortName) -> bool {
    cx.port_type(name)
        .await
        .is_ok_and(|(rights, _)| rights.contains(RightKind::Send))
}

/// The registry's constructor for `name_server`.
pub(crate) fn construct(args: &Args) -> Result<Program, ArgError> {
    Ok(NameServer::from_args(args)?.program())
}
