//! [`Policy`]: the one object that hashes, verifies and decides upgrades.

use std::fmt;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Version};
use serde::Deserialize;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::breach::BreachIndex;
use crate::error::{Error, Result};
use crate::gate::{Gate, GateConfig};
use crate::pepper::{Pepper, PepperKey};
use crate::schemes::argon2::{self as a2, Costs, Job};
use crate::schemes::{self, Kind, Legacy, Rules};
use crate::screen::{self, Context, Rejections};
use crate::wrap;

/// Longest stored string pwharden reads or writes, in bytes. Anything longer is
/// [`Error::MalformedHash`] before it is looked at.
pub const MAX_STORED_LEN: usize = 512;

/// OWASP's Argon2id recommendation, and pwharden's default target: 19 MiB, 2 passes, 1 lane.
pub const DEFAULT_M_COST: u32 = 19 * 1024;
/// Default Argon2id passes.
pub const DEFAULT_T_COST: u32 = 2;
/// Default Argon2id lanes.
pub const DEFAULT_P_COST: u32 = 1;

/// The weakest target OWASP's table allows (m = 7 MiB with t = 5; any row has m·t ≥ this).
const OWASP_MIN_M_COST: u32 = 7 * 1024;
const OWASP_MIN_M_T_PRODUCT: u64 = 7 * 1024 * 5;

/// The outcome of checking a password against a stored string.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
#[must_use]
pub enum Verdict {
    /// The password does not match.
    Invalid,
    /// The password matches and the stored string is up to date.
    Valid,
    /// The password matches; store this replacement (made under the current target and
    /// pepper) in place of the old string.
    ValidUpgrade(String),
    /// The password matches, but it is in the policy's breach index: attackers may already
    /// hold it. Log the customer in only to make them choose a new password (or refuse the
    /// login and start a reset). Carries the replacement stored string when one is due, as
    /// [`Verdict::ValidUpgrade`] would.
    ///
    /// Only answered when the policy has a breach index and `compromised_check` on.
    ValidCompromised(Option<String>),
}

impl Verdict {
    /// True when the password matches: [`Verdict::Valid`], [`Verdict::ValidUpgrade`] and
    /// [`Verdict::ValidCompromised`] (check [`Verdict::is_compromised`] too).
    pub fn is_valid(&self) -> bool {
        !matches!(self, Self::Invalid)
    }

    /// True for [`Verdict::ValidCompromised`]: the password is right but breached.
    pub fn is_compromised(&self) -> bool {
        matches!(self, Self::ValidCompromised(_))
    }

    /// The replacement stored string, when one is due.
    pub fn replacement(&self) -> Option<&str> {
        match self {
            Self::ValidUpgrade(s) | Self::ValidCompromised(Some(s)) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Debug for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid => f.write_str("Invalid"),
            Self::Valid => f.write_str("Valid"),
            // A replacement is a hash, not a secret, but it has no business in logs either.
            Self::ValidUpgrade(_) => f.write_str("ValidUpgrade(..)"),
            Self::ValidCompromised(None) => f.write_str("ValidCompromised(None)"),
            Self::ValidCompromised(Some(_)) => f.write_str("ValidCompromised(Some(..))"),
        }
    }
}

/// Hard limits on passwords and on what a stored string may ask for.
///
/// Every cost field of a stored string is checked against these before any work is done or
/// memory is allocated. The defaults accept what common peers write by default (argon2-cffi's
/// and libsodium's moderate presets, PHP's and Django's Argon2 defaults) and refuse anything
/// costlier.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Limits {
    /// Largest Argon2 memory cost `m` in KiB (default 262144, i.e. 256 MiB).
    pub argon2_max_m_cost: u32,
    /// Largest Argon2 pass count `t` (default 10).
    pub argon2_max_t_cost: u32,
    /// Largest Argon2 lane count `p` (default 16).
    pub argon2_max_p_cost: u32,
    /// Longest password accepted, in bytes (default 1024). Longer ones are refused, never
    /// truncated.
    pub max_password_bytes: usize,
    /// Shortest password accepted, in bytes (default 1).
    pub min_password_bytes: usize,
    /// Largest bcrypt cost (log2 of the rounds; default 16).
    pub bcrypt_max_cost: u32,
    /// Largest PBKDF2 iteration count, any PBKDF2 form (default 2,000,000).
    pub pbkdf2_max_iterations: u32,
    /// Largest SHA-crypt `rounds=` (default 1,000,000).
    pub sha_crypt_max_rounds: u32,
    /// Largest phpass/Drupal 7 log2 iteration count (default 20).
    pub phpass_max_log2_rounds: u32,
    /// Largest scrypt working memory, 128·r·N bytes, in KiB (default 262144, i.e. 256 MiB).
    pub scrypt_max_memory_kib: u32,
    /// Largest scrypt parallelism `p` (default 16).
    pub scrypt_max_p: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            argon2_max_m_cost: 256 * 1024,
            argon2_max_t_cost: 10,
            argon2_max_p_cost: 16,
            max_password_bytes: 1024,
            min_password_bytes: 1,
            bcrypt_max_cost: 16,
            pbkdf2_max_iterations: 2_000_000,
            sha_crypt_max_rounds: 1_000_000,
            phpass_max_log2_rounds: 20,
            scrypt_max_memory_kib: 256 * 1024,
            scrypt_max_p: 16,
        }
    }
}

/// A policy that could not be built: the message says which setting is wrong and why. It
/// never contains a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    pub(crate) fn new(message: String) -> Self {
        Self { message }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConfigError({:?})", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Builds a [`Policy`]; every setting is checked by [`PolicyBuilder::build`].
