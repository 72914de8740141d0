//! Server-side pepper: secret keys fed to Argon2 as its secret input, named by key id.
//!
//! A stored Argon2 string made under a pepper carries `keyid=` (the PHC parameter for it), so
//! the policy can pick the right key, and any Argon2 implementation that is handed the same
//! secret can verify the hash. The key bytes never appear in the stored string, in errors or
//! in `Debug` output, and they are zeroed when the key is dropped.

use core::fmt;

use zeroize::Zeroizing;

use crate::policy::ConfigError;

/// Shortest pepper secret accepted, in bytes.
pub const MIN_SECRET_LEN: usize = 32;
/// Longest pepper secret accepted, in bytes.
pub const MAX_SECRET_LEN: usize = 1024;
/// Longest key id, in bytes: the Argon2 PHC format caps `keyid` at 8 bytes.
pub const MAX_KEY_ID_LEN: usize = 8;

/// One pepper key: a short public id and a secret of at least [`MIN_SECRET_LEN`] bytes.
pub struct PepperKey {
    id: KeyId,
    secret: Zeroizing<Vec<u8>>,
}

impl PepperKey {
    /// Makes a key from its id (1 to 8 characters of `A-Z a-z 0-9 . _ -`) and its secret.
    ///
    /// The secret is copied into memory that is zeroed on drop; zero your own copy.
    ///
    /// # Errors
    /// [`ConfigError`] when the id is not of that form or the secret's length is outside
    /// [`MIN_SECRET_LEN`]..=[`MAX_SECRET_LEN`].
    pub fn new(id: &str, secret: &[u8]) -> Result<Self, ConfigError> {
        let id = KeyId::parse(id.as_bytes()).ok_or_else(|| {
            ConfigError::new(format!(
                "pepper key id {id:?} must be 1 to {MAX_KEY_ID_LEN} characters of A-Z a-z 0-9 . _ -"
            ))
        })?;
        if !(MIN_SECRET_LEN..=MAX_SECRET_LEN).contains(&secret.len()) {
            return Err(ConfigError::new(format!(
                "pepper key {:?}: the secret must be {MIN_SECRET_LEN} to {MAX_SECRET_LEN} bytes, not {}",
                id.as_str(),
                secret.len()
            )));
        }
        Ok(Self {
            id,
            secret: Zeroizing::new(secret.to_vec()),
        })
    }

    /// The key id, as written (base64-encoded) in stored strings.
    pub fn id(&self) -> &str {
        self.id.as_str()
    }

    pub(crate) fn key_id(&self) -> &KeyId {
        &self.id
    }

    pub(crate) fn secret(&self) -> &[u8] {
        &self.secret
    }
}

impl fmt::Debug for PepperKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PepperKey")
            .field("id", &self.id.as_str())
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// A key id: 1 to 8 bytes of `A-Z a-z 0-9 . _ -`, kept inline.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyId {
    len: u8,
    bytes: [u8; MAX_KEY_ID_LEN],
}

impl KeyId {
    /// Accepts the id's raw bytes (as decoded from a PHC `keyid`); `None` when they are not a
    /// valid id.
    pub(crate) fn parse(raw: &[u8]) -> Option<Self> {
        let ok = (1..=MAX_KEY_ID_LEN).contains(&raw.len())
            && raw
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !ok {
            return None;
        }
        let mut bytes = [0u8; MAX_KEY_ID_LEN];
        bytes.get_mut(..raw.len())?.copy_from_slice(raw);
        Some(Self {
            len: u8::try_from(raw.len()).ok()?,
            bytes,
        })
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII is ever stored, so this cannot fail.
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }
}

/// The policy's keys and which one new hashes use.
#[derive(Debug, Default)]
pub(crate) struct Pepper {
    keys: Vec<PepperKey>,
    current: Option<usize>,
}

impl Pepper {
    pub(crate) fn new(keys: Vec<PepperKey>, current: Option<&str>) -> Result<Self, ConfigError> {
        for (i, key) in keys.iter().enumerate() {
            if keys.iter().skip(i + 1).any(|other| other.id == key.id) {
                return Err(ConfigError::new(format!(
                    "pepper key id {:?} is given twice",
                    key.id()
                )));
            }
        }
        let current = match current {
            None if keys.is_empty() => None,
            None => {
                return Err(ConfigError::new(
                    "pepper keys are given but no current key id is named".to_owned(),
                ));
            }
            Some(id) => Some(keys.iter().position(|k| k.id() == id).ok_or_else(|| {
                ConfigError::new(format!(
                    "the current pepper key id {id:?} is not among the keys"
                ))
            })?),
        };
        Ok(Self { keys, current })
    }

    pub(crate) fn current(&self) -> Option<&PepperKey> {
        self.keys.get(self.current?)
    }

    pub(crate) fn find(&self, id: &KeyId) -> Option<&PepperKey> {
        self.keys.iter().find(|k| k.id == *id)
    }
}
