//! Plain message digests: bare hex digests, MySQL 4.1+ `PASSWORD()`, and Django's salted
//! SHA-1 / MD5 hashers. None of them has a cost; they are here to be verified once and
//! replaced.
//!
//! | name | stored | construction | settings | checksum |
//! | --- | --- | --- | --- | --- |
//! | `md5-hex`, `sha1-hex`, `sha256-hex`, `sha512-hex` | hex, either case (32 / 40 / 64 / 128 digits) | `hex(H(password))` | empty | lower-case hex |
//! | `mysql41` | `*` + 40 hex digits, either case | `"*" + HEX(SHA1(SHA1(password)))` | empty | upper-case hex (the 40 digits, without `*`) |
//! | `django-sha1` | `sha1$<salt>$<40 lower-case hex>` | `hex(SHA1(salt ‖ password))` | the salt | the lower-case hex |
//! | `django-md5` | `md5$<salt>$<32 lower-case hex>` | `hex(MD5(salt ‖ password))` | the salt | the lower-case hex |
//!
//! Bare hex digests have no shape of their own ([`Legacy::matches`] is false): the policy's
//! [`Rules`](super::Rules) assign a bare hex string to one of them by its length, and
//! [`Legacy::split`] still checks that the length is the digest's.
//!
//! MySQL writes upper-case hex (and passlib's `mysql41` normalises to it); pwharden accepts
//! either case and uses the upper-case digits, as MySQL writes them, as the checksum.
//!
//! Django (4.2: `SHA1PasswordHasher`, `MD5PasswordHasher`, and the unsalted variants written
//! as `sha1$$<hex>` / `md5$$<hex>`) computes `hexdigest(salt + password)` and compares the whole
//! string, so only lower-case hex can ever verify there; an upper-case digest is refused as
//! malformed. The salt is whatever text precedes the second `$`: Django generates 22 (4.x),
//! 12 (1.4–3.x) or 5 (before 1.4) alphanumerics, and the unsalted hashers an empty one.
//! pwharden accepts 0 to [`MAX_DJANGO_SALT_LEN`] visible ASCII characters other than `$`.

use std::borrow::Cow;

use sha2::Digest;
use zeroize::{Zeroize, Zeroizing};

use super::{Legacy, Split, hex_lower};
use crate::error::{Error, Result};
use crate::policy::Limits;

/// The message digests of the digest, LDAP and salted-import families.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Alg {
    /// MD5 (RFC 1321), 16 bytes.
    Md5,
    /// SHA-1 (FIPS 180-4), 20 bytes.
    Sha1,
    /// SHA-256 (FIPS 180-4), 32 bytes.
    Sha256,
    /// SHA-512 (FIPS 180-4), 64 bytes.
    Sha512,
}

impl Alg {
    /// Output length in bytes.
    pub(crate) const fn len(self) -> usize {
        match self {
            Self::Md5 => 16,
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha512 => 64,
        }
    }

    /// The digest of the concatenation of `parts`, in memory zeroed on drop.
    pub(crate) fn digest(self, parts: &[&[u8]]) -> Zeroizing<Vec<u8>> {
        match self {
            Self::Md5 => run::<md5::Md5>(parts),
            Self::Sha1 => run::<sha1::Sha1>(parts),
            Self::Sha256 => run::<sha2::Sha256>(parts),
            Self::Sha512 => run::<sha2::Sha512>(parts),
        }
    }
}

/// Hashes `parts` in order. The hasher state zeroizes itself on drop (the crates' `zeroize`
/// feature); the output array is copied out and wiped here.
fn run<D: Digest>(parts: &[&[u8]]) -> Zeroizing<Vec<u8>> {
    let mut hasher = D::new();
    for part in parts {
        hasher.update(part);
    }
    let mut out = hasher.finalize();
    let digest = Zeroizing::new(out.to_vec());
    out.as_mut_slice().zeroize();
    digest
}

/// Whether `text` is exactly `len` hex digits, in either case.
pub(crate) fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Refuses settings where a scheme has none (bare digests, MySQL, unsalted LDAP).
pub(crate) fn no_settings(settings: &str) -> Result<()> {
    if settings.is_empty() {
        Ok(())
    } else {
        Err(Error::MalformedHash)
    }
}