#[derive(Debug)]
pub struct PolicyBuilder {
    target: Costs,
    limits: Limits,
    keys: Vec<PepperKey>,
    current: Option<String>,
    allow_weak_target: bool,
    allow: Option<Vec<String>>,
    hex: Option<Vec<(usize, String)>>,
    gate: GateConfig,
    memory_budget: Option<u64>,
    min_length: Option<usize>,
    single_factor: bool,
    max_length: usize,
    site_words: Vec<String>,
    breach: Option<BreachIndex>,
    compromised_check: bool,
    nfkc: bool,
}

impl PolicyBuilder {
    /// The shortest password [`Policy::screen`] accepts, in characters (Unicode code points).
    /// The default is 8, or 15 with [`PolicyBuilder::single_factor`], and a smaller value is
    /// refused: those are SP 800-63B's minimums.
    pub fn min_length(mut self, characters: usize) -> Self {
        self.min_length = Some(characters);
        self
    }

    /// Says whether the password is the only authentication factor. SP 800-63B then asks for
    /// at least 15 characters instead of 8.
    pub fn single_factor(mut self, single: bool) -> Self {
        self.single_factor = single;
        self
    }

    /// The longest password [`Policy::screen`] accepts, in characters (default 256; at least
    /// 64, as SP 800-63B asks). The byte limit `max_password_bytes` of [`Limits`] still applies
    /// to hashing.
    pub fn max_length(mut self, characters: usize) -> Self {
        self.max_length = characters;
        self
    }

    /// Adds the site's own words (brand, product and domain names): [`Policy::screen`] refuses
    /// passwords built mostly from them.
    pub fn site_words<S: AsRef<str>>(mut self, words: impl IntoIterator<Item = S>) -> Self {
        self.site_words
            .extend(words.into_iter().map(|w| w.as_ref().to_owned()));
        self
    }

    /// Uses a breach index: [`Policy::screen`] refuses the passwords it holds, and
    /// [`Policy::verify`] can report them (see [`PolicyBuilder::compromised_check`]).
    pub fn breach_index(mut self, index: BreachIndex) -> Self {
        self.breach = Some(index);
        self
    }

    /// Makes [`Policy::verify`] answer [`Verdict::ValidCompromised`] for a right password
    /// that is in the breach index (default off; needs [`PolicyBuilder::breach_index`]). The
    /// index is consulted only after the password matched.
    pub fn compromised_check(mut self, on: bool) -> Self {
        self.compromised_check = on;
        self
    }

    /// Hashes new passwords over their Unicode NFKC form, so that the same password typed as
    /// `é` (U+00E9) or `e` + U+0301, or with a compatibility character such as the `ﬁ`
    /// ligature, verifies (default off). The stored string records it (`data=cHdoLW5ma2M`,
    /// see the README); strings made without it keep verifying as they were made. Passwords
    /// that are not UTF-8 are hashed as bytes, without the mark.
    pub fn nfkc(mut self, on: bool) -> Self {
        self.nfkc = on;
        self
    }

