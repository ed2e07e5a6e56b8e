//! Benchmarks: the `machsim bench` suite.
