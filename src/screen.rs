//! Screening a new password the way NIST SP 800-63B asks: length in characters, no
//! composition rules, and a refusal, with reasons a sign-up page can show, for passwords that
//! are common, breached, built from the customer's own details or the site's words, or
//! nothing but repeated or sequential characters.
//!
//! [`Policy::screen`](crate::Policy::screen) runs every check and reports every reason that
//! applies, in the order of [`Reason`]'s variants.
//!
//! # How each check decides
//!
//! Comparisons (all but length) look at the *folded* password: its NFKC form, lower-cased,
//! so that `ＰＡＳＳＷＯＲＤ`, `Password` and `password` are one word.
//!
//! * **Length** is counted in Unicode code points (SP 800-63B §3.1.1.2), of the form that is
//!   hashed: the NFKC form when the policy normalises, the password as given otherwise. Bytes
//!   that are not UTF-8 count one character per invalid sequence.
//! * **Common**: the folded password is looked up in the shipped list (below), as is, without
//!   a short run (1 to 5 characters) of trailing digits and symbols (`monkey2024!`), and with
//!   common substitutions undone (`p@ssw0rd`: `@`→a `$`→s `0`→o `1`→i or l `3`→e `4`→a
//!   `5`→s `7`→t `!`→i).
//! * **Breached**: the SHA-1 of the password exactly as given (and of its NFKC form, when
//!   different) is looked up in the policy's [`BreachIndex`](crate::BreachIndex), if any.
//! * **Context** and **site words**: each word is folded and split at anything that is not a
//!   letter or digit; words and pieces of at least 3 characters (4 for digits alone) are
//!   searched for in the folded password, with and without substitutions undone. The password
//!   is *built from* them when they cover at least half of its characters: `alice1985` and
//!   `Smith.Alice` are refused for Alice Smith, `bobsled-coffee-umbrella` is not refused for
//!   Bob. From the e-mail address: the whole address, its local part and the local part's
//!   pieces; from the phone number: its digits, and their last 4, 7 and 10.
//! * **Repetitive**: the folded password is one short unit repeated (`abcabcabc`,
//!   `passwordpassword`: any period up to half the length), or at most two runs in which each
//!   character repeats the previous one, follows it in the alphabet or on a keyboard row, or
//!   precedes it there (`aaaaaaaa`, `abcd1234`, `qwertyuiop`, `98765432`).
//!
//! # The shipped list of common passwords
//!
//! `data/common-passwords.txt` is Django's `common-passwords.txt.gz` (Django 5.2,
//! BSD-3-Clause, © Django Software Foundation and individual contributors): the 20,000 most
//! common passwords of Royce Williams's list (gist 226886fd01572964e1431ac8afc999ce),
//! lower-cased and deduplicated by Django (19,640 lines). The
//! crate embeds `data/common-passwords.bin`: the first 8 bytes of the SHA-1 of each folded
//! entry, sorted (157 KB); a test checks it against the text. A lookup is one binary search.

use std::fmt;

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::breach::{BreachIndex, sha1_digest};

/// Shortest minimum length a policy may set (SP 800-63B: passwords used with a second
/// factor).
pub const MIN_LENGTH: usize = 8;
/// Shortest minimum length when the password is the only factor (SP 800-63B).
pub const MIN_LENGTH_SINGLE_FACTOR: usize = 15;
/// The longest maximum a policy may not go below (SP 800-63B: accept at least 64).
pub const MAX_LENGTH_FLOOR: usize = 64;
/// Default maximum length in characters: 256 (at most 1024 bytes of UTF-8, the default
/// `max_password_bytes`).
pub const DEFAULT_MAX_LENGTH: usize = 256;

/// The shipped common-password list: sorted 8-byte SHA-1 prefixes of folded entries.
static COMMON: &[u8] = include_bytes!("../data/common-passwords.bin");

/// Why a password was refused. Each reason has a stable machine [`code`](Reason::code) and
/// a message, its `Display`, that a sign-up page can show as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// `too_short`: fewer characters than the policy's minimum.
    TooShort {
        /// The minimum, in characters.
        min: usize,
    },
    /// `too_long`: more characters than the policy's maximum (or more bytes than the
    /// hashing limit `max_password_bytes`).
    TooLong {
        /// The maximum, in characters.
        max: usize,
    },
    /// `common`: in the shipped list of common passwords, possibly with a short suffix of
    /// digits and symbols or common substitutions.
    Common,
    /// `breached`: in the policy's breach index (it has appeared in a data breach).
    Breached,
    /// `user_context`: built mostly from the customer's own details (e-mail address, name,
    /// phone number, or the other words given in the [`Context`]).
    UserContext,
    /// `site_word`: built mostly from the site's own words (brand and product names in the
    /// policy).
    SiteWord,
    /// `repetitive`: nothing but repeated or sequential characters.
    Repetitive,
}

