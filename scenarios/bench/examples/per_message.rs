//! Runs one machsim workload once, for counting its instructions with callgrind.
//!
//! Wall-clock figures on a shared machine are noisy; instruction counts are
//! exact. Run a workload at two sizes and divide the difference by the
//! difference in messages, so set-up and tear-down cancel out:
//!
//! ```sh
//! cargo build --release -p bench --example per_message
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/a target/release/examples/per_message request_reply 10000
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/b target/release/examples/per_message request_reply 20000
//! # (Ir of b - Ir of a) / 10000 = instructions per round trip
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(workload), Some(count)) = (args.next(), args.next()) else {
        eprintln!("usage: per_message WORKLOAD MESSAGES");
        return ExitCode::from(2);
    };
    let Ok(count) = count.parse::<u64>() else {
        eprintln!("error: MESSAGES must be a whole number, not {count}");
        return ExitCode::from(2);
    };
    let result = match workload.as_str() {
        "send_receive" => bench::machsim::send_receive(count),
        "request_reply" => bench::machsim::request_reply(count, false),
        "request_reply_traced" => bench::machsim::request_reply(count, true),
        "request_reply_two_calls" => bench::machsim::request_reply_four_calls(count),
        "many_ports" => bench::scale::many_ports(count),
        "many_tasks" => bench::scale::many_tasks(count),
        other => {
            eprintln!("error: unknown workload {other}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(elapsed) => {
            println!("{workload} {count}: {elapsed:?}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
