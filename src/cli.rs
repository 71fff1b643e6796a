//! Verbs of the command line. Each parses its options, calls the library and turns the outcome
//! into printed lines and an exit code: 0 on success, 1 when the site has errors, 2 on misuse.

use cellbook::build::{self, Options};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cellbook", version, about = "Build a cross-linked, evidence-tagged static site from Markdown")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder.
    Build {
        /// The site's root folder (with book.toml, content/, templates/, static/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The output folder (default: `[build] build-dir` of book.toml, `book/`).
        #[arg(long)]
        output: Option<PathBuf>,
        /// The URL the site is published at, e.g. https://owner.github.io/repo/ (default: site-url).
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { root, output, base_url, drafts } => {
            let options = Options { root, output, base_url, drafts, no_search: false };
            match build::build(&options) {
                Ok(report) => {
                    for warning in &report.warnings {
                        eprintln!("{warning}");
                    }
                    println!(
                        "built {} pages, {} sections, {} terms ({} files) into {} in {:.2?} (search index {:.2?})",
                        report.pages,
                        report.sections,
                        report.terms,
                        report.files,
                        report.output.display(),
                        report.elapsed,
                        report.search_time
                    );
                    ExitCode::SUCCESS
                }
                Err(failure) => {
                    eprintln!("{failure}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