impl Reason {
    /// The stable machine code: `too_short`, `too_long`, `common`, `breached`,
    /// `user_context`, `site_word` or `repetitive`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooShort { .. } => "too_short",
            Self::TooLong { .. } => "too_long",
            Self::Common => "common",
            Self::Breached => "breached",
            Self::UserContext => "user_context",
            Self::SiteWord => "site_word",
            Self::Repetitive => "repetitive",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooShort { min } => write!(f, "Use at least {min} characters."),
            Self::TooLong { max } => write!(f, "Use at most {max} characters."),
            Self::Common => f.write_str("This is one of the most commonly used passwords."),
            Self::Breached => f.write_str(
                "This password has appeared in a data breach, so attackers already try it.",
            ),
            Self::UserContext => f.write_str(
                "Don't build your password from your name, e-mail address or phone number.",
            ),
            Self::SiteWord => {
                f.write_str("Don't build your password from the name of this site or service.")
            }
            Self::Repetitive => f.write_str(
                "Avoid passwords made only of repeated or sequential characters, like aaaa or 1234.",
            ),
        }
    }
}

/// The reasons a password was refused: never empty, in the order of [`Reason`]'s variants.
///
/// `Display` gives the messages, separated by spaces; [`Rejections::reasons`] gives each.
/// Neither contains the password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejections {
    reasons: Vec<Reason>,
}

impl Rejections {
    /// Every reason, at least one.
    pub fn reasons(&self) -> &[Reason] {
        &self.reasons
    }

    /// Whether a reason with this machine code is among them.
    pub fn has(&self, code: &str) -> bool {
        self.reasons.iter().any(|r| r.code() == code)
    }
}

impl fmt::Display for Rejections {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, reason) in self.reasons.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{reason}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Rejections {}

impl<'r> IntoIterator for &'r Rejections {
    type Item = &'r Reason;
    type IntoIter = std::slice::Iter<'r, Reason>;

    fn into_iter(self) -> Self::IntoIter {
        self.reasons.iter()
    }
}

/// What the site knows about the customer choosing the password, borrowed for one call.
///
/// Every field is optional; a sign-up form usually has the e-mail address and a name. Each
/// string is read up to its first 256 characters, and at most 32 names and 32 words, so that
/// the cost of screening stays bounded whatever a sign-up form lets through.
///
/// ```
/// use pwharden::Context;
///
/// let names = ["Alice", "Smith"];
/// let words = ["alice_s", "1985-04-12"]; // user name, birth date, ...
/// let context = Context::new()
///     .email("alice.smith@example.com")
///     .names(&names)
///     .phone("+44 20 7946 0958")
///     .words(&words);
/// # let _ = context;
/// ```
#[derive(Clone, Copy, Default)]
pub struct Context<'a> {
    email: Option<&'a str>,
    names: &'a [&'a str],
    phone: Option<&'a str>,
    words: &'a [&'a str],
}

impl fmt::Debug for Context<'_> {
    /// Says which fields are set, not what they hold (they are personal data).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("email", &self.email.is_some())
            .field("names", &self.names.len())
            .field("phone", &self.phone.is_some())
            .field("words", &self.words.len())
            .finish()
    }
}

impl<'a> Context<'a> {
    /// No context: screening then checks length, the lists and repetition only.
    pub fn new() -> Self {
        Self::default()
    }

    /// The customer's e-mail address.
    pub fn email(mut self, email: &'a str) -> Self {
        self.email = Some(email);
        self
    }

