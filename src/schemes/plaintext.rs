//! Plaintext passwords, stored as they were typed. Accepted only when a policy names
//! `plaintext` among its allowed schemes; the policy's [`Rules`](super::Rules) then assign to
//! it every string of no other shape.
//!
//! Settings are empty; the checksum is the stored bytes, and a candidate's checksum is the
//! candidate's bytes, compared in constant time like every other checksum.

use zeroize::Zeroizing;

use super::digest::no_settings;
use super::{Legacy, PLAINTEXT, Split};
use crate::error::{Error, Result};
use crate::policy::Limits;

/// The plaintext "scheme".
pub(crate) struct Plaintext;

/// The one `plaintext` scheme.
pub(crate) static PLAINTEXT_SCHEME: Plaintext = Plaintext;

impl Legacy for Plaintext {
    fn name(&self) -> &'static str {
        PLAINTEXT
    }

    fn matches(&self, _stored: &str) -> bool {
        false
    }

    /// An empty stored string is malformed: no password (every policy requires at least one
    /// byte) could match it.
    fn split<'a>(&self, stored: &'a str, _limits: &Limits) -> Result<Split<'a>> {
        if stored.is_empty() {
            return Err(Error::MalformedHash);
        }
        Ok(Split::borrowed("", stored))
    }

    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        _limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>> {
        no_settings(settings)?;
        Ok(Zeroizing::new(password.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::digest::testing::cheap_policy;
    use super::*;
    use crate::{Error, Policy, Verdict};

    fn limits() -> Limits {
        Limits::default()
    }

    #[test]
    fn checksum_is_the_bytes() {
        let split = PLAINTEXT_SCHEME.split("hunter2", &limits()).unwrap();
        assert_eq!(split.settings, "");
        assert_eq!(split.checksum.as_ref(), b"hunter2");
        let sum = PLAINTEXT_SCHEME
            .checksum("", b"hunter2", &limits())
            .unwrap();
        assert_eq!(sum.as_slice(), b"hunter2");
        assert!(!PLAINTEXT_SCHEME.matches("hunter2"));
    }

    #[test]
    fn refuses_empty_and_settings() {
        assert_eq!(
            PLAINTEXT_SCHEME.split("", &limits()).err(),
            Some(Error::MalformedHash)
        );
        assert_eq!(
            PLAINTEXT_SCHEME.checksum("x", b"pw", &limits()).err(),
            Some(Error::MalformedHash)
        );
    }

    #[test]
    fn only_when_the_policy_allows_it() {
        let policy = cheap_policy();
        assert_eq!(
            policy.verify("hunter2", "hunter2"),
            Err(Error::UnsupportedScheme)
        );
        let policy = Policy::builder()
            .argon2(1024, 1, 1)
            .allow_weak_target()
            .allow_schemes(["plaintext", "md5-hex"])
            .build()
            .unwrap();
        assert_eq!(policy.identify("hunter2"), Ok("plaintext"));
        assert!(matches!(
            policy.verify("hunter2", "hunter2"),
            Ok(Verdict::ValidUpgrade(_))
        ));
        assert_eq!(policy.verify("hunter3", "hunter2"), Ok(Verdict::Invalid));
        assert_eq!(policy.verify("hunter", "hunter2"), Ok(Verdict::Invalid));
        assert_eq!(policy.verify("hunter22", "hunter2"), Ok(Verdict::Invalid));
        // Shapes of other schemes still win.
        assert_eq!(
            policy.identify("5f4dcc3b5aa765d61d8327deb882cf99"),
            Ok("md5-hex")
        );
        // Wrapping a plaintext password gives a plain target hash.
        let wrapped = policy.wrap("hunter2").unwrap();
        assert!(wrapped.starts_with("$argon2id$"));
        assert!(policy.verify("hunter2", &wrapped).unwrap().is_valid());
    }
}
