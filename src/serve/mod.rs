//! The dev server (being written): serves the output folder on 127.0.0.1 with live reload.

use crate::build::Options;
use crate::diagnostics::Failure;

pub struct ServeOptions {
    pub build: Options,
    pub port: u16,
    pub bind: String,
    pub open: bool,
}

pub fn run(_options: ServeOptions) -> Result<(), Failure> {
    Err(Failure::Other("serve is not implemented yet".into()))
}
