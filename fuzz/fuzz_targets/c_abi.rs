//! The C ABI entry points with arbitrary buffer contents and lengths, NULL pointers, stored
//! strings with and without a NUL within `PWH_STORED_MAX`, and output capacities from 0 up.
//! Every call must return a documented code other than `PWH_ERR_PANIC` (a panic caught at the
//! boundary is still a bug), write nothing past `out_cap`, leave a NUL-terminated string on
//! success and `out[0] = 0` on error.
//!
//! Input layout: `[op][cap][pw_len][pw bytes][rest]`. `op`'s low 3 bits pick the function;
//! bit 3 passes `pw = NULL`, bit 4 `out = NULL`, bit 5 `stored = NULL`, bit 6 makes the stored
//! string run past `PWH_STORED_MAX` without a NUL. `cap * 4` is `out_cap`.
#![no_main]

use std::ffi::{CStr, c_char, c_int};
use std::ptr::{null, null_mut};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pwharden::ffi::*;

const CANARY: u8 = 0xa5;
const SLACK: usize = 32;

struct Handle(*mut pwh_policy);
// SAFETY: a pwh_policy may be shared by threads (the C ABI's promise).
unsafe impl Send for Handle {}
// SAFETY: as above.
unsafe impl Sync for Handle {}

/// The low-limit policy of the other targets, made the way a C caller makes one.
fn handle() -> *const pwh_policy {
    static HANDLE: OnceLock<Handle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let toml = c"allow_weak_target = true
[argon2]
m_cost = 64
t_cost = 1
p_cost = 1
[limits]
argon2_max_m_cost = 256
argon2_max_t_cost = 2
argon2_max_p_cost = 2
max_password_bytes = 256
bcrypt_max_cost = 5
pbkdf2_max_iterations = 2000
sha_crypt_max_rounds = 2000
phpass_max_log2_rounds = 8
scrypt_max_memory_kib = 512
scrypt_max_p = 2
";
            let mut handle = null_mut();
            // SAFETY: a NUL-terminated string, a valid out-pointer, no error buffer.
            let rc = unsafe { pwh_policy_from_toml(toml.as_ptr(), &mut handle, null_mut(), 0) };
            assert_eq!(rc, PWH_OK);
            Handle(handle)
        })
        .0
}

const DOCUMENTED: [c_int; 18] = [
    PWH_OK,
    PWH_VALID,
    PWH_VALID_UPGRADED,
    PWH_ERR_MALFORMED_HASH,
    PWH_ERR_UNSUPPORTED_SCHEME,
    PWH_ERR_SCHEME_NOT_ALLOWED,
    PWH_ERR_PARAMS_OVER_LIMIT,
    PWH_ERR_PASSWORD_TOO_LONG,
    PWH_ERR_PASSWORD_TOO_SHORT,
    PWH_ERR_UNKNOWN_PEPPER_KEY,
    PWH_ERR_NOT_WRAPPABLE,
    PWH_ERR_RNG,
    PWH_ERR_INTERNAL,
    PWH_ERR_BUSY,
    PWH_ERR_NULL_ARGUMENT,
    PWH_ERR_BUFFER_TOO_SMALL,
    PWH_ERR_INVALID_ARGUMENT,
    PWH_ERR_CONFIG,
];

/// An output buffer of `cap` bytes followed by canaries.
struct Out {
    buf: Vec<u8>,
    cap: usize,
    null: bool,
}

impl Out {
    fn new(cap: usize, null: bool) -> Self {
        Self {
            buf: vec![CANARY; cap + SLACK],
            cap,
            null,
        }
    }

    fn ptr(&mut self) -> *mut c_char {
        if self.null {
            null_mut()
        } else {
            self.buf.as_mut_ptr().cast()
        }
    }

