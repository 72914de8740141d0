//! The C ABI: every `extern "C"` function and every `unsafe` block of pwharden.
//!
//! `include/pwharden.h` is generated from this file by cbindgen (`cbindgen.toml`); the doc
//! comments below are the header's documentation. The conventions, for every function:
//!
//! * Passwords are byte buffers `(const uint8_t *pw, size_t pw_len)`: any bytes, NUL
//!   included, no encoding required. `pw` may be NULL only when `pw_len` is 0. A length over
//!   the policy's `max_password_bytes` is refused before the buffer is looked at. pwharden
//!   reads the caller's buffer in place and never copies it; its own derived copies are
//!   zeroed before they are freed. Zeroing the caller's buffer is the caller's job.
//! * Stored strings are NUL-terminated `const char *`. At most `PWH_STORED_MAX` bytes are
//!   read; a string with no NUL among them is `PWH_ERR_INVALID_ARGUMENT`. They are copied
//!   before use, so they may share memory with `out`.
//! * Outputs are `(char *out, size_t out_cap)`, always last. On success `out` holds a
//!   NUL-terminated string. On any error nothing is written except, when `out` is not NULL
//!   and `out_cap > 0`, `out[0] = 0`: never a truncated string. `out` must not overlap `pw`.
//! * Every function returns a status: `PWH_OK` (0) or a result (`pwh_verify`,
//!   `pwh_needs_upgrade`), or a negative `PWH_ERR_*` code; `pwh_strerror` names each one.
//!   NULL pointers give `PWH_ERR_NULL_ARGUMENT`, never a crash.
//! * Every function may be called from any thread at once; a `pwh_policy` may be shared by
//!   threads. No panic crosses the boundary: it becomes `PWH_ERR_PANIC`.
#![allow(unsafe_code)] // this module is the only place where pwharden uses `unsafe`
#![allow(non_camel_case_types)] // C names
#![deny(clippy::undocumented_unsafe_blocks)]

// Operating-system calls that need `unsafe` (the memory map of a breach index).
pub(crate) mod os;

use core::ffi::{c_char, c_int};
use core::panic::AssertUnwindSafe;
use std::panic::catch_unwind;
use std::sync::OnceLock;

use zeroize::Zeroizing;

use crate::{Context, Error, MAX_STORED_LEN, Policy, Reason, Verdict};

/// Success.
pub const PWH_OK: c_int = 0;
/// `pwh_verify`: the password does not match.
pub const PWH_INVALID: c_int = 0;
/// `pwh_verify`: the password matches and the stored string is up to date.
pub const PWH_VALID: c_int = 1;
/// `pwh_verify`: the password matches; `out` holds the replacement to store in place of the
/// old string.
pub const PWH_VALID_UPGRADED: c_int = 2;
/// `pwh_verify`: the password matches but is in the policy's breach index (only with a
/// breach index and `compromised_check = true` in the policy's `[screen]` section): attackers
/// may already hold it, so make the customer choose a new one. `out` holds the replacement
/// stored string when one is due (store it), the empty string otherwise.
pub const PWH_VALID_COMPROMISED: c_int = 3;

// Codes -1 to -19 are the library's errors (pwharden::Error); -20 to -39 belong to the C
// interface. A code is never reused for another meaning; retired codes stay reserved.

/// The stored string belongs to a known scheme but is not well formed (or is not UTF-8,
/// or is longer than 512 bytes).
pub const PWH_ERR_MALFORMED_HASH: c_int = -1;
/// No scheme that pwharden knows produced this stored string.
pub const PWH_ERR_UNSUPPORTED_SCHEME: c_int = -2;
/// The scheme is known, but the policy does not accept it.
pub const PWH_ERR_SCHEME_NOT_ALLOWED: c_int = -3;
/// A cost or size parameter of the stored string is over the policy's limits; no work was
/// done.
pub const PWH_ERR_PARAMS_OVER_LIMIT: c_int = -4;
/// The password is longer than the policy accepts (never truncated).
pub const PWH_ERR_PASSWORD_TOO_LONG: c_int = -5;
/// The password is shorter than the policy accepts.
pub const PWH_ERR_PASSWORD_TOO_SHORT: c_int = -6;
/// The stored string names a pepper key id that the policy does not hold.
pub const PWH_ERR_UNKNOWN_PEPPER_KEY: c_int = -7;
/// `pwh_wrap` was given an Argon2 or already wrapped string.
pub const PWH_ERR_NOT_WRAPPABLE: c_int = -8;
/// The operating system's random generator failed.
pub const PWH_ERR_RNG: c_int = -9;
/// An internal invariant failed (a bug in pwharden), or the library reported an error this
/// interface does not know.
pub const PWH_ERR_INTERNAL: c_int = -10;
// -11 to -14: reserved for future library errors.
/// The policy's admission gate is full (too many hashes running and waiting) or the wait
/// passed its deadline; nothing was computed. Retry later (an HTTP server answers 503 with
/// `Retry-After`). The gate is set by the policy's `[concurrency]` TOML section.
pub const PWH_ERR_BUSY: c_int = -15;
// -16 to -19: reserved for future library errors.

/// A required pointer argument was NULL (or `pw` was NULL with `pw_len > 0`).
pub const PWH_ERR_NULL_ARGUMENT: c_int = -20;
/// `out_cap` is too small for the result (for `pwh_verify`: smaller than `PWH_STORED_MAX`).
/// Nothing was written but `out[0] = 0`.
pub const PWH_ERR_BUFFER_TOO_SMALL: c_int = -21;
/// An argument is not acceptable: a stored string with no NUL within `PWH_STORED_MAX`
/// bytes, or a length that cannot describe a buffer.
pub const PWH_ERR_INVALID_ARGUMENT: c_int = -22;
/// The policy TOML was refused (syntax, unknown key, value out of range, unreadable pepper
/// source, not UTF-8); `err` says which setting.
pub const PWH_ERR_CONFIG: c_int = -23;
/// pwharden panicked (a bug); the panic was caught at the boundary.
pub const PWH_ERR_PANIC: c_int = -24;

/// Bytes a buffer needs to hold any stored string pwharden writes or reads: 512 characters
/// and the terminating NUL. Also returned by `pwh_stored_max()`.
pub const PWH_STORED_MAX: usize = 513;
const _: () = assert!(PWH_STORED_MAX == MAX_STORED_LEN + 1);

