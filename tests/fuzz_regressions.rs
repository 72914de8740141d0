//! Inputs the fuzz targets (fuzz/, scripts/fuzz.sh) stopped on, kept as named tests.
//!
//! No fuzz run has found a bug in the library so far. The inputs below stopped targets while
//! they were being written, because the targets expected something the library rightly does
//! not do; they pin that behaviour. A crash found in the library goes here too, as a test
//! named after its artifact, with the fix in a commit of its own.

#![allow(unsafe_code)] // the C ABI case calls the exported functions, as a C caller would
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use pwharden::{Error, Policy};

/// fuzz/artifacts/identify/crash-075fc42451ec9023153f69b4fb4d76955775dff0: an Argon2 string
/// whose hash field is not base64. `identify` parses Argon2 strings in full and refuses it;
/// `wrapped_scheme` only parses wrapped strings and answers "not wrapped".
#[test]
fn identify_075fc424_malformed_argon2_is_not_a_wrapped_string() {
    let stored = b"$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$!!";
    let policy = Policy::default();
    assert_eq!(policy.identify(stored), Err(Error::MalformedHash));
    assert_eq!(policy.wrapped_scheme(stored), Ok(None));
    assert_eq!(policy.needs_upgrade(stored), Err(Error::MalformedHash));
}

/// fuzz/artifacts/c_abi/crash-fa9fb5a2707933b895497fe64b23908c52f637e2 and
/// crash-e8ed296736b86a72d33f12d17c687554d8d9d321: `pwh_policy_from_toml` writes its error
/// message into `err` on failure (it is a message buffer, not an output), and
/// `pwh_needs_upgrade` has no output buffer at all.
#[test]
fn c_abi_fa9fb5a2_e8ed2967_error_message_and_no_output() {
    use std::ffi::{CStr, c_char};

    use pwharden::ffi::*;

    let text = c"{SSHA}";
    let mut handle = std::ptr::null_mut();
    let mut err = [0x5a as c_char; 800];
    // SAFETY: a NUL-terminated string, a valid out-pointer, an error buffer of its length.
    let rc =
        unsafe { pwh_policy_from_toml(text.as_ptr(), &mut handle, err.as_mut_ptr(), err.len()) };
    assert_eq!(rc, PWH_ERR_CONFIG);
    assert!(handle.is_null());
    // SAFETY: pwh_policy_from_toml NUL-terminates err within its capacity.
    assert!(!unsafe { CStr::from_ptr(err.as_ptr()) }.is_empty());

    // SAFETY: a NUL-terminated string.
    let rc = unsafe { pwh_needs_upgrade(text.as_ptr()) };
    assert!(rc < 0, "{rc}");
}
