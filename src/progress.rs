//! Progress for long work: a bar counting rendered documents on an interactive terminal, nothing
//! otherwise (logs and CI get the plain summary line the commands print at the end). The
//! library reports through [`expect`] and [`advance`], which do nothing unless a command started
//! a [`Progress`].

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

static BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn start(message: &'static str) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let style = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        let bar = ProgressBar::new(0).with_style(style).with_message(message);
        bar.enable_steady_tick(Duration::from_millis(100));
        if let Ok(mut global) = BAR.lock() {
            *global = Some(bar.clone());
        }
        Progress { bar: Some(bar) }
    }

    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
            if let Ok(mut global) = BAR.lock() {
                *global = None;
            }
        }
    }
}

/// Adds `n` steps of work still to do.
pub(crate) fn expect(n: usize) {
    if let Ok(Some(bar)) = BAR.lock().as_deref() {
        bar.inc_length(n as u64);
    }
}

/// Marks one step done.
pub(crate) fn advance() {
    if let Ok(Some(bar)) = BAR.lock().as_deref() {
        bar.inc(1);
    }
}

/// When `CELLBOOK_TIMINGS` is set, prints how long a phase of the build took and the memory in
/// use on stderr (the phase figures of BENCHMARKS.md); returns the start of the next phase.
pub(crate) fn phase(name: &str, since: std::time::Instant) -> std::time::Instant {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("CELLBOOK_TIMINGS").is_some()) {
        // Resident memory now and at its peak so far, where the system tells it (Linux).
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |key: &str| {
            let line = status.lines().find(|l| l.starts_with(key));
            line.and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()).map_or(0, |kib| kib / 1024)
        };
        eprintln!(
            "phase {name}: {:.3} s (RSS {} MiB, peak {} MiB)",
            since.elapsed().as_secs_f64(),
            field("VmRSS:"),
            field("VmHWM:")
        );
    }
    std::time::Instant::now()
}