/// An immutable policy (the Argon2id target, limits, pepper keys, accepted schemes), made
/// by `pwh_policy_from_toml` and released by `pwh_policy_free`. Opaque; it may be used by
/// any number of threads at once.
pub struct pwh_policy {
    _private: [u8; 0],
}

/// Runs `f`, turning a panic into [`PWH_ERR_PANIC`] (or `on_panic` for functions without a
/// status), like rustls-ffi's `ffi_panic_boundary!`.
fn boundary<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    // The closures below only read their inputs and write the caller's buffers at the very
    // end; a panic leaves no broken state behind that the caller could observe.
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(on_panic)
}

/// Maps a library error to its code; variants added later map to [`PWH_ERR_INTERNAL`].
fn code(e: Error) -> c_int {
    match e {
        Error::MalformedHash => PWH_ERR_MALFORMED_HASH,
        Error::UnsupportedScheme => PWH_ERR_UNSUPPORTED_SCHEME,
        Error::SchemeNotAllowed => PWH_ERR_SCHEME_NOT_ALLOWED,
        Error::ParamsOverLimit { .. } => PWH_ERR_PARAMS_OVER_LIMIT,
        Error::PasswordTooLong => PWH_ERR_PASSWORD_TOO_LONG,
        Error::PasswordTooShort => PWH_ERR_PASSWORD_TOO_SHORT,
        Error::UnknownPepperKey => PWH_ERR_UNKNOWN_PEPPER_KEY,
        Error::NotWrappable => PWH_ERR_NOT_WRAPPABLE,
        Error::Busy => PWH_ERR_BUSY,
        Error::Rng => PWH_ERR_RNG,
        // Error::Internal, and any variant added after this interface was written.
        _ => PWH_ERR_INTERNAL,
    }
}

/// The policy the plain (non-`_with_policy`) functions use.
fn default_policy() -> &'static Policy {
    static DEFAULT: OnceLock<Policy> = OnceLock::new();
    DEFAULT.get_or_init(Policy::default)
}

/// The policy behind a handle.
///
/// # Safety
/// `policy` is NULL or a pointer from [`pwh_policy_from_toml`] not yet freed.
unsafe fn policy_ref<'a>(policy: *const pwh_policy) -> Result<&'a Policy, c_int> {
    // SAFETY: the caller promises NULL or a live pointer made by `Box::into_raw` on a
    // `Policy` in `pwh_policy_from_toml`; `as_ref` turns NULL into `None`. The policy is
    // immutable and `Sync`, so shared references from several threads are fine.
    unsafe { policy.cast::<Policy>().as_ref() }.ok_or(PWH_ERR_NULL_ARGUMENT)
}

