//! SECURITY.md names a command for every promise; this keeps the names true. Each
//! `cargo test --test T [NAME]` must name a test file and, when given, a test in it; each
//! `cargo bench --bench B` a benchmark file; each `bash scripts/S` a script. (CI runs the
//! commands themselves through scripts/test.sh.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;

#[test]
fn every_command_in_security_md_names_something_that_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("SECURITY.md")).unwrap();
    let commands: Vec<&str> = text
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|c| c.starts_with("cargo ") || c.starts_with("bash ") || c.contains("scripts/"))
        .collect();
    assert!(
        commands.len() >= 20,
        "only {} commands found",
        commands.len()
    );
    let mut checked = 0;
    for command in commands {
        let words: Vec<&str> = command.split_whitespace().collect();
        let cargo_test = words.get(1) == Some(&"test");
        if let Some(i) = words
            .iter()
            .position(|w| *w == "--test")
            .filter(|_| cargo_test)
        {
            let file = root.join("tests").join(format!("{}.rs", words[i + 1]));
            let source = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{command}: {}: {e}", file.display()));
            if let Some(name) = words.get(i + 2).filter(|w| !w.starts_with('-')) {
                assert!(
                    source.contains(&format!("fn {name}(")),
                    "{command}: no test {name} in {}",
                    file.display()
                );
            }
            checked += 1;
        } else if let Some(i) = words.iter().position(|w| *w == "--bench") {
            assert!(
                root.join("benches")
                    .join(format!("{}.rs", words[i + 1]))
                    .exists(),
                "{command}: no such benchmark"
            );
            checked += 1;
        } else if let Some(script) = words.iter().find(|w| w.starts_with("scripts/")) {
            assert!(root.join(script).exists(), "{command}: no such script");
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} commands checked");
}
