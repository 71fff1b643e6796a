//! The dev server: builds the site, serves the output folder on 127.0.0.1, rebuilds when a
//! source changes and reloads open browser tabs.
//!
//! In: the build options, the address to listen on. Out: a server until Ctrl-C. Pieces:
//! `watch` (notify: which source paths changed, as the kernel reports them), `session` (a build
//! kept alive between edits, writing only the files that changed), `builder` (the thread that
//! rebuilds through the session as soon as a save is complete), `indexing` (the search index,
//! following the pages on a thread of its own), `state` (the outcome of the last build), `http`
//! (files, the reload script added to HTML responses only, the event stream and
//! `/__cellbook/status`). A failed rebuild writes nothing: the last good site stays served and
//! the errors show in the terminal and as an overlay in the browser.

mod builder;
mod http;
mod indexing;
pub mod session;
mod state;
mod watch;

use crate::build::Options;
use crate::config::Config;
use crate::diagnostics::Failure;
use crate::output::{absolute, check_target};
use crate::urls::BaseUrl;
use session::{SearchBundle, Session};
use state::Status;
use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr, TcpListener, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub struct ServeOptions {
    pub build: Options,
    pub port: u16,
    pub bind: String,
    pub open: bool,
}

/// How long Ctrl-C waits for open connections and a running rebuild before leaving anyway.
const STOP_GRACE: Duration = Duration::from_secs(5);

pub fn run(options: ServeOptions) -> Result<(), Failure> {
    let ServeOptions { build: mut build_options, port, bind, open } = options;
    let root = std::fs::canonicalize(&build_options.root)
        .map_err(|e| Failure::caused(format!("cannot open the site folder `{}`", build_options.root.display()), e))?;
    build_options.root = root.clone();
    let config = Config::load(&root).map_err(Failure::Diagnostics)?;
    let output = check_target(&root, &crate::build::output_dir(&build_options, &config)).map_err(Failure::other)?;

    let listener = listen(&bind, port)?;
    let address = listener.local_addr().map_err(|e| Failure::caused("cannot listen", e))?;
    if let Some(warning) = exposure_warning(address) {
        eprintln!("{warning}");
    }
    // Links and feeds point at this server unless --base-url says otherwise; its path is where
    // the site is served.
    let host = match address.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let base =
        BaseUrl::parse(build_options.base_url.get_or_insert_with(|| format!("http://{host}:{}/", address.port())));
    let url = format!("http://{host}:{}{}", address.port(), base.path);

    // Watch before the first build so that nothing saved meanwhile is missed.
    let (sender, messages) = std::sync::mpsc::channel();
    let watched_output = real_path(&output);
    let watcher = watch::Watcher::start(&root, &watched_output, sender.clone()).map_err(Failure::other)?;

    let progress = crate::progress::Progress::start("building");
    let first = Session::new(build_options.clone());
    progress.finish();
    let (session, status) = match first {
        Ok((session, rebuild)) => {
            println!(
                "built {} files into {} in {:.2?}",
                rebuild.written.len(),
                shown(&root, &output).display(),
                rebuild.elapsed
            );
            (Some(session), Status::succeeded(&Status::default(), &rebuild))
        }
        // Errors in the sources: serve what there is and rebuild when they are fixed.
        Err(failure @ Failure::Diagnostics(_)) => {
            eprintln!("{}", builder::report_failure(&failure));
            (None, Status::failed(&Status::default(), &failure, Duration::ZERO))
        }
        Err(failure) => return Err(failure),
    };
    let (status_sender, status_receiver) = tokio::sync::watch::channel(status);
    let (stop_sender, stop_receiver) = tokio::sync::watch::channel(false);
    let shared = Arc::new(http::Shared {
        output: output.clone(),
        base: base.path.clone(),
        base_decoded: percent_encoding::percent_decode_str(&base.path).decode_utf8_lossy().into_owned(),
        status: status_receiver,
        shutdown: stop_receiver.clone(),
        instance: instance_id(),
    });

    let builder = builder::Builder {
        root: root.clone(),
        options: build_options,
        session,
        watcher,
        status: status_sender,
        sender: sender.clone(),
        index: SearchBundle::new,
    };
    let (built_sender, built) = std::sync::mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("cellbook-rebuild".into())
        .spawn(move || {
            builder.run(messages);
            let _ = built_sender.send(());
        })
        .map_err(|e| Failure::caused("cannot start the rebuild thread", e))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::caused("cannot start the server", e))?;
    let served = runtime.block_on(async move {
        listener.set_nonblocking(true).map_err(|e| Failure::caused("cannot listen", e))?;
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Failure::caused(format!("cannot listen on {address}"), e))?;
        let mut stopping = stop_receiver.clone();
        let server = axum::serve(listener, http::router(shared))
            .with_graceful_shutdown(async move {
                let _ = stopping.wait_for(|stop| *stop).await;
            })
            .into_future();
        let server = tokio::spawn(server);
        println!("serving {} at {url} (Ctrl-C to stop)", shown(&root, &output).display());
        if open {
            open_browser(url.clone());
        }
        stop_signal().await;
        println!("stopping");
        let _ = stop_sender.send(true);
        match tokio::time::timeout(STOP_GRACE, server).await {
            Ok(Ok(Err(e))) => Err(Failure::caused("the server failed", e)),
            _ => Ok(()),
        }
    });
    // Let a rebuild that is writing the output finish, so the folder is left whole.
    let _ = sender.send(watch::Message::Stop);
    let _ = built.recv_timeout(STOP_GRACE);
    runtime.shutdown_timeout(Duration::from_millis(200));
    served
}

