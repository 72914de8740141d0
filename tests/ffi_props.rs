//! Random byte inputs to every C ABI entry point: random passwords and lengths (NULL
//! included), random stored bytes with and without a NUL, random output capacities (0 and 1
//! included), NULL handles. No call may crash, every call returns a documented code, and
//! nothing is written outside what the conventions allow: on success a NUL-terminated string
//! inside `out_cap`, on error at most `out[0] = 0`.
//!
//! The calls go through the exported `extern "C"` functions, as a C caller would make them.
//! The cheap policy (m = 256 KiB) keeps each case fast; the default policy is used only where
//! no Argon2 work is done.

#![allow(unsafe_code)] // calling the C ABI, as a C caller would
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::ffi::{CStr, c_char, c_int};
use std::sync::OnceLock;

use proptest::prelude::*;
use pwharden::ffi::*;

const DOCUMENTED: [c_int; 20] = [
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

/// An error code that a well-behaved library may return (never PANIC or INTERNAL).
fn is_error(rc: c_int) -> bool {
    rc < 0 && DOCUMENTED.contains(&rc) && rc != PWH_ERR_PANIC && rc != PWH_ERR_INTERNAL
}

/// The cheap policy handle, shared by every case (and, so, by the test threads).
struct Handle(*mut pwh_policy);
// SAFETY: a pwh_policy may be used by any number of threads at once (the C ABI's promise,
// tested here as everywhere else).
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

fn cheap() -> *const pwh_policy {
    static CHEAP: OnceLock<Handle> = OnceLock::new();
    CHEAP
        .get_or_init(|| {
            let toml =
                c"allow_weak_target = true\n[argon2]\nm_cost = 256\nt_cost = 1\np_cost = 1\n";
            let mut p = std::ptr::null_mut();
            let rc =
                unsafe { pwh_policy_from_toml(toml.as_ptr(), &mut p, std::ptr::null_mut(), 0) };
            assert_eq!(rc, PWH_OK);
            Handle(p)
        })
        .0
}

/// A hash under the cheap policy, to build realistic stored strings from.
fn cheap_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        let mut out = [0 as c_char; PWH_STORED_MAX];
        let rc = unsafe {
            pwh_hash_with_policy(cheap(), b"pw".as_ptr(), 2, out.as_mut_ptr(), out.len())
        };
        assert_eq!(rc, PWH_OK);
        unsafe { CStr::from_ptr(out.as_ptr()) }
            .to_str()
            .unwrap()
            .to_owned()
    })
}

/// A password argument: the bytes, and the length passed (the real one, 0, or one over the
/// limits that must be refused before the buffer is read).
#[derive(Debug, Clone)]
struct Pw {
    bytes: Option<Vec<u8>>,
    len: usize,
}

fn pw() -> impl Strategy<Value = Pw> {
    prop_oneof![
        6 => proptest::collection::vec(any::<u8>(), 0..80).prop_map(|b| Pw { len: b.len(), bytes: Some(b) }),
        1 => (0usize..4).prop_map(|len| Pw { bytes: None, len }),
        1 => (proptest::collection::vec(any::<u8>(), 0..8), prop_oneof![Just(1025usize), Just(usize::MAX), Just(isize::MAX as usize + 1)])
            .prop_map(|(b, len)| Pw { bytes: Some(b), len }),
    ]
}

impl Pw {
    fn ptr(&self) -> *const u8 {
        self.bytes.as_ref().map_or(std::ptr::null(), |b| b.as_ptr())
    }
}

/// A stored-string argument: NULL, a NUL-terminated string (random bytes, or a mangled real
/// hash), or at least PWH_STORED_MAX bytes with no NUL at all.
#[derive(Debug, Clone)]
enum Stored {
    Null,
    Terminated(Vec<u8>),
    NoNul(Vec<u8>),
}

