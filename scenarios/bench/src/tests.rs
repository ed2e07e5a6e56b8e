//! Tests of the benchmark harness, reports and baselines.
//!
//! Speed is reported, never asserted: these tests check arithmetic, formats
//! and that every workload runs, not how fast anything is.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use serde_json::Value;

use super::names::{
    BYTES_PER_PORT, IDLE_PORT_MEMORY, MACHSIM, PIPE, PIPE_RTT, REQUEST_REPLY, SEND_RECEIVE,
    TOKIO_MPSC, VECDEQUE, VECDEQUE_INLINE,
};
use super::{
    Bound, Figure, FnWorkload, Measurement, Metric, Results, Suite, Target, Verdict, WorkloadError,
    all_met, design_targets, evaluate_targets, measure_bytes_per_item, median, page_size,
    report_json, report_targets, report_text, resident_bytes,
};

fn ns(values: &[u64]) -> Vec<Duration> {
    values.iter().copied().map(Duration::from_nanos).collect()
}

/// Synthetic results: request_reply machsim 150 vs tokio 200 (0.75×),
/// send_receive machsim 50 vs vecdeque 10 (5×), pipe 4000 (26.7× machsim),
/// idle port 150 bytes.
fn synthetic() -> Results {
    Results {
        measurements: vec![
            Measurement::from_ns_per_msg(SEND_RECEIVE, VECDEQUE, 100, vec![10.0, 11.0, 9.0]),
            Measurement::from_ns_per_msg(SEND_RECEIVE, MACHSIM, 100, vec![50.0]),
            Measurement::from_ns_per_msg(REQUEST_REPLY, MACHSIM, 100, vec![150.0]),
            Measurement::from_ns_per_msg(REQUEST_REPLY, TOKIO_MPSC, 100, vec![200.0]),
            Measurement::from_ns_per_msg(PIPE_RTT, PIPE, 10, vec![4000.0]),
        ],
        figures: vec![Figure {
            workload: IDLE_PORT_MEMORY.to_owned(),
            implementation: MACHSIM.to_owned(),
            key: BYTES_PER_PORT.to_owned(),
            value: 150.0,
        }],
        references: vec![(REQUEST_REPLY.to_owned(), TOKIO_MPSC.to_owned())],
        ..Results::default()
    }
}

#[test]
fn median_of_odd_count_is_the_middle_value() {
    assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
    assert_eq!(median(&[5.0, 100.0, 1.0, 4.0, 2.0]), 4.0);
    assert_eq!(median(&[7.0]), 7.0);
}

#[test]
fn median_of_even_count_is_the_mean_of_the_middle_two() {
    assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    assert_eq!(median(&[10.0, 20.0]), 15.0);
    assert_eq!(median(&[1.0, 1.0, 9.0, 1000.0, 2.0, 3.0]), 2.5);
}

#[test]
fn median_of_nothing_is_nan() {
    assert!(median(&[]).is_nan());
}

#[test]
fn measurement_divides_by_messages_and_takes_median_min_max() {
    let m = Measurement::from_runs("w", "i", 10, &ns(&[300, 100, 200, 1000, 150]));
    assert_eq!(m.run_ns_per_msg, vec![30.0, 10.0, 20.0, 100.0, 15.0]);
    assert_eq!(m.ns_per_msg, 20.0);
    assert_eq!(m.min_ns, 10.0);
    assert_eq!(m.max_ns, 100.0);
    assert_eq!(m.runs(), 5);
    let even = Measurement::from_runs("w", "i", 2, &ns(&[40, 20, 10, 30]));
    assert_eq!(even.ns_per_msg, 12.5);
}

#[test]
fn suite_warms_up_then_measures_with_the_configured_counts() {
    let calls = Rc::new(RefCell::new(Vec::new()));
    let seen = Rc::clone(&calls);
    let mut suite = Suite::new(false);
    suite.config.warmup_runs = 2;
    suite.config.runs = 4;
    suite.add(FnWorkload::new("w", "i", 1000, move |n| {
        seen.borrow_mut().push(n);
        Ok(Duration::from_nanos(n * 3))
    }));
    let results = suite.run();
    assert_eq!(*calls.borrow(), vec![1000; 6]);
    let m = results.measurement("w", "i").expect("measured");
    assert_eq!(m.runs(), 4);
    assert_eq!(m.messages, 1000);
    assert_eq!(m.ns_per_msg, 3.0);
}

