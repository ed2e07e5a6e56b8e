//! The `machsim` program.

fn main() -> std::process::ExitCode {
    machsim::cli::main()
}
