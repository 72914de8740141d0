//! The C ABI from Python: tests/python/test_ffi.py drives examples/python/pwharden.py
//! (ctypes) with the peers' interpreter, so that argon2-cffi checks pwharden's hashes and
//! pwharden checks argon2-cffi's, and every vector file goes through the C ABI.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod clib;

use std::process::Command;

use clib::{libs, root, run_ok};

/// Vector files whose scheme this build does not have, asked of the Rust API (so that a
/// broken C ABI cannot excuse itself): the Python test then expects
/// PWH_ERR_UNSUPPORTED_SCHEME for each of their lines instead of a verdict.
fn unsupported_vector_files() -> Vec<String> {
    let policy = pwharden::Policy::default();
    let mut skip = Vec::new();
    for entry in std::fs::read_dir(root().join("tests/vectors")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if !name.ends_with(".tsv") || name == "argon2id-secret.tsv" || name == "salted.tsv" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text
            .lines()
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .unwrap_or_else(|| panic!("{name} has no vectors"));
        let stored = first.split('\t').nth(1).unwrap();
        if policy.identify(stored).is_err() {
            assert!(
                !name.starts_with("argon2"),
                "{name}: Argon2 is always built in"
            );
            skip.push(name);
        }
    }
    skip
}

#[test]
fn python_ctypes_caller() {
    let python = root().join(".venv-peers/bin/python");
    assert!(
        python.exists(),
        "the peers are not installed: run tests/peers/setup.sh (the README's test command does)"
    );
    let skip = unsupported_vector_files();
    let mut cmd = Command::new(python);
    cmd.arg(root().join("tests/python/test_ffi.py"))
        .arg(&libs().shared)
        .arg(root().join("include/pwharden.h"));
    for name in &skip {
        cmd.arg("--skip").arg(name);
    }
    let out = run_ok("tests/python/test_ffi.py", &mut cmd);
    eprintln!("{out}");
    assert!(out.contains(" 0 failed"), "{out}");
    for file in [
        "argon2id.tsv",
        "argon2i.tsv",
        "argon2d.tsv",
        "argon2id-php.tsv",
    ] {
        assert!(
            out.contains(&format!("ok {file}:")),
            "{file} not checked:\n{out}"
        );
    }
}

/// The wrapper's own demo runs (hash, then verify right and wrong).
#[test]
fn python_example_runs() {
    let python = root().join(".venv-peers/bin/python");
    let out = run_ok(
        "examples/python/pwharden.py",
        Command::new(python)
            .arg(root().join("examples/python/pwharden.py"))
            .arg(&libs().shared),
    );
    assert!(out.contains("right    (True, None)"), "{out}");
    assert!(out.contains("wrong    (False, None)"), "{out}");
}