/// The caller's password, borrowed in place (never copied).
///
/// # Safety
/// `pw` is NULL or points to `pw_len` readable bytes that stay unchanged during the call.
unsafe fn password<'a>(policy: &Policy, pw: *const u8, pw_len: usize) -> Result<&'a [u8], c_int> {
    if pw.is_null() {
        return if pw_len == 0 {
            Ok(&[])
        } else {
            Err(PWH_ERR_NULL_ARGUMENT)
        };
    }
    // Refuse over-long passwords before forming a slice, so that a garbage length is an
    // error code rather than a reference to memory that may not exist.
    if pw_len > policy.limits().max_password_bytes {
        return Err(PWH_ERR_PASSWORD_TOO_LONG);
    }
    if pw_len > isize::MAX as usize {
        return Err(PWH_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: `pw` is not NULL, and the caller promises `pw_len` readable bytes that nobody
    // writes during the call; `pw_len` fits `isize`; `u8` has no alignment requirement.
    Ok(unsafe { core::slice::from_raw_parts(pw, pw_len) })
}

/// A stored string, copied out of the caller's memory (at most `PWH_STORED_MAX` bytes read).
struct Stored {
    buf: Zeroizing<[u8; PWH_STORED_MAX]>,
    len: usize,
}

impl Stored {
    fn bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

/// Copies the NUL-terminated string at `s`, reading no byte past its NUL and no more than
/// `PWH_STORED_MAX` bytes.
///
/// # Safety
/// `s` is NULL or points to a NUL-terminated string, or to at least `PWH_STORED_MAX`
/// readable bytes.
unsafe fn stored(s: *const c_char) -> Result<Stored, c_int> {
    if s.is_null() {
        return Err(PWH_ERR_NULL_ARGUMENT);
    }
    let mut copy = Stored {
        buf: Zeroizing::new([0u8; PWH_STORED_MAX]),
        len: 0,
    };
    for (i, slot) in copy.buf.iter_mut().enumerate() {
        // SAFETY: bytes 0..i were readable and not NUL, so by the caller's promise byte `i`
        // (i < PWH_STORED_MAX) is readable too. Read by value, one byte at a time: no
        // reference into the caller's memory is kept.
        let b = unsafe { s.add(i).cast::<u8>().read() };
        if b == 0 {
            copy.len = i;
            return Ok(copy);
        }
        *slot = b;
    }
    Err(PWH_ERR_INVALID_ARGUMENT)
}

/// Checks an output buffer before any work is done.
fn check_out(out: *mut c_char) -> Result<(), c_int> {
    if out.is_null() {
        Err(PWH_ERR_NULL_ARGUMENT)
    } else {
        Ok(())
    }
}

/// Writes `s` and its NUL to `out` if they fit in `out_cap` bytes; otherwise
/// [`PWH_ERR_BUFFER_TOO_SMALL`] and only `out[0] = 0`.
///
/// # Safety
/// `out` is NULL or points to `out_cap` writable bytes that overlap no live borrow.
unsafe fn write_out(out: *mut c_char, out_cap: usize, s: &[u8]) -> Result<(), c_int> {
    if out.is_null() {
        return Err(PWH_ERR_NULL_ARGUMENT);
    }
    if s.len() >= out_cap {
        // SAFETY: `out` may hold nothing at all (out_cap 0): clear() checks the capacity.
        unsafe { clear(out, out_cap) };
        return Err(PWH_ERR_BUFFER_TOO_SMALL);
    }
    // SAFETY: `out` is writable for `out_cap > s.len()` bytes; `s` is pwharden's own memory,
    // so the two do not overlap; then the NUL goes at index `s.len() < out_cap`.
    unsafe {
        core::ptr::copy_nonoverlapping(s.as_ptr(), out.cast::<u8>(), s.len());
        out.add(s.len()).write(0);
    }
    Ok(())
}

/// `out[0] = 0` when there is room for it.
///
/// # Safety
/// `out` is NULL or points to `out_cap` writable bytes.
unsafe fn clear(out: *mut c_char, out_cap: usize) {
    if !out.is_null() && out_cap > 0 {
        // SAFETY: `out` is not NULL and has at least one writable byte.
        unsafe { out.write(0) };
    }
}

/// Collapses a `Result` of a status into the status.
fn status(r: Result<c_int, c_int>) -> c_int {
    r.unwrap_or_else(|e| e)
}

/// Runs `f` inside the panic boundary; on error or panic, clears `out` (when there is room)
/// and returns the code.
///
/// # Safety
/// As [`clear`] for `out` and `out_cap`.
unsafe fn with_out(
    out: *mut c_char,
    out_cap: usize,
    f: impl FnOnce() -> Result<c_int, c_int>,
) -> c_int {
    let rc = boundary(PWH_ERR_PANIC, || status(f()));
    if rc < 0 {
        // SAFETY: the caller's promise on `out`/`out_cap`; `f`'s borrows have ended.
        unsafe { clear(out, out_cap) };
    }
    rc
}

/// Where a call takes its policy from.
#[derive(Clone, Copy)]
enum Using {
    /// The process-wide default policy (the plain functions).
    Default,
    /// A caller's handle (the `_with_policy` functions).
    Handle(*const pwh_policy),
}

impl Using {
    /// # Safety
    /// A `Handle` is NULL or a live pointer from [`pwh_policy_from_toml`].
    unsafe fn get<'a>(self) -> Result<&'a Policy, c_int> {
        match self {
            Self::Default => Ok(default_policy()),
            // SAFETY: the caller's promise on the handle.
            Self::Handle(p) => unsafe { policy_ref(p) },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The implementations, shared by the plain and `_with_policy` forms. Each checks every
// pointer before any work, and writes to the caller's buffers only at the end.

/// # Safety
/// As `pwh_hash_with_policy`.
unsafe fn hash(
    using: Using,
    pw: *const u8,
    pw_len: usize,
    out: *mut c_char,
    out_cap: usize,
) -> c_int {
    let body = || {
        // SAFETY: the caller's promise on the handle.
        let policy = unsafe { using.get() }?;
        check_out(out)?;
        // SAFETY: the caller's promise on `pw`/`pw_len`.
        let pw = unsafe { password(policy, pw, pw_len) }?;
        let stored = policy.hash(pw).map_err(code)?;
        // SAFETY: the caller's promise on `out`/`out_cap`, which do not overlap `pw`.
        unsafe { write_out(out, out_cap, stored.as_bytes()) }?;
        Ok(PWH_OK)
    };
    // SAFETY: the caller's promise on `out`/`out_cap`.
    unsafe { with_out(out, out_cap, body) }
}

/// # Safety
/// As `pwh_verify_with_policy`.
unsafe fn verify(
    using: Using,
    pw: *const u8,
    pw_len: usize,
    stored_ptr: *const c_char,
    out: *mut c_char,
    out_cap: usize,
) -> c_int {
    let body = || {
        // SAFETY: the caller's promise on the handle.
        let policy = unsafe { using.get() }?;
        check_out(out)?;
        if out_cap < PWH_STORED_MAX {
            return Err(PWH_ERR_BUFFER_TOO_SMALL);
        }
        // SAFETY: the caller's promise on `pw`/`pw_len`.
        let pw = unsafe { password(policy, pw, pw_len) }?;
        // SAFETY: the caller's promise on `stored`.
        let stored = unsafe { stored(stored_ptr) }?;
        let verdict = policy.verify(pw, stored.bytes()).map_err(code)?;
        let (rc, replacement) = match &verdict {
            Verdict::Invalid => (PWH_INVALID, ""),
            Verdict::Valid => (PWH_VALID, ""),
            Verdict::ValidUpgrade(new) => (PWH_VALID_UPGRADED, new.as_str()),
            Verdict::ValidCompromised(new) => {
                (PWH_VALID_COMPROMISED, new.as_deref().unwrap_or_default())
            }
        };
        // SAFETY: the caller's promise on `out`/`out_cap`, which do not overlap `pw`; the
        // stored string was copied.
        unsafe { write_out(out, out_cap, replacement.as_bytes()) }?;
        Ok(rc)
    };
    // SAFETY: the caller's promise on `out`/`out_cap`.
    unsafe { with_out(out, out_cap, body) }
}

/// # Safety
/// As `pwh_needs_upgrade_with_policy`.
unsafe fn needs_upgrade(using: Using, stored_ptr: *const c_char) -> c_int {
    boundary(PWH_ERR_PANIC, || {
        status((|| {
            // SAFETY: the caller's promise on the handle.
            let policy = unsafe { using.get() }?;
            // SAFETY: the caller's promise on `stored`.
            let stored = unsafe { stored(stored_ptr) }?;
            let due = policy.needs_upgrade(stored.bytes()).map_err(code)?;
            Ok(c_int::from(due))
        })())
    })
}

/// # Safety
/// As `pwh_wrap_with_policy`.
unsafe fn wrap(using: Using, stored_ptr: *const c_char, out: *mut c_char, out_cap: usize) -> c_int {
    let body = || {
        // SAFETY: the caller's promise on the handle.
        let policy = unsafe { using.get() }?;
        check_out(out)?;
        // SAFETY: the caller's promise on `stored`.
        let stored = unsafe { stored(stored_ptr) }?;
        let wrapped = policy.wrap(stored.bytes()).map_err(code)?;
        // SAFETY: the caller's promise on `out`/`out_cap`; the stored string was copied.
        unsafe { write_out(out, out_cap, wrapped.as_bytes()) }?;
        Ok(PWH_OK)
    };
    // SAFETY: the caller's promise on `out`/`out_cap`.
    unsafe { with_out(out, out_cap, body) }
}

/// # Safety
/// As `pwh_identify_with_policy`.
unsafe fn identify(
    using: Using,
    stored_ptr: *const c_char,
    out: *mut c_char,
    out_cap: usize,
) -> c_int {
    let body = || {
        // SAFETY: the caller's promise on the handle.
        let policy = unsafe { using.get() }?;
        check_out(out)?;
        // SAFETY: the caller's promise on `stored`.
        let stored = unsafe { stored(stored_ptr) }?;
        let name = policy.identify(stored.bytes()).map_err(code)?;
        // SAFETY: the caller's promise on `out`/`out_cap`; the stored string was copied.
        unsafe { write_out(out, out_cap, name.as_bytes()) }?;
        Ok(PWH_OK)
    };
    // SAFETY: the caller's promise on `out`/`out_cap`.
    unsafe { with_out(out, out_cap, body) }
}

/// # Safety
/// As `pwh_verify_unknown_user_with_policy`.
unsafe fn verify_unknown_user(using: Using, pw: *const u8, pw_len: usize) -> c_int {
    boundary(PWH_ERR_PANIC, || {
        status((|| {
            // SAFETY: the caller's promise on the handle.
            let policy = unsafe { using.get() }?;
            // SAFETY: the caller's promise on `pw`/`pw_len`.
            let pw = unsafe { password(policy, pw, pw_len) }?;
            match policy.verify_unknown_user(pw).map_err(code)? {
                Verdict::Invalid => Ok(PWH_INVALID),
                Verdict::Valid | Verdict::ValidUpgrade(_) | Verdict::ValidCompromised(_) => {
                    Err(PWH_ERR_INTERNAL)
                }
            }
        })())
    })
}

// ---------------------------------------------------------------------------------------------
// Plain forms: the process-wide default policy.

/// Hashes a new password with Argon2id under the default policy (OWASP's m=19456 KiB, t=2,
/// p=1; no pepper) and writes the stored string to `out`.
///
/// Returns `PWH_OK`; `PWH_ERR_PASSWORD_TOO_LONG` or `PWH_ERR_PASSWORD_TOO_SHORT` (default
/// limits: 1 to 1024 bytes); `PWH_ERR_BUSY`; `PWH_ERR_RNG`; `PWH_ERR_NULL_ARGUMENT`;
/// `PWH_ERR_BUFFER_TOO_SMALL` (`PWH_STORED_MAX` bytes always suffice).
///
/// # Safety
/// `pw` points to `pw_len` readable bytes (or is NULL with `pw_len == 0`); `out` points to
/// `out_cap` writable bytes that do not overlap `pw`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_hash(
    pw: *const u8,
    pw_len: usize,
    out: *mut c_char,
    out_cap: usize,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    unsafe { hash(Using::Default, pw, pw_len, out, out_cap) }
}

/// Checks a password against a stored string under the default policy.
///
/// Returns `PWH_VALID` (1), `PWH_INVALID` (0), or `PWH_VALID_UPGRADED` (2) with the
/// replacement stored string in `out`: store it in place of the old one. On `PWH_VALID` and
/// `PWH_INVALID`, `out` holds the empty string. A negative code means that the stored string
/// cannot be judged (corrupt, unknown scheme, costs over the limits, unknown pepper key) or
/// that an argument is wrong: treat it as a failed login and log the code. The exception is
/// `PWH_ERR_BUSY`: nothing was checked, so answer "try again later" (HTTP 503).
///
/// `out_cap` must be at least `PWH_STORED_MAX` whether or not an upgrade is due, so that a
/// small buffer fails on the first call rather than at the first upgrade: otherwise
/// `PWH_ERR_BUFFER_TOO_SMALL`, before any work.
///
/// # Safety
/// `pw` points to `pw_len` readable bytes (or is NULL with `pw_len == 0`); `stored` points
/// to a NUL-terminated string (at most `PWH_STORED_MAX` bytes are read); `out` points to
/// `out_cap` writable bytes that do not overlap `pw`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_verify(
    pw: *const u8,
    pw_len: usize,
    stored: *const c_char,
    out: *mut c_char,
    out_cap: usize,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    unsafe { verify(Using::Default, pw, pw_len, stored, out, out_cap) }
}

/// Whether `stored` should be replaced at the next successful login (default policy),
/// judged without the password: 1 yes, 0 no, negative when the stored string cannot be
/// judged (the codes of `pwh_verify`).
///
/// # Safety
/// `stored` points to a NUL-terminated string (at most `PWH_STORED_MAX` bytes are read).
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_needs_upgrade(stored: *const c_char) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    unsafe { needs_upgrade(Using::Default, stored) }
}

/// Wraps a legacy stored string in Argon2id at rest, without the password (default policy),
/// and writes the wrapped string to `out`. `pwh_verify` accepts it with the original
/// password, and returns `PWH_VALID_UPGRADED` with a plain Argon2id replacement.
///
/// Returns `PWH_OK`; `PWH_ERR_NOT_WRAPPABLE` for Argon2 and already wrapped strings; the
/// codes of `pwh_verify` for a stored string that cannot be judged;
/// `PWH_ERR_BUFFER_TOO_SMALL` (`PWH_STORED_MAX` bytes always suffice).
///
/// # Safety
/// `stored` points to a NUL-terminated string (at most `PWH_STORED_MAX` bytes are read; it
/// may share memory with `out`); `out` points to `out_cap` writable bytes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_wrap(
    stored: *const c_char,
    out: *mut c_char,
    out_cap: usize,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    unsafe { wrap(Using::Default, stored, out, out_cap) }
}

/// Writes the scheme name of a stored string to `out` (default policy): `argon2id`,
/// `argon2i`, `bcrypt`, `md5-hex`, ..., or `wrapped` for strings made by `pwh_wrap`. Names
/// are ASCII and shorter than `PWH_NAME_MAX` bytes.
///
/// Returns `PWH_OK`, `PWH_ERR_MALFORMED_HASH`, `PWH_ERR_UNSUPPORTED_SCHEME`,
/// `PWH_ERR_SCHEME_NOT_ALLOWED`, or an argument error.
///
/// # Safety
/// `stored` points to a NUL-terminated string (at most `PWH_STORED_MAX` bytes are read; it
/// may share memory with `out`); `out` points to `out_cap` writable bytes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_identify(
    stored: *const c_char,
    out: *mut c_char,
    out_cap: usize,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    unsafe { identify(Using::Default, stored, out, out_cap) }
}

/// Spends what a failed `pwh_verify` costs under the default policy, then returns
/// `PWH_INVALID`. Call it when the login names no known account, so that response times do
/// not reveal which accounts exist. Errors as for the password in `pwh_verify`.
///
/// # Safety
/// `pw` points to `pw_len` readable bytes (or is NULL with `pw_len == 0`).
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_verify_unknown_user(pw: *const u8, pw_len: usize) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    unsafe { verify_unknown_user(Using::Default, pw, pw_len) }
}

