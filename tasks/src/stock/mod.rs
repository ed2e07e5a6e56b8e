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
//! | [`shm_producer`] | puts numbered items into the textbook's buffer in shared memory |
//! | [`shm_consumer`] | takes them out, and says which item was lost or came twice |
//! | [`pipe_writer`] | writes numbered 8-byte items into a pipe or a FIFO |
//! | [`pipe_reader`] | reads them until end of file |

pub mod consumer;
pub mod echo_server;
pub mod name_server;
pub mod pipe_reader;
pub mod pipe_writer;
pub mod producer;
pub mod shm_buffer;
pub mod shm_consumer;
pub mod shm_producer;

pub use consumer::Consumer;
pub use echo_server::EchoServer;
pub use name_server::NameServer;
pub use pipe_reader::PipeReader;
pub use pipe_writer::PipeWriter;
pub use producer::Producer;
pub use shm_consumer::ShmConsumer;
pub use shm_producer::ShmProducer;

use crate::registry::Registry;
use kernel::TaskExit;

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
        )
        .register(
            ShmProducer::NAME,
            ShmProducer::DESCRIPTION,
            ShmProducer::ARGS,
            shm_producer::construct,
        )
        .register(
            ShmConsumer::NAME,
            ShmConsumer::DESCRIPTION,
            ShmConsumer::ARGS,
            shm_consumer::construct,
        )
        .register(
            PipeWriter::NAME,
            PipeWriter::DESCRIPTION,
            PipeWriter::ARGS,
            pipe_writer::construct,
        )
        .register(
            PipeReader::NAME,
            PipeReader::DESCRIPTION,
            PipeReader::ARGS,
            pipe_reader::construct,
        );
}

/// How a stock program that counts something ends: it exits with the number its
/// work returns, or crashes with the reason its work failed.
fn exit_with<N: TryInto<i32>>(result: Result<N, String>) -> TaskExit {
    match result {
        Ok(n) => TaskExit::Exited(saturating_code(n)),
        Err(reason) => TaskExit::Crashed(reason),
    }
}

/// A number as an exit code: `i32::MAX` when it does not fit one.
fn saturating_code<N: TryInto<i32>>(n: N) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}