    /// The customer's names (given name, family name, full name, user name, ...).
    pub fn names(mut self, names: &'a [&'a str]) -> Self {
        self.names = names;
        self
    }

    /// The customer's phone number, in any format: only its digits are used.
    pub fn phone(mut self, phone: &'a str) -> Self {
        self.phone = Some(phone);
        self
    }

    /// Any other words the password should not be built from (user name, birth date, pet's
    /// name, security answers).
    pub fn words(mut self, words: &'a [&'a str]) -> Self {
        self.words = words;
        self
    }

    fn tokens(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(email) = self.email {
            let email = fold_plain(bounded(email));
            let local = email.rsplit_once('@').map_or(email.as_str(), |(l, _)| l);
            push_word(local, &mut out);
            push_token(&email, &mut out);
        }
        let names = self.names.iter().take(CONTEXT_LIST_MAX);
        for word in names.chain(self.words.iter().take(CONTEXT_LIST_MAX)) {
            push_word(&fold_plain(bounded(word)), &mut out);
        }
        if let Some(phone) = self.phone {
            let digits: String = bounded(phone)
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            for keep in [digits.len(), 10, 7, 4] {
                if let Some(tail) = digits.get(digits.len().saturating_sub(keep)..) {
                    push_token(tail, &mut out);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Characters of one context string that screening reads.
const CONTEXT_STR_CHARS: usize = 256;
/// Names, and words, of a context that screening reads.
const CONTEXT_LIST_MAX: usize = 32;

/// The first [`CONTEXT_STR_CHARS`] characters of `text`.
fn bounded(text: &str) -> &str {
    text.char_indices()
        .nth(CONTEXT_STR_CHARS)
        .map_or(text, |(end, _)| &text[..end])
}

/// The screening settings of a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Rules {
    pub min: usize,
    pub max: usize,
    /// The site's words as configured.
    pub site_words: Vec<String>,
    /// Their folded tokens.
    pub site_tokens: Vec<String>,
}

impl Rules {
    pub(crate) fn new(min: usize, max: usize, site_words: Vec<String>) -> Self {
        let mut site_tokens = Vec::new();
        for word in &site_words {
            push_word(&fold_plain(word), &mut site_tokens);
        }
        site_tokens.sort_unstable();
        site_tokens.dedup();
        Self {
            min,
            max,
            site_words,
            site_tokens,
        }
    }
}

/// Everything [`Policy::screen`](crate::Policy::screen) needs from the policy.
pub(crate) struct Screen<'p> {
    pub rules: &'p Rules,
    pub max_bytes: usize,
    pub nfkc: bool,
    pub breach: Option<&'p BreachIndex>,
}

impl Screen<'_> {
    pub(crate) fn run(&self, password: &[u8], context: &Context<'_>) -> Result<(), Rejections> {
        let too_long = Reason::TooLong {
            max: self.rules.max,
        };
        if password.len() > self.max_bytes {
            // Nothing else is worth computing over an input this size.
            return Err(Rejections {
                reasons: vec![too_long],
            });
        }
        let utf8 = core::str::from_utf8(password).ok();
        let lossy;
        let text = match utf8 {
            Some(text) => text,
            None => {
                lossy = lossy_utf8(password);
                lossy.as_str()
            }
        };

        let mut reasons = Vec::new();
        let length = if self.nfkc && utf8.is_some() {
            text.nfkc().count()
        } else {
            text.chars().count()
        };
        if length < self.rules.min {
            reasons.push(Reason::TooShort {
                min: self.rules.min,
            });
        }
        if length > self.rules.max {
            reasons.push(too_long);
        }

        let folded = fold(text);
        let plain = deleet(&folded, 'i');
        let variants: [&str; 2] = [&folded, plain.as_deref().map_or("", String::as_str)];
        if is_common(&folded) {
            reasons.push(Reason::Common);
        }
        if self
            .breach
            .is_some_and(|index| is_breached(index, password, utf8))
        {
            reasons.push(Reason::Breached);
        }
        if built_from(&variants, &context.tokens()) {
            reasons.push(Reason::UserContext);
        }
        if built_from(&variants, &self.rules.site_tokens) {
            reasons.push(Reason::SiteWord);
        }
        if is_repetitive(&folded) {
            reasons.push(Reason::Repetitive);
        }
        if reasons.is_empty() {
            Ok(())
        } else {
            Err(Rejections { reasons })
        }
    }
}

/// Whether the password as given, or its NFKC form when it differs, is in the index.
pub(crate) fn is_breached(index: &BreachIndex, password: &[u8], utf8: Option<&str>) -> bool {
    if index.contains_password(password) {
        return true;
    }
    match utf8 {
        Some(text) => {
            let normal = nfkc(text);
            normal.as_bytes() != password && index.contains_password(normal.as_bytes())
        }
        None => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Secret strings: every copy of the password is built in a buffer that is wiped when it is
// dropped, and never left behind by a reallocation.

/// A string that grows by moving into a larger wiped buffer, so no unwiped copy is freed.
struct SecretString(Zeroizing<String>);

impl SecretString {
    fn with_capacity(capacity: usize) -> Self {
        Self(Zeroizing::new(String::with_capacity(capacity.max(16))))
    }

    fn push(&mut self, c: char) {
        if self.0.len() + c.len_utf8() > self.0.capacity() {
            let mut bigger = Zeroizing::new(String::with_capacity(2 * self.0.capacity() + 4));
            bigger.push_str(&self.0);
            self.0 = bigger; // the old buffer is wiped as it drops
        }
        self.0.push(c);
    }

    fn collect(chars: impl Iterator<Item = char>, capacity: usize) -> Zeroizing<String> {
        let mut out = Self::with_capacity(capacity);
        for c in chars {
            out.push(c);
        }
        out.0
    }
}

/// The NFKC form of a password, in a wiped buffer.
pub(crate) fn nfkc(text: &str) -> Zeroizing<String> {
    SecretString::collect(text.nfkc(), text.len())
}

/// NFKC, then lower case.
fn fold(text: &str) -> Zeroizing<String> {
    SecretString::collect(text.nfkc().flat_map(char::to_lowercase), text.len())
}

/// [`fold`] for words that are not secret.
fn fold_plain(text: &str) -> String {
    text.nfkc().flat_map(char::to_lowercase).collect()
}

/// Bytes that are not all UTF-8: each invalid sequence becomes U+FFFD.
fn lossy_utf8(bytes: &[u8]) -> Zeroizing<String> {
    let mut out = SecretString::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            out.push(c);
        }
        if !chunk.invalid().is_empty() {
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
    out.0
}

/// The common substitutions undone (`1` becomes `one`); `None` if there were none.
fn deleet(text: &str, one: char) -> Option<Zeroizing<String>> {
    let undo = |c: char| match c {
        '@' | '4' => 'a',
        '$' | '5' => 's',
        '0' => 'o',
        '1' => one,
        '3' => 'e',
        '7' => 't',
        '!' => 'i',
        other => other,
    };
    if !text.chars().any(|c| undo(c) != c) {
        return None;
    }
    Some(SecretString::collect(text.chars().map(undo), text.len()))
}

// ---------------------------------------------------------------------------------------------
// The checks.

fn in_common_list(word: &str) -> bool {
    let digest = sha1_digest(word.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let key = u64::from_be_bytes(first);
    let (mut lo, mut hi) = (0, COMMON.len() / 8);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let entry = COMMON
            .get(8 * mid..8 * mid + 8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map_or(u64::MAX, u64::from_be_bytes);
        match entry.cmp(&key) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// `folded` without a trailing run of 1 to 5 digits and symbols, if what is left has at least
/// 3 characters.
fn without_suffix(folded: &str) -> Option<&str> {
    let core = folded.trim_end_matches(|c: char| !c.is_alphabetic());
    let stripped = folded[core.len()..].chars().count();
    ((1..=5).contains(&stripped) && core.chars().count() >= 3).then_some(core)
}

fn is_common(folded: &str) -> bool {
    [Some(folded), without_suffix(folded)]
        .into_iter()
        .flatten()
        .any(|candidate| {
            in_common_list(candidate)
                || ['i', 'l']
                    .into_iter()
                    .any(|one| deleet(candidate, one).is_some_and(|plain| in_common_list(&plain)))
        })
}

/// Adds a folded word and its pieces.
fn push_word(word: &str, out: &mut Vec<String>) {
    push_token(word, out);
    let joined: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
    push_token(&joined, out);
    for piece in word.split(|c: char| !c.is_alphanumeric()) {
        push_token(piece, out);
    }
}

fn push_token(token: &str, out: &mut Vec<String>) {
    let length = token.chars().count();
    let digits = token.chars().all(|c| c.is_ascii_digit());
    if length >= if digits { 4 } else { 3 } {
        out.push(token.to_owned());
    }
}

/// Whether `tokens` cover at least half the characters of any of the variants (all of one
/// length in bytes, position for position).
fn built_from(variants: &[&str], tokens: &[String]) -> bool {
    if tokens.is_empty() {
        return false;
    }
    variants.iter().filter(|v| !v.is_empty()).any(|variant| {
        let mut covered = vec![false; variant.len()];
        for token in tokens.iter().filter(|t| t.len() <= variant.len()) {
            for (at, _) in variant.match_indices(token.as_str()) {
                if let Some(span) = covered.get_mut(at..at + token.len()) {
                    span.fill(true);
                }
            }
        }
        let total = variant.chars().count();
        let hit = variant
            .char_indices()
            .filter(|&(at, _)| covered.get(at).copied().unwrap_or(false))
            .count();
        hit > 0 && 2 * hit >= total
    })
}

const KEYBOARD_ROWS: [&str; 4] = [
    "`1234567890-=",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
];

/// Whether `next` repeats `c`, follows or precedes it in code points, or is its neighbour on
/// a keyboard row.
fn predictable(c: char, next: char) -> bool {
    let (a, b) = (u32::from(c), u32::from(next));
    if a.abs_diff(b) <= 1 {
        return true;
    }
    KEYBOARD_ROWS.iter().any(|row| {
        let position = |x: char| row.chars().position(|r| r == x);
        match (position(c), position(next)) {
            (Some(i), Some(j)) => i.abs_diff(j) == 1,
            _ => false,
        }
    })
}

fn is_repetitive(folded: &str) -> bool {
    let count = folded.chars().count();
    if count == 0 {
        return false;
    }
    let mut chars = Zeroizing::new(Vec::with_capacity(count));
    chars.extend(folded.chars());
    let periodic = (1..=count / 2).any(|period| {
        chars
            .iter()
            .zip(chars.iter().skip(period))
            .all(|(a, b)| a == b)
    });
    let runs = 1 + chars
        .windows(2)
        .filter(|pair| !predictable(pair[0], pair[1]))
        .count();
    periodic || runs <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_list_is_the_text_list_hashed() {
        let text = include_str!("../data/common-passwords.txt");
        let mut keys: Vec<[u8; 8]> = text
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| {
                let digest = sha1_digest(fold(l).as_bytes());
                let mut key = [0u8; 8];
                key.copy_from_slice(&digest[..8]);
                key
            })
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let expected: Vec<u8> = keys.concat();
        if std::env::var_os("PWHARDEN_WRITE_COMMON").is_some() {
            std::fs::write(
                concat!(env!("CARGO_MANIFEST_DIR"), "/data/common-passwords.bin"),
                &expected,
            )
            .unwrap();
        }
        assert!(
            COMMON == expected.as_slice(),
            "data/common-passwords.bin is stale: rerun this test with PWHARDEN_WRITE_COMMON=1"
        );
        assert!(text.lines().all(in_common_list));
    }

    #[test]
    fn variants() {
        assert!(is_common("password"));
        assert!(is_common("p@ssw0rd"));
        assert!(is_common("monkey2024!"));
        assert!(is_common("monkey20245"));
        assert!(!is_common("monkey202456"));
        assert_eq!(without_suffix("ab12"), None);
        assert_eq!(without_suffix("abc12"), Some("abc"));
        assert_eq!(
            deleet("h3ll0", 'i').as_deref().map(String::as_str),
            Some("hello")
        );
        assert_eq!(deleet("hello", 'i'), None);
    }

    #[test]
    fn repetition() {
        for weak in [
            "aaaaaaaa",
            "abcdefgh",
            "hgfedcba",
            "12345678",
            "98765432",
            "abcd1234",
            "aaaa1111",
            "qwertyuiop",
            "asdfghjkl",
            "abcabcabc",
            "passwordpassword",
            "a1a1a1a1",
            "zyxw",
        ] {
            assert!(is_repetitive(weak), "{weak}");
        }
        for fine in [
            "correct horse",
            "tr0ub4dor&3",
            "abc123xyz",
            "pizza123",
            "a1b2c3d4",
        ] {
            assert!(!is_repetitive(fine), "{fine}");
        }
    }

    #[test]
    fn coverage() {
        let tokens = vec!["alice".to_owned(), "smith".to_owned()];
        assert!(built_from(&["alice1985"], &tokens));
        assert!(built_from(&["smith.alice"], &tokens));
        assert!(!built_from(&["alice in wonderland"], &tokens));
        assert!(!built_from(
            &["bobsled-coffee-umbrella"],
            &["bob".to_owned()]
        ));
        assert!(!built_from(&["anything"], &[]));
    }

    #[test]
    fn secret_string_grows_without_losing_text() {
        let long = "é".repeat(100);
        assert_eq!(SecretString::collect(long.chars(), 1).as_str(), long);
        assert_eq!(lossy_utf8(b"a\xffb").as_str(), "a\u{fffd}b");
    }
}