// ---------------------------------------------------------------------------------------------
// The policy handle.

/// Builds a policy from its TOML form (the form of the CLI's `--config`; see the README) and
/// stores a new handle in `*out`. Relative pepper `file` paths are taken from the working
/// directory.
///
/// Returns `PWH_OK`; `PWH_ERR_CONFIG` with a one-line message in `err`;
/// `PWH_ERR_NULL_ARGUMENT` when `toml` or `out` is NULL. `*out` is set to NULL on any error.
/// `err` may be NULL; otherwise it receives a NUL-terminated message (the empty string on
/// success). The message is for people, not a stored string: it is cut to fit `err_cap`
/// rather than refused (256 bytes is plenty), and never contains a secret.
///
/// Release the handle with `pwh_policy_free`.
///
/// # Safety
/// `toml` points to a NUL-terminated string; `out` points to a writable `pwh_policy *`;
/// `err` is NULL or points to `err_cap` writable bytes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_policy_from_toml(
    toml: *const c_char,
    out: *mut *mut pwh_policy,
    err: *mut c_char,
    err_cap: usize,
) -> c_int {
    let made = boundary(Err((PWH_ERR_PANIC, String::new())), || {
        if toml.is_null() || out.is_null() {
            return Err((PWH_ERR_NULL_ARGUMENT, String::new()));
        }
        // SAFETY: `toml` is not NULL, and the caller promises a NUL-terminated string that
        // stays unchanged during the call; the borrow ends inside this closure.
        let text = unsafe { core::ffi::CStr::from_ptr(toml) };
        let text = text
            .to_str()
            .map_err(|_| (PWH_ERR_CONFIG, "the policy TOML is not UTF-8".to_owned()))?;
        Policy::from_toml(text)
            .map(Box::new)
            .map_err(|e| (PWH_ERR_CONFIG, e.to_string()))
    });
    let (rc, handle, message) = match made {
        Ok(policy) => (
            PWH_OK,
            Box::into_raw(policy).cast::<pwh_policy>(),
            String::new(),
        ),
        Err((rc, message)) => (rc, core::ptr::null_mut(), message),
    };
    if !out.is_null() {
        // SAFETY: the caller promises that a non-NULL `out` is writable. (A NULL `out` only
        // happens on the error path, where no handle was made.)
        unsafe { out.write(handle) };
    }
    // SAFETY: the caller's promise on `err`/`err_cap`.
    unsafe { write_message(err, err_cap, &message) };
    rc
}

