//! DEMO-ONLY fixture generation: legacy hashes as an old order site made them (unsalted MD5,
//! salted SHA-1, phpass, bcrypt, md5-crypt), to fill the demo's customer table.
//!
//! The pwharden library never creates legacy hashes, and nothing here is used outside
//! `pwharden demo`. The generators are checked against third-party vectors (passlib,
//! libxcrypt) in the tests at the end of this file.

use md5::{Digest, Md5};
use sha1::Sha1;

/// The crypt alphabet (phpass, md5-crypt).
const ITOA64: &[u8; 64] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// bcrypt's base64 alphabet.
const BCRYPT64: &[u8; 64] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `md5(password)` in lower-case hex.
pub fn md5_hex(password: &[u8]) -> String {
    hex(&Md5::digest(password))
}

/// `sha1(salt . password)` in lower-case hex.
pub fn sha1_salt_password(salt: &[u8], password: &[u8]) -> String {
    let mut h = Sha1::new();
    h.update(salt);
    h.update(password);
    hex(&h.finalize())
}

/// phpass's little-endian 6-bit encoding of `input`.
fn encode64(input: &[u8], out: &mut String) {
    let mut i = 0;
    while i < input.len() {
        let mut value = u32::from(input[i]);
        i += 1;
        out.push(char::from(ITOA64[(value & 0x3f) as usize]));
        if i < input.len() {
            value |= u32::from(input[i]) << 8;
        }
        out.push(char::from(ITOA64[((value >> 6) & 0x3f) as usize]));
        if i >= input.len() {
            break;
        }
        i += 1;
        if i < input.len() {
            value |= u32::from(input[i]) << 16;
        }
        out.push(char::from(ITOA64[((value >> 12) & 0x3f) as usize]));
        if i >= input.len() {
            break;
        }
        i += 1;
        out.push(char::from(ITOA64[((value >> 18) & 0x3f) as usize]));
    }
}

/// phpass portable hash (`$P$`, as WordPress writes it): `log2_rounds` in 7..=30, an
/// 8-character salt from the crypt alphabet.
pub fn phpass(password: &[u8], log2_rounds: u8, salt: &[u8; 8]) -> String {
    let mut hash = Md5::new()
        .chain_update(salt)
        .chain_update(password)
        .finalize();
    for _ in 0..(1u64 << log2_rounds) {
        hash = Md5::new()
            .chain_update(hash)
            .chain_update(password)
            .finalize();
    }
    let mut out = String::from("$P$");
    out.push(char::from(ITOA64[usize::from(log2_rounds)]));
    out.push_str(&String::from_utf8_lossy(salt));
    encode64(&hash, &mut out);
    out
}

/// md5-crypt (`$1$`, FreeBSD's MD5 crypt, 1000 rounds) with a salt of up to 8 characters
/// from the crypt alphabet.
pub fn md5_crypt(password: &[u8], salt: &[u8]) -> String {
    let salt = &salt[..salt.len().min(8)];
    let alt = Md5::new()
        .chain_update(password)
        .chain_update(salt)
        .chain_update(password)
        .finalize();
    let mut ctx = Md5::new()
        .chain_update(password)
        .chain_update(b"$1$")
        .chain_update(salt);
    let mut left = password.len();
    while left > 0 {
        let n = left.min(16);
        ctx.update(&alt[..n]);
        left -= n;
    }
    let mut bits = password.len();
    while bits > 0 {
        if bits & 1 == 1 {
            ctx.update([0u8]);
        } else {
            ctx.update(&password[..1]);
        }
        bits >>= 1;
    }
    let mut digest = ctx.finalize();
    for i in 0..1000 {
        let mut c = Md5::new();
        if i % 2 == 1 {
            c.update(password);
        } else {
            c.update(digest);
        }
        if i % 3 != 0 {
            c.update(salt);
        }
        if i % 7 != 0 {
            c.update(password);
        }
        if i % 2 == 1 {
            c.update(digest);
        } else {
            c.update(password);
        }
        digest = c.finalize();
    }
    let mut out = String::from("$1$");
    out.push_str(&String::from_utf8_lossy(salt));
    out.push('$');
    let groups: [(usize, usize, usize); 5] =
        [(0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5)];
    for (a, b, c) in groups {
        let v = (u32::from(digest[a]) << 16) | (u32::from(digest[b]) << 8) | u32::from(digest[c]);
        for k in 0..4 {
            out.push(char::from(ITOA64[((v >> (6 * k)) & 0x3f) as usize]));
        }
    }
    let v = u32::from(digest[11]);
    for k in 0..2 {
        out.push(char::from(ITOA64[((v >> (6 * k)) & 0x3f) as usize]));
    }
    out
}

