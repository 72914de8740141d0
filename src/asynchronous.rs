//! Awaitable hashing for async services (feature `tokio`).
//!
//! An Argon2 computation takes tens of milliseconds of CPU. Run on an async executor thread,
//! it stalls every other request that thread serves. [`AsyncPolicy`] runs [`Policy::hash`],
//! [`Policy::verify`] and [`Policy::verify_unknown_user`] on tokio's blocking pool instead,
//! and hands back a future to await.
//!
//! # Admission
//!
//! Admission is bounded *before* anything is spawned: an `AsyncPolicy` holds
//! `workers + queue` permits (the policy's [`concurrency`](crate::PolicyBuilder::concurrency)
//! settings). A call that finds none free fails at once with [`Error::Busy`], without
//! spawning, so a flood never grows the blocking pool or its queue beyond that bound. An
//! admitted call then goes through the policy's own gate as usual: at most `workers` Argon2
//! computations run at once (and only their pooled working memory exists), the others wait
//! on a blocking thread for at most the policy's deadline, after which they too end in
//! [`Error::Busy`]. A service answers `Busy` with HTTP 503 and a `Retry-After` header.
//!
//! At most `workers + queue` blocking threads are busy with pwharden at a time; keep that
//! below tokio's blocking-thread limit (512 by default) if the service also uses the blocking
//! pool for other work. (A permit is given back just before its thread returns to tokio's
//! idle list, so a call admitted in that instant may start one more thread; the idle ones
//! are reused, and the pool stays within a small multiple of the bound.)
//!
//! # Cancellation
//!
//! Every future returned here is cancel-safe. Dropped before it is first polled, it has done
//! nothing. Dropped later, the computation already handed to the blocking pool runs to its
//! end (a thread cannot be interrupted in the middle of Argon2), keeps its admission permit
//! until then, and its result is discarded. No state is left half-done: the calls are pure
//! functions of their inputs (they write nothing anywhere), and the working memory goes back
//! to the pool, zeroed, when the computation ends. A service that stores a replacement hash
//! does so only after it holds the verdict, so a dropped login leaves its row as it was.
//!
//! # Secrets
//!
//! Each method copies the password into a [`Zeroizing`] buffer when it is called (so the
//! future borrows nothing and is `'static`); that copy moves to the blocking thread and is
//! zeroed when the computation ends, whether or not anyone still awaits it.
//!
//! ```
//! use pwharden::asynchronous::AsyncPolicy;
//! use pwharden::{Error, Policy, Verdict};
//!
//! /// What a login handler answers: 200, 401, 503 (with Retry-After) or 500.
//! async fn login(policy: &AsyncPolicy, password: &str, stored: &str) -> u16 {
//!     match policy.verify(password, stored).await {
//!         Ok(Verdict::Invalid) => 401,
//!         Ok(Verdict::ValidUpgrade(replacement)) => {
//!             // Store `replacement`: UPDATE ... SET hash = replacement WHERE hash = stored.
//!             200
//!         }
//!         Ok(_) => 200,
//!         Err(Error::Busy) => 503,
//!         Err(_) => 500,
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let policy = AsyncPolicy::new(Policy::default());
//! let stored = policy.hash("pizza123").await?;
//! assert_eq!(login(&policy, "pizza123", &stored).await, 200);
//! assert_eq!(login(&policy, "pizza124", &stored).await, 401);
//! assert_eq!(policy.verify_unknown_user("pizza123").await?, Verdict::Invalid);
//! # Ok(())
//! # }
//! ```

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use zeroize::Zeroizing;

use crate::{Error, Policy, Result, Verdict};

/// A [`Policy`] whose calls are awaited instead of blocking the caller's thread. Cheap to
/// clone: clones share the policy and the admission bound.
///
/// See the [module documentation](self) for admission, cancellation and secrets.
#[derive(Clone, Debug)]
pub struct AsyncPolicy {
    policy: Arc<Policy>,
    admission: Arc<Semaphore>,
    capacity: usize,
}

impl AsyncPolicy {
    /// Wraps `policy`, admitting as many calls at once as its gate runs and queues
    /// (`workers + queue`).
    pub fn new(policy: impl Into<Arc<Policy>>) -> Self {
        let policy = policy.into();
        let capacity = policy.admission_capacity().min(Semaphore::MAX_PERMITS);
        Self {
            policy,
            admission: Arc::new(Semaphore::new(capacity)),
            capacity,
        }
    }

    /// The policy itself, for the calls that do no Argon2 work ([`Policy::needs_upgrade`],
    /// [`Policy::identify`]) and for blocking callers.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.policy
    }

    /// The most calls admitted at once (running or waiting); one more gets [`Error::Busy`].
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Calls admitted now and not yet finished, including those whose futures were dropped
    /// while their computation still runs.
    pub fn in_flight(&self) -> usize {
        self.capacity
            .saturating_sub(self.admission.available_permits())
    }

    /// [`Policy::hash`] on the blocking pool.
    ///
    /// # Errors
    /// As [`Policy::hash`]; [`Error::Busy`] when the admission bound or the gate's deadline
    /// is reached; [`Error::Internal`] if the computation panicked or the runtime is shutting
    /// down.
    pub fn hash(
        &self,
        password: impl AsRef<[u8]>,
    ) -> impl Future<Output = Result<String>> + Send + 'static {
        let password = Zeroizing::new(password.as_ref().to_vec());
        self.run(move |policy| policy.hash(&*password))
    }

    /// [`Policy::verify`] on the blocking pool.
    ///
    /// # Errors
    /// As [`Policy::verify`], and as [`AsyncPolicy::hash`].
    pub fn verify(
        &self,
        password: impl AsRef<[u8]>,
        stored: impl AsRef<[u8]>,
    ) -> impl Future<Output = Result<Verdict>> + Send + 'static {
        let password = Zeroizing::new(password.as_ref().to_vec());
        let stored = stored.as_ref().to_vec();
        self.run(move |policy| policy.verify(&*password, &stored))
    }

    /// [`Policy::verify_unknown_user`] on the blocking pool: admitted, queued and refused
    /// exactly like [`AsyncPolicy::verify`], so that an unknown account is not told apart by
    /// its answer or its timing under load either.
    ///
    /// # Errors
    /// As [`Policy::verify_unknown_user`], and as [`AsyncPolicy::hash`].
    pub fn verify_unknown_user(
        &self,
        password: impl AsRef<[u8]>,
    ) -> impl Future<Output = Result<Verdict>> + Send + 'static {
        let password = Zeroizing::new(password.as_ref().to_vec());
        self.run(move |policy| policy.verify_unknown_user(&*password))
    }

    /// Admits (or refuses at once), then runs `work` on the blocking pool. The permit moves
    /// into the blocking task, so it is held until the work ends even if the future is
    /// dropped: cancelled calls still count against the bound while they run.
    fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Policy) -> Result<T> + Send + 'static,
    ) -> impl Future<Output = Result<T>> + Send + 'static {
        let policy = Arc::clone(&self.policy);
        let admission = Arc::clone(&self.admission);
        async move {
            let permit = admission.try_acquire_owned().map_err(|_| Error::Busy)?;
            let task = tokio::task::spawn_blocking(move || {
                let result = work(&policy);
                drop(permit);
                result
            });
            task.await.map_err(|_| Error::Internal)?
        }
    }
}

impl From<Policy> for AsyncPolicy {
    fn from(policy: Policy) -> Self {
        Self::new(policy)
    }
}

impl From<Arc<Policy>> for AsyncPolicy {
    fn from(policy: Arc<Policy>) -> Self {
        Self::new(policy)
    }
}
