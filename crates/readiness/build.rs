//! Embeds every framework file of `frameworks/` (`*.toml`), so that a framework added to that
//! folder is built in without a code change.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir =
        Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir")).join("frameworks");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the frameworks folder")
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    let mut out = String::from(
        "/// The framework files of `frameworks/`: file name and text.\npub const BUILTIN: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        let name = path.file_name().expect("a file name").to_string_lossy();
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("write");
    }
    out.push_str("];\n");
    let target =
        Path::new(&std::env::var("OUT_DIR").expect("out dir")).join("builtin_frameworks.rs");
    std::fs::write(target, out).expect("write the list of frameworks");
}
