//! The `cellbook` command: parses arguments, calls the library, prints, sets the exit code.

mod cli;

// See Cargo.toml: glibc's malloc was an eighth of the build's CPU time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
