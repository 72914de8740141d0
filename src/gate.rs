//! Admission control and working-memory reuse for Argon2.
//!
//! A login flood must not turn into unbounded memory or latency. The [`Gate`] admits at most
//! `workers` Argon2 computations at once, lets at most `queue` more wait, each for at most
//! `deadline`, and answers [`Error::Busy`] beyond that, quickly and distinctly, so a server can
//! shed load (HTTP 503 with `Retry-After`).
//!
//! Admitted computations borrow a working-memory buffer from a pool of at most `workers`
//! buffers sized for the policy's target, instead of allocating (and page-faulting in) fresh
//! memory on every login. A buffer is zeroed before it goes back to the pool, so no
//! password-derived block outlives the computation that made it. Stored strings that ask for
//! more memory than the target (within the policy's limits) get a buffer of their own, zeroed
//! and freed when done.
//!
//! Peak working memory: `workers × target m` for the pool, plus the oversized one-off
//! buffers of computations in flight.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use argon2::Block;
use zeroize::Zeroize;

use crate::error::{Error, Result};

/// How much Argon2 work may run and wait at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GateConfig {
    /// Computations running at once.
    pub workers: usize,
    /// Computations waiting for a worker; one more is refused at once with `Busy`.
    pub queue: usize,
    /// The longest a computation waits before it is refused with `Busy`.
    pub deadline: Duration,
}

#[derive(Default)]
struct State {
    running: usize,
    waiting: usize,
    /// Idle buffers of `pooled_blocks` blocks each.
    idle: Vec<Vec<Block>>,
}

/// See the module documentation.
pub(crate) struct Gate {
    config: GateConfig,
    pooled_blocks: usize,
    state: Mutex<State>,
    freed: Condvar,
}

impl Gate {
    /// A gate whose pooled buffers hold `pooled_blocks` 1 KiB blocks (the target's m).
    pub(crate) fn new(config: GateConfig, pooled_blocks: usize) -> Self {
        Self {
            config,
            pooled_blocks,
            state: Mutex::new(State::default()),
            freed: Condvar::new(),
        }
    }

    pub(crate) fn config(&self) -> GateConfig {
        self.config
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the counters inconsistent (they are
        // updated in single statements), so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits for a worker slot, within the queue bound and the deadline.
    fn admit(&self) -> Result<Option<Vec<Block>>> {
        let mut state = self.lock();
        if state.running >= self.config.workers {
            if state.waiting >= self.config.queue {
                return Err(Error::Busy);
            }
            state.waiting += 1;
            let until = Instant::now() + self.config.deadline;
            while state.running >= self.config.workers {
                let left = until.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    state.waiting -= 1;
                    return Err(Error::Busy);
                }
                state = self
                    .freed
                    .wait_timeout(state, left)
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .0;
            }
            state.waiting -= 1;
        }
        state.running += 1;
        Ok(state.idle.pop())
    }

    /// Runs `work` on `blocks` blocks of working memory, admitted by the gate.
    ///
    /// # Errors
    /// [`Error::Busy`] when the queue is full or the deadline passes; otherwise whatever
    /// `work` returns.
    pub(crate) fn run<T>(
        &self,
        blocks: usize,
        work: impl FnOnce(&mut [Block]) -> Result<T>,
    ) -> Result<T> {
        let pooled = self.admit()?;
        let mut lease = Lease {
            gate: self,
            buffer: pooled.unwrap_or_default(),
            used: blocks,
        };
        if blocks <= self.pooled_blocks {
            if lease.buffer.len() != self.pooled_blocks {
                lease.buffer = vec![Block::new(); self.pooled_blocks];
            }
        } else {
            // Oversized request: its own buffer, so the pool keeps its bound. The pooled one
            // (if any) goes back untouched.
            let spare = core::mem::replace(&mut lease.buffer, vec![Block::new(); blocks]);
            self.give_back(spare);
        }
        let memory = lease.buffer.get_mut(..blocks).ok_or(Error::Internal)?;
        work(memory)
    }

    fn give_back(&self, buffer: Vec<Block>) {
        if buffer.len() == self.pooled_blocks {
            let mut state = self.lock();
            if state.idle.len() < self.config.workers {
                state.idle.push(buffer);
            }
        }
    }
}

/// A running computation's slot and buffer; returns both when dropped (also on unwinding).
struct Lease<'g> {
    gate: &'g Gate,
    buffer: Vec<Block>,
    used: usize,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let used = self.used.min(self.buffer.len());
        if let Some(dirty) = self.buffer.get_mut(..used) {
            dirty.iter_mut().for_each(Zeroize::zeroize);
        }
        let buffer = core::mem::take(&mut self.buffer);
        let mut state = self.gate.lock();
        if buffer.len() == self.gate.pooled_blocks && state.idle.len() < self.gate.config.workers {
            state.idle.push(buffer);
        }
        state.running -= 1;
        drop(state);
        self.gate.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn gate(workers: usize, queue: usize, deadline_ms: u64) -> Gate {
        Gate::new(
            GateConfig {
                workers,
                queue,
                deadline: Duration::from_millis(deadline_ms),
            },
            16,
        )
    }

