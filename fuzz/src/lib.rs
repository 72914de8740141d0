//! What the fuzz targets share: the policies they run under and the split of one input into
//! a password and a stored string.

use std::sync::OnceLock;

use pwharden::{Limits, PepperKey, Policy};

/// Limits low enough that any stored string the fuzzer writes is checked in about a
/// millisecond: every cost field is refused above these before any work is done.
pub fn low_limits() -> Limits {
    let mut limits = Limits::default();
    limits.argon2_max_m_cost = 256;
    limits.argon2_max_t_cost = 2;
    limits.argon2_max_p_cost = 2;
    limits.max_password_bytes = 256;
    limits.bcrypt_max_cost = 5;
    limits.pbkdf2_max_iterations = 2000;
    limits.sha_crypt_max_rounds = 2000;
    limits.phpass_max_log2_rounds = 8;
    limits.scrypt_max_memory_kib = 512;
    limits.scrypt_max_p = 2;
    limits
}

fn build(plaintext: bool) -> Policy {
    let mut builder = Policy::builder()
        .argon2(64, 1, 1)
        .allow_weak_target()
        .limits(low_limits())
        .pepper_key(PepperKey::new("k1", &[0x5a; 32]).expect("key"))
        .current_pepper("k1");
    if plaintext {
        // Every legacy scheme plus plaintext, and other meanings for bare hex lengths.
        builder = builder
            .allow_schemes([
                "argon2i",
                "argon2d",
                "md5-crypt",
                "sha256-crypt",
                "sha512-crypt",
                "phpass",
                "drupal7",
                "bcrypt",
                "django-bcrypt-sha256",
                "pbkdf2-sha1",
                "pbkdf2-sha256",
                "pbkdf2-sha512",
                "django-pbkdf2-sha256",
                "django-pbkdf2-sha1",
                "scrypt",
                "mysql41",
                "django-sha1",
                "django-md5",
                "ldap-md5",
                "ldap-smd5",
                "ldap-sha",
                "ldap-ssha",
                "salted-md5",
                "salted-sha1",
                "salted-sha256",
                "md5-hex",
                "sha1-hex",
                "sha256-hex",
                "sha512-hex",
                "plaintext",
            ])
            .hex_digests([(32, "md5-hex"), (40, "sha1-hex"), (64, "sha256-hex")]);
    }
    builder.build().expect("fuzz policy")
}

/// The policies the targets use: `[0]` accepts every legacy scheme but plaintext (the
/// default), `[1]` accepts plaintext too.
pub fn policies() -> &'static [Policy; 2] {
    static POLICIES: OnceLock<[Policy; 2]> = OnceLock::new();
    POLICIES.get_or_init(|| [build(false), build(true)])
}

/// Splits an input into (policy selector, password, stored): the first byte's low bit picks
/// the policy and its other 7 bits the password length; the password follows, then the
/// stored string (the rest). This is the layout of the seeds scripts/fuzz-seed.py writes.
pub fn split(data: &[u8]) -> Option<(&'static Policy, &[u8], &[u8])> {
    let (&head, rest) = data.split_first()?;
    let policy = &policies()[usize::from(head & 1)];
    let len = usize::from(head >> 1).min(rest.len());
    let (password, stored) = rest.split_at(len);
    Some((policy, password, stored))
}
