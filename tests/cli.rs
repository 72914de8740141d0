//! The `pwharden` command: passwords on stdin, verdicts on stdout, exit codes 0/1/2.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn pwharden(args: &[&str], stdin: &[u8], envs: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pwharden"))
        .args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The command may exit (on a configuration error) before reading its input.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn temp_config(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pwharden-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("policy.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn hash_then_verify() {
    let out = pwharden(&["hash"], b"pizza123\n", &[]);
    assert!(out.status.success());
    let stored = stdout(&out);
    let stored = stored.trim_end();
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    assert_eq!(stdout(&out).lines().count(), 1);

    let ok = pwharden(&["verify", stored], b"pizza123\r\n", &[]);
    assert_eq!(ok.status.code(), Some(0));
    assert_eq!(stdout(&ok), "valid\n");

    let bad = pwharden(&["verify", stored], b"pizza124\n", &[]);
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(stdout(&bad), "invalid\n");

    // Only one trailing newline is removed: "pizza123\n" with two newlines is another password.
    let two = pwharden(&["verify", stored], b"pizza123\n\n", &[]);
    assert_eq!(two.status.code(), Some(1));
}

#[test]
fn verify_prints_the_replacement_on_line_two() {
    // argon2-cffi at m=4096,t=1 (tests/vectors/argon2id.tsv): below the default target.
    let stored = "$argon2id$v=19$m=4096,t=1,p=1$GZ86T210Z7zlsgewHeYvMA$NzN8Gzon8XV/xNjsNXYStLgCmJPjVMQ+Znq09S63vFU";
    let password = b"password";
    let out = pwharden(&["verify", stored], password, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines[0], "valid");
    assert!(lines[1].starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert_eq!(lines.len(), 2);
}

#[test]
fn errors_are_one_line_with_exit_2_and_no_secret() {
    let out = pwharden(
        &[
            "verify",
            "$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHQ$YWJjZA",
        ],
        b"secret-pw",
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("outside the policy's limits"), "{err}");
    assert!(!err.contains("secret-pw"));
    assert!(out.stdout.is_empty());

    let out = pwharden(&["verify", "nonsense"], b"pw", &[]);
    assert_eq!(out.status.code(), Some(2));

    let out = pwharden(&["hash"], b"", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("shorter"));
}

#[test]
fn config_file_with_pepper_from_env() {
    let secret = "an-operator-secret-of-at-least-32-bytes!";
    let config = temp_config(
        "env",
        "allow_weak_target = true\n[argon2]\nm_cost = 256\nt_cost = 1\np_cost = 1\n\
         [pepper]\ncurrent = \"prod1\"\nkeys = [ { id = \"prod1\", env = \"PWH_CLI_TEST_KEY\" } ]\n",
    );
    let config = config.to_str().unwrap();
    let env = [("PWH_CLI_TEST_KEY", secret)];
    let out = pwharden(&["--config", config, "hash"], b"pw\n", &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stored = stdout(&out);
    let stored = stored.trim_end();
    assert!(
        stored.starts_with("$argon2id$v=19$m=256,t=1,p=1,keyid=cHJvZDE$"),
        "{stored}"
    );
    let ok = pwharden(&["--config", config, "verify", stored], b"pw\n", &env);
    assert_eq!(stdout(&ok), "valid\n");
    // Without the variable the policy cannot load: exit 2, and the message names the variable.
    let out = pwharden(&["--config", config, "verify", stored], b"pw\n", &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("PWH_CLI_TEST_KEY"), "{err}");
    // A different secret under the same id: the hash does not verify.
    let other = [(
        "PWH_CLI_TEST_KEY",
        "another-operator-secret-of-32-bytes-or-more",
    )];
    let bad = pwharden(&["--config", config, "verify", stored], b"pw\n", &other);
    assert_eq!(stdout(&bad), "invalid\n");
}

#[test]
fn identify_names_the_scheme() {
    let out = pwharden(
        &[
            "identify",
            "$argon2i$v=19$m=4096,t=1,p=1$c29tZXNhbHQ$YWJjZGVmZ2hpamtsbW5vcA",
        ],
        b"",
        &[],
    );
    assert_eq!(stdout(&out), "argon2i\n");
}

#[test]
fn identify_wrap_and_verify_a_legacy_row() {
    // phpass by passlib (tests/vectors/phpass.tsv), password "password".
    let row = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/phpass.tsv"
    ))
    .unwrap()
    .lines()
    .find(|l| l.starts_with("70617373776f7264\t"))
    .unwrap()
    .split('\t')
    .nth(1)
    .unwrap()
    .to_owned();
    assert_eq!(stdout(&pwharden(&["identify", &row], b"", &[])), "phpass\n");
    let out = pwharden(&["wrap", &row], b"", &[]);
    assert!(out.status.success());
    let wrapped = stdout(&out).trim_end().to_owned();
    assert!(wrapped.starts_with("$pwh-wrap$v=1$phpass$"), "{wrapped}");
    assert_eq!(
        stdout(&pwharden(&["identify", &wrapped], b"", &[])),
        "wrapped\n"
    );
    for stored in [&row, &wrapped] {
        let ok = pwharden(&["verify", stored], b"password\n", &[]);
        let text = stdout(&ok);
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines[0], "valid");
        assert!(lines[1].starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        let bad = pwharden(&["verify", stored], b"Password\n", &[]);
        assert_eq!(bad.status.code(), Some(1));
    }
    let refused = pwharden(&["wrap", &wrapped], b"", &[]);
    assert_eq!(refused.status.code(), Some(2));
}

#[test]
fn calibrate_recommends_a_loadable_policy_never_below_owasp() {
    let out = pwharden(
        &[
            "calibrate",
            "--target-ms",
            "1",
            "--memory-budget",
            "67108864",
            "--peak-logins-per-s",
            "1000000",
        ],
        b"",
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    for needle in ["latency", "logins/s", "peak memory", "[argon2]", "warning"] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    // A 1 ms target cannot be met: the recommendation is OWASP's minimum, not less.
    assert!(text.contains("m_cost = 19456\nt_cost = 2\n"), "{text}");
    // The snippet is a policy that loads as it is.
    let toml = &text[text.find("[argon2]").unwrap()..];
    let config = temp_config("calibrate", toml);
    let loaded = pwharden(
        &["--config", config.to_str().unwrap(), "hash"],
        b"pw\n",
        &[],
    );
    assert!(
        loaded.status.success(),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    assert!(stdout(&loaded).starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));

    let bad = pwharden(
        &["calibrate", "--target-ms", "100", "--memory-budget", "1000"],
        b"",
        &[],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn screen_prints_ok_or_every_reason() {
    let ok = pwharden(&["screen"], b"correct horse battery staple\n", &[]);
    assert_eq!(ok.status.code(), Some(0));
    assert_eq!(stdout(&ok), "ok\n");

    let common = pwharden(&["screen"], b"pizza123\n", &[]);
    assert_eq!(common.status.code(), Some(1));
    assert_eq!(
        stdout(&common),
        "common: This is one of the most commonly used passwords.\n"
    );

    let context = pwharden(
        &[
            "screen",
            "--email",
            "alice.smith@example.com",
            "--name",
            "Alice",
            "--name",
            "Smith",
            "--phone",
            "+44 20 7946 0958",
            "--word",
            "whiskers",
        ],
        b"Whiskers-Alice",
        &[],
    );
    assert_eq!(context.status.code(), Some(1));
    assert!(
        stdout(&context).starts_with("user_context: "),
        "{}",
        stdout(&context)
    );

    let several = pwharden(&["screen"], b"abc", &[]);
    let text = stdout(&several);
    let codes: Vec<&str> = text.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(codes, ["too_short", "common", "repetitive"]);
    assert!(!text.contains("abc:"));

    // Settings come from --config; a bad config is an error (exit 2).
    let config = temp_config(
        "screen",
        "[screen]\nsite_words = [\"Contoso\"]\nmin_length = 12\n",
    );
    let site = pwharden(
        &["screen", "--config", config.to_str().unwrap()],
        b"contoso2024!",
        &[],
    );
    assert_eq!(
        stdout(&site),
        "site_word: Don't build your password from the name of this site or service.\n"
    );
    let short = pwharden(
        &["screen", "--config", config.to_str().unwrap()],
        b"purple-otte",
        &[],
    );
    assert_eq!(stdout(&short), "too_short: Use at least 12 characters.\n");
    let bad = temp_config("screen-bad", "[screen]\nmin_length = 4\n");
    let err = pwharden(&["screen", "--config", bad.to_str().unwrap()], b"x", &[]);
    assert_eq!(err.status.code(), Some(2));
}

#[test]
fn breach_index_build_then_screen_and_verify_compromised() {
    use sha1::{Digest, Sha1};

    let dir = std::env::temp_dir().join(format!("pwharden-cli-{}-breach", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let hex: String = Sha1::digest(b"purple-otter-sings-at-dawn")
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let ranges = dir.join("ranges");
    std::fs::create_dir_all(&ranges).unwrap();
    std::fs::write(
        ranges.join(format!("{}.txt", &hex[..5])),
        format!("{}:12\r\n", &hex[5..]),
    )
    .unwrap();
    let index = dir.join("pwned.idx");
    let built = pwharden(
        &[
            "breach-index",
            "build",
            ranges.to_str().unwrap(),
            "--out",
            index.to_str().unwrap(),
        ],
        b"",
        &[],
    );
    assert_eq!(
        built.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    assert!(
        stdout(&built).contains("1 hashes read, 1 entries"),
        "{}",
        stdout(&built)
    );

    let config = dir.join("policy.toml");
    std::fs::write(
        &config,
        "allow_weak_target = true\n[argon2]\nm_cost = 256\nt_cost = 1\np_cost = 1\n[screen]\nbreach_index = \"pwned.idx\"\ncompromised_check = true\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let screened = pwharden(
        &["screen", "--config", config],
        b"purple-otter-sings-at-dawn",
        &[],
    );
    assert_eq!(screened.status.code(), Some(1));
    assert!(stdout(&screened).starts_with("breached: "));

    let stored = pwharden(
        &["hash", "--config", config],
        b"purple-otter-sings-at-dawn",
        &[],
    );
    let stored = stdout(&stored);
    let verified = pwharden(
        &["verify", "--config", config, stored.trim_end()],
        b"purple-otter-sings-at-dawn",
        &[],
    );
    assert_eq!(verified.status.code(), Some(0));
    assert_eq!(stdout(&verified), "compromised\n");

    // A bad input line: exit 2, one line naming the file and line.
    let bad = dir.join("bad.txt");
    std::fs::write(&bad, "not a hash\n").unwrap();
    let failed = pwharden(
        &[
            "breach-index",
            "build",
            bad.to_str().unwrap(),
            "--out",
            index.to_str().unwrap(),
        ],
        b"",
        &[],
    );
    assert_eq!(failed.status.code(), Some(2));
    let err = String::from_utf8_lossy(&failed.stderr);
    assert!(err.contains("bad.txt:1:"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
