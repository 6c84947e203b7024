//! The `jobtag` binary: argument parsing and wiring only; the library does
//! the work. `main` turns errors into exit codes (see `cli::exit`).

mod cli;

fn main() {
    std::process::exit(cli::run());
}