    /// Narrows (or widens) the schemes accepted besides Argon2id, by their identify names.
    /// The default is every legacy scheme except `plaintext`, which is accepted only when
    /// named here.
    pub fn allow_schemes<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.allow = Some(names.into_iter().map(|n| n.as_ref().to_owned()).collect());
        self
    }

    /// Says what a bare hex string of `len` digits is (for example `(40, "sha1-hex")`),
    /// replacing the default meanings (32 md5, 40 sha1, 64 sha256, 128 sha512 hex) as a
    /// whole. An empty list makes bare hex strings unsupported.
    pub fn hex_digests<S: AsRef<str>>(mut self, map: impl IntoIterator<Item = (usize, S)>) -> Self {
        self.hex = Some(
            map.into_iter()
                .map(|(l, n)| (l, n.as_ref().to_owned()))
                .collect(),
        );
        self
    }

    /// Sets the Argon2id target: memory in KiB, passes, lanes.
    pub fn argon2(mut self, m_cost: u32, t_cost: u32, p_cost: u32) -> Self {
        self.target = Costs {
            m: m_cost,
            t: t_cost,
            p: p_cost,
        };
        self
    }

    /// Replaces the limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Adds a pepper key.
    pub fn pepper_key(mut self, key: PepperKey) -> Self {
        self.keys.push(key);
        self
    }

    /// Names the pepper key that new hashes use; required once any key is added.
    pub fn current_pepper(mut self, id: &str) -> Self {
        self.current = Some(id.to_owned());
        self
    }

    /// Sets the admission gate: at most `workers` Argon2 computations at once (default: the
    /// number of CPUs), at most `queue` more waiting (default 32 per worker), each for at most
    /// `deadline` (default 2 s). Beyond that, calls fail fast with [`Error::Busy`].
    pub fn concurrency(
        mut self,
        workers: usize,
        queue: usize,
        deadline: std::time::Duration,
    ) -> Self {
        self.gate = GateConfig {
            workers,
            queue,
            deadline,
        };
        self
    }

    /// Caps the Argon2 working memory of the pool at `bytes`: the gate then runs at most
    /// `bytes / (target m × 1 KiB)` computations at once (and never more than its `workers`).
    pub fn memory_budget(mut self, bytes: u64) -> Self {
        self.memory_budget = Some(bytes);
        self
    }

    /// Accepts a target below OWASP's Argon2id minimum. Meant for tests and demos only.
    pub fn allow_weak_target(mut self) -> Self {
        self.allow_weak_target = true;
        self
    }

    /// Checks every setting and builds the policy.
    ///
    /// # Errors
    /// [`ConfigError`] naming the first setting that is out of range or inconsistent.
    pub fn build(self) -> std::result::Result<Policy, ConfigError> {
        let Costs { m, t, p } = self.target;
        let limits = self.limits;
        if p == 0 || t == 0 || u64::from(m) < 8 * u64::from(p) {
            return Err(ConfigError::new(format!(
                "argon2 target m={m}, t={t}, p={p} is not valid (t and p at least 1, m at least 8p)"
            )));
        }
        if a2::check_limits(self.target, &limits).is_err() {
            return Err(ConfigError::new(format!(
                "argon2 target m={m}, t={t}, p={p} is above the policy's own limits"
            )));
        }
        let strong = m >= OWASP_MIN_M_COST && u64::from(m) * u64::from(t) >= OWASP_MIN_M_T_PRODUCT;
        if !strong && !self.allow_weak_target {
            return Err(ConfigError::new(format!(
                "argon2 target m={m}, t={t} is below OWASP's minimum (m={DEFAULT_M_COST}, t={DEFAULT_T_COST} or an equivalent row)"
            )));
        }
        if limits.min_password_bytes == 0 || limits.min_password_bytes > limits.max_password_bytes {
            return Err(ConfigError::new(format!(
                "password length limits {}..={} are not valid",
                limits.min_password_bytes, limits.max_password_bytes
            )));
        }
        let pepper = Pepper::new(self.keys, self.current.as_deref())?;
        let known = |name: &str| -> std::result::Result<&'static str, ConfigError> {
            ["argon2i", "argon2d"]
                .into_iter()
                .find(|n| *n == name)
                .or_else(|| schemes::by_name(name).map(|s| s.name()))
                .ok_or_else(|| ConfigError::new(format!("unknown scheme {name:?}")))
        };
        let allowed = match &self.allow {
            Some(names) => names
                .iter()
                .map(|n| known(n))
                .collect::<std::result::Result<Vec<_>, _>>()?,
            None => ["argon2i", "argon2d"]
                .into_iter()
                .chain(schemes::LEGACY.iter().map(|s| s.name()))
                .filter(|n| *n != schemes::PLAINTEXT)
                .collect(),
        };
        let hex = match &self.hex {
            Some(map) => map
                .iter()
                .map(|(len, name)| {
                    let scheme: &'static dyn Legacy = schemes::by_name(name)
                        .filter(|s| s.name().ends_with("-hex"))
                        .ok_or_else(|| {
                            ConfigError::new(format!("{name:?} is not a bare hex digest scheme"))
                        })?;
                    Ok((*len, scheme))
                })
                .collect::<std::result::Result<Vec<_>, ConfigError>>()?,
            None => schemes::DEFAULT_HEX
                .iter()
                .filter_map(|(len, name)| Some((*len, schemes::by_name(name)?)))
                .collect(),
        };
        let mut gate = self.gate;
        if let Some(budget) = self.memory_budget {
            let per_worker = a2::block_count(self.target) as u64 * 1024;
            let fits = usize::try_from(budget / per_worker).unwrap_or(usize::MAX);
            if fits == 0 {
                return Err(ConfigError::new(format!(
                    "memory budget of {budget} bytes is less than one Argon2 computation at the target ({per_worker} bytes)"
                )));
            }
            gate.workers = gate.workers.min(fits);
        }
        if gate.workers == 0 || gate.deadline > std::time::Duration::from_secs(3600) {
            return Err(ConfigError::new(
                "concurrency: workers must be at least 1 and the deadline at most an hour"
                    .to_owned(),
            ));
        }
        let plaintext = allowed
            .contains(&schemes::PLAINTEXT)
            .then(|| schemes::by_name(schemes::PLAINTEXT))
            .flatten();
        let floor = if self.single_factor {
            screen::MIN_LENGTH_SINGLE_FACTOR
        } else {
            screen::MIN_LENGTH
        };
        let min_length = self.min_length.unwrap_or(floor);
        if min_length < floor {
            return Err(ConfigError::new(format!(
                "screen: min_length {min_length} is below SP 800-63B's minimum of {floor} characters{}",
                if self.single_factor {
                    " for a single factor"
                } else {
                    ""
                }
            )));
        }
        if self.max_length < screen::MAX_LENGTH_FLOOR || self.max_length < min_length {
            return Err(ConfigError::new(format!(
                "screen: max_length {} must be at least {} and at least min_length",
                self.max_length,
                screen::MAX_LENGTH_FLOOR
            )));
        }
        if self.compromised_check && self.breach.is_none() {
            return Err(ConfigError::new(
                "screen: compromised_check needs a breach index".to_owned(),
            ));
        }
        let unknown_user = unknown_user_string(self.target, &pepper)
            .map_err(|e| ConfigError::new(format!("internal error: {e}")))?;
        Ok(Policy {
            target: self.target,
            limits,
            pepper,
            allowed,
            rules: Rules { hex, plaintext },
            gate: Gate::new(gate, a2::block_count(self.target)),
            screen: screen::Rules::new(min_length, self.max_length, self.site_words),
            breach: self.breach,
            compromised_check: self.compromised_check,
            nfkc: self.nfkc,
            unknown_user,
        })
    }
}

