//! Traces: determinism and both file forms.

use kernel::trace::{TraceHeader, read_trace, write_binary, write_jsonl};
use kernel::{
    Kernel, Message, QueueLimit, ReceiveOptions, ReceivePolicy, ScheduleKind, SendPolicy,
};

fn ping_pong(seed: u64, schedule: ScheduleKind) -> Vec<kernel::trace::TraceRecord> {
    let mut k = ping_pong_kernel(Kernel::builder().seed(seed).schedule(schedule).trace(true));
    harness::run_clean(&mut k);
    k.take_trace()
}

/// Three clients and a server over a two-slot port: blocking, timeouts, wake-ups.
fn ping_pong_kernel(builder: kernel::KernelBuilder) -> Kernel {
    let mut k = builder.build();
    for name in ["a", "b", "c"] {
        k.spawn(name, |cx| async move {
            let port = cx.lookup("shared").unwrap();
            for i in 0..3 {
                let _ = cx.send(Message::new(port, i), SendPolicy::Timeout(5)).await;
            }
        });
    }
    k.spawn("server", |cx| async move {
        let port = cx.lookup("shared").unwrap();
        while cx
            .receive(port, ReceivePolicy::Timeout(20), ReceiveOptions::default())
            .await
            .is_ok()
        {}
    });
    k.allocate_port("server", "shared", QueueLimit::Bounded(2))
        .unwrap();
    for name in ["a", "b", "c"] {
        k.give_send_right(name, "shared").unwrap();
    }
    k
}

#[test]
fn the_same_seed_and_schedule_give_an_identical_trace() {
    for schedule in [
        ScheduleKind::RoundRobin,
        ScheduleKind::Random,
        ScheduleKind::Pct { depth: 3 },
    ] {
        let a = ping_pong(11, schedule);
        let b = ping_pong(11, schedule);
        assert!(!a.is_empty());
        assert_eq!(a, b, "schedule {schedule}");
    }
}

#[test]
fn different_seeds_explore_different_interleavings_under_random() {
    let traces: Vec<_> = (0..8)
        .map(|seed| ping_pong(seed, ScheduleKind::Random))
        .collect();
    assert!(traces.iter().any(|t| t != &traces[0]));
}

#[test]
fn jsonl_and_binary_forms_read_back_to_the_same_events() {
    let records = ping_pong(3, ScheduleKind::Random);
    let header = TraceHeader::new("ping", 3, ScheduleKind::Random);
    let mut jsonl = Vec::new();
    write_jsonl(&mut jsonl, &header, &records).unwrap();
    let mut binary = Vec::new();
    write_binary(&mut binary, &header, &records).unwrap();
    assert!(binary.len() < jsonl.len());
    let from_json = read_trace(&jsonl).unwrap();
    let from_binary = read_trace(&binary).unwrap();
    assert_eq!(from_json.records, records);
    assert_eq!(from_binary.records, records);
    let first = std::str::from_utf8(&jsonl).unwrap().lines().nth(1).unwrap();
    assert!(
        first.starts_with(r#"{"seq":1,"t_ns":0,"task":null,"event":"task_created""#),
        "{first}"
    );
}

#[test]
fn a_torn_or_newer_trace_is_a_clear_error() {
    let records = ping_pong(3, ScheduleKind::RoundRobin);
    let header = TraceHeader::new("ping", 3, ScheduleKind::RoundRobin);
    let mut jsonl = Vec::new();
    write_jsonl(&mut jsonl, &header, &records).unwrap();
    let torn = &jsonl[..jsonl.len() - 10];
    let err = read_trace(torn).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("line {}:", records.len() + 1)),
        "{err}"
    );
    let newer =
        String::from_utf8(jsonl.clone())
            .unwrap()
            .replacen("\"version\":1", "\"version\":2", 1);
    assert!(
        read_trace(newer.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("newer")
    );
    let mut binary = Vec::new();
    write_binary(&mut binary, &header, &records).unwrap();
    let err = read_trace(&binary[..binary.len() - 3])
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("byte offset"), "{err}");
}

#[test]
fn a_trace_streamed_to_the_binary_form_reads_back_as_the_trace_kept_in_memory() {
    let records = ping_pong(5, ScheduleKind::Random);
    let mut streamed = ping_pong_kernel(
        Kernel::builder()
            .seed(5)
            .schedule(ScheduleKind::Random)
            .stream_binary_trace(),
    );
    harness::run_clean(&mut streamed);
    let header = TraceHeader::new("ping", 5, ScheduleKind::Random);
    let bytes = streamed.take_binary_trace(&header).unwrap();
    let back = read_trace(&bytes).unwrap();
    assert!(!records.is_empty());
    assert_eq!(back.records, records);
    let mut written = Vec::new();
    write_binary(&mut written, &header, &records).unwrap();
    assert_eq!(bytes, written, "streaming and writing give the same bytes");
}
