//! Rebuilds the binary when a file is added to or removed from the built-in theme (`templates/`,
//! `static/`, embedded by src/theme.rs) or to the starter site (`starter/`, src/init.rs). Changes
//! to the files they already have are tracked anyway.

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=static");
    println!("cargo:rerun-if-changed=starter");
}