/// Binds the address, with a message that says what to do when the port is taken.
fn listen(bind: &str, port: u16) -> Result<TcpListener, Failure> {
    let addresses: Vec<SocketAddr> = match bind.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => (bind, port)
            .to_socket_addrs()
            .map_err(|e| Failure::caused(format!("cannot listen on `{bind}`"), e))?
            .collect(),
    };
    let mut last = None;
    for address in &addresses {
        match TcpListener::bind(address) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some((address, e)),
        }
    }
    Err(Failure::other(match last {
        Some((_, e)) if e.kind() == ErrorKind::AddrInUse => match port.checked_add(1) {
            Some(next) => format!("port {port} is in use; try --port {next}"),
            None => format!("port {port} is in use; try another --port"),
        },
        Some((address, e)) if e.kind() == ErrorKind::AddrNotAvailable => {
            format!("cannot listen on {address}: this machine has no such address (try --bind 127.0.0.1)")
        }
        Some((address, e)) => format!("cannot listen on {address}: {e}"),
        None => format!("`{bind}` names no address to listen on"),
    }))
}

/// The warning for an address other machines can reach.
fn exposure_warning(address: SocketAddr) -> Option<String> {
    (!address.ip().is_loopback()).then(|| {
        format!(
            "warning: listening on {address}: this preview is exposed to every machine that can reach this one \
             (drafts included with --drafts); use --bind 127.0.0.1 to keep it local"
        )
    })
}

/// Resolves on Ctrl-C (or, on Unix, when asked to terminate).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    if tokio::signal::ctrl_c().await.is_err() {
        // No way to hear Ctrl-C: run until killed.
        std::future::pending::<()>().await;
    }
}

fn open_browser(url: String) {
    // Opening may wait for the launcher; the server does not.
    std::thread::spawn(move || {
        if let Err(e) = open::that_detached(&url) {
            eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
        }
    });
}

/// `path` with symbolic links resolved as far as it exists, to compare with what notify reports.
fn real_path(path: &Path) -> PathBuf {
    let path = absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (path.parent().and_then(|p| std::fs::canonicalize(p).ok()), path.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(&path).unwrap_or_else(|_| parent.join(name)),
        _ => path,
    }
}

/// The output folder as the user would name it.
fn shown(root: &Path, output: &Path) -> PathBuf {
    crate::diagnostics::display_path(root, output)
}

fn instance_id() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{:x}{:x}", std::process::id(), nanos & 0xffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_is_private() {
        assert!(exposure_warning("127.0.0.1:3000".parse().unwrap()).is_none());
        assert!(exposure_warning("[::1]:3000".parse().unwrap()).is_none());
        assert!(exposure_warning("0.0.0.0:3000".parse().unwrap()).unwrap().contains("exposed"));
        assert!(exposure_warning("192.168.1.5:3000".parse().unwrap()).unwrap().contains("exposed"));
    }

    #[test]
    fn a_taken_port_says_which_to_try() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let message = listen("127.0.0.1", port).unwrap_err().to_string();
        assert_eq!(message, format!("port {port} is in use; try --port {}", port + 1));
        assert!(listen("localhost", 0).is_ok(), "names are resolved");
    }
}
