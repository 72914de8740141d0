//! The one error type of pwharden.
//!
//! A wrong password is not an error: it is [`Verdict::Invalid`](crate::Verdict::Invalid).
//! Errors say that the *input* cannot be judged: the stored string is corrupt, names a scheme
//! or key the policy does not have, or asks for more work than the policy allows.

use core::fmt;

/// Everything that can stop pwharden from reaching a verdict.
///
/// The meaning of each variant is stable; new variants may be added (the enum is
/// `#[non_exhaustive]`). No variant carries a password, a key, or any part of a stored
/// string, so errors can be logged as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The stored string belongs to a known scheme but is not well formed: a missing or extra
    /// field, bad encoding, a wrong length, or it is not UTF-8.
    MalformedHash,
    /// No scheme that pwharden knows produced this stored string.
    UnsupportedScheme,
    /// The scheme is known, but this policy does not accept it.
    SchemeNotAllowed,
    /// A cost or size parameter in the stored string is outside the policy's limits; no work
    /// was done and no memory was allocated for it.
    ParamsOverLimit {
        /// The parameter that was out of bounds, such as `"m"` or `"rounds"`.
        name: &'static str,
    },
    /// The password is longer than the policy accepts. It is never truncated.
    PasswordTooLong,
    /// The password is shorter than the policy accepts.
    PasswordTooShort,
    /// The stored string names a pepper key id that the policy does not hold.
    UnknownPepperKey,
    /// `wrap` was given a string that is already Argon2 or already wrapped: there is
    /// nothing to protect further without the password.
    NotWrappable,
    /// The admission gate is full (too many hashes running and waiting) or the wait passed
    /// its deadline. Nothing was computed; retry later (HTTP 503 with `Retry-After`).
    Busy,
    /// The operating system's random generator failed.
    Rng,
    /// An internal invariant failed; this is a bug in pwharden.
    Internal,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MalformedHash => f.write_str("malformed stored hash"),
            Self::UnsupportedScheme => f.write_str("unsupported hash scheme"),
            Self::SchemeNotAllowed => f.write_str("hash scheme not allowed by the policy"),
            Self::ParamsOverLimit { name } => {
                write!(
                    f,
                    "stored hash parameter `{name}` is outside the policy's limits"
                )
            }
            Self::PasswordTooLong => f.write_str("password longer than the policy allows"),
            Self::PasswordTooShort => f.write_str("password shorter than the policy allows"),
            Self::UnknownPepperKey => f.write_str("stored hash names an unknown pepper key id"),
            Self::NotWrappable => f.write_str("stored hash is already Argon2 or wrapped"),
            Self::Busy => f.write_str("busy: too many password hashes in progress"),
            Self::Rng => f.write_str("the operating system's random generator failed"),
            Self::Internal => f.write_str("internal error"),
        }
    }
}

impl std::error::Error for Error {}

/// Result type with the pwharden [`Error`].
pub type Result<T> = core::result::Result<T, Error>;