/// One immutable set of rules: the Argon2id target, the limits and the pepper keys.
///
/// A `Policy` is `Send + Sync`; build it once at start-up and share it.
///
/// ```
/// use pwharden::{Policy, Verdict};
///
/// let policy = Policy::default();
/// let stored = policy.hash("correct horse")?;
/// assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
/// assert_eq!(policy.verify("correct horse", &stored)?, Verdict::Valid);
/// assert_eq!(policy.verify("wrong horse", &stored)?, Verdict::Invalid);
/// # Ok::<(), pwharden::Error>(())
/// ```
pub struct Policy {
    target: Costs,
    limits: Limits,
    pepper: Pepper,
    /// Names of the accepted schemes other than Argon2id (which is always accepted).
    allowed: Vec<&'static str>,
    rules: Rules,
    gate: Gate,
    screen: screen::Rules,
    breach: Option<BreachIndex>,
    compromised_check: bool,
    nfkc: bool,
    /// A stored string of the target's shape (current pepper, 16-byte salt, 32-byte output)
    /// that no password matches in practice: [`Policy::verify_unknown_user`] verifies
    /// against it, so that it runs the very code of a failed login.
    unknown_user: String,
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("target", &self.target)
            .field("limits", &self.limits)
            .field("pepper", &self.pepper)
            .field("allowed", &self.allowed)
            .field("concurrency", &self.gate.config())
            .field("screen", &self.screen)
            .field("breach", &self.breach)
            .field("compromised_check", &self.compromised_check)
            .field("nfkc", &self.nfkc)
            .finish_non_exhaustive()
    }
}

impl Default for Policy {
    /// OWASP's Argon2id parameters, default limits, no pepper, every legacy scheme but
    /// plaintext accepted.
    fn default() -> Self {
        match Self::builder().build() {
            Ok(policy) => policy,
            // The defaults are valid by construction; a test checks that `build` accepts
            // them. This arm exists only so that no panic is reachable.
            Err(_) => Self {
                target: Costs {
                    m: DEFAULT_M_COST,
                    t: DEFAULT_T_COST,
                    p: DEFAULT_P_COST,
                },
                limits: Limits::default(),
                pepper: Pepper::default(),
                allowed: Vec::new(),
                rules: Rules {
                    hex: Vec::new(),
                    plaintext: None,
                },
                gate: Gate::new(
                    default_gate(),
                    a2::block_count(Costs {
                        m: DEFAULT_M_COST,
                        t: DEFAULT_T_COST,
                        p: DEFAULT_P_COST,
                    }),
                ),
                screen: screen::Rules::new(
                    screen::MIN_LENGTH,
                    screen::DEFAULT_MAX_LENGTH,
                    Vec::new(),
                ),
                breach: None,
                compromised_check: false,
                nfkc: false,
                unknown_user: String::new(),
            },
        }
    }
}

/// Salt of the unknown-user computation; its value does not matter, its cost does.
const DUMMY_SALT: [u8; a2::SALT_LEN] = *b"pwharden-unknown";

/// The associated data (`data=` in the PHC string) that marks an Argon2id hash computed over
/// the NFKC form of the password: the 8 bytes `pwh-nfkc`, `cHdoLW5ma2M` in base64.
pub(crate) const NFKC_MARK: &[u8] = b"pwh-nfkc";
/// The unknown-user string: a target hash of the shape `Policy::hash` writes (current
/// pepper's key id, [`DUMMY_SALT`]), whose output is all zeros rather than any password's.
fn unknown_user_string(target: Costs, pepper: &Pepper) -> Result<String> {
    let job = Job {
        algorithm: Algorithm::Argon2id,
        version: Version::V0x13,
        costs: target,
        secret: None,
        data: &[],
        salt: &DUMMY_SALT,
    };
    a2::encode(
        &job,
        pepper.current().map(PepperKey::key_id),
        &[0u8; a2::OUTPUT_LEN],
    )
}

/// What `identify` answers for a wrapped string.
pub(crate) const WRAPPED_NAME: &str = "wrapped";