/// Writes a message as one line without NULs, cut at a character boundary to fit.
///
/// # Safety
/// `err` is NULL or points to `err_cap` writable bytes.
unsafe fn write_message(err: *mut c_char, err_cap: usize, message: &str) {
    if err.is_null() || err_cap == 0 {
        return;
    }
    let mut line = String::with_capacity(message.len().min(err_cap));
    for c in message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
    {
        if line.len() + c.len_utf8() >= err_cap {
            break;
        }
        line.push(c);
    }
    // SAFETY: the caller's promise on `err`/`err_cap`; `line` (with its NUL) fits, so this
    // cannot fail.
    let _ = unsafe { write_out(err, err_cap, line.as_bytes()) };
}

/// Releases a policy made by `pwh_policy_from_toml` (its pepper keys are zeroed). NULL is
/// ignored. The handle must not be in use by another thread, nor used afterwards.
///
/// # Safety
/// `policy` is NULL or a handle from `pwh_policy_from_toml` that was not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_policy_free(policy: *mut pwh_policy) {
    boundary((), || {
        if !policy.is_null() {
            // SAFETY: the caller promises a pointer made by `Box::into_raw` on a `Policy` in
            // `pwh_policy_from_toml` and not freed before.
            drop(unsafe { Box::from_raw(policy.cast::<Policy>()) });
        }
    });
}

/// `pwh_hash` under `policy`.
///
/// # Safety
/// `policy` is a live handle (NULL gives `PWH_ERR_NULL_ARGUMENT`); otherwise as `pwh_hash`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_hash_with_policy(
    policy: *const pwh_policy,
    pw: *const u8,
    pw_len: usize,
    out: *mut c_char,
    out_cap: usize,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    unsafe { hash(Using::Handle(policy), pw, pw_len, out, out_cap) }
}

/// `pwh_verify` under `policy`.
///
/// # Safety
/// `policy` is a live handle (NULL gives `PWH_ERR_NULL_ARGUMENT`); otherwise as
/// `pwh_verify`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_verify_with_policy(
    policy: *const pwh_policy,
    pw: *const u8,
    pw_len: usize,
    stored: *const c_char,
    out: *mut c_char,
    out_cap: usize,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    unsafe { verify(Using::Handle(policy), pw, pw_len, stored, out, out_cap) }
}

/// `pwh_needs_upgrade` under `policy`.
///
/// # Safety
/// `policy` is a live handle (NULL gives `PWH_ERR_NULL_ARGUMENT`); otherwise as
/// `pwh_needs_upgrade`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_needs_upgrade_with_policy(
    policy: *const pwh_policy,
    stored: *const c_char,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    unsafe { needs_upgrade(Using::Handle(policy), stored) }
}

/// `pwh_wrap` under `policy` (the wrapping uses its target and current pepper key).
///
/// # Safety
/// `policy` is a live handle (NULL gives `PWH_ERR_NULL_ARGUMENT`); otherwise as `pwh_wrap`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_wrap_with_policy(
    policy: *const pwh_policy,
    stored: *const c_char,
    out: *mut c_char,
    out_cap: usize,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    unsafe { wrap(Using::Handle(policy), stored, out, out_cap) }
}