#[test]
fn quick_mode_uses_fewer_messages_and_runs() {
    let calls = Rc::new(RefCell::new(Vec::new()));
    let seen = Rc::clone(&calls);
    let mut suite = Suite::new(true);
    suite.add(
        FnWorkload::new("w", "i", 1000, move |n| {
            seen.borrow_mut().push(n);
            Ok(Duration::from_nanos(n))
        })
        .quick_messages(7),
    );
    let results = suite.run();
    let config = results.config.expect("config recorded");
    assert!(config.quick);
    assert_eq!(calls.borrow().len(), config.warmup_runs + config.runs);
    assert!(calls.borrow().iter().all(|&n| n == 7));
    assert!(config.runs < super::RunConfig::full().runs);
}

#[test]
fn a_failing_workload_is_reported_and_the_rest_still_run() {
    let mut suite = Suite::new(true);
    suite
        .add(FnWorkload::new("broken", "i", 10, |_| {
            Err(WorkloadError::new("no pipes here"))
        }))
        .add(FnWorkload::new("fine", "i", 10, |n| {
            Ok(Duration::from_nanos(n))
        }))
        .add_figure("fig", "i", "bytes", |_| Err("no /proc".into()));
    let results = suite.run();
    assert_eq!(results.failures.len(), 2);
    assert_eq!(results.failures[0].workload, "broken");
    assert_eq!(results.failures[0].error.message(), "no pipes here");
    assert!(results.measurement("fine", "i").is_some());
    let text = report_text(&results);
    assert!(text.contains("broken/i: no pipes here"), "{text}");
    let json = report_json(&results);
    assert!(json.contains(r#""error":"no pipes here""#), "{json}");
}

#[test]
fn retain_keeps_only_matching_workloads() {
    let mut suite = Suite::baselines(true);
    suite.retain(|workload, _| workload == SEND_RECEIVE);
    assert_eq!(
        suite.workload_names(),
        vec![(SEND_RECEIVE, VECDEQUE), (SEND_RECEIVE, VECDEQUE_INLINE)]
    );
}

#[test]
fn json_lines_parse_and_carry_the_required_keys() {
    let json = report_json(&synthetic());
    let lines: Vec<Value> = json
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON object"))
        .collect();
    assert_eq!(lines.len(), 6);
    for line in &lines[..5] {
        let object = line.as_object().expect("an object");
        for key in ["workload", "impl", "ns_per_msg", "runs"] {
            assert!(object.contains_key(key), "{key} missing from {line}");
        }
        assert!(object["workload"].is_string());
        assert!(object["impl"].is_string());
        assert!(object["ns_per_msg"].is_f64());
        assert!(object["runs"].is_u64());
    }
    assert_eq!(lines[0]["workload"], SEND_RECEIVE);
    assert_eq!(lines[0]["impl"], VECDEQUE);
    assert_eq!(lines[0]["ns_per_msg"], 10.0);
    assert_eq!(lines[0]["runs"], 3);
    assert_eq!(lines[0]["min_ns"], 9.0);
    assert_eq!(lines[0]["max_ns"], 11.0);
    assert_eq!(lines[0]["messages"], 100);
    let figure = &lines[5];
    assert_eq!(figure["workload"], IDLE_PORT_MEMORY);
    assert_eq!(figure["impl"], MACHSIM);
    assert_eq!(figure[BYTES_PER_PORT], 150.0);
    assert_eq!(figure.as_object().map(|o| o.len()), Some(3));
}

#[test]
fn text_report_groups_by_workload_and_shows_ratio_to_reference() {
    let text = report_text(&synthetic());
    let lines: Vec<&str> = text.lines().collect();
    let row = |implementation: &str, workload: &str| {
        let index = lines
            .iter()
            .position(|l| l.split_whitespace().any(|w| w == workload))
            .expect("workload row");
        lines[index..]
            .iter()
            .find(|l| l.split_whitespace().any(|w| w == implementation))
            .copied()
            .expect("impl row")
    };
    // The declared reference is used although machsim was measured first.
    assert!(row(TOKIO_MPSC, REQUEST_REPLY).contains("1.00 (ref)"));
    assert!(row(MACHSIM, REQUEST_REPLY).ends_with("0.75"), "{text}");
    // No declared reference: the first measured implementation is the reference.
    assert!(row(VECDEQUE, SEND_RECEIVE).contains("1.00 (ref)"));
    assert!(row(MACHSIM, SEND_RECEIVE).ends_with("5.00"), "{text}");
    assert!(text.contains(BYTES_PER_PORT));
    // Aligned: every table row has the ns/msg column ending at the same place.
    let header = lines
        .iter()
        .find(|l| l.starts_with("workload"))
        .expect("header");
    let column_end = header.find("ns/msg").expect("ns/msg column") + "ns/msg".len();
    let vecdeque_row = row(VECDEQUE, SEND_RECEIVE);
    assert_eq!(&vecdeque_row[column_end - 5..column_end], "10.00");
}

#[test]
fn ratio_targets_pass_and_fail_on_synthetic_results() {
    let results = synthetic();
    let rr_machsim = Metric::ns_per_msg(REQUEST_REPLY, MACHSIM);
    let rr_tokio = Metric::ns_per_msg(REQUEST_REPLY, TOKIO_MPSC);
    let pass = Target::max_ratio("under 0.8", rr_machsim.clone(), rr_tokio.clone(), 0.8);
    let fail = Target::max_ratio("under 0.7", rr_machsim.clone(), rr_tokio.clone(), 0.7);
    let at_least = Target::min_ratio(
        "pipe 10x",
        Metric::ns_per_msg(PIPE_RTT, PIPE),
        rr_machsim.clone(),
        10.0,
    );
    let too_much = Target::min_ratio(
        "pipe 30x",
        Metric::ns_per_msg(PIPE_RTT, PIPE),
        rr_machsim,
        30.0,
    );
    let outcomes = evaluate_targets(&results, &[pass, fail, at_least, too_much]);
    let verdicts: Vec<Verdict> = outcomes.iter().map(|o| o.verdict).collect();
    assert_eq!(
        verdicts,
        vec![Verdict::Pass, Verdict::Fail, Verdict::Pass, Verdict::Fail]
    );
    assert_eq!(outcomes[0].measured, Some(0.75));
    let text = report_targets(&outcomes);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("✓ under 0.8: measured 0.75×"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("✗ under 0.7: measured 0.75×"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("✓ pipe 10x: measured 26.67×"),
        "{text}"
    );
    assert!(lines[3].starts_with("✗ pipe 30x"), "{text}");
}

#[test]
fn absolute_targets_and_missing_numbers() {
    let results = synthetic();
    let memory = Metric::figure(IDLE_PORT_MEMORY, MACHSIM, BYTES_PER_PORT);
    let outcomes = evaluate_targets(
        &results,
        &[
            Target::at_most("≤ 200 bytes", memory.clone(), 200.0),
            Target::at_most("≤ 100 bytes", memory.clone(), 100.0),
            Target::at_least("≥ 100 bytes", memory, 100.0),
            Target::max_ratio(
                "absent",
                Metric::ns_per_msg("many_ports", MACHSIM),
                Metric::ns_per_msg(SEND_RECEIVE, MACHSIM),
                2.0,
            ),
        ],
    );
    let verdicts: Vec<Verdict> = outcomes.iter().map(|o| o.verdict).collect();
    assert_eq!(
        verdicts,
        vec![
            Verdict::Pass,
            Verdict::Fail,
            Verdict::Pass,
            Verdict::Missing
        ]
    );
    assert_eq!(
        outcomes[3].missing,
        vec![Metric::ns_per_msg("many_ports", MACHSIM)]
    );
    let text = report_targets(&outcomes);
    assert!(text.contains("✓ ≤ 200 bytes: measured 150"), "{text}");
    assert!(
        text.contains("✗ absent: not measured (many_ports/machsim)"),
        "{text}"
    );
    assert!(!outcomes[3].passed());
    assert!(Bound::AtMost(1.0).holds(1.0));
    assert!(!Bound::AtLeast(1.0).holds(f64::NAN));
}

#[test]
fn design_targets_evaluate_on_synthetic_results() {
    let outcomes = evaluate_targets(&synthetic(), &design_targets());
    let verdicts: Vec<Verdict> = outcomes.iter().map(|o| o.verdict).collect();
    assert_eq!(
        verdicts,
        vec![
            Verdict::Pass,    // request_reply 150 / 200 = 0.75 ≤ 0.8
            Verdict::Fail,    // send_receive 50 / 10 = 5 > 4
            Verdict::Missing, // many_ports not measured
            Verdict::Missing, // many_tasks not measured
            Verdict::Pass,    // 150 bytes ≤ 200
            Verdict::Pass,    // pipe 4000 / 150 ≥ 10
            Verdict::Missing, // trace on not measured
            Verdict::Missing, // trace memory not measured
            Verdict::Missing, // 10⁷ round trips not measured
            Verdict::Missing, // 10⁷ traced round trips not measured
        ]
    );
    assert!(
        !all_met(&outcomes),
        "a missed or unmeasured target fails --check"
    );
    let met: Vec<_> = outcomes.into_iter().filter(|o| o.passed()).collect();
    assert!(all_met(&met));
}

#[test]
fn a_target_names_the_workloads_it_reads() {
    let target = &design_targets()[0];
    let workloads: Vec<&str> = target.metrics().map(Metric::workload).collect();
    assert_eq!(workloads, [REQUEST_REPLY, REQUEST_REPLY]);
    let figure = Metric::figure(IDLE_PORT_MEMORY, MACHSIM, BYTES_PER_PORT);
    assert_eq!(figure.workload(), IDLE_PORT_MEMORY);
}

#[test]
fn a_long_workload_runs_without_warm_up_and_at_most_its_runs() {
    let calls = Rc::new(RefCell::new(0));
    let counted = Rc::clone(&calls);
    let mut suite = Suite::new(false);
    suite.add(
        FnWorkload::new("long", "test", 10, move |_| {
            *counted.borrow_mut() += 1;
            Ok(Duration::from_nanos(100))
        })
        .long_runs(2),
    );
    let results = suite.run();
    assert_eq!(*calls.borrow(), 2, "no warm-up, two measured runs");
    assert_eq!(results.measurements[0].runs(), 2);
}

/// Every machsim workload runs, at a tiny size: a smoke test (the real sizes run
/// only under `machsim bench`).
#[test]
fn machsim_workloads_run_at_a_tiny_size() {
    for run in [
        crate::machsim::send_receive(5),
        crate::machsim::request_reply(5, false),
        crate::machsim::request_reply(5, true),
        crate::machsim::request_reply_four_calls(5),
        crate::scale::many_ports(5),
        crate::scale::many_tasks(6),
    ] {
        if let Err(e) = run {
            panic!("{e}");
        }
    }
    if resident_bytes().is_some() {
        assert!(crate::scale::trace_bytes_per_round_trip(5).is_ok());
    }
}

#[test]
fn every_baseline_runs_in_quick_mode_with_a_positive_time() {
    let results = Suite::baselines(true).run();
    assert!(results.failures.is_empty(), "{:?}", results.failures);
    let expected = [
        (SEND_RECEIVE, VECDEQUE),
        (SEND_RECEIVE, VECDEQUE_INLINE),
        (REQUEST_REPLY, TOKIO_MPSC),
        (PIPE_RTT, PIPE),
    ];
    assert_eq!(results.measurements.len(), expected.len());
    for (workload, implementation) in expected {
        let m = results
            .measurement(workload, implementation)
            .unwrap_or_else(|| panic!("{workload}/{implementation} missing"));
        assert!(
            m.ns_per_msg > 0.0 && m.ns_per_msg.is_finite(),
            "{workload}/{implementation}: {m:?}"
        );
        assert!(m.min_ns <= m.ns_per_msg && m.ns_per_msg <= m.max_ns);
    }
    // Both reports accept real results too.
    assert_eq!(report_json(&results).lines().count(), expected.len());
    assert!(report_text(&results).contains(TOKIO_MPSC));
}

#[test]
fn baseline_functions_handle_a_single_message() {
    assert!(super::baseline::vecdeque_send_receive(1) > Duration::ZERO);
    assert!(super::baseline::vecdeque_inline_send_receive(1) > Duration::ZERO);
    assert!(super::baseline::tokio_mpsc_request_reply(1).expect("tokio") > Duration::ZERO);
    assert!(super::baseline::pipe_round_trip(1).expect("pipe") > Duration::ZERO);
}

#[test]
fn resident_memory_probe_reads_proc_on_linux() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let rss = resident_bytes().expect("/proc/self/statm is readable on Linux");
    assert!(rss > 0);
    assert!(page_size().is_power_of_two());
}

#[test]
fn measure_bytes_per_item_sees_touched_memory() {
    if !cfg!(target_os = "linux") {
        return;
    }
    // 16 MiB of touched 1 KiB boxes: large enough to dominate other tests'
    // concurrent allocations. Only a loose lower bound, not a precise size.
    let per_item = measure_bytes_per_item(16 * 1024, |count| {
        (0..count)
            .map(|i| Box::new([i as u8; 1024]))
            .collect::<Vec<_>>()
    })
    .expect("RSS readable");
    assert!(per_item > 512.0, "{per_item} bytes per 1 KiB item");
    assert_eq!(measure_bytes_per_item(0, |_| ()), None);
}

#[test]
fn figures_are_run_with_the_quick_flag() {
    let mut suite = Suite::new(true);
    suite.add_figure(IDLE_PORT_MEMORY, "test", BYTES_PER_PORT, |quick| {
        Ok(if quick { 1.0 } else { 2.0 })
    });
    let results = suite.run();
    assert_eq!(
        results.figure(IDLE_PORT_MEMORY, "test", BYTES_PER_PORT),
        Some(1.0)
    );
}
