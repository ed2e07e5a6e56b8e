//! The stock programs: ready-made tasks written only against the kernel's API.
//!
//! Each is a plain struct of its arguments with an `async fn run(self, cx)`, so it
//! can be spawned directly (`kernel.spawn("echo", |cx| EchoServer::default().run(cx))`)
//! or by name through [`Registry::stock`](crate::Registry::stock). Each module
//! documents its message protocol, its arguments and how it ends.
//!
//! | program | does |
//! |---|---|
//! | [`echo_server`] | replies to every request with its body |
//! | [`name_server`] | registers and looks up send rights by name (Mach's bootstrap) |
//! | [`producer`] | sends numbered messages under a full-queue policy |
//! | [`consumer`] | receives numbered messages and checks their order per sender |

pub mod consumer;
pub mod echo_server;
pub mod name_server;
pub mod producer;

pub use consumer::Consumer;
pub use echo_server::EchoServer;
pub use name_server::NameServer;
pub use producer::Producer;

use crate::registry::Registry;

/// Registers every stock program in `registry`.
pub(crate) fn register_all(registry: &mut Registry) {
    registry
        .register(
            EchoServer::NAME,
            EchoServer::DESCRIPTION,
            EchoServer::ARGS,
            echo_server::construct,
        )
        .register(
            NameServer::NAME,
            NameServer::DESCRIPTION,
            NameServer::ARGS,
            name_server::construct,
        )
        .register(
            Producer::NAME,
            Producer::DESCRIPTION,
            Producer::ARGS,
            producer::construct,
        )
        .register(
            Consumer::NAME,
            Consumer::DESCRIPTION,
            Consumer::ARGS,
            consumer::construct,
        );
}
