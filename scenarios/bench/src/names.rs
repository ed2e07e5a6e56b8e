//! The workload, implementation and figure names the suite and its targets share.
//!
//! Targets look results up by name, so a typo would silently turn a target into
//! "not measured". Registering workloads and writing targets with these constants
//! keeps both sides spelled the same way.

/// One task sends a message to a port and receives it back, N times.
pub const SEND_RECEIVE: &str = "send_receive";
/// Two tasks exchange a request and a reply; one "message" is one round trip.
pub const REQUEST_REPLY: &str = "request_reply";
/// `send_receive` spread over many ports, to show cost per message stays flat.
pub const MANY_PORTS: &str = "many_ports";
/// `request_reply` in 50,000 client/server pairs at once (100,000 tasks).
pub const MANY_TASKS: &str = "many_tasks";
/// `request_reply` at 10⁴ and at 10⁷ round trips: the cost per round trip is flat.
pub const REQUEST_REPLY_SCALE: &str = "request_reply_scale";
/// The figure workload for the memory a streamed trace holds.
pub const TRACE_MEMORY: &str = "trace_memory";
/// A request/reply round trip through a real Linux pipe between two threads.
pub const PIPE_RTT: &str = "pipe_rtt";
/// The figure workload for the memory an idle port costs.
pub const IDLE_PORT_MEMORY: &str = "idle_port_memory";

/// The simulator itself, deterministic executor, trace off.
pub const MACHSIM: &str = "machsim";
/// The simulator with the binary trace recorder on.
pub const MACHSIM_BINARY_TRACE: &str = "machsim_binary_trace";
/// `VecDeque` carrying a header plus a heap-allocated 64-byte body.
pub const VECDEQUE: &str = "vecdeque";
/// `VecDeque` carrying a bare `[u8; 64]` by value.
pub const VECDEQUE_INLINE: &str = "vecdeque_inline";
/// Bounded `tokio::sync::mpsc` channels on a current-thread runtime.
pub const TOKIO_MPSC: &str = "tokio_mpsc";
/// A pair of Linux pipes.
pub const PIPE: &str = "pipe";

/// The figure key for bytes of resident memory per idle port.
pub const BYTES_PER_PORT: &str = "bytes_per_port";
/// The figure key for bytes of resident memory per round trip of a run.
pub const BYTES_PER_ROUND_TRIP: &str = "bytes_per_round_trip";

/// `request_reply_scale` at 10⁴ round trips, trace off.
pub const MACHSIM_1E4: &str = "machsim_1e4";
/// `request_reply_scale` at 10⁷ round trips, trace off.
pub const MACHSIM_1E7: &str = "machsim_1e7";
/// `request_reply_scale` at 10⁴ round trips, binary trace streamed.
pub const MACHSIM_BINARY_TRACE_1E4: &str = "machsim_binary_trace_1e4";
/// `request_reply_scale` at 10⁷ round trips, binary trace streamed.
pub const MACHSIM_BINARY_TRACE_1E7: &str = "machsim_binary_trace_1e7";

/// machsim doing the same work with one kernel call per send and per receive
/// (instead of `mach_msg`'s combined send-and-receive).
pub const MACHSIM_TWO_CALLS: &str = "machsim_two_calls";