    #[test]
    fn buffers_are_reused_and_zeroed() {
        let gate = gate(1, 0, 10);
        let first = gate
            .run(8, |m| {
                m[0] = Block::new();
                m.iter_mut()
                    .for_each(|b| *b = core::hint::black_box(filled()));
                Ok(m.as_ptr() as usize)
            })
            .unwrap();
        let second = gate
            .run(16, |m| {
                assert!(
                    m.iter().all(is_zero),
                    "a reused buffer must come back zeroed"
                );
                Ok(m.as_ptr() as usize)
            })
            .unwrap();
        assert_eq!(first, second, "the pooled buffer is reused");
        // Oversized: a buffer of its own, and the pool keeps its size.
        gate.run(64, |m| {
            assert_eq!(m.len(), 64);
            Ok(())
        })
        .unwrap();
        assert_eq!(gate.lock().idle.len(), 1);
        assert_eq!(gate.lock().idle[0].len(), 16);
    }

    fn filled() -> Block {
        let mut b = Block::new();
        b.as_mut().iter_mut().for_each(|w| *w = 0xdead_beef);
        b
    }

    fn is_zero(b: &Block) -> bool {
        b.as_ref().iter().all(|w| *w == 0)
    }

    #[test]
    fn full_queue_and_deadline_give_busy() {
        let gate = Arc::new(gate(1, 1, 50));
        let (tx, rx) = std::sync::mpsc::channel();
        let (hold_tx, hold_rx) = std::sync::mpsc::channel::<()>();
        let g = Arc::clone(&gate);
        let holder = std::thread::spawn(move || {
            g.run(4, |_| {
                tx.send(()).unwrap();
                hold_rx.recv().unwrap();
                Ok(())
            })
        });
        rx.recv().unwrap();
        // One may wait; it times out after the deadline.
        let g = Arc::clone(&gate);
        let waiter = std::thread::spawn(move || g.run(4, |_| Ok(())));
        while gate.lock().waiting == 0 {
            std::thread::yield_now();
        }
        // The queue is full: refused at once.
        assert_eq!(gate.run(4, |_| Ok(())), Err(Error::Busy));
        assert_eq!(waiter.join().unwrap(), Err(Error::Busy));
        hold_tx.send(()).unwrap();
        holder.join().unwrap().unwrap();
        // Free again.
        assert_eq!(gate.run(4, |_| Ok(7)), Ok(7));
    }

    #[test]
    fn never_more_than_workers_at_once() {
        let gate = Arc::new(gate(2, 64, 5_000));
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (gate, running, peak) =
                    (Arc::clone(&gate), Arc::clone(&running), Arc::clone(&peak));
                std::thread::spawn(move || {
                    for _ in 0..20 {
                        gate.run(8, |_| {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            peak.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_micros(200));
                            running.fetch_sub(1, Ordering::SeqCst);
                            Ok(())
                        })
                        .unwrap();
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(peak.load(Ordering::SeqCst), 2);
        assert!(gate.lock().idle.len() <= 2);
    }
}
