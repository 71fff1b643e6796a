//! The `cellbook` command: parses arguments, calls the library, prints, sets the exit code.

mod cli;

// See Cargo.toml: glibc's malloc costs the build's many short-lived strings more CPU time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    no_transparent_huge_pages();
    cli::run()
}

/// Turns transparent huge pages off for this process. mimalloc asks for them, and a build's
/// memory comes and goes fast: the kernel then spends much of its time zeroing 2 MiB pages for it
/// (BENCHMARKS.md, profile notes); with 4 KiB pages the build spends less time in the kernel.
/// This applies to the mappings mimalloc has already made as well (the setting is the process's,
/// checked per fault).
fn no_transparent_huge_pages() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    // SAFETY: a system call with integer arguments that touches no memory of ours. If it fails
    // (a kernel without the option), the build is only slower.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
