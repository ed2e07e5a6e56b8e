//! The LPC rules no task program can reach: a machsim task is one thread, so its
//! slot is always empty when it runs, and a connection port has one handle, so
//! nothing can send through it once its name is deleted.

use crate::config::Config;
use crate::state::KernelState;
use crate::syscall::Now;
use ports::lpc::PortMessage;
use ports::{NtStatus, TaskId};

/// A kernel state with one task that owns the connection port `\P`.
fn server() -> (KernelState, TaskId, u32) {
    let config = Config::default();
    let scheduler = crate::sched::for_config(&config);
    let mut state = KernelState::new(config, scheduler);
    let task = state.create_task("server", None, Some(0));
    let handle = state
        .nt_create_port(None, task, "\\P", 260, 280)
        .expect("the port is made");
    (state, task, handle)
}

#[test]
fn a_task_whose_slot_is_taken_cannot_send_another_request() {
    let (mut state, task, handle) = server();
    state.lpc_thread(task).reply_message_id = 5;
    let now = state.nt_request_wait_reply_port(task, handle, &PortMessage::new(vec![1u8; 4]));
    assert!(matches!(now, Now::Done(Err(NtStatus::Unsuccessful))));
}

#[test]
fn nothing_goes_through_a_connection_port_whose_name_was_deleted() {
    let (mut state, task, handle) = server();
    let port = state.lpc_port_of(task, handle).expect("a port handle");
    assert!(state.lpc_route(port).is_ok());
    state.lpc_port_mut(port).expect("alive").name_deleted = true;
    assert_eq!(
        state.lpc_route(port).map(|r| r.queue),
        Err(NtStatus::PortDisconnected)
    );
}