impl Policy {
    /// Starts from the defaults (OWASP's parameters, default limits, no pepper, every legacy
    /// scheme but plaintext accepted).
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder {
            target: Costs {
                m: DEFAULT_M_COST,
                t: DEFAULT_T_COST,
                p: DEFAULT_P_COST,
            },
            limits: Limits::default(),
            keys: Vec::new(),
            current: None,
            allow_weak_target: false,
            allow: None,
            hex: None,
            gate: default_gate(),
            memory_budget: None,
            min_length: None,
            single_factor: false,
            max_length: screen::DEFAULT_MAX_LENGTH,
            site_words: Vec::new(),
            breach: None,
            compromised_check: false,
            nfkc: false,
        }
    }

    /// The most Argon2 computations this policy runs at once.
    pub fn workers(&self) -> usize {
        self.gate.config().workers
    }

    /// The concurrency settings: workers, queue and deadline.
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    pub(crate) fn gate_config(&self) -> crate::gate::GateConfig {
        self.gate.config()
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    fn check_password(&self, password: &[u8]) -> Result<()> {
        if password.len() > self.limits.max_password_bytes {
            return Err(Error::PasswordTooLong);
        }
        if password.len() < self.limits.min_password_bytes {
            return Err(Error::PasswordTooShort);
        }
        Ok(())
    }

    fn target_job<'a>(&'a self, salt: &'a [u8]) -> Job<'a> {
        Job {
            algorithm: Algorithm::Argon2id,
            version: Version::V0x13,
            costs: self.target,
            secret: self.pepper.current().map(PepperKey::secret),
            data: &[],
            salt,
        }
    }

    /// Checks a new password against the policy's screening rules (SP 800-63B): length in
    /// characters, the shipped common-password list, the breach index if the policy has one,
    /// the customer's own details, the site's words, repeated or sequential characters.
    /// Every reason that applies is reported. Call it when a password is set or changed,
    /// before [`Policy::hash`]; nothing is sent anywhere.
    ///
    /// See the `screen` section of the README for how each check decides.
    ///
    /// ```
    /// use pwharden::{Context, Policy, Reason};
    ///
    /// let policy = Policy::builder().site_words(["Acme"]).build()?;
    /// let names = ["Alice Smith"];
    /// let context = Context::new().email("alice@example.com").names(&names);
    ///
    /// assert!(policy.screen("correct horse battery staple", &context).is_ok());
    ///
    /// let refused = policy.screen("pizza123", &context).unwrap_err();
    /// assert_eq!(refused.reasons(), &[Reason::Common]);
    /// assert_eq!(refused.to_string(), "This is one of the most commonly used passwords.");
    ///
    /// let refused = policy.screen("Alice1985", &context).unwrap_err();
    /// assert!(refused.has("user_context"));
    /// let refused = policy.screen("acme-acme", &context).unwrap_err();
    /// assert!(refused.has("site_word"));
    /// assert_eq!(
    ///     policy.screen("vvvvvvv", &context).unwrap_err().reasons(),
    ///     &[Reason::TooShort { min: 8 }, Reason::Repetitive]
    /// );
    /// # Ok::<(), pwharden::ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// [`Rejections`]: the reasons, never empty.
    pub fn screen(
        &self,
        password: impl AsRef<[u8]>,
        context: &Context<'_>,
    ) -> std::result::Result<(), Rejections> {
        screen::Screen {
            rules: &self.screen,
            max_bytes: self.limits.max_password_bytes,
            nfkc: self.nfkc,
            breach: self.breach.as_ref(),
        }
        .run(password.as_ref(), context)
    }

    /// The breach index in use, if any.
    pub fn breach_index(&self) -> Option<&BreachIndex> {
        self.breach.as_ref()
    }

    /// Hashes a new password with Argon2id at the target, a fresh 16-byte salt from the
    /// operating system, and the current pepper key.
    ///
    /// # Errors
    /// [`Error::PasswordTooLong`] / [`Error::PasswordTooShort`] outside the limits;
    /// [`Error::Rng`] if the operating system's generator fails.
    pub fn hash(&self, password: impl AsRef<[u8]>) -> Result<String> {
        let password = password.as_ref();
        self.check_password(password)?;
        self.hash_password(password)
    }

    /// A new hash of a password: over its NFKC form, marked as such, when the policy
    /// normalises and the password is UTF-8; over its bytes as given otherwise.
    fn hash_password(&self, password: &[u8]) -> Result<String> {
        match core::str::from_utf8(password) {
            Ok(text) if self.nfkc => {
                let normal = screen::nfkc(text);
                self.hash_with(normal.as_bytes(), NFKC_MARK)
            }
            _ => self.hash_with(password, &[]),
        }
    }

    /// Argon2id at the target over a legacy checksum (or anything else that is not
    /// normalised).
    fn hash_checked(&self, input: &[u8]) -> Result<String> {
        self.hash_with(input, &[])
    }

    /// Argon2id at the target over `input`, with associated data `data` (empty or
    /// [`NFKC_MARK`]).
    fn hash_with(&self, input: &[u8], data: &[u8]) -> Result<String> {
        let mut salt = [0u8; a2::SALT_LEN];
        getrandom::fill(&mut salt).map_err(|_| Error::Rng)?;
        let mut job = self.target_job(&salt);
        job.data = data;
        let mut out = Zeroizing::new([0u8; a2::OUTPUT_LEN]);
        a2::derive(&self.gate, &job, input, out.as_mut_slice())?;
        a2::encode(
            &job,
            self.pepper.current().map(PepperKey::key_id),
            out.as_slice(),
        )
    }

    /// Identifies `stored` and refuses schemes this policy does not accept.
    fn classify<'s>(&self, stored: &'s [u8]) -> Result<(&'s str, Kind)> {
        let stored = stored_str(stored)?;
        let kind = schemes::identify(stored, &self.rules)?;
        if let Kind::Legacy(scheme) = kind {
            self.check_allowed(scheme.name())?;
        }
        Ok((stored, kind))
    }

    fn check_allowed(&self, name: &str) -> Result<()> {
        if self.allowed.contains(&name) {
            Ok(())
        } else {
            Err(Error::SchemeNotAllowed)
        }
    }

    /// Parses an Argon2 string and refuses variants the policy does not accept.
    fn parse_argon2(&self, stored: &str) -> Result<a2::Parsed> {
        let parsed = a2::parse(stored, &self.limits)?;
        if parsed.algorithm != Algorithm::Argon2id {
            self.check_allowed(argon2_name(parsed.algorithm))?;
        }
        Ok(parsed)
    }

    /// Checks `password` against `stored`, and says in the same answer whether `stored` must
    /// be replaced (and with what).
    ///
    /// A wrong password is `Ok(Verdict::Invalid)`; an error means the stored string (or the
    /// password's length) cannot be judged under this policy. Legacy and wrapped strings are
    /// always replaced by a target hash after a successful login.
    ///
    /// # Errors
    /// [`Error::MalformedHash`], [`Error::UnsupportedScheme`], [`Error::SchemeNotAllowed`],
    /// [`Error::ParamsOverLimit`], [`Error::UnknownPepperKey`], [`Error::PasswordTooLong`],
    /// [`Error::PasswordTooShort`], and [`Error::Rng`] when making the replacement.
    pub fn verify(&self, password: impl AsRef<[u8]>, stored: impl AsRef<[u8]>) -> Result<Verdict> {
        let password = password.as_ref();
        self.check_password(password)?;
        let (stored, kind) = self.classify(stored.as_ref())?;
        // Decoded only where it is needed: never on the paths that refuse a stored string.
        let utf8 = || core::str::from_utf8(password).ok();
        let (matched, current) = match kind {
            Kind::Argon2 => {
                let parsed = self.parse_argon2(stored)?;
                let marked = parsed.data.as_slice() == NFKC_MARK;
                let matched = match utf8().filter(|_| marked) {
                    Some(text) => self.argon2_matches(&parsed, screen::nfkc(text).as_bytes())?,
                    None => self.argon2_matches(&parsed, password)?,
                };
                // Under a normalising policy, a string made from a password that NFKC
                // changes is replaced by a marked one; for any other password the two forms
                // are the same hash input, so nothing is due.
                let unnormalised = self.nfkc
                    && parsed.data.as_slice().is_empty()
                    && utf8().is_some_and(|text| screen::nfkc(text).as_bytes() != password);
                (matched, self.argon2_is_current(&parsed) && !unnormalised)
            }
            Kind::Wrapped => {
                let wrapped = wrap::parse(stored)?;
                self.check_allowed(wrapped.scheme.name())?;
                let inner = a2::parse(wrapped.inner, &self.limits)?;
                let checksum =
                    wrapped
                        .scheme
                        .checksum(&wrapped.settings, password, &self.limits)?;
                (self.argon2_matches(&inner, &checksum)?, false)
            }
            Kind::Legacy(scheme) => {
                let split = scheme.split(stored, &self.limits)?;
                let checksum = scheme.checksum(&split.settings, password, &self.limits)?;
                (schemes::checksum_eq(&checksum, &split.checksum), false)
            }
        };
        if !matched {
            return Ok(Verdict::Invalid);
        }
        let replacement = if current {
            None
        } else {
            Some(self.hash_password(password)?)
        };
        // Only now, after a match: a failed login costs nothing more and reveals nothing new.
        let compromised = self.compromised_check
            && self
                .breach
                .as_ref()
                .is_some_and(|index| screen::is_breached(index, password, utf8()));
        Ok(match (compromised, replacement) {
            (true, replacement) => Verdict::ValidCompromised(replacement),
            (false, None) => Verdict::Valid,
            (false, Some(replacement)) => Verdict::ValidUpgrade(replacement),
        })
    }

    /// Whether `stored` should be replaced at the next successful login, judged without the
    /// password: a scheme other than the target (legacy and wrapped strings always), Argon2
    /// costs below the target, a pepper key other than the current one.
    ///
    /// # Errors
    /// As [`Policy::verify`] for the stored string.
    pub fn needs_upgrade(&self, stored: impl AsRef<[u8]>) -> Result<bool> {
        let (stored, kind) = self.classify(stored.as_ref())?;
        match kind {
            Kind::Argon2 => {
                let parsed = self.parse_argon2(stored)?;
                self.secret_for(&parsed)?;
                Ok(!self.argon2_is_current(&parsed))
            }
            Kind::Wrapped => {
                let wrapped = wrap::parse(stored)?;
                self.check_allowed(wrapped.scheme.name())?;
                self.secret_for(&a2::parse(wrapped.inner, &self.limits)?)?;
                Ok(true)
            }
            Kind::Legacy(scheme) => {
                scheme.split(stored, &self.limits)?;
                Ok(true)
            }
        }
    }

    /// Spends what a real failed verification costs, then answers [`Verdict::Invalid`].
    ///
    /// Call it when the login names no known account, so that the response time does not
    /// tell an attacker which accounts exist.
    ///
    /// # Errors
    /// [`Error::PasswordTooLong`] / [`Error::PasswordTooShort`], exactly as
    /// [`Policy::verify`] would.
    pub fn verify_unknown_user(&self, password: impl AsRef<[u8]>) -> Result<Verdict> {
        // The same code as a failed login, step for step: parse a stored string of the
        // target's shape, look up the pepper, derive, compare in constant time. Whatever the
        // comparison says (a match would take a 2^-256 chance), the answer is Invalid.
        let _ = core::hint::black_box(self.verify(password, &self.unknown_user)?);
        Ok(Verdict::Invalid)
    }

    /// The scheme of a stored string, by the names `pwharden identify` prints (`argon2id`,
    /// `bcrypt`, `md5-hex`, ..., and `wrapped` for strings made by [`Policy::wrap`]).
    ///
    /// # Errors
    /// [`Error::MalformedHash`], [`Error::UnsupportedScheme`], [`Error::SchemeNotAllowed`].
    pub fn identify(&self, stored: impl AsRef<[u8]>) -> Result<&'static str> {
        let (stored, kind) = self.classify(stored.as_ref())?;
        Ok(match kind {
            Kind::Argon2 => argon2_name(self.parse_argon2(stored)?.algorithm),
            Kind::Wrapped => WRAPPED_NAME,
            Kind::Legacy(scheme) => scheme.name(),
        })
    }

    /// The legacy scheme inside a wrapped string (for reports); `None` for anything else.
    ///
    /// # Errors
    /// As [`Policy::identify`].
    pub fn wrapped_scheme(&self, stored: impl AsRef<[u8]>) -> Result<Option<&'static str>> {
        let (stored, kind) = self.classify(stored.as_ref())?;
        Ok(match kind {
            Kind::Wrapped => Some(wrap::parse(stored)?.scheme.name()),
            _ => None,
        })
    }

    /// Wraps a legacy stored string in Argon2id at the target, under the current pepper,
    /// without the password: the legacy checksum becomes Argon2id's input and is no longer
    /// stored. [`Policy::verify`] accepts the result with the original password (and asks for
    /// a plain target hash in its place). A plaintext password (where the policy accepts
    /// them) becomes a plain target hash.
    ///
    /// The wrapped format is documented in the README.
    ///
    /// # Errors
    /// [`Error::NotWrappable`] for Argon2 and already wrapped strings; otherwise as
    /// [`Policy::verify`] for the stored string.
    pub fn wrap(&self, stored: impl AsRef<[u8]>) -> Result<String> {
        let (stored, kind) = self.classify(stored.as_ref())?;
        let Kind::Legacy(scheme) = kind else {
            return Err(Error::NotWrappable);
        };
        let split = scheme.split(stored, &self.limits)?;
        if Some(scheme.name()) == self.rules.plaintext.map(|p| p.name()) {
            self.check_password(&split.checksum)?;
            return self.hash_password(&split.checksum);
        }
        let inner = self.hash_checked(&split.checksum)?;
        let wrapped = wrap::encode(scheme, &split.settings, &inner);
        if wrapped.len() > MAX_STORED_LEN {
            return Err(Error::ParamsOverLimit { name: "length" });
        }
        Ok(wrapped)
    }

    /// Whether `replacement` is what [`Policy::wrap`] makes of `original`, checked without
    /// any password: the same legacy scheme and settings, and an Argon2id hash of the
    /// original's checksum (for a plaintext original, a plain Argon2id hash of it). Meant for
    /// migration tools that check their work before forgetting the original.
    ///
    /// # Errors
    /// [`Error::NotWrappable`] when `original` is Argon2 or wrapped; otherwise as
    /// [`Policy::verify`] for either string.
    pub fn is_wrap_of(
        &self,
        original: impl AsRef<[u8]>,
        replacement: impl AsRef<[u8]>,
    ) -> Result<bool> {
        let (original, kind) = self.classify(original.as_ref())?;
        let Kind::Legacy(scheme) = kind else {
            return Err(Error::NotWrappable);
        };
        let split = scheme.split(original, &self.limits)?;
        let plaintext = Some(scheme.name()) == self.rules.plaintext.map(|p| p.name());
        let (replacement, replacement_kind) = self.classify(replacement.as_ref())?;
        let inner = match (replacement_kind, plaintext) {
            (Kind::Argon2, true) => self.parse_argon2(replacement)?,
            (Kind::Wrapped, false) => {
                let wrapped = wrap::parse(replacement)?;
                if wrapped.scheme.name() != scheme.name() || wrapped.settings != split.settings {
                    return Ok(false);
                }
                a2::parse(wrapped.inner, &self.limits)?
            }
            _ => return Ok(false),
        };
        self.argon2_matches(&inner, &split.checksum)
    }

    fn secret_for(&self, parsed: &a2::Parsed) -> Result<Option<&[u8]>> {
        match &parsed.keyid {
            Some(id) => Ok(Some(
                self.pepper
                    .find(id)
                    .ok_or(Error::UnknownPepperKey)?
                    .secret(),
            )),
            None => Ok(None),
        }
    }

    fn argon2_matches(&self, parsed: &a2::Parsed, password: &[u8]) -> Result<bool> {
        let job = Job {
            algorithm: parsed.algorithm,
            version: parsed.version,
            costs: parsed.costs,
            secret: self.secret_for(parsed)?,
            data: parsed.data.as_slice(),
            salt: parsed.salt.as_slice(),
        };
        let expected = parsed.hash.as_slice();
        let mut buf = Zeroizing::new([0u8; a2::MAX_OUTPUT_LEN]);
        let out = buf.get_mut(..expected.len()).ok_or(Error::Internal)?;
        a2::derive(&self.gate, &job, password, out)?;
        Ok(bool::from(out.ct_eq(expected)))
    }

    fn argon2_is_current(&self, parsed: &a2::Parsed) -> bool {
        let key_current = match (&parsed.keyid, self.pepper.current()) {
            (None, None) => true,
            (Some(id), Some(current)) => id == current.key_id(),
            _ => false,
        };
        parsed.algorithm == Algorithm::Argon2id
            && parsed.version == Version::V0x13
            && parsed.costs.m >= self.target.m
            && parsed.costs.t >= self.target.t
            && parsed.salt.as_slice().len() >= a2::SALT_LEN
            && parsed.hash.as_slice().len() >= a2::OUTPUT_LEN
            && key_current
    }
}

