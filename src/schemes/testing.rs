//! Unit-test helpers shared by the scheme families: reading a vector file and checking a
//! scheme against it through its `split` and `checksum` alone.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use super::{LEGACY, Legacy, checksum_eq};
use crate::policy::Limits;

/// `(line, password, stored)` for each data line of a `<password hex>\t<stored>` file.
pub(crate) fn vectors(text: &str) -> Vec<(usize, Vec<u8>, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let (pw, stored) = l.split_once('\t').expect("two columns");
            let pw = (0..pw.len())
                .step_by(2)
                .map(|j| u8::from_str_radix(&pw[j..j + 2], 16).expect("hex"))
                .collect();
            (i + 1, pw, stored)
        })
        .collect()
}

/// Whether `password` reproduces the checksum of `stored` under default limits.
pub(crate) fn verifies(scheme: &dyn Legacy, password: &[u8], stored: &str) -> bool {
    let limits = Limits::default();
    let split = scheme.split(stored, &limits).unwrap();
    let computed = scheme.checksum(&split.settings, password, &limits).unwrap();
    checksum_eq(&computed, &split.checksum)
}

/// Every line of a vector file belongs to `scheme` alone, verifies with its password and
/// fails with the first byte changed. Returns the number of lines.
pub(crate) fn check_file(scheme: &dyn Legacy, text: &str) -> usize {
    let rows = vectors(text);
    for (line, pw, stored) in &rows {
        let owners: Vec<_> = LEGACY
            .iter()
            .filter(|s| s.matches(stored))
            .map(|s| s.name())
            .collect();
        assert_eq!(owners, [scheme.name()], "line {line}");
        assert!(verifies(scheme, pw, stored), "line {line} must verify");
        let mut wrong = pw.clone();
        wrong[0] ^= 1;
        assert!(!verifies(scheme, &wrong, stored), "line {line}: wrong pw");
    }
    rows.len()
}
