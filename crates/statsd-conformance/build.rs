//! Embeds the golden vectors of `spec-vectors/` in the runner: lists
//! `vectors/*.json`, `encoder/*.json`, `errors.json`, `dialects.json`,
//! `flags.json` and `VERSION`, and writes `$OUT_DIR/embedded.rs`, a table of
//! `(relative path, include_str!(absolute path))`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json") && p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let root = env::var_os("STATSD_SPEC_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("spec-vectors"));
    println!("cargo:rerun-if-env-changed=STATSD_SPEC_VECTORS");
    println!("cargo:rerun-if-changed={}", root.display());
    for sub in ["vectors", "encoder"] {
        println!("cargo:rerun-if-changed={}", root.join(sub).display());
    }

    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for sub in ["vectors", "encoder"] {
        for path in json_files(&root.join(sub)) {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            files.push((format!("{sub}/{name}"), path));
        }
    }
    for name in ["errors.json", "dialects.json", "flags.json", "VERSION"] {
        let path = root.join(name);
        if path.is_file() {
            files.push((name.to_string(), path));
        }
    }

    let mut code = String::from(
        "/// The files of `spec-vectors/` embedded at build time: (path relative to\n\
         /// `spec-vectors/`, contents).\n\
         pub(crate) static EMBEDDED: &[(&str, &str)] = &[\n",
    );
    for (name, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let abs = fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        let _ = writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            abs.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR")).join("embedded.rs");
    fs::write(out, code).expect("write embedded.rs");
}