/// A bare hex digest `hex(H(password))`, as countless home-grown systems (and passlib's
/// `hex_md5`, `hex_sha1`, `hex_sha256`, `hex_sha512`) store it.
pub(crate) struct HexDigest {
    name: &'static str,
    alg: Alg,
}

/// `md5-hex`: 32 hex digits of MD5(password).
pub(crate) static MD5_HEX: HexDigest = HexDigest {
    name: "md5-hex",
    alg: Alg::Md5,
};
/// `sha1-hex`: 40 hex digits of SHA-1(password).
pub(crate) static SHA1_HEX: HexDigest = HexDigest {
    name: "sha1-hex",
    alg: Alg::Sha1,
};
/// `sha256-hex`: 64 hex digits of SHA-256(password).
pub(crate) static SHA256_HEX: HexDigest = HexDigest {
    name: "sha256-hex",
    alg: Alg::Sha256,
};
/// `sha512-hex`: 128 hex digits of SHA-512(password).
pub(crate) static SHA512_HEX: HexDigest = HexDigest {
    name: "sha512-hex",
    alg: Alg::Sha512,
};

impl Legacy for HexDigest {
    fn name(&self) -> &'static str {
        self.name
    }

    fn matches(&self, _stored: &str) -> bool {
        false
    }

    fn split<'a>(&self, stored: &'a str, _limits: &Limits) -> Result<Split<'a>> {
        if !is_hex(stored, self.alg.len() * 2) {
            return Err(Error::MalformedHash);
        }
        Ok(Split {
            settings: Cow::Borrowed(""),
            checksum: Cow::Owned(stored.to_ascii_lowercase().into_bytes()),
        })
    }

    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        _limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>> {
        no_settings(settings)?;
        Ok(hex_lower(&self.alg.digest(&[password])))
    }
}

/// MySQL 4.1+ `PASSWORD()`: `*` followed by the upper-case hex of SHA1(SHA1(password)).
pub(crate) struct Mysql41;

/// The one `mysql41` scheme.
pub(crate) static MYSQL41: Mysql41 = Mysql41;

impl Legacy for Mysql41 {
    fn name(&self) -> &'static str {
        "mysql41"
    }

    /// The whole fixed layout (`*` and 40 hex digits), so that a plaintext password that
    /// merely starts with `*` is not taken for one.
    fn matches(&self, stored: &str) -> bool {
        stored
            .strip_prefix('*')
            .is_some_and(|hex| is_hex(hex, 2 * Alg::Sha1.len()))
    }

    fn split<'a>(&self, stored: &'a str, _limits: &Limits) -> Result<Split<'a>> {
        let hex = stored.strip_prefix('*').ok_or(Error::MalformedHash)?;
        if !is_hex(hex, 2 * Alg::Sha1.len()) {
            return Err(Error::MalformedHash);
        }
        Ok(Split {
            settings: Cow::Borrowed(""),
            checksum: Cow::Owned(hex.to_ascii_uppercase().into_bytes()),
        })
    }

    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        _limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>> {
        no_settings(settings)?;
        let inner = Alg::Sha1.digest(&[password]);
        let mut hex = hex_lower(&Alg::Sha1.digest(&[&inner]));
        hex.make_ascii_uppercase();
        Ok(hex)
    }
}

/// Longest Django salt accepted, in characters (Django itself writes at most 22).
pub(crate) const MAX_DJANGO_SALT_LEN: usize = 128;

/// Django's salted digest hashers: `<algorithm>$<salt>$<hex(H(salt ‖ password))>`.
pub(crate) struct DjangoSalted {
    name: &'static str,
    /// `sha1$` or `md5$`.
    prefix: &'static str,
    alg: Alg,
}

/// `django-sha1`: Django's `SHA1PasswordHasher` (and `UnsaltedSHA1PasswordHasher`'s
/// `sha1$$<hex>`).
pub(crate) static DJANGO_SHA1: DjangoSalted = DjangoSalted {
    name: "django-sha1",
    prefix: "sha1$",
    alg: Alg::Sha1,
};
/// `django-md5`: Django's `MD5PasswordHasher` (and the `md5$$<hex>` form that
/// `UnsaltedMD5PasswordHasher` accepts).
pub(crate) static DJANGO_MD5: DjangoSalted = DjangoSalted {
    name: "django-md5",
    prefix: "md5$",
    alg: Alg::Md5,
};

