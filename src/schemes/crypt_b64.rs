//! The `crypt(3)` base64 shared by md5-crypt, SHA-crypt, phpass and Drupal 7.
//!
//! All four write digests with the alphabet `./0-9A-Za-z` and the same bit order: each group
//! of three bytes is read as a little-endian 24-bit number and written six bits at a time,
//! least significant first (a short final group writes only as many characters as its bits
//! need). That is exactly base64ct's [`Base64ShaCrypt`], so no encoder is written here; the
//! schemes differ only in how they permute the digest's bytes first (md5-crypt, SHA-crypt) or
//! where they cut the text (Drupal 7). phpass calls the same alphabet `itoa64` and also uses
//! it to write its iteration count as a single character.

use base64ct::{Base64ShaCrypt, Encoding};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The alphabet, in value order (phpass's `itoa64`).
const ALPHABET: &[u8; 64] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Longest digest any scheme here encodes (SHA-512).
const MAX_BYTES: usize = 64;

/// Whether `byte` is a character of the alphabet.
pub(crate) fn is_crypt_char(byte: u8) -> bool {
    byte == b'.' || byte == b'/' || byte.is_ascii_alphanumeric()
}

/// Whether every byte of `text` is a character of the alphabet.
pub(crate) fn all_crypt_chars(text: &str) -> bool {
    text.bytes().all(is_crypt_char)
}

/// The value (0..=63) of an alphabet character, as phpass's `strpos($itoa64, $c)`.
pub(crate) fn value_of(byte: u8) -> Option<u8> {
    let index = ALPHABET.iter().position(|c| *c == byte)?;
    u8::try_from(index).ok()
}

/// Checks that `text` is the encoding of exactly `len` bytes as the old systems write it:
/// right length, alphabet only, and the unused high bits of the last character zero (a
/// string with stray bits there is the output of no implementation and matches no
/// password).
pub(crate) fn check_canonical(text: &str, len: usize) -> Result<()> {
    let mut buf = Zeroizing::new([0u8; MAX_BYTES]);
    let dst = buf.get_mut(..len).ok_or(Error::Internal)?;
    if text.len() != Base64ShaCrypt::encoded_len(dst) {
        return Err(Error::MalformedHash);
    }
    // base64ct rejects characters outside the alphabet and a last block that does not
    // round-trip (stray bits).
    let decoded = Base64ShaCrypt::decode(text, dst).map_err(|_| Error::MalformedHash)?;
    if decoded.len() == len {
        Ok(())
    } else {
        Err(Error::MalformedHash)
    }
}

/// Encodes `bytes` (at most 64) into memory that is zeroed on drop.
pub(crate) fn encode(bytes: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(vec![0u8; Base64ShaCrypt::encoded_len(bytes)]);
    let written = Base64ShaCrypt::encode(bytes, out.as_mut_slice())
        .map_err(|_| Error::Internal)?
        .len();
    out.truncate(written);
    Ok(out)
}

/// Encodes `digest` after permuting it: byte `i` of the encoded input is
/// `digest[order[i]]`. This is how md5-crypt and SHA-crypt feed their `b64_from_24bit(B2,
/// B1, B0, n)` calls, each of which writes `B0`, `B1`, `B2` as one little-endian group.
pub(crate) fn encode_permuted(digest: &[u8], order: &[usize]) -> Result<Zeroizing<Vec<u8>>> {
    let mut permuted = Zeroizing::new([0u8; MAX_BYTES]);
    let slots = permuted.get_mut(..order.len()).ok_or(Error::Internal)?;
    for (slot, &from) in slots.iter_mut().zip(order) {
        *slot = *digest.get(from).ok_or(Error::Internal)?;
    }
    encode(slots)
}

/// Reading the peer-generated vector files, for the tests of the modules that use this
/// encoding (until the shared harness in `tests/schemes.rs` covers them).
#[cfg(test)]
pub(crate) mod test_vectors {
    /// One line of a `tests/vectors/<scheme>.tsv` file.
    pub(crate) struct Vector {
        /// The password's bytes.
        pub password: Vec<u8>,
        /// The stored string a third-party peer wrote for it.
        pub stored: String,
    }

    /// Parses a vector file: `#` comments, blank lines, `<password hex>\t<stored>` lines.
    pub(crate) fn vectors(text: &str) -> Vec<Vector> {
        text.lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                let (hex, stored) = l.split_once('\t').expect("tab-separated line");
                assert!(!stored.contains('\t'), "{l}");
                let password = (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
                    .collect();
                Vector {
                    password,
                    stored: stored.to_owned(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabet_order() {
        assert_eq!(value_of(b'.'), Some(0));
        assert_eq!(value_of(b'/'), Some(1));
        assert_eq!(value_of(b'9'), Some(11));
        assert_eq!(value_of(b'A'), Some(12));
        assert_eq!(value_of(b'z'), Some(63));
        assert_eq!(value_of(b'$'), None);
        assert!(ALPHABET.iter().all(|c| is_crypt_char(*c)));
        assert_eq!((0..=255u8).filter(|c| is_crypt_char(*c)).count(), 64);
    }

    /// Little-endian groups, low six bits first, worked out by hand: bytes 01 00 00 are the
    /// number 1, so "/..."; the single byte 0x40 = 0b01_000000 gives 0 ('.') then 1 ('/');
    /// bytes 00 00 80 are 0x800000, whose top six bits are 32 ('U').
    #[test]
    fn bit_order_by_hand() {
        assert_eq!(encode(&[1, 0, 0]).unwrap().as_slice(), b"/...");
        assert_eq!(encode(&[0x40]).unwrap().as_slice(), b"./");
        assert_eq!(encode(&[0, 0, 0x80]).unwrap().as_slice(), b"...U");
        assert_eq!(
            encode_permuted(&[1, 2], &[1, 0]).unwrap().as_slice(),
            encode(&[2, 1]).unwrap().as_slice()
        );
    }

    #[test]
    fn canonical_checks() {
        assert!(check_canonical("./", 1).is_ok());
        assert!(check_canonical("/.", 1).is_ok());
        // The second character of a one-byte tail carries two bits only.
        assert_eq!(check_canonical(".2", 1), Err(Error::MalformedHash));
        assert_eq!(check_canonical("..", 2), Err(Error::MalformedHash));
        assert_eq!(check_canonical("..$", 2), Err(Error::MalformedHash));
        assert_eq!(check_canonical("...", 2), Ok(()));
        assert_eq!(check_canonical("..=", 2), Err(Error::MalformedHash));
        assert_eq!(check_canonical("....", 3), Ok(()));
        assert_eq!(check_canonical("", 0), Ok(()));
        assert_eq!(check_canonical("x", 65), Err(Error::Internal));
    }
}