/// `pwh_identify` under `policy` (which decides, for example, what bare hex digests are).
///
/// # Safety
/// `policy` is a live handle (NULL gives `PWH_ERR_NULL_ARGUMENT`); otherwise as
/// `pwh_identify`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_identify_with_policy(
    policy: *const pwh_policy,
    stored: *const c_char,
    out: *mut c_char,
    out_cap: usize,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    unsafe { identify(Using::Handle(policy), stored, out, out_cap) }
}

/// `pwh_verify_unknown_user` under `policy`.
///
/// # Safety
/// `policy` is a live handle (NULL gives `PWH_ERR_NULL_ARGUMENT`); otherwise as
/// `pwh_verify_unknown_user`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_verify_unknown_user_with_policy(
    policy: *const pwh_policy,
    pw: *const u8,
    pw_len: usize,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    unsafe { verify_unknown_user(Using::Handle(policy), pw, pw_len) }
}

// ---------------------------------------------------------------------------------------------
// Screening new passwords.

/// `pwh_screen` reason bit: fewer characters (Unicode code points) than the policy's
/// minimum (`[screen] min_length`, default 8; 15 with `single_factor`).
pub const PWH_REASON_TOO_SHORT: c_int = 1 << 0;
/// `pwh_screen` reason bit: more characters than the policy's maximum (`max_length`,
/// default 256), or more bytes than `max_password_bytes`.
pub const PWH_REASON_TOO_LONG: c_int = 1 << 1;
/// `pwh_screen` reason bit: one of the most common passwords (the shipped list).
pub const PWH_REASON_COMMON: c_int = 1 << 2;
/// `pwh_screen` reason bit: in the policy's breach index.
pub const PWH_REASON_BREACHED: c_int = 1 << 3;
/// `pwh_screen` reason bit: built mostly from the customer's e-mail address, names, phone
/// number or other context words.
pub const PWH_REASON_USER_CONTEXT: c_int = 1 << 4;
/// `pwh_screen` reason bit: built mostly from the site's words (`[screen] site_words`).
pub const PWH_REASON_SITE_WORD: c_int = 1 << 5;
/// `pwh_screen` reason bit: nothing but repeated or sequential characters.
pub const PWH_REASON_REPETITIVE: c_int = 1 << 6;

/// Longest context string `pwh_screen` reads, in bytes, its NUL not included.
pub const PWH_CONTEXT_STR_MAX: usize = 256;
/// Most names, and most words, `pwh_screen` reads from a context.
pub const PWH_CONTEXT_LIST_MAX: usize = 32;

/// What the site knows about the customer choosing a password, for `pwh_screen`. Every
/// pointer may be NULL (a list with its length 0). Strings are NUL-terminated UTF-8 of at
/// most `PWH_CONTEXT_STR_MAX` bytes; lists hold at most `PWH_CONTEXT_LIST_MAX` strings.
#[repr(C)]
pub struct pwh_screen_context {
    /// The customer's e-mail address.
    pub email: *const c_char,
    /// The customer's names (given, family, full, user name), `names_len` of them.
    pub names: *const *const c_char,
    /// How many strings `names` points to.
    pub names_len: usize,
    /// The customer's phone number, any format (only its digits are used).
    pub phone: *const c_char,
    /// Other words (birth date, pet's name, ...), `words_len` of them.
    pub words: *const *const c_char,
    /// How many strings `words` points to.
    pub words_len: usize,
}

fn reason_bit(reason: &Reason) -> c_int {
    match reason {
        Reason::TooShort { .. } => PWH_REASON_TOO_SHORT,
        Reason::TooLong { .. } => PWH_REASON_TOO_LONG,
        Reason::Common => PWH_REASON_COMMON,
        Reason::Breached => PWH_REASON_BREACHED,
        Reason::UserContext => PWH_REASON_USER_CONTEXT,
        Reason::SiteWord => PWH_REASON_SITE_WORD,
        Reason::Repetitive => PWH_REASON_REPETITIVE,
    }
}

/// A context string, copied (at most `PWH_CONTEXT_STR_MAX` bytes and the NUL read).
///
/// # Safety
/// `s` is NULL or points to a NUL-terminated string, or to at least
/// `PWH_CONTEXT_STR_MAX + 1` readable bytes.
unsafe fn context_str(s: *const c_char) -> Result<Option<String>, c_int> {
    if s.is_null() {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(32);
    for i in 0..=PWH_CONTEXT_STR_MAX {
        // SAFETY: bytes 0..i were readable and not NUL, so by the caller's promise byte `i`
        // (i <= PWH_CONTEXT_STR_MAX) is readable too; read by value.
        let b = unsafe { s.add(i).cast::<u8>().read() };
        if b == 0 {
            return String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| PWH_ERR_INVALID_ARGUMENT);
        }
        bytes.push(b);
    }
    Err(PWH_ERR_INVALID_ARGUMENT)
}

/// A list of context strings.
///
/// # Safety
/// `list` is NULL (with `len` 0) or points to `len` pointers, each as for [`context_str`].
unsafe fn context_list(list: *const *const c_char, len: usize) -> Result<Vec<String>, c_int> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if list.is_null() {
        return Err(PWH_ERR_NULL_ARGUMENT);
    }
    if len > PWH_CONTEXT_LIST_MAX {
        return Err(PWH_ERR_INVALID_ARGUMENT);
    }
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        // SAFETY: the caller promises `len` readable pointers at `list`; read by value.
        let s = unsafe { list.add(i).read() };
        // SAFETY: the caller's promise on each string.
        out.push(unsafe { context_str(s) }?.ok_or(PWH_ERR_NULL_ARGUMENT)?);
    }
    Ok(out)
}

/// The context's strings, copied out of the caller's memory.
#[derive(Default)]
struct OwnedContext {
    email: Option<String>,
    names: Vec<String>,
    phone: Option<String>,
    words: Vec<String>,
}