/// Checks a Django salt: at most [`MAX_DJANGO_SALT_LEN`] visible ASCII characters, no `$`.
fn django_salt(salt: &str) -> Result<()> {
    let ok = salt.len() <= MAX_DJANGO_SALT_LEN
        && salt.bytes().all(|b| b.is_ascii_graphic() && b != b'$');
    if ok {
        Ok(())
    } else {
        Err(Error::MalformedHash)
    }
}

impl Legacy for DjangoSalted {
    fn name(&self) -> &'static str {
        self.name
    }

    fn matches(&self, stored: &str) -> bool {
        stored.starts_with(self.prefix)
    }

    fn split<'a>(&self, stored: &'a str, _limits: &Limits) -> Result<Split<'a>> {
        let rest = stored
            .strip_prefix(self.prefix)
            .ok_or(Error::MalformedHash)?;
        let (salt, hex) = rest.split_once('$').ok_or(Error::MalformedHash)?;
        django_salt(salt)?;
        let lower = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
        if hex.len() != 2 * self.alg.len() || !hex.bytes().all(lower) {
            return Err(Error::MalformedHash);
        }
        Ok(Split::borrowed(salt, hex))
    }

    fn checksum(
        &self,
        settings: &str,
        password: &[u8],
        _limits: &Limits,
    ) -> Result<Zeroizing<Vec<u8>>> {
        django_salt(settings)?;
        Ok(hex_lower(
            &self.alg.digest(&[settings.as_bytes(), password]),
        ))
    }
}

/// Standard padded base64 of `bytes`, in memory zeroed on drop (for checksums that are
/// base64 text).
pub(crate) fn base64_zeroizing(bytes: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    use base64ct::{Base64, Encoding};
    let mut out = Zeroizing::new(vec![0u8; Base64::encoded_len(bytes)]);
    let len = Base64::encode(bytes, &mut out)
        .map_err(|_| Error::Internal)?
        .len();
    out.truncate(len);
    Ok(out)
}

/// Helpers shared by the unit tests of the digest, LDAP and salted families.
#[cfg(test)]
pub(crate) mod testing {
    use super::super::{DEFAULT_HEX, Kind, Legacy, Rules, by_name, checksum_eq, identify};
    use crate::policy::Limits;

    /// Decodes test-file hex.
    pub(crate) fn unhex(text: &str) -> Vec<u8> {
        assert!(text.len().is_multiple_of(2), "odd hex {text:?}");
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
            .collect()
    }

