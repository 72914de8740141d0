//! Awaitable hashing for async services (feature `tokio`).
//!
//! An Argon2 computation takes tens of milliseconds of CPU. Run on an async executor thread,
//! it stalls every other request that thread serves. [`AsyncPolicy`] runs [`Policy::hash`],
//! [`Policy::verify`] and [`Policy::verify_unknown_user`] on a small pool of threads of its
//! own instead, and hands back a future to await. The futures need no particular runtime
//! (the result comes back through a `tokio::sync::oneshot` channel).
//!
//! # Admission and the worker threads
//!
//! An `AsyncPolicy` runs the policy's [`concurrency`](crate::PolicyBuilder::concurrency)
//! settings itself: `workers` threads (started at the first call, named
//! `pwharden-worker`) take calls from a queue of at most `queue` waiting calls, first come
//! first served. A call that finds `workers + queue` calls already admitted fails at once with
//! [`Error::Busy`]; a call still waiting when the policy's deadline passes fails with
//! [`Error::Busy`] then (a timer thread, `pwharden-deadline`, sees to that; a deadline of 0
//! refuses exactly the calls that find every worker busy). A service
//! answers `Busy` with HTTP 503 and a `Retry-After` header. The computations still go
//! through the policy's own gate, which also counts blocking callers of the same policy.
//!
//! Why threads of its own rather than tokio's blocking pool: a worker that finishes a
//! computation takes the next waiting call at once, on a core whose caches are warm. When
//! every call is a task on tokio's blocking pool, each waits on a thread of its own, and every
//! hand-over is a thread wake-up that the scheduler may place badly: at the default
//! parameters on 2 cores with 16 calls in flight, that left a core idle 10 to 15 % of the
//! time, and the throughput 12 % below the same calls from 2 plain threads (BENCHMARKS.md).
//!
//! The threads stop when the last clone of the `AsyncPolicy` is dropped and the calls already
//! admitted have been answered.
//!
//! # Cancellation
//!
//! Every future returned here is cancel-safe. Dropped before it is first polled, it has done
//! nothing. Dropped while its call waits in the queue, the call is withdrawn: it never runs,
//! and its place is free at once. Dropped while its computation runs, the computation runs
//! to its end (a thread cannot be interrupted in the middle of Argon2), counts against the
//! bound until then, and its result is discarded. No state is left half-done: the calls are
//! pure functions of their inputs (they write nothing anywhere), and the working memory goes
//! back to the pool, zeroed, when the computation ends. A service that stores a replacement
//! hash does so only after it holds the verdict, so a dropped login leaves its row as it was.
//!
//! # Secrets
//!
//! Each method copies the password into a [`Zeroizing`] buffer when it is called (so the
//! future borrows nothing and is `'static`); that copy moves into the queued call and is
//! zeroed when the call ends, runs or not, whether or not anyone still awaits it.
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

use std::cell::Cell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use zeroize::Zeroizing;

use crate::{Error, Policy, Result, Verdict};

/// A [`Policy`] whose Argon2 work runs on worker threads of its own, awaited by futures.
///
/// Cloning is cheap: the clones share the policy, the queue and the threads.
#[derive(Clone)]
pub struct AsyncPolicy {
    handle: Arc<Handle>,
}

/// Owned by the `AsyncPolicy` clones only (the futures and threads hold the [`Pool`]): when
/// the last clone goes, the threads are told to finish.
struct Handle {
    pool: Arc<Pool>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.pool.lock().closed = true;
        self.pool.work.notify_all();
        self.pool.timer.notify_all();
    }
}

struct Pool {
    policy: Arc<Policy>,
    workers: usize,
    capacity: usize,
    deadline: Duration,
    state: Mutex<State>,
    /// Workers wait here for calls.
    work: Condvar,
    /// The timer thread waits here for the oldest waiting call's deadline.
    timer: Condvar,
}