/// One worker per CPU, 32 waiting per worker, 2 s deadline.
fn default_gate() -> GateConfig {
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    GateConfig {
        workers,
        queue: 32 * workers,
        deadline: std::time::Duration::from_secs(2),
    }
}

fn argon2_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Argon2id => "argon2id",
        Algorithm::Argon2i => "argon2i",
        Algorithm::Argon2d => "argon2d",
    }
}

/// Refuses over-long and non-UTF-8 stored strings before anything else looks at them.
fn stored_str(stored: &[u8]) -> Result<&str> {
    if stored.len() > MAX_STORED_LEN || stored.contains(&0) {
        return Err(Error::MalformedHash);
    }
    core::str::from_utf8(stored).map_err(|_| Error::MalformedHash)
}

// ---------------------------------------------------------------------------------------------
// The TOML form.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    argon2: Option<TargetConfig>,
    #[serde(default)]
    limits: Limits,
    #[serde(default)]
    pepper: Option<PepperConfig>,
    #[serde(default)]
    allow_weak_target: bool,
    #[serde(default)]
    legacy: Option<LegacyConfig>,
    #[serde(default)]
    concurrency: Option<ConcurrencyConfig>,
    #[serde(default)]
    screen: Option<ScreenConfig>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScreenConfig {
    min_length: Option<usize>,
    #[serde(default)]
    single_factor: bool,
    max_length: Option<usize>,
    #[serde(default)]
    site_words: Vec<String>,
    breach_index: Option<PathBuf>,
    #[serde(default)]
    compromised_check: bool,
    #[serde(default)]
    nfkc: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConcurrencyConfig {
    workers: Option<usize>,
    queue: Option<usize>,
    deadline_ms: Option<u64>,
    memory_budget_bytes: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LegacyConfig {
    #[serde(default)]
    allow: Option<Vec<String>>,
    /// Bare hex digest meanings: length in hex digits (as a TOML key) to scheme name.
    #[serde(default)]
    hex: Option<std::collections::BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetConfig {
    m_cost: u32,
    t_cost: u32,
    p_cost: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PepperConfig {
    current: String,
    keys: Vec<KeySource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeySource {
    id: String,
    #[serde(default)]
    file: Option<PathBuf>,
    #[serde(default)]
    env: Option<String>,
}

impl KeySource {
    /// Reads the secret: the whole file or variable, less one trailing `\n` or `\r\n`.
    fn load(&self, base: Option<&Path>) -> std::result::Result<PepperKey, ConfigError> {
        let id = &self.id;
        let mut secret: Zeroizing<Vec<u8>> = match (&self.file, &self.env) {
            (Some(file), None) => {
                let path = match base {
                    Some(dir) if file.is_relative() => dir.join(file),
                    _ => file.clone(),
                };
                Zeroizing::new(std::fs::read(&path).map_err(|e| {
                    ConfigError::new(format!(
                        "pepper key {id:?}: cannot read {}: {e}",
                        path.display()
                    ))
                })?)
            }
            (None, Some(var)) => Zeroizing::new(
                std::env::var_os(var)
                    .ok_or_else(|| {
                        ConfigError::new(format!(
                            "pepper key {id:?}: environment variable {var} is not set"
                        ))
                    })?
                    .into_encoded_bytes(),
            ),
            _ => {
                return Err(ConfigError::new(format!(
                    "pepper key {id:?}: give exactly one of `file` or `env`"
                )));
            }
        };
        let trailer = if secret.ends_with(b"\r\n") {
            2
        } else {
            usize::from(secret.ends_with(b"\n"))
        };
        let keep = secret.len() - trailer;
        secret.truncate(keep);
        PepperKey::new(id, &secret)
    }
}

impl Policy {
    /// Builds a policy from its TOML form. Pepper secrets are never written in the TOML: each
    /// key names a `file` (relative paths are taken from the working directory) or an `env`
    /// variable that holds it.
    ///
    /// ```
    /// let policy = pwharden::Policy::from_toml(r#"
    ///     [argon2]
    ///     m_cost = 47104
    ///     t_cost = 1
    ///     p_cost = 1
    ///
    ///     [limits]
    ///     max_password_bytes = 256
    /// "#)?;
    /// assert_eq!(policy.limits().max_password_bytes, 256);
    /// # Ok::<(), pwharden::ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// [`ConfigError`] for a syntax error, an unknown key, a value out of range, or a pepper
    /// source that cannot be read.
    pub fn from_toml(text: &str) -> std::result::Result<Self, ConfigError> {
        Self::from_toml_in(text, None)
    }

    /// Reads [`Policy::from_toml`]'s form from a file; relative pepper `file` paths are taken
    /// from the file's directory.
    ///
    /// # Errors
    /// As [`Policy::from_toml`], and when the file cannot be read.
    pub fn from_toml_file(path: impl AsRef<Path>) -> std::result::Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::new(format!("cannot read {}: {e}", path.display())))?;
        Self::from_toml_in(&text, path.parent())
            .map_err(|e| ConfigError::new(format!("{}: {e}", path.display())))
    }

    fn from_toml_in(text: &str, base: Option<&Path>) -> std::result::Result<Self, ConfigError> {
        let config: FileConfig =
            toml::from_str(text).map_err(|e| ConfigError::new(e.message().to_owned()))?;
        let mut builder = Self::builder().limits(config.limits);
        if let Some(t) = config.argon2 {
            builder = builder.argon2(t.m_cost, t.t_cost, t.p_cost);
        }
        if config.allow_weak_target {
            builder = builder.allow_weak_target();
        }
        if let Some(c) = config.concurrency {
            let d = default_gate();
            let workers = c.workers.unwrap_or(d.workers);
            let queue = c.queue.unwrap_or(32 * workers);
            let deadline = c
                .deadline_ms
                .map_or(d.deadline, std::time::Duration::from_millis);
            builder = builder.concurrency(workers, queue, deadline);
            if let Some(bytes) = c.memory_budget_bytes {
                builder = builder.memory_budget(bytes);
            }
        }
        if let Some(legacy) = config.legacy {
            if let Some(allow) = legacy.allow {
                builder = builder.allow_schemes(allow);
            }
            if let Some(hex) = legacy.hex {
                let mut map = Vec::with_capacity(hex.len());
                for (len, name) in hex {
                    let len: usize = len.parse().map_err(|_| {
                        ConfigError::new(format!(
                            "legacy.hex: {len:?} is not a length in hex digits"
                        ))
                    })?;
                    map.push((len, name));
                }
                builder = builder.hex_digests(map);
            }
        }
        if let Some(screen) = config.screen {
            if let Some(min) = screen.min_length {
                builder = builder.min_length(min);
            }
            if let Some(max) = screen.max_length {
                builder = builder.max_length(max);
            }
            if let Some(file) = screen.breach_index {
                let path = match base {
                    Some(dir) if file.is_relative() => dir.join(file),
                    _ => file,
                };
                let index = BreachIndex::open(&path)
                    .map_err(|e| ConfigError::new(format!("screen.breach_index: {e}")))?;
                builder = builder.breach_index(index);
            }
            builder = builder
                .single_factor(screen.single_factor)
                .site_words(screen.site_words)
                .compromised_check(screen.compromised_check)
                .nfkc(screen.nfkc);
        }
        if let Some(pepper) = config.pepper {
            for source in &pepper.keys {
                builder = builder.pepper_key(source.load(base)?);
            }
            builder = builder.current_pepper(&pepper.current);
        }
        builder.build()
    }
}
