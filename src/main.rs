//! The `jobtag` binary: argument parsing and wiring only; the library does
//! the work. `main` turns errors into exit codes (see `cli::exit`).

mod cli;

/// mimalloc instead of the system allocator: labelling allocates small
/// strings and vectors on every worker thread and frees many of them on
/// another (the reader's records, the writer's labels), which glibc's
/// per-thread arenas serve slowly (measured in docs/BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