#[derive(Default)]
struct State {
    /// Waiting calls, oldest first (so also in deadline order).
    queue: VecDeque<Call>,
    /// Calls a worker is running.
    running: usize,
    /// Worker threads started, and whether the timer thread is.
    threads: usize,
    timer: bool,
    /// No `AsyncPolicy` is left: threads end once the queue is empty.
    closed: bool,
    next_ticket: u64,
}

/// Runs a call with the policy, calls `done` (which frees its place in the bound) and then
/// sends the result; or, given no policy, sends `Busy`. Freeing the place before the result
/// arrives means that a caller who has its answer can make the next call at once.
type Answer = Box<dyn FnOnce(Option<(&Policy, &dyn Fn())>) + Send>;

/// How often the timer looks again at a call past its deadline that a free worker is taking.
const HAND_OVER: Duration = Duration::from_millis(1);

/// A queued call.
struct Call {
    ticket: u64,
    until: Instant,
    answer: Answer,
}

impl Pool {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update of the state is a single statement or restores its invariants before
        // anything can panic, so a poisoned lock is still consistent.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues `answer`, or refuses it at once when the bound is reached. Starts the threads
    /// the pool still lacks.
    fn submit(self: &Arc<Self>, answer: Answer) -> Result<u64> {
        let mut state = self.lock();
        if state.running.saturating_add(state.queue.len()) >= self.capacity {
            return Err(Error::Busy);
        }
        while state.threads < self.workers {
            let pool = Arc::clone(self);
            std::thread::Builder::new()
                .name("pwharden-worker".into())
                .spawn(move || pool.work_loop())
                .map_err(|_| Error::Internal)?;
            state.threads += 1;
        }
        if !state.timer {
            let pool = Arc::clone(self);
            std::thread::Builder::new()
                .name("pwharden-deadline".into())
                .spawn(move || pool.timer_loop())
                .map_err(|_| Error::Internal)?;
            state.timer = true;
        }
        let ticket = state.next_ticket;
        state.next_ticket = ticket.wrapping_add(1);
        let until = Instant::now()
            .checked_add(self.deadline)
            .ok_or(Error::Internal)?;
        let was_empty = state.queue.is_empty();
        state.queue.push_back(Call {
            ticket,
            until,
            answer,
        });
        drop(state);
        self.work.notify_one();
        if was_empty {
            self.timer.notify_one();
        }
        Ok(ticket)
    }

    /// Takes a call out of the queue if no worker has taken it yet (its future was dropped).
    fn withdraw(&self, ticket: u64) {
        let mut state = self.lock();
        if let Some(i) = state.queue.iter().position(|c| c.ticket == ticket) {
            let call = state.queue.remove(i);
            drop(state);
            // Never run, never answered: dropping it zeroes its copy of the password.
            drop(call);
        }
    }

    fn work_loop(&self) {
        let mut state = self.lock();
        loop {
            if let Some(call) = state.queue.pop_front() {
                state.running += 1;
                drop(state);
                let freed = Cell::new(false);
                let done = || {
                    if !freed.replace(true) {
                        self.lock().running -= 1;
                    }
                };
                // A panic (there should be none) drops the call's sender, which its future
                // reports as `Error::Internal`; the worker carries on.
                let _ = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    (call.answer)(Some((&self.policy, &done)));
                }));
                done();
                state = self.lock();
            } else if state.closed {
                state.threads -= 1;
                drop(state);
                // The timer may be asleep until the deadline of a call a worker took.
                self.timer.notify_all();
                return;
            } else {
                state = self
                    .work
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            }
        }
    }

    fn timer_loop(&self) {
        let mut state = self.lock();
        let mut expired = Vec::new();
        loop {
            let now = Instant::now();
            // Only while every worker is busy: with one free, the oldest call is being handed
            // to it, and a deadline shorter than that hand-over (0 means "never wait") must
            // not refuse a call that does not wait.
            while state.running >= state.threads
                && state.queue.front().is_some_and(|c| c.until <= now)
            {
                expired.extend(state.queue.pop_front());
            }
            if !expired.is_empty() {
                // Answered outside the lock: a waker may run code that calls back in.
                drop(state);
                expired.drain(..).for_each(|call| (call.answer)(None));
                state = self.lock();
                continue;
            }
            let next = state.queue.front().map(|c| {
                if c.until <= now {
                    // Past its deadline, but a free worker is taking it: look again shortly.
                    HAND_OVER
                } else {
                    c.until.saturating_duration_since(now)
                }
            });
            state = match next {
                Some(wait) => {
                    self.timer
                        .wait_timeout(state, wait)
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .0
                }
                None if state.closed => {
                    state.timer = false;
                    return;
                }
                None => self
                    .timer
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
            };
        }
    }
}