fn stored() -> impl Strategy<Value = Stored> {
    let prefix = prop_oneof![
        Just(String::new()),
        Just("$argon2id$v=19$".to_owned()),
        Just("$argon2i$v=16$m=256,t=1,p=1$".to_owned()),
        Just("$pwh-wrap$v=1$".to_owned()),
        Just("$2y$04$".to_owned()),
    ];
    let tail = proptest::collection::vec(
        prop_oneof![
            4 => proptest::sample::select(b"$=,abcdefmtpvkeyid0123456789+/ABCXYZ".to_vec()),
            1 => any::<u8>(),
        ],
        0..120,
    );
    prop_oneof![
        1 => Just(Stored::Null),
        4 => (prefix, tail.clone()).prop_map(|(p, t)| {
            let mut v = p.into_bytes();
            v.extend(t);
            v.push(0);
            Stored::Terminated(v)
        }),
        3 => (0usize..100, 0usize..4, tail.clone()).prop_map(|(cut, flip, t)| {
            // A real hash, cut short or with some characters replaced.
            let mut v = cheap_hash().as_bytes().to_vec();
            let at = cut % v.len();
            if flip == 0 {
                v.truncate(at);
            } else {
                v[at] = t.first().copied().unwrap_or(b'$');
            }
            v.extend(t.iter().take(flip * 3));
            v.retain(|b| *b != 0);
            v.push(0);
            Stored::Terminated(v)
        }),
        1 => (any::<u8>(), 0usize..200).prop_map(|(b, extra)| {
            Stored::NoNul(vec![b.max(1); PWH_STORED_MAX + extra])
        }),
        1 => proptest::collection::vec(1u8..=255, 500..520).prop_map(|mut v| {
            v.push(0); // NUL after PWH_STORED_MAX - 1 bytes or later: too long either way
            Stored::Terminated(v)
        }),
    ]
}

impl Stored {
    fn ptr(&self) -> *const c_char {
        match self {
            Self::Null => std::ptr::null(),
            Self::Terminated(v) | Self::NoNul(v) => v.as_ptr().cast(),
        }
    }
}

/// An output buffer of `cap` bytes plus a sentinel tail that must never be touched.
struct Out {
    buf: Vec<u8>,
    cap: usize,
    null: bool,
}

const SENTINEL: u8 = 0xA5;

fn out_cap() -> impl Strategy<Value = (usize, bool)> {
    (
        prop_oneof![
            Just(0usize),
            Just(1),
            Just(2),
            Just(8),
            Just(PWH_NAME_MAX),
            Just(100),
            Just(PWH_STORED_MAX - 1),
            Just(PWH_STORED_MAX),
            Just(700),
        ],
        proptest::bool::weighted(0.1),
    )
}

impl Out {
    fn new((cap, null): (usize, bool)) -> Self {
        Self {
            buf: vec![SENTINEL; cap + 16],
            cap,
            null,
        }
    }

    fn ptr(&mut self) -> *mut c_char {
        if self.null {
            std::ptr::null_mut()
        } else {
            self.buf.as_mut_ptr().cast()
        }
    }

    /// Checks the conventions after a call that returned `rc`; returns the string on success.
    fn check(&self, rc: c_int, success: bool) -> Result<Option<String>, TestCaseError> {
        let tail_untouched = |from: usize| self.buf[from..].iter().all(|b| *b == SENTINEL);
        if self.null {
            prop_assert!(!success || rc == PWH_ERR_NULL_ARGUMENT);
            prop_assert!(tail_untouched(0));
            return Ok(None);
        }
        if !success {
            if self.cap == 0 {
                prop_assert!(tail_untouched(0), "wrote into a zero-capacity buffer");
            } else {
                prop_assert_eq!(self.buf[0], 0, "error without out[0] = 0");
                prop_assert!(tail_untouched(1), "an error wrote more than out[0]");
            }
            return Ok(None);
        }
        let nul = self.buf[..self.cap].iter().position(|b| *b == 0);
        prop_assert!(nul.is_some(), "success without a NUL inside out_cap");
        let nul = nul.unwrap();
        prop_assert!(tail_untouched(self.cap), "wrote past out_cap");
        Ok(Some(
            String::from_utf8(self.buf[..nul].to_vec())
                .map_err(|_| TestCaseError::fail("not UTF-8"))?,
        ))
    }
}

/// A context string: NULL, random bytes with a NUL (maybe not UTF-8), or more than
/// `PWH_CONTEXT_STR_MAX` bytes before any NUL.
fn context_string() -> impl Strategy<Value = Option<Vec<u8>>> + Clone {
    prop_oneof![
        2 => Just(None),
        6 => proptest::collection::vec(1u8..=127, 0..40).prop_map(|mut v| { v.push(0); Some(v) }),
        1 => proptest::collection::vec(1u8..=255, 0..40).prop_map(|mut v| { v.push(0); Some(v) }),
        1 => (1u8..=255, 1usize..40).prop_map(|(b, extra)| {
            let mut v = vec![b; PWH_CONTEXT_STR_MAX + extra];
            v.push(0);
            Some(v)
        }),
    ]
}

