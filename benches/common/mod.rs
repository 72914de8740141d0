//! Shared by the benchmark targets: reading third-party vectors from tests/vectors/.

use std::path::Path;

/// The first `<password hex>\t<stored>` line of a vector file.
pub fn first_vector(file: &str) -> (Vec<u8>, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(file);
    let text = std::fs::read_to_string(&path).expect("vector file");
    let line = text
        .lines()
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .expect("a vector");
    let (hex, stored) = line.split_once('\t').expect("two columns");
    let password = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect();
    (password, stored.to_owned())
}
