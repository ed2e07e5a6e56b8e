//! Typed arguments.

use crate::{ArgError, ArgType, ArgValue, Args};

#[test]
fn getters_return_the_value_given_or_the_default() {
    let args = Args::new()
        .with("count", 3)
        .with("port", "requests")
        .with("strict", true)
        .with("ratio", 0.5);
    assert_eq!(args.u64_or("count", 10), Ok(3));
    assert_eq!(args.u64_or("size", 10), Ok(10));
    assert_eq!(args.str("port"), Ok("requests"));
    assert_eq!(args.str_or("label", "inbox"), Ok("inbox"));
    assert_eq!(args.bool("strict"), Ok(true));
    assert_eq!(args.float("ratio"), Ok(0.5));
    assert_eq!(args.opt_int("missing"), Ok(None));
}

#[test]
fn a_missing_required_argument_is_named_with_its_type() {
    let err = Args::new().u64("count").unwrap_err();
    assert_eq!(
        err,
        ArgError::Missing {
            name: "count".into(),
            expected: ArgType::Int
        }
    );
    assert_eq!(err.name(), "count");
    assert_eq!(err.to_string(), "missing argument `count` (an integer)");
}

#[test]
fn a_value_of_another_type_is_named_with_both_types() {
    let args = Args::new().with("count", "ten");
    let err = args.u64_or("count", 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "argument `count` must be an integer, not a string"
    );
    assert!(matches!(
        args.opt_list("count"),
        Err(ArgError::WrongType {
            found: ArgType::Str,
            ..
        })
    ));
}

#[test]
fn a_negative_count_is_invalid_rather_than_wrapped() {
    let err = Args::new().with("count", -1).u64("count").unwrap_err();
    assert_eq!(
        err.to_string(),
        "argument `count` = -1: must not be negative"
    );
}

#[test]
fn an_integer_is_accepted_where_a_number_is_expected() {
    let args = Args::new().with("ratio", 2);
    assert_eq!(args.float("ratio"), Ok(2.0));
    assert!(ArgType::Float.accepts(ArgType::Int));
    assert!(!ArgType::Int.accepts(ArgType::Float));
}

#[test]
fn values_display_as_toml_writes_them() {
    let table = Args::new().with("timeout_ms", 5);
    let value = ArgValue::List(vec![
        ArgValue::from("a"),
        ArgValue::from(1.5),
        ArgValue::from(false),
        ArgValue::from(table),
    ]);
    assert_eq!(
        value.to_string(),
        r#"["a", 1.5, false, { timeout_ms = 5 }]"#
    );
}

#[test]
fn args_collect_from_pairs_in_name_order() {
    let args: Args = [
        ("b".to_string(), ArgValue::Int(2)),
        ("a".to_string(), ArgValue::Int(1)),
    ]
    .into_iter()
    .collect();
    let names: Vec<&str> = args.iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(args.len(), 2);
}