/// A context: its strings, and the list lengths passed (up to one over the limit).
#[derive(Debug, Clone)]
struct Ctx {
    email: Option<Vec<u8>>,
    phone: Option<Vec<u8>>,
    names: Vec<Option<Vec<u8>>>,
    words: Vec<Option<Vec<u8>>>,
    null_lists: bool,
}

fn context() -> impl Strategy<Value = Option<Ctx>> {
    let list = proptest::collection::vec(context_string(), 0..=PWH_CONTEXT_LIST_MAX + 1);
    proptest::option::weighted(
        0.9,
        (
            context_string(),
            context_string(),
            list.clone(),
            list,
            proptest::bool::weighted(0.05),
        )
            .prop_map(|(email, phone, names, words, null_lists)| Ctx {
                email,
                phone,
                names,
                words,
                null_lists,
            }),
    )
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn verify(pw in pw(), stored in stored(), cap in out_cap(), null_policy in proptest::bool::weighted(0.05)) {
        let policy = if null_policy { std::ptr::null() } else { cheap() };
        let mut out = Out::new(cap);
        let rc = unsafe { pwh_verify_with_policy(policy, pw.ptr(), pw.len, stored.ptr(), out.ptr(), out.cap) };
        prop_assert!((0..=2).contains(&rc) || is_error(rc), "rc {rc}");
        let replacement = out.check(rc, rc >= 0)?;
        if let Some(s) = replacement {
            prop_assert_eq!(s.is_empty(), rc != PWH_VALID_UPGRADED);
        }
        if matches!(stored, Stored::NoNul(_)) && !null_policy && !out.null && out.cap >= PWH_STORED_MAX && pw.bytes.is_some() && pw.len <= 1024 && pw.len >= 1 {
            prop_assert_eq!(rc, PWH_ERR_INVALID_ARGUMENT);
        }
    }

    #[test]
    fn hash(pw in pw(), cap in out_cap(), null_policy in proptest::bool::weighted(0.05)) {
        let policy = if null_policy { std::ptr::null() } else { cheap() };
        let mut out = Out::new(cap);
        let rc = unsafe { pwh_hash_with_policy(policy, pw.ptr(), pw.len, out.ptr(), out.cap) };
        prop_assert!(rc == PWH_OK || is_error(rc), "rc {rc}");
        if let Some(s) = out.check(rc, rc == PWH_OK)? {
            prop_assert!(s.starts_with("$argon2id$v=19$m=256,t=1,p=1$"));
            prop_assert_eq!(pwharden::Policy::from_toml("allow_weak_target = true\n[argon2]\nm_cost = 256\nt_cost = 1\np_cost = 1\n").unwrap().verify(pw.bytes.as_deref().unwrap_or_default(), &s).unwrap(), pwharden::Verdict::Valid);
        }
    }

    #[test]
    fn stored_string_calls(stored in stored(), cap in out_cap(), plain in any::<bool>()) {
        let policy = cheap();
        let mut out = Out::new(cap);
        let rc = unsafe {
            if plain { pwh_identify(stored.ptr(), out.ptr(), out.cap) } else { pwh_identify_with_policy(policy, stored.ptr(), out.ptr(), out.cap) }
        };
        prop_assert!(rc == PWH_OK || is_error(rc), "identify rc {rc}");
        if let Some(name) = out.check(rc, rc == PWH_OK)? {
            prop_assert!(!name.is_empty() && name.len() < PWH_NAME_MAX);
        }

        let rc = unsafe {
            if plain { pwh_needs_upgrade(stored.ptr()) } else { pwh_needs_upgrade_with_policy(policy, stored.ptr()) }
        };
        prop_assert!(rc == 0 || rc == 1 || is_error(rc), "needs_upgrade rc {rc}");

        let mut out = Out::new(cap);
        let rc = unsafe { pwh_wrap_with_policy(policy, stored.ptr(), out.ptr(), out.cap) };
        prop_assert!(rc == PWH_OK || is_error(rc), "wrap rc {rc}");
        out.check(rc, rc == PWH_OK)?;
    }

    #[test]
    fn unknown_user(pw in pw(), null_policy in proptest::bool::weighted(0.05)) {
        let policy = if null_policy { std::ptr::null() } else { cheap() };
        let rc = unsafe { pwh_verify_unknown_user_with_policy(policy, pw.ptr(), pw.len) };
        prop_assert!(rc == PWH_INVALID || is_error(rc), "rc {rc}");
    }

    #[test]
    fn policy_from_toml(toml in proptest::collection::vec(any::<u8>(), 0..200), err_cap in prop_oneof![Just(0usize), Just(1), Just(7), Just(256)], null_err in any::<bool>()) {
        let mut text: Vec<u8> = toml.into_iter().filter(|b| *b != 0).collect();
        text.push(0);
        let mut err = vec![SENTINEL; err_cap + 16];
        let err_ptr = if null_err { std::ptr::null_mut() } else { err.as_mut_ptr().cast() };
        let mut handle = std::ptr::dangling_mut::<pwh_policy>(); // must be overwritten
        let rc = unsafe { pwh_policy_from_toml(text.as_ptr().cast(), &mut handle, err_ptr, err_cap) };
        prop_assert!(rc == PWH_OK || rc == PWH_ERR_CONFIG, "rc {rc}");
        prop_assert_eq!(handle.is_null(), rc != PWH_OK);
        if !null_err && err_cap > 0 {
            let nul = err[..err_cap].iter().position(|b| *b == 0);
            prop_assert!(nul.is_some());
            prop_assert!(!err[..nul.unwrap()].contains(&b'\n'));
        }
        prop_assert!(err[err_cap..].iter().all(|b| *b == SENTINEL));
        unsafe { pwh_policy_free(handle) };
    }

    #[test]
    fn screen(pw in pw(), ctx in context(), null_policy in proptest::bool::weighted(0.05), plain in any::<bool>()) {
        let ptr = |s: &Option<Vec<u8>>| s.as_ref().map_or(std::ptr::null(), |v| v.as_ptr().cast::<c_char>());
        let (names, words): (Vec<*const c_char>, Vec<*const c_char>) = match &ctx {
            Some(c) => (c.names.iter().map(ptr).collect(), c.words.iter().map(ptr).collect()),
            None => (Vec::new(), Vec::new()),
        };
        let raw = ctx.as_ref().map(|c| pwh_screen_context {
            email: ptr(&c.email),
            names: if c.null_lists { std::ptr::null() } else { names.as_ptr() },
            names_len: names.len(),
            phone: ptr(&c.phone),
            words: if c.null_lists { std::ptr::null() } else { words.as_ptr() },
            words_len: words.len(),
        });
        let raw_ptr = raw.as_ref().map_or(std::ptr::null(), |r| r as *const pwh_screen_context);
        let policy = if null_policy { std::ptr::null() } else { cheap() };
        let rc = unsafe {
            if plain { pwh_screen(pw.ptr(), pw.len, raw_ptr) } else { pwh_screen_with_policy(policy, pw.ptr(), pw.len, raw_ptr) }
        };
        prop_assert!((0..128).contains(&rc) || is_error(rc), "rc {rc}");
        if pw.len > 1024 && pw.bytes.is_some() && (plain || !null_policy) {
            prop_assert_eq!(rc, PWH_REASON_TOO_LONG);
        }
    }

    #[test]
    fn reason_strings(reason in any::<c_int>()) {
        let code = unsafe { CStr::from_ptr(pwh_reason_code(reason)) }.to_str().unwrap();
        let text = unsafe { CStr::from_ptr(pwh_reason_str(reason)) }.to_str().unwrap();
        let known = (0..7).any(|bit| reason == 1 << bit);
        prop_assert_eq!(code == "unknown", !known);
        prop_assert_eq!(text == "unknown reason", !known);
    }

    #[test]
    fn strerror(code in any::<c_int>()) {
        let text = unsafe { CStr::from_ptr(pwh_strerror(code)) }.to_str().unwrap();
        prop_assert!(!text.is_empty());
        prop_assert_eq!(text == "unknown code", !DOCUMENTED.contains(&code));
    }
}
