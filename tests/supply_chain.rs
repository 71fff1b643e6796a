//! The dependency policy (deny.toml): every crate's licence is one we accept, no crate comes from
//! an unknown registry or git repository, no dependency is a wildcard. Offline: the advisories,
//! which need the network, are checked by the CI workflow.

use std::path::Path;
use std::process::Command;

#[test]
fn every_dependency_has_an_accepted_licence_and_source() {
    let run = Command::new(env!("CARGO"))
        .args(["deny", "--offline", "--log-level", "error", "check", "licenses", "bans", "sources"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        !stderr.contains("no such command"),
        "cargo-deny is not installed: run scripts/install-test-deps.sh (cargo install cargo-deny --locked)"
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    assert!(format!("{stdout}{stderr}").contains("bans ok, licenses ok, sources ok"), "{stdout}\n{stderr}");
}