impl OwnedContext {
    /// # Safety
    /// `context` is NULL or points to a readable `pwh_screen_context` whose pointers keep
    /// the promises of [`context_str`] and [`context_list`].
    unsafe fn read(context: *const pwh_screen_context) -> Result<Self, c_int> {
        // SAFETY: the caller promises NULL or a readable, aligned struct.
        let Some(c) = (unsafe { context.as_ref() }) else {
            return Ok(Self::default());
        };
        // SAFETY: the caller's promises on each field, forwarded.
        unsafe {
            Ok(Self {
                email: context_str(c.email)?,
                names: context_list(c.names, c.names_len)?,
                phone: context_str(c.phone)?,
                words: context_list(c.words, c.words_len)?,
            })
        }
    }
}

/// # Safety
/// As `pwh_screen_with_policy`.
unsafe fn screen(
    using: Using,
    pw: *const u8,
    pw_len: usize,
    context: *const pwh_screen_context,
) -> c_int {
    boundary(PWH_ERR_PANIC, || {
        status((|| {
            // SAFETY: the caller's promise on the handle.
            let policy = unsafe { using.get() }?;
            if pw.is_null() && pw_len > 0 {
                return Err(PWH_ERR_NULL_ARGUMENT);
            }
            // Too long is a reason here, not an error; the buffer is not looked at.
            if pw_len > policy.limits().max_password_bytes {
                return Ok(PWH_REASON_TOO_LONG);
            }
            // SAFETY: the caller's promise on `pw`/`pw_len`.
            let pw = unsafe { password(policy, pw, pw_len) }?;
            // SAFETY: the caller's promise on `context`.
            let owned = unsafe { OwnedContext::read(context) }?;
            let names: Vec<&str> = owned.names.iter().map(String::as_str).collect();
            let words: Vec<&str> = owned.words.iter().map(String::as_str).collect();
            let mut ctx = Context::new().names(&names).words(&words);
            if let Some(email) = &owned.email {
                ctx = ctx.email(email);
            }
            if let Some(phone) = &owned.phone {
                ctx = ctx.phone(phone);
            }
            Ok(match policy.screen(pw, &ctx) {
                Ok(()) => PWH_OK,
                Err(rejections) => rejections
                    .reasons()
                    .iter()
                    .map(reason_bit)
                    .fold(0, |a, b| a | b),
            })
        })())
    })
}

/// Screens a new password under the default policy, as NIST SP 800-63B asks: call it when a
/// password is set or changed, before `pwh_hash`.
///
/// Returns `PWH_OK` (0) when the password is acceptable; otherwise a positive bitmask of
/// `PWH_REASON_*` bits, every reason that applies (`pwh_reason_code` and `pwh_reason_str`
/// name each bit); or a negative error code: `PWH_ERR_NULL_ARGUMENT`,
/// `PWH_ERR_INVALID_ARGUMENT` (a context string over `PWH_CONTEXT_STR_MAX` bytes or not
/// UTF-8, a list over `PWH_CONTEXT_LIST_MAX`). A password over `max_password_bytes` is
/// `PWH_REASON_TOO_LONG` alone, without reading it. `context` may be NULL.
///
/// # Safety
/// `pw` points to `pw_len` readable bytes (or is NULL with `pw_len == 0`); `context` is NULL
/// or points to a `pwh_screen_context` whose strings and lists are readable as described
/// there.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_screen(
    pw: *const u8,
    pw_len: usize,
    context: *const pwh_screen_context,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    unsafe { screen(Using::Default, pw, pw_len, context) }
}

/// `pwh_screen` under `policy` (its `[screen]` settings: lengths, site words, breach
/// index).
///
/// # Safety
/// `policy` is a live handle (NULL gives `PWH_ERR_NULL_ARGUMENT`); otherwise as
/// `pwh_screen`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pwh_screen_with_policy(
    policy: *const pwh_policy,
    pw: *const u8,
    pw_len: usize,
    context: *const pwh_screen_context,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    unsafe { screen(Using::Handle(policy), pw, pw_len, context) }
}

/// The stable machine code of one `PWH_REASON_*` bit (`"too_short"`, `"too_long"`,
/// `"common"`, `"breached"`, `"user_context"`, `"site_word"`, `"repetitive"`), the same as
/// the Rust API's; `"unknown"` for anything else. A static NUL-terminated string; never NULL.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn pwh_reason_code(reason: c_int) -> *const c_char {
    boundary(c"unknown".as_ptr(), || reason_text(reason).0.as_ptr())
}

/// A static NUL-terminated English message for one `PWH_REASON_*` bit, that a sign-up page
/// can show; `"unknown reason"` for anything else. Never NULL; do not free.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn pwh_reason_str(reason: c_int) -> *const c_char {
    boundary(c"unknown reason".as_ptr(), || {
        reason_text(reason).1.as_ptr()
    })
}

fn reason_text(reason: c_int) -> (&'static core::ffi::CStr, &'static core::ffi::CStr) {
    match reason {
        PWH_REASON_TOO_SHORT => (c"too_short", c"The password is too short."),
        PWH_REASON_TOO_LONG => (c"too_long", c"The password is too long."),
        PWH_REASON_COMMON => (
            c"common",
            c"This is one of the most commonly used passwords.",
        ),
        PWH_REASON_BREACHED => (
            c"breached",
            c"This password has appeared in a data breach, so attackers already try it.",
        ),
        PWH_REASON_USER_CONTEXT => (
            c"user_context",
            c"Don't build your password from your name, e-mail address or phone number.",
        ),
        PWH_REASON_SITE_WORD => (
            c"site_word",
            c"Don't build your password from the name of this site or service.",
        ),
        PWH_REASON_REPETITIVE => (
            c"repetitive",
            c"Avoid passwords made only of repeated or sequential characters, like aaaa or 1234.",
        ),
        _ => (c"unknown", c"unknown reason"),
    }
}

// ---------------------------------------------------------------------------------------------
// Constants and messages.

/// Bytes that hold any scheme name `pwh_identify` writes, its NUL included. Also returned by
/// `pwh_name_max()`.
pub const PWH_NAME_MAX: usize = 32;

/// `PWH_STORED_MAX`, for bindings that cannot read `#define`s.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn pwh_stored_max() -> usize {
    PWH_STORED_MAX
}

/// `PWH_NAME_MAX`, for bindings that cannot read `#define`s.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn pwh_name_max() -> usize {
    PWH_NAME_MAX
}