/// bcrypt's base64 (big-endian bit order, no padding).
fn bcrypt64(input: &[u8], out: &mut String) {
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for k in 0..chars {
            out.push(char::from(BCRYPT64[((v >> (18 - 6 * k)) & 0x3f) as usize]));
        }
    }
}

/// bcrypt (`$2y$`, as PHP's `password_hash` writes it) at `cost` with a 16-byte salt; like
/// every bcrypt, it reads only the first 72 bytes of the password.
pub fn bcrypt(password: &[u8], cost: u32, salt: [u8; 16]) -> String {
    let mut key = password[..password.len().min(72)].to_vec();
    if key.len() < 72 {
        key.push(0);
    }
    let raw = bcrypt::bcrypt(cost, salt, &key);
    let mut out = format!("$2y${cost:02}$");
    bcrypt64(&salt, &mut out);
    bcrypt64(&raw[..23], &mut out);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

    use super::*;

    /// `<password hex>\t<stored>` lines of a vector file.
    fn vectors(file: &str) -> Vec<(Vec<u8>, String)> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/vectors")
            .join(file);
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                let (pw, stored) = l.split_once('\t').unwrap();
                let pw = (0..pw.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&pw[i..i + 2], 16).unwrap())
                    .collect();
                (pw, stored.to_owned())
            })
            .collect()
    }

    #[test]
    fn md5_hex_matches_passlib() {
        for (pw, stored) in vectors("md5-hex.tsv") {
            assert_eq!(md5_hex(&pw), stored.to_ascii_lowercase());
        }
    }

    #[test]
    fn phpass_matches_passlib() {
        let mut checked = 0;
        for (pw, stored) in vectors("phpass.tsv") {
            let Some(rest) = stored.strip_prefix("$P$") else {
                continue;
            };
            let log2 = ITOA64
                .iter()
                .position(|c| *c == rest.as_bytes()[0])
                .unwrap();
            let salt: [u8; 8] = rest.as_bytes()[1..9].try_into().unwrap();
            assert_eq!(phpass(&pw, log2 as u8, &salt), stored);
            checked += 1;
        }
        assert!(checked > 5);
    }

    #[test]
    fn md5_crypt_matches_libxcrypt() {
        for (pw, stored) in vectors("md5-crypt.tsv") {
            let salt = stored[3..].split('$').next().unwrap();
            assert_eq!(md5_crypt(&pw, salt.as_bytes()), stored);
        }
    }

    #[test]
    fn bcrypt_matches_passlib_and_php() {
        let mut checked = 0;
        for (pw, stored) in vectors("bcrypt.tsv") {
            if !stored.starts_with("$2y$") && !stored.starts_with("$2b$") {
                continue;
            }
            let cost: u32 = stored[4..6].parse().unwrap();
            let salt_text = &stored[7..29];
            // Decode the salt back through the encoder: find the 16 bytes whose encoding is
            // the stored salt, by decoding bcrypt base64.
            let mut bits = Vec::new();
            for c in salt_text.bytes() {
                let v = BCRYPT64.iter().position(|x| *x == c).unwrap() as u32;
                bits.push(v);
            }
            let mut salt = [0u8; 16];
            let mut acc: u64 = 0;
            let mut nbits = 0;
            let mut i = 0;
            for v in bits {
                acc = (acc << 6) | u64::from(v);
                nbits += 6;
                if nbits >= 8 && i < 16 {
                    nbits -= 8;
                    salt[i] = (acc >> nbits) as u8;
                    i += 1;
                }
            }
            let ours = bcrypt(&pw, cost, salt);
            assert_eq!(ours[3..], stored[3..], "{stored}");
            checked += 1;
        }
        assert!(checked > 5);
    }

    #[test]
    fn salted_sha1_matches_hashlib() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/salted.tsv");
        let text = std::fs::read_to_string(path).unwrap();
        let mut checked = 0;
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols[1] == "sha1" && cols[2] == "sp" && cols[4] == "hex" {
                let dec = |s: &str| -> Vec<u8> {
                    (0..s.len())
                        .step_by(2)
                        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                        .collect()
                };
                assert_eq!(sha1_salt_password(&dec(cols[3]), &dec(cols[0])), cols[5]);
                checked += 1;
            }
        }
        assert!(checked > 0);
    }
}