    /// The data lines of a vector file, as tab-separated fields.
    pub(crate) fn lines(text: &str) -> Vec<Vec<&str>> {
        text.lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| l.split('\t').collect())
            .collect()
    }

    /// The identification rules of a default policy (plaintext refused).
    pub(crate) fn rules() -> Rules {
        Rules {
            hex: DEFAULT_HEX
                .iter()
                .filter_map(|(len, name)| Some((*len, by_name(name)?)))
                .collect(),
            plaintext: None,
        }
    }

    /// Identifies `stored` with the default rules; panics unless it is a legacy scheme.
    pub(crate) fn scheme_of(stored: &str) -> &'static dyn Legacy {
        match identify(stored, &rules()) {
            Ok(Kind::Legacy(scheme)) => scheme,
            _ => panic!("{stored:?} is not identified as a legacy scheme"),
        }
    }

    /// Whether `password` verifies against `stored` under `scheme`, as the policy checks it.
    pub(crate) fn verifies(scheme: &dyn Legacy, stored: &str, password: &[u8]) -> bool {
        let limits = Limits::default();
        let split = scheme.split(stored, &limits).expect("split");
        let checksum = scheme
            .checksum(&split.settings, password, &limits)
            .expect("checksum");
        checksum_eq(&checksum, &split.checksum)
    }

    /// Checks every line of a `<password hex>\t<stored>` vector file: identified as `name`,
    /// exactly one scheme's shape (or none, for bare digests), the password verifies, a
    /// wrong one does not, and the settings carry nothing of the checksum. Returns the number
    /// of lines.
    pub(crate) fn check_file(name: &str, text: &str) -> usize {
        let lines = lines(text);
        assert!(!lines.is_empty(), "{name}: no vectors");
        for fields in &lines {
            let [pw_hex, stored] = fields.as_slice() else {
                panic!("{name}: bad line {fields:?}");
            };
            let password = unhex(pw_hex);
            let scheme = scheme_of(stored);
            assert_eq!(scheme.name(), name, "{stored}");
            let shapes = super::super::LEGACY
                .iter()
                .filter(|s| s.matches(stored))
                .count();
            assert!(shapes <= 1, "{stored}: {shapes} schemes match");
            let split = scheme.split(stored, &Limits::default()).expect("split");
            let sum = split.checksum.as_ref();
            assert!(
                !split
                    .settings
                    .as_bytes()
                    .windows(sum.len())
                    .any(|w| w == sum),
                "{stored}: settings hold the checksum"
            );
            assert!(verifies(scheme, stored, &password), "{name}: {stored}");
            let mut wrong = password.clone();
            wrong.push(b'!');
            assert!(!verifies(scheme, stored, &wrong), "{name}: {stored}");
            assert!(
                !verifies(scheme, stored, &password[1..]),
                "{name}: {stored}"
            );
        }
        lines.len()
    }

    /// A policy with a cheap Argon2id target, for tests only.
    pub(crate) fn cheap_policy() -> crate::Policy {
        crate::Policy::builder()
            .argon2(1024, 1, 1)
            .allow_weak_target()
            .build()
            .expect("policy")
    }

    /// Through a [`Policy`](crate::Policy): `stored` is identified as `name`, verifies with
    /// `password` (asking for an upgrade) and not with another, and so does its wrapped form.
    pub(crate) fn round_trip(policy: &crate::Policy, name: &str, stored: &str, password: &[u8]) {
        use crate::Verdict;
        assert_eq!(policy.identify(stored).expect("identify"), name);
        assert!(matches!(
            policy.verify(password, stored),
            Ok(Verdict::ValidUpgrade(_))
        ));
        assert_eq!(
            policy.verify(b"wrong password", stored),
            Ok(Verdict::Invalid)
        );
        let wrapped = policy.wrap(stored).expect("wrap");
        assert_eq!(policy.wrapped_scheme(&wrapped), Ok(Some(name)));
        assert!(matches!(
            policy.verify(password, &wrapped),
            Ok(Verdict::ValidUpgrade(_))
        ));
        assert_eq!(
            policy.verify(b"wrong password", &wrapped),
            Ok(Verdict::Invalid)
        );
    }

    /// Asserts that splitting `stored` fails, or (for formats where a shorter string can
    /// still be well formed) that `password` no longer verifies.
    pub(crate) fn refused(scheme: &dyn Legacy, stored: &str, password: &[u8]) {
        let limits = Limits::default();
        if let Ok(split) = scheme.split(stored, &limits) {
            let checksum = scheme.checksum(&split.settings, password, &limits);
            assert!(
                !checksum.is_ok_and(|c| checksum_eq(&c, &split.checksum)),
                "{stored:?} still verifies"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{cheap_policy, check_file, round_trip, scheme_of, unhex, verifies};
    use super::*;

    fn limits() -> Limits {
        Limits::default()
    }

    #[test]
    fn md5_hex_vectors() {
        check_file("md5-hex", include_str!("../../tests/vectors/md5-hex.tsv"));
    }

    #[test]
    fn sha1_hex_vectors() {
        check_file("sha1-hex", include_str!("../../tests/vectors/sha1-hex.tsv"));
    }

    #[test]
    fn sha256_hex_vectors() {
        check_file(
            "sha256-hex",
            include_str!("../../tests/vectors/sha256-hex.tsv"),
        );
    }

    #[test]
    fn sha512_hex_vectors() {
        check_file(
            "sha512-hex",
            include_str!("../../tests/vectors/sha512-hex.tsv"),
        );
    }

    #[test]
    fn mysql41_vectors() {
        check_file("mysql41", include_str!("../../tests/vectors/mysql41.tsv"));
    }

    #[test]
    fn django_sha1_vectors() {
        check_file(
            "django-sha1",
            include_str!("../../tests/vectors/django-sha1.tsv"),
        );
    }

    #[test]
    fn django_md5_vectors() {
        check_file(
            "django-md5",
            include_str!("../../tests/vectors/django-md5.tsv"),
        );
    }

    // From tests/vectors/md5-hex.tsv, sha1-hex.tsv, mysql41.tsv, django-*.tsv (passlib and
    // Django output).
    const PASSWORD: &[u8] = b"password";
    const MD5_PASSWORD: &str = "5f4dcc3b5aa765d61d8327deb882cf99";
    const SHA512_PASSWORD: &str = "b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86";
    const MYSQL_PASSWORD: &str = "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19";
    const DJANGO_SHA1_PASSWORD: &str =
        "sha1$QVcvIuxgg0lGDAqB05EU8N$86e96b942c286ae43f2b7c8466c3b356cecc2917";
    const DJANGO_MD5_PASSWORD: &str = "md5$xjggNLCUrsuSBfzGeShG3h$85080b4bc750c0f7b1063b4bd79df01f";

    /// Every proper prefix of `stored`.
    fn truncations(stored: &str) -> impl Iterator<Item = &str> {
        (0..stored.len()).filter_map(|n| stored.get(..n))
    }

    #[test]
    fn hex_checksum_is_lower_case_and_settings_empty() {
        let upper = MD5_PASSWORD.to_ascii_uppercase();
        let split = MD5_HEX.split(&upper, &limits()).unwrap();
        assert_eq!(split.settings, "");
        assert_eq!(split.checksum.as_ref(), MD5_PASSWORD.as_bytes());
        // Mixed case too.
        let mixed = format!("{}{}", &upper[..16], &MD5_PASSWORD[16..]);
        assert!(verifies(&MD5_HEX, &mixed, PASSWORD));
    }

    #[test]
    fn hex_digests_refuse_hostile_strings() {
        for (scheme, stored) in [(&MD5_HEX, MD5_PASSWORD), (&SHA512_HEX, SHA512_PASSWORD)] {
            for t in truncations(stored) {
                assert_eq!(scheme.split(t, &limits()).err(), Some(Error::MalformedHash));
            }
            for bad in [
                format!("{stored}0"),
                format!("{stored}\n"),
                format!(" {}", &stored[1..]),
                format!("g{}", &stored[1..]),
                format!("${}", &stored[1..]),
                format!("é{}", &stored[2..]),
            ] {
                assert_eq!(
                    scheme.split(&bad, &limits()).err(),
                    Some(Error::MalformedHash),
                    "{bad:?}"
                );
            }
            assert!(!scheme.matches(stored));
            assert_eq!(
                scheme.checksum("x", PASSWORD, &limits()).err(),
                Some(Error::MalformedHash)
            );
        }
        // The length must be the digest's own, whatever the policy's length map says.
        assert!(SHA1_HEX.split(MD5_PASSWORD, &limits()).is_err());
        assert!(SHA256_HEX.split(&SHA512_PASSWORD[..40], &limits()).is_err());
        assert!(MD5_HEX.split(&SHA512_PASSWORD[..64], &limits()).is_err());
    }

    #[test]
    fn mysql41_case_and_checksum() {
        let split = MYSQL41.split(MYSQL_PASSWORD, &limits()).unwrap();
        assert_eq!(split.settings, "");
        assert_eq!(split.checksum.as_ref(), &MYSQL_PASSWORD.as_bytes()[1..]);
        let lower = MYSQL_PASSWORD.to_ascii_lowercase();
        assert_eq!(scheme_of(&lower).name(), "mysql41");
        assert!(verifies(&MYSQL41, &lower, PASSWORD));
        assert!(!verifies(&MYSQL41, &lower, b"Password"));
    }

    #[test]
    fn mysql41_refuses_hostile_strings() {
        for t in truncations(MYSQL_PASSWORD) {
            assert!(!MYSQL41.matches(t));
            assert_eq!(
                MYSQL41.split(t, &limits()).err(),
                Some(Error::MalformedHash)
            );
        }
        for bad in [
            format!("{MYSQL_PASSWORD}0"),
            format!("{MYSQL_PASSWORD}$"),
            format!("*G{}", &MYSQL_PASSWORD[2..]),
            format!("#{}", &MYSQL_PASSWORD[1..]),
            MYSQL_PASSWORD[1..].to_owned(),
            format!("**{}", &MYSQL_PASSWORD[2..]),
        ] {
            assert!(!MYSQL41.matches(&bad), "{bad:?}");
            assert_eq!(
                MYSQL41.split(&bad, &limits()).err(),
                Some(Error::MalformedHash)
            );
        }
        // A plaintext password that merely starts with '*' is not a MySQL hash.
        assert!(!MYSQL41.matches("*secret"));
        assert_eq!(
            MYSQL41.checksum("x", PASSWORD, &limits()).err(),
            Some(Error::MalformedHash)
        );
    }

    #[test]
    fn django_split() {
        let split = DJANGO_SHA1.split(DJANGO_SHA1_PASSWORD, &limits()).unwrap();
        assert_eq!(split.settings, "QVcvIuxgg0lGDAqB05EU8N");
        assert_eq!(
            split.checksum.as_ref(),
            b"86e96b942c286ae43f2b7c8466c3b356cecc2917"
        );
        // Django's unsalted forms: `sha1$$<hex>` (in the vector file) and `md5$$<hex>`,
        // which Django's UnsaltedMD5PasswordHasher accepts for the plain hex digest.
        let unsalted = format!("md5$${MD5_PASSWORD}");
        assert_eq!(scheme_of(&unsalted).name(), "django-md5");
        assert!(verifies(&DJANGO_MD5, &unsalted, PASSWORD));
    }

    #[test]
    fn django_refuses_hostile_strings() {
        for (scheme, stored) in [
            (&DJANGO_SHA1, DJANGO_SHA1_PASSWORD),
            (&DJANGO_MD5, DJANGO_MD5_PASSWORD),
        ] {
            for t in truncations(stored) {
                assert_eq!(scheme.split(t, &limits()).err(), Some(Error::MalformedHash));
            }
            let (head, hex) = stored.rsplit_once('$').unwrap();
            let (prefix, salt) = head.split_once('$').unwrap();
            for bad in [
                // Django compares the whole string: upper-case hex never verifies there.
                format!("{head}${}", hex.to_ascii_uppercase()),
                format!("{stored}$"),
                format!("{stored}$00"),
                format!("{stored}0"),
                format!("{head}$g{}", &hex[1..]),
                format!("{prefix}$sa lt${hex}"),
                format!("{prefix}$sält${hex}"),
                format!("{prefix}$salt\n${hex}"),
                format!("{prefix}${}${hex}", "s".repeat(MAX_DJANGO_SALT_LEN + 1)),
                format!("{prefix}${salt}"),
                format!("{}${salt}${hex}", prefix.to_ascii_uppercase()),
            ] {
                assert_eq!(
                    scheme.split(&bad, &limits()).err(),
                    Some(Error::MalformedHash),
                    "{bad:?}"
                );
            }
            let longest = format!("{prefix}${}${hex}", "s".repeat(MAX_DJANGO_SALT_LEN));
            assert!(scheme.split(&longest, &limits()).is_ok());
            for settings in ["a$b", "sält", " "] {
                assert_eq!(
                    scheme.checksum(settings, PASSWORD, &limits()).err(),
                    Some(Error::MalformedHash)
                );
            }
        }
        assert!(!DJANGO_SHA1.matches(DJANGO_MD5_PASSWORD));
        assert!(!DJANGO_MD5.matches(DJANGO_SHA1_PASSWORD));
        assert!(!DJANGO_SHA1.matches("pbkdf2_sha1$1000$salt$hash"));
    }

    #[test]
    fn digest_lengths_match_outputs() {
        for alg in [Alg::Md5, Alg::Sha1, Alg::Sha256, Alg::Sha512] {
            assert_eq!(alg.digest(&[b"a", b"b"]).len(), alg.len());
            // Parts are concatenated.
            assert_eq!(*alg.digest(&[b"a", b"b"]), *alg.digest(&[b"ab"]));
        }
    }

    #[test]
    fn through_the_policy() {
        let policy = cheap_policy();
        round_trip(&policy, "md5-hex", MD5_PASSWORD, PASSWORD);
        round_trip(
            &policy,
            "md5-hex",
            &MD5_PASSWORD.to_ascii_uppercase(),
            PASSWORD,
        );
        round_trip(&policy, "sha512-hex", SHA512_PASSWORD, PASSWORD);
        round_trip(&policy, "mysql41", MYSQL_PASSWORD, PASSWORD);
        round_trip(&policy, "django-sha1", DJANGO_SHA1_PASSWORD, PASSWORD);
        round_trip(&policy, "django-md5", DJANGO_MD5_PASSWORD, PASSWORD);
    }

    #[test]
    fn test_helpers_decode_hex() {
        assert_eq!(unhex("00ff7f"), [0, 255, 127]);
    }
}