/// Withdraws a queued call when its future is dropped before the answer came.
struct Withdraw<'p> {
    pool: &'p Pool,
    ticket: Option<u64>,
}

impl Drop for Withdraw<'_> {
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket {
            self.pool.withdraw(ticket);
        }
    }
}

impl fmt::Debug for AsyncPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pool = &self.handle.pool;
        f.debug_struct("AsyncPolicy")
            .field("policy", &pool.policy)
            .field("workers", &pool.workers)
            .field("capacity", &pool.capacity)
            .field("deadline", &pool.deadline)
            .finish()
    }
}

impl AsyncPolicy {
    /// Wraps `policy`, admitting as many calls at once as its concurrency settings run and
    /// queue (`workers + queue`). No thread starts before the first call.
    pub fn new(policy: impl Into<Arc<Policy>>) -> Self {
        let policy = policy.into();
        let config = policy.gate_config();
        let pool = Pool {
            workers: config.workers,
            capacity: config.workers.saturating_add(config.queue),
            deadline: config.deadline,
            policy,
            state: Mutex::new(State::default()),
            work: Condvar::new(),
            timer: Condvar::new(),
        };
        Self {
            handle: Arc::new(Handle {
                pool: Arc::new(pool),
            }),
        }
    }

    /// The policy itself, for the calls that do no Argon2 work ([`Policy::needs_upgrade`],
    /// [`Policy::identify`]) and for blocking callers.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.handle.pool.policy
    }

    /// The most calls admitted at once (running or waiting); one more gets [`Error::Busy`].
    pub fn capacity(&self) -> usize {
        self.handle.pool.capacity
    }

    /// Calls admitted now and not yet finished, including those whose futures were dropped
    /// while their computation still runs.
    pub fn in_flight(&self) -> usize {
        let state = self.handle.pool.lock();
        state.running.saturating_add(state.queue.len())
    }

    /// [`Policy::hash`] on the worker threads.
    ///
    /// # Errors
    /// As [`Policy::hash`]; [`Error::Busy`] when `workers + queue` calls are already
    /// admitted, or when the deadline passes while the call waits; [`Error::Internal`] if a
    /// worker thread cannot be started or the computation panicked.
    pub fn hash(
        &self,
        password: impl AsRef<[u8]>,
    ) -> impl Future<Output = Result<String>> + Send + 'static {
        let password = Zeroizing::new(password.as_ref().to_vec());
        self.run(move |policy| policy.hash(&*password))
    }

    /// [`Policy::verify`] on the worker threads.
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

    /// [`Policy::verify_unknown_user`] on the worker threads: admitted, queued and refused
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

    /// Queues `work` (or refuses it at once), then awaits its answer.
    fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Policy) -> Result<T> + Send + 'static,
    ) -> impl Future<Output = Result<T>> + Send + 'static {
        let pool = Arc::clone(&self.handle.pool);
        async move {
            let (sender, receiver) = oneshot::channel();
            let ticket = pool.submit(Box::new(move |worker: Option<(&Policy, &dyn Fn())>| {
                let result = match worker {
                    Some((policy, done)) => {
                        let result = work(policy);
                        done();
                        result
                    }
                    None => Err(Error::Busy),
                };
                // The receiver may be gone (the future was dropped): nothing to tell.
                let _ = sender.send(result);
            }))?;
            let mut withdraw = Withdraw {
                pool: &pool,
                ticket: Some(ticket),
            };
            let answer = receiver.await;
            withdraw.ticket = None;
            answer.map_err(|_| Error::Internal)?
        }
    }
}