    /// The conventions: nothing past `cap`; on success a NUL-terminated string within `cap`
    /// (when the call writes one); on error at most `out[0] = 0`; an error message (from
    /// `pwh_policy_from_toml`) is always NUL-terminated within `cap`.
    fn check(&self, rc: c_int, writes: Writes) {
        assert_ne!(rc, PWH_ERR_PANIC, "a panic reached the C boundary");
        assert!(DOCUMENTED.contains(&rc), "undocumented code {rc}");
        assert!(
            self.buf[self.cap..].iter().all(|&b| b == CANARY),
            "written past out_cap"
        );
        if self.null || self.cap == 0 {
            return;
        }
        let terminated = || CStr::from_bytes_until_nul(&self.buf[..self.cap]).is_ok();
        match writes {
            Writes::Message => assert!(terminated(), "no NUL within err_cap"),
            Writes::Nothing => assert!(self.buf.iter().all(|&b| b == CANARY)),
            Writes::String if rc < 0 => {
                assert_eq!(self.buf[0], 0, "an error left something in out");
                assert!(self.buf[1..self.cap].iter().all(|&b| b == CANARY));
            }
            Writes::String => {
                let s = CStr::from_bytes_until_nul(&self.buf[..self.cap]).expect("no NUL");
                assert!(s.to_bytes().is_ascii());
            }
        }
    }
}

/// What a call writes to its output buffer.
#[derive(Clone, Copy)]
enum Writes {
    Nothing,
    String,
    Message,
}

fuzz_target!(|data: &[u8]| {
    let [op, cap, len_byte, rest @ ..] = data else {
        return;
    };
    let pw_len = usize::from(*len_byte).min(rest.len());
    let (pw, stored_bytes) = rest.split_at(pw_len);
    let pw_ptr = if op & 0x08 != 0 { null() } else { pw.as_ptr() };

    // The stored string: the bytes up to their first NUL, then a NUL; or, with bit 6, more
    // than PWH_STORED_MAX bytes with no NUL among them (still terminated further on, so that
    // a reader that overran the limit would be caught by the fuzzer, not by luck).
    let mut stored: Vec<u8> = stored_bytes
        .iter()
        .copied()
        .take_while(|&b| b != 0)
        .collect();
    if op & 0x40 != 0 {
        stored.resize(PWH_STORED_MAX + 8, b'A');
    }
    stored.push(0);
    let stored_ptr: *const c_char = if op & 0x20 != 0 {
        null()
    } else {
        stored.as_ptr().cast()
    };
    let mut out = Out::new(usize::from(*cap) * 4, op & 0x10 != 0);
    let policy = handle();

    // SAFETY (every call below): pointers are NULL or point to live buffers at least as long
    // as the lengths passed with them; stored strings are NUL-terminated.
    match op & 0x07 {
        0 => {
            let rc = unsafe {
                pwh_verify_with_policy(policy, pw_ptr, pw_len, stored_ptr, out.ptr(), out.cap)
            };
            out.check(rc, Writes::String);
        }
        1 => {
            let rc = unsafe { pwh_identify_with_policy(policy, stored_ptr, out.ptr(), out.cap) };
            out.check(rc, Writes::String);
            let rc = unsafe { pwh_identify(stored_ptr, out.ptr(), out.cap) };
            out.check(rc, Writes::String);
        }
        2 => {
            let rc = unsafe { pwh_needs_upgrade_with_policy(policy, stored_ptr) };
            out.check(rc, Writes::Nothing);
            let rc = unsafe { pwh_needs_upgrade(stored_ptr) };
            out.check(rc, Writes::Nothing);
        }
        3 => {
            let rc = unsafe { pwh_wrap_with_policy(policy, stored_ptr, out.ptr(), out.cap) };
            out.check(rc, Writes::String);
        }
        4 => {
            // The stored bytes as a policy's TOML text.
            let mut handle = null_mut();
            let err_ptr = out.ptr();
            let rc = unsafe { pwh_policy_from_toml(stored_ptr, &mut handle, err_ptr, out.cap) };
            out.check(rc, Writes::Message);
            assert_eq!(rc == PWH_OK, !handle.is_null());
            unsafe { pwh_policy_free(handle) };
        }
        5 => {
            let rc = unsafe { pwh_hash_with_policy(policy, pw_ptr, pw_len, out.ptr(), out.cap) };
            out.check(rc, Writes::String);
        }
        6 => {
            let rc = unsafe { pwh_verify_unknown_user_with_policy(policy, pw_ptr, pw_len) };
            out.check(rc, Writes::Nothing);
        }
        _ => {
            let code = c_int::from_le_bytes([
                *cap,
                *len_byte,
                *op,
                stored_bytes.first().copied().unwrap_or(0),
            ]);
            let text = unsafe { CStr::from_ptr(pwh_strerror(code)) };
            assert!(!text.to_bytes().is_empty());
            out.check(PWH_OK, Writes::Nothing);
        }
    }
});
