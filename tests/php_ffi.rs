//! The C ABI from PHP: tests/php/test_ffi.php drives examples/php/pwharden.php and
//! examples/php/login.php through PHP's FFI extension, against PHP's own password_hash()
//! and password_verify() (libargon2) and argon2-cffi's vectors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod clib;

use std::process::Command;

use clib::{libs, root, run_ok};

fn php() -> Command {
    let mut cmd = Command::new("php");
    cmd.args(["-d", "ffi.enable=1"]);
    cmd
}

#[test]
fn php_ffi_caller() {
    let legacy = if clib::legacy_built() { "1" } else { "0" };
    let out = run_ok(
        "tests/php/test_ffi.php",
        php()
            .arg(root().join("tests/php/test_ffi.php"))
            .arg(&libs().shared)
            .arg(root().join("include/pwharden.h"))
            .env("PWHARDEN_EXPECT_LEGACY", legacy),
    );
    eprintln!("{out}");
    assert!(out.contains(" 0 failed"), "{out}");
    for part in [
        "ok argon2id.tsv",
        "ok argon2id-php.tsv",
        "ok PHP password_hash(PASSWORD_ARGON2ID)",
        "ok password_verify(pwharden hashes)",
        "ok login()",
    ] {
        assert!(out.contains(part), "{part:?} missing:\n{out}");
    }
}

/// The login example runs as a program on the default policy and upgrades bob's weak hash.
#[test]
fn php_login_example_runs() {
    let out = run_ok(
        "examples/php/login.php",
        php()
            .arg(root().join("examples/php/login.php"))
            .arg(&libs().shared)
            .arg(root().join("include/pwharden.h")),
    );
    for line in [
        "alice: logged in\n",
        "alice: refused\n",
        "mallory: refused\n",
        "bob: logged in (stored hash upgraded to $argon2id$...)\n",
    ] {
        assert!(out.contains(line), "{line:?} missing:\n{out}");
    }
}
