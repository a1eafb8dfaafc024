//! Hulpmiddelen voor de tests die `vhf` als echt proces draaien.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Draait `vhf` met deze argumenten in de hoofdmap van de repository.
pub fn vhf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vhf")).args(args).current_dir(repo()).output().expect("vhf start")
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}
