//! The `machsim` program.

fn main() -> std::process::ExitCode {
    scenarios::cli::main()
}
