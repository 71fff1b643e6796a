//! Verbs of the command line. Each parses its options, calls the library and turns the outcome
//! into printed lines and an exit code: 0 on success, 1 when the site has errors, 2 on misuse.

use cellbook::build::{self, Options};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
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
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Build, serve on 127.0.0.1, rebuild on change and reload open browser tabs.
    #[command(mut_arg("base_url", |arg| {
        arg.help("Serve under this URL, e.g. http://127.0.0.1:3000/repo/ to preview a sub-path (default: the server's)")
    }))]
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// The address to listen on; anything but loopback exposes the preview to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Create a new article with every front-matter field the site expects.
    New {
        /// `<section>/<slug>`, e.g. `trials/als/new-trial`.
        path: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Mark translations as up to date with their originals (sets `translated_from`).
    Translated {
        /// The translated files, e.g. `content/conditions/als.zh.md`.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Start a new site in an empty (or new) folder: book.toml, a start page, a section with one
    /// article, and a GitHub Pages workflow.
    Init {
        /// The folder to create the site in.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Also copy the built-in theme (templates/ and static/) into the site, to edit it.
        #[arg(long)]
        theme: bool,
    },
    /// The built-in theme (templates, interface strings, styles and scripts).
    Theme {
        #[command(subcommand)]
        command: ThemeCommand,
    },
    /// Check the site without writing it: everything `build` checks, and more.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Also check external links (slow; needs the network).
        #[arg(long)]
        external: bool,
        /// Output format (default: github when GITHUB_ACTIONS=true, else human).
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
}

/// What `build` and `serve` both take: which site, built where, for which URL.
#[derive(Args)]
struct SiteArgs {
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
}

impl SiteArgs {
    fn options(self) -> Options {
        let SiteArgs { root, output, base_url, drafts } = self;
        Options { root, output, base_url, drafts, no_search: false }
    }
}

#[derive(Subcommand)]
enum ThemeCommand {
    /// Copy the built-in theme into the site's templates/ and static/ for editing; a site's own
    /// files take the place of the built-in ones of the same name. Never overwrites a file.
    Export {
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Github,
    Json,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { site } => build_site(site.options()),
        Command::Serve { site, port, bind, open } => {
            let serve = cellbook::serve::ServeOptions { build: site.options(), port, bind, open };
            match cellbook::serve::run(serve) {
                Ok(()) => ExitCode::SUCCESS,
                Err(failure) => {
                    eprintln!("{failure}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::New { path, title, root } => match cellbook::scaffold::new_page(&root, &path, title.as_deref()) {
            Ok(created) => {
                let root_option =
                    if root == Path::new(".") { String::new() } else { format!(" --root {}", root.display()) };
                println!("created {}", shown(&created.file).display());
                println!("it is a draft: `build` leaves it out until you remove its `draft: true` line");
                println!(
                    "preview it: cellbook serve --drafts{root_option}, then open http://127.0.0.1:3000/{}",
                    created.url
                );
                ExitCode::SUCCESS
            }
            Err(message) => fail(&message),
        },
        Command::Init { dir, theme } => match cellbook::init::init(&dir, theme) {
            Ok(written) => {
                for file in &written {
                    println!("created {}", shown(file).display());
                }
                let cd = if dir == Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
                println!("next: {cd}cellbook serve   (then edit book.toml and content/; the page reloads)");
                ExitCode::SUCCESS
            }
            Err(message) => fail(&message),
        },
        Command::Theme { command: ThemeCommand::Export { root } } => match cellbook::theme::export(&root) {
            Ok(written) => {
                for file in &written {
                    println!("created {}", shown(file).display());
                }
                ExitCode::SUCCESS
            }
            Err(message) => fail(&message),
        },
        Command::Translated { files, root } => mark_translated(&root, &files),
        Command::Check { root, external, format } => {
            let format = format.unwrap_or(if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
                Format::Github
            } else {
                Format::Human
            });
            check_site(root, external, format)
        }
    }
}

/// How many search documents were reused from the previous build, for the summary line.
fn reused(documents: usize) -> String {
    match documents {
        0 => String::new(),
        n => format!(", {n} unchanged document{} not parsed again", plural(n)),
    }
}

fn build_site(options: Options) -> ExitCode {
    let progress = cellbook::progress::Progress::start("building");
    let result = build::build(&options);
    progress.finish();
    match result {
        Ok(report) if report.written == cellbook::output::Written::NothingChanged => {
            println!(
                "nothing changed: {} ({} files) was built from these sources and is as it was written; checked in {:.2?}",
                report.output.display(),
                report.files,
                report.elapsed
            );
            ExitCode::SUCCESS
        }
        Ok(report) => {
            for warning in &report.warnings {
                eprintln!("{warning}");
            }
            println!(
                "built {} pages, {} sections, {} terms ({} files) into {} in {:.2?} (search index {:.2?}{}); {}",
                report.pages,
                report.sections,
                report.terms,
                report.files,
                report.output.display(),
                report.elapsed,
                report.search_time,
                reused(report.search_reused),
                report.written
            );
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("{failure}");
            ExitCode::FAILURE
        }
    }
}

fn mark_translated(root: &std::path::Path, files: &[PathBuf]) -> ExitCode {
    let config = match cellbook::config::Config::load(root) {
        Ok(config) => config,
        Err(problems) => {
            problems.iter().for_each(|p| eprintln!("{p}"));
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    for file in files {
        // Accept paths as a shell completes them from the site's root or from inside it.
        let file = file.strip_prefix(root).unwrap_or(file);
        match cellbook::translations::mark_file(root, file, &config) {
            Ok(original) => println!("{}: up to date with {original}", file.display()),
            Err(message) => {
                eprintln!("error: {message}");
                failed = true;
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn check_site(root: PathBuf, external: bool, format: Format) -> ExitCode {
    let progress = cellbook::progress::Progress::start("checking");
    let report = cellbook::check::run(&root, external);
    progress.finish();
    let report = match report {
        Ok(report) => report,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    for finding in &report.findings {
        match format {
            Format::Human => eprintln!("{finding}"),
            Format::Github => println!("{}", finding.github()),
            Format::Json => println!("{}", serde_json::to_string(finding).unwrap_or_default()),
        }
    }
    if let Some(message) = &report.unreachable {
        match format {
            Format::Human => eprintln!("error: {message}"),
            Format::Github => println!("::error::{message}"),
            Format::Json => println!("{}", serde_json::json!({ "severity": "error", "message": message })),
        }
    }
    let errors = report.findings.iter().filter(|f| f.is_error()).count() + usize::from(report.unreachable.is_some());
    let warnings = report.findings.len() + usize::from(report.unreachable.is_some()) - errors;
    if let Format::Human = format {
        let drafts = match report.in_drafts {
            0 => String::new(),
            n => format!(" ({n} in drafts, which `build` leaves out until their `draft: true` is removed)"),
        };
        eprintln!("{}", reading_grades(&report.pages));
        eprintln!("checked: {errors} error{}, {warnings} warning{}{drafts}", plural(errors), plural(warnings));
    }
    if let Format::Json = format {
        for page in &report.pages {
            println!("{}", serde_json::to_string(page).unwrap_or_default());
        }
    }
    if errors > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// "summaries' reading grade (Flesch-Kincaid): median 5.9, highest 7.8 in content/x.md".
fn reading_grades(pages: &[cellbook::check::PageReport]) -> String {
    let mut graded: Vec<(f64, &std::path::Path)> =
        pages.iter().filter_map(|p| Some((p.reading_grade?, p.page.as_path()))).collect();
    graded.sort_by(|a, b| a.0.total_cmp(&b.0));
    match (graded.get(graded.len() / 2), graded.last()) {
        (Some(median), Some(highest)) => format!(
            "summaries' reading grade (Flesch-Kincaid, {} articles): median {:.1}, highest {:.1} in {}",
            graded.len(),
            median.0,
            highest.0,
            highest.1.display()
        ),
        _ => "summaries' reading grade: no article has a summary".to_string(),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

/// A path as the user would type it: without a leading `./`.
fn shown(path: &Path) -> &Path {
    path.strip_prefix(".").unwrap_or(path)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
