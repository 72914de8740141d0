//! Helpers shared by the integration tests: reading the third-party vector files.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::{Path, PathBuf};

/// One line of a `<password hex>\t<stored>` vector file.
pub struct Vector {
    pub password: Vec<u8>,
    pub stored: String,
    pub line: usize,
}

pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

pub fn decode_hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length: {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The data lines of a vector file, split on tabs.
pub fn rows(file: &str) -> Vec<(usize, Vec<String>)> {
    let path = vectors_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let rows: Vec<_> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| (i + 1, l.split('\t').map(str::to_owned).collect()))
        .collect();
    assert!(!rows.is_empty(), "{file} has no vectors");
    rows
}

/// A `<password hex>\t<stored>` file.
pub fn vectors(file: &str) -> Vec<Vector> {
    rows(file)
        .into_iter()
        .map(|(line, cols)| {
            assert_eq!(cols.len(), 2, "{file}:{line}: expected 2 columns");
            Vector {
                password: decode_hex(&cols[0]),
                stored: cols[1].clone(),
                line,
            }
        })
        .collect()
}