const VERSION: &core::ffi::CStr =
    match core::ffi::CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes())
    {
        Ok(v) => v,
        Err(_) => c"unknown",
    };

/// The library's version, such as `"0.1.0"`: a static NUL-terminated string.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn pwh_version() -> *const c_char {
    VERSION.as_ptr()
}

/// A static NUL-terminated English description of any code these functions return; for a
/// value that is not a documented code, `"unknown code"`. Never NULL; do not free.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn pwh_strerror(code: c_int) -> *const c_char {
    boundary(c"unknown code".as_ptr(), || message(code).as_ptr())
}

fn message(code: c_int) -> &'static core::ffi::CStr {
    match code {
        PWH_OK => c"success (PWH_OK), or the password does not match (PWH_INVALID)",
        PWH_VALID => c"the password matches",
        PWH_VALID_UPGRADED => c"the password matches; store the replacement hash",
        PWH_VALID_COMPROMISED => {
            c"the password matches but is in the breach index; make the customer choose a new one"
        }
        PWH_ERR_MALFORMED_HASH => c"malformed stored hash",
        PWH_ERR_UNSUPPORTED_SCHEME => c"unsupported hash scheme",
        PWH_ERR_SCHEME_NOT_ALLOWED => c"hash scheme not allowed by the policy",
        PWH_ERR_PARAMS_OVER_LIMIT => c"stored hash parameters are outside the policy's limits",
        PWH_ERR_PASSWORD_TOO_LONG => c"password longer than the policy allows",
        PWH_ERR_PASSWORD_TOO_SHORT => c"password shorter than the policy allows",
        PWH_ERR_UNKNOWN_PEPPER_KEY => c"stored hash names an unknown pepper key id",
        PWH_ERR_NOT_WRAPPABLE => c"stored hash is already Argon2 or wrapped",
        PWH_ERR_RNG => c"the operating system's random generator failed",
        PWH_ERR_INTERNAL => c"internal error",
        PWH_ERR_BUSY => c"busy: too many password hashes in progress; retry later",
        PWH_ERR_NULL_ARGUMENT => c"a required pointer argument is NULL",
        PWH_ERR_BUFFER_TOO_SMALL => c"output buffer too small",
        PWH_ERR_INVALID_ARGUMENT => {
            c"invalid argument (stored string without a NUL within PWH_STORED_MAX bytes, or a bad length)"
        }
        PWH_ERR_CONFIG => c"policy configuration refused",
        PWH_ERR_PANIC => c"internal error: panic caught at the C boundary",
        _ => c"unknown code",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIBRARY_ERRORS: [Error; 11] = [
        Error::MalformedHash,
        Error::UnsupportedScheme,
        Error::SchemeNotAllowed,
        Error::ParamsOverLimit { name: "m" },
        Error::PasswordTooLong,
        Error::PasswordTooShort,
        Error::UnknownPepperKey,
        Error::NotWrappable,
        Error::Busy,
        Error::Rng,
        Error::Internal,
    ];

    /// Every code, in the order of the README's table.
    pub(crate) const ALL_CODES: [c_int; 20] = [
        PWH_OK,
        PWH_VALID,
        PWH_VALID_UPGRADED,
        PWH_VALID_COMPROMISED,
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
        PWH_ERR_PANIC,
    ];

    #[test]
    fn each_library_error_has_its_own_code() {
        let codes: Vec<c_int> = LIBRARY_ERRORS.iter().map(|e| code(*e)).collect();
        for (i, c) in codes.iter().enumerate() {
            assert!((-19..0).contains(c), "{c}");
            assert!(!codes[..i].contains(c), "{c} reused");
        }
    }

    #[test]
    fn codes_are_distinct_and_named() {
        let mut seen = std::collections::HashSet::new();
        for c in ALL_CODES {
            assert!(seen.insert(c), "{c} reused");
            let text = message(c).to_str().unwrap();
            assert_ne!(text, "unknown code", "{c}");
        }
        for c in [4, -11, -14, -16, -19, -25, i32::MIN, i32::MAX] {
            assert_eq!(message(c), c"unknown code");
        }
    }

    #[test]
    fn a_panic_becomes_a_code() {
        let rc = boundary(PWH_ERR_PANIC, || -> c_int { panic!("boom") });
        assert_eq!(rc, PWH_ERR_PANIC);
    }

    #[test]
    fn messages_are_cut_at_character_boundaries() {
        let mut buf = [0x55 as c_char; 8];
        // SAFETY: `buf` has 8 writable bytes.
        unsafe { write_message(buf.as_mut_ptr(), 8, "ab\ncdé€xyz") };
        // SAFETY: write_message NUL-terminated the message inside `buf`.
        let got = unsafe { core::ffi::CStr::from_ptr(buf.as_ptr()) };
        assert_eq!(got.to_str().unwrap(), "ab cdé");
    }

    #[test]
    fn scheme_names_fit_name_max() {
        for scheme in crate::schemes::LEGACY {
            assert!(scheme.name().len() < PWH_NAME_MAX, "{}", scheme.name());
        }
        assert!(crate::policy::WRAPPED_NAME.len() < PWH_NAME_MAX);
    }

    #[test]
    fn reason_bits_codes_and_messages_match_the_rust_api() {
        let reasons = [
            Reason::TooShort { min: 8 },
            Reason::TooLong { max: 64 },
            Reason::Common,
            Reason::Breached,
            Reason::UserContext,
            Reason::SiteWord,
            Reason::Repetitive,
        ];
        let mut all = 0;
        for reason in reasons {
            let bit = reason_bit(&reason);
            assert_eq!(bit.count_ones(), 1);
            assert_eq!(all & bit, 0, "{bit} reused");
            all |= bit;
            let (code, text) = reason_text(bit);
            assert_eq!(code.to_str().unwrap(), reason.code());
            let rust = reason.to_string();
            if !matches!(reason, Reason::TooShort { .. } | Reason::TooLong { .. }) {
                assert_eq!(text.to_str().unwrap(), rust);
            }
        }
        assert_eq!(reason_text(0), (c"unknown", c"unknown reason"));
        assert_eq!(reason_text(all), (c"unknown", c"unknown reason"));
    }

    #[test]
    fn version_is_the_crate_version() {
        assert_eq!(VERSION.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
