//! `pwharden harden`: wraps every legacy row of a password table in Argon2id, in place.
//!
//! The table is read in id order, a page at a time. Each page's rows that need work are
//! hashed on `--jobs` worker threads (never on the async executor), then written in one
//! transaction as compare-and-set updates (`... WHERE id = ? AND hash = <old value>`), while
//! the next page is read and hashed. So:
//!
//! * a row is either its old value or its complete new value, never anything in between;
//! * a row the application changed since it was read keeps the application's value (the
//!   update matches nothing and is counted as "changed by the application");
//! * an interrupted run (Ctrl-C, kill -9, lost connection) loses at most the transactions in
//!   flight, which roll back; a rerun skips every row already wrapped or Argon2 and finishes
//!   the rest.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pwharden::Policy;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::Failure;
use crate::assess::{Action, Class, Salting, assess};
use crate::audit::{Reasons, id_json};
use crate::db::{Cell, Db, Id, Table, Update};

/// How `harden` runs.
#[derive(Clone, Debug)]
pub struct Options {
    pub jobs: usize,
    pub batch: usize,
    pub dry_run: bool,
    pub verify_sample: usize,
    pub json: bool,
    pub salting: Salting,
}

/// One row to hash.
struct Work {
    id: Id,
    /// The hash column as read (the compare-and-set's old value).
    old: String,
    /// What is wrapped: the old value, or the salted import string built from it.
    input: String,
    scheme: String,
}

/// What a run did.
#[derive(Default)]
pub struct Summary {
    pub scanned: u64,
    /// Rows written, by scheme.
    pub hardened: std::collections::BTreeMap<String, u64>,
    pub already_done: u64,
    pub empty: u64,
    pub login_upgrade: u64,
    pub changed_by_application: u64,
    pub unrecognised: Reasons,
    pub unreadable: Reasons,
    pub failed: Reasons,
    pub sample_checked: u64,
    pub sample_skipped: u64,
    /// With `--dry-run --json`: each row that would change, and its scheme.
    changes: Vec<(Id, String)>,
    seconds: f64,
}

impl Summary {
    fn hardened_total(&self) -> u64 {
        self.hardened.values().sum()
    }

    /// 0: done; 1: a row failed (or a sampled row did not verify); 3: no failure, but rows
    /// were left untouched because they are unrecognised or unreadable.
    pub fn exit_code(&self) -> u8 {
        if self.failed.total() > 0 {
            1
        } else if self.unrecognised.total() + self.unreadable.total() > 0 {
            3
        } else {
            0
        }
    }

    fn to_json(&self, dry_run: bool) -> Value {
        let mut out = json!({
            "dry_run": dry_run,
            "scanned": self.scanned,
            if dry_run { "would_harden" } else { "hardened" }: self.hardened_total(),
            "hardened_by_scheme": self.hardened,
            "already_done": self.already_done,
            "empty": self.empty,
            "below_target_argon2": self.login_upgrade,
            "changed_by_application": self.changed_by_application,
            "unrecognised": self.unrecognised.total(),
            "unrecognised_reasons": self.unrecognised.to_json(),
            "unreadable": self.unreadable.total(),
            "unreadable_reasons": self.unreadable.to_json(),
            "failed": self.failed.total(),
            "failed_reasons": self.failed.to_json(),
            "verify_sample": { "checked": self.sample_checked, "skipped": self.sample_skipped },
            "seconds": self.seconds,
            "exit_code": self.exit_code(),
        });
        if dry_run {
            out["changes"] = self
                .changes
                .iter()
                .map(|(id, scheme)| json!({ "id": id_json(id), "scheme": scheme }))
                .collect();
        }
        out
    }

    fn to_text(&self, dry_run: bool) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let verb = if dry_run { "would harden" } else { "hardened" };
        let _ = writeln!(
            out,
            "harden{}: {} rows scanned in {:.1} s",
            if dry_run {
                " (dry run, nothing written)"
            } else {
                ""
            },
            self.scanned,
            self.seconds
        );
        let _ = writeln!(out, "  {:>8}  {verb}", self.hardened_total());
        for (scheme, n) in &self.hardened {
            let _ = writeln!(out, "      {n:>8}  {scheme}");
        }
        let lines = [
            (
                self.already_done,
                "already wrapped or Argon2id at the target",
            ),
            (
                self.login_upgrade,
                "below-target Argon2, left for an upgrade at the next login",
            ),
            (self.empty, "no password (NULL or empty), left alone"),
            (
                self.changed_by_application,
                "changed by the application during the run, skipped",
            ),
        ];
        for (n, what) in lines {
            let _ = writeln!(out, "  {n:>8}  {what}");
        }
        let sections = [
            (&self.unrecognised, "unrecognised, left untouched"),
            (&self.unreadable, "could not be read, left untouched"),
            (&self.failed, "failed"),
        ];
        for (reasons, what) in sections {
            let _ = writeln!(out, "  {:>8}  {what}", reasons.total());
            reasons.write_lines(&mut out);
        }
        if self.sample_checked + self.sample_skipped > 0 {
            let _ = writeln!(
                out,
                "  verify-sample: {} hardened rows re-verified against the originals they replaced{}",
                self.sample_checked,
                if self.sample_skipped > 0 {
                    format!(" ({} changed since, not checked)", self.sample_skipped)
                } else {
                    String::new()
                }
            );
        }
        out
    }
}

/// The progress bar: on stdout when it is a terminal, hidden otherwise.
pub fn progress_bar(total: u64, what: &str) -> ProgressBar {
    let target = if std::io::stdout().is_terminal() {
        ProgressDrawTarget::stdout()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    let template = format!("{what} [{{bar:32}}] {{pos}}/{{len}} rows  {{rate}}  ETA {{eta}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        let style = style
            .with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} rows/s", state.per_sec());
                },
            )
            .progress_chars("=> ");
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// A written batch: the updates, each one's scheme and wrapped input, and whether each was
/// applied.
type Written = (Vec<Update>, Vec<(String, String)>, Vec<bool>);

/// Runs `harden` over `table` (already checked, `total` rows).
pub async fn run(
    db: &Db,
    table: &Table,
    total: u64,
    policy: Arc<Policy>,
    opts: &Options,
) -> Result<Summary, Failure> {
    let started = Instant::now();
    let mut summary = Summary::default();
    let bar = progress_bar(total, if opts.dry_run { "dry run" } else { "harden" });
    let mut sample = Sample::new(opts.verify_sample);
    let mut after: Option<Id> = None;
    let mut in_flight: Option<JoinHandle<Result<Written, Failure>>> = None;
    loop {
        let page = db.page(table, after.as_ref(), opts.batch).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id.clone());
        let mut work = Vec::new();
        for row in page {
            summary.scanned += 1;
            let a = assess(&policy, &row, &opts.salting);
            match a.action {
                Action::Done if a.class == Class::Empty => summary.empty += 1,
                Action::Done => summary.already_done += 1,
                Action::LoginUpgrade => summary.login_upgrade += 1,
                Action::Unrecognised(why) => summary.unrecognised.add(&why, &row.id),
                Action::Unreadable(why) => summary.unreadable.add(&why, &row.id),
                Action::Fail(why) => summary.failed.add(&why, &row.id),
                Action::Wrap(input) => {
                    let Cell::Text(old) = row.hash else {
                        summary.failed.add("internal: not text", &row.id);
                        continue;
                    };
                    work.push(Work {
                        id: row.id,
                        old,
                        input,
                        scheme: a.scheme,
                    });
                    continue;
                }
            }
            bar.inc(1);
        }
        if opts.dry_run {
            for w in &work {
                if opts.json {
                    summary.changes.push((w.id.clone(), w.scheme.clone()));
                } else {
                    bar.suspend(|| println!("would harden id {} ({})", w.id, w.scheme));
                }
                *summary.hardened.entry(w.scheme.clone()).or_default() += 1;
            }
            bar.inc(work.len() as u64);
            continue;
        }
        // Hash on worker threads; the previous batch is being written meanwhile.
        let hashed = {
            let policy = Arc::clone(&policy);
            let bar = bar.clone();
            let jobs = opts.jobs;
            tokio::task::spawn_blocking(move || hash_all(&policy, work, jobs, &bar))
                .await
                .map_err(|e| Failure(format!("worker thread failed: {e}")))?
        };
        let mut updates = Vec::with_capacity(hashed.len());
        let mut schemes = Vec::with_capacity(hashed.len());
        for (w, result) in hashed {
            match result {
                Ok(new) if table.hash_max_len.is_some_and(|max| new.len() as i64 > max) => {
                    let max = table.hash_max_len.unwrap_or(0);
                    summary.failed.add(
                        &format!(
                            "{}: the new value ({} characters) does not fit the hash column ({max}); widen it",
                            w.scheme,
                            new.len()
                        ),
                        &w.id,
                    );
                }
                Ok(new) => {
                    schemes.push((w.scheme, w.input));
                    updates.push(Update {
                        id: w.id,
                        old: w.old,
                        new,
                    });
                }
                Err(e) => summary.failed.add(&format!("{}: {e}", w.scheme), &w.id),
            }
        }
        if let Some(previous) = in_flight.take() {
            record(&mut summary, &mut sample, previous).await?;
        }
        let db = db.clone();
        let table = table.clone();
        in_flight = Some(tokio::spawn(async move {
            let applied = db.compare_and_set(&table, &updates).await?;
            Ok((updates, schemes, applied))
        }));
    }
    if let Some(previous) = in_flight.take() {
        record(&mut summary, &mut sample, previous).await?;
    }
    bar.finish_and_clear();
    if !opts.dry_run {
        sample.check(db, table, &policy, &mut summary).await?;
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Waits for a batch's transaction and counts what it did.
async fn record(
    summary: &mut Summary,
    sample: &mut Sample,
    batch: JoinHandle<Result<Written, Failure>>,
) -> Result<(), Failure> {
    let (updates, schemes, applied) = batch
        .await
        .map_err(|e| Failure(format!("database task failed: {e}")))??;
    for ((update, (scheme, input)), ok) in updates.into_iter().zip(schemes).zip(applied) {
        if ok {
            *summary.hardened.entry(scheme).or_default() += 1;
            sample.offer(update, input);
        } else {
            summary.changed_by_application += 1;
        }
    }
    Ok(())
}

/// Calls `f` again while the policy's admission gate answers [`pwharden::Error::Busy`]:
/// a batch job waits for its turn rather than failing rows (for at most ten minutes).
pub fn patiently<T>(
    mut f: impl FnMut() -> Result<T, pwharden::Error>,
) -> Result<T, pwharden::Error> {
    let give_up = Instant::now() + Duration::from_secs(600);
    loop {
        match f() {
            Err(pwharden::Error::Busy) if Instant::now() < give_up => {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// Hashes every row of `work` on `jobs` threads; results in input order.
fn hash_all(
    policy: &Policy,
    work: Vec<Work>,
    jobs: usize,
    bar: &ProgressBar,
) -> Vec<(Work, Result<String, pwharden::Error>)> {
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<Result<String, pwharden::Error>>> = Vec::new();
    results.resize_with(work.len(), || None);
    let threads = jobs.clamp(1, work.len().max(1));
    let chunks: Vec<Vec<(usize, Result<String, pwharden::Error>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(w) = work.get(i) else { break };
                        done.push((i, patiently(|| policy.wrap(&w.input))));
                        bar.inc(1);
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    for (i, r) in chunks.into_iter().flatten() {
        if let Some(slot) = results.get_mut(i) {
            *slot = Some(r);
        }
    }
    work.into_iter()
        .zip(results)
        .map(|(w, r)| (w, r.unwrap_or(Err(pwharden::Error::Internal))))
        .collect()
}

/// A uniform random sample (reservoir) of the rows written, re-verified at the end.
struct Sample {
    want: usize,
    seen: u64,
    /// (update written, what was wrapped).
    rows: Vec<(Update, String)>,
}

impl Sample {
    fn new(want: usize) -> Self {
        Self {
            want,
            seen: 0,
            rows: Vec::new(),
        }
    }

    fn offer(&mut self, update: Update, input: String) {
        if self.want == 0 {
            return;
        }
        self.seen += 1;
        if self.rows.len() < self.want {
            self.rows.push((update, input));
        } else {
            let r = getrandom::u64().unwrap_or(0) % self.seen;
            if let Some(slot) = usize::try_from(r).ok().and_then(|r| self.rows.get_mut(r)) {
                *slot = (update, input);
            }
        }
    }

    /// Reads each sampled row back and checks that it is the original, wrapped.
    async fn check(
        &mut self,
        db: &Db,
        table: &Table,
        policy: &Arc<Policy>,
        summary: &mut Summary,
    ) -> Result<(), Failure> {
        let mut to_check = Vec::new();
        for (update, input) in self.rows.drain(..) {
            match db.hash_of(table, &update.id).await? {
                Some(Cell::Text(now)) if now == update.new => to_check.push((update, input)),
                _ => summary.sample_skipped += 1,
            }
        }
        let policy = Arc::clone(policy);
        let checked = tokio::task::spawn_blocking(move || {
            to_check
                .into_iter()
                .map(|(u, input)| {
                    let ok = patiently(|| policy.is_wrap_of(&input, &u.new));
                    (u.id, ok)
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| Failure(format!("worker thread failed: {e}")))?;
        for (id, ok) in checked {
            summary.sample_checked += 1;
            match ok {
                Ok(true) => {}
                Ok(false) => summary.failed.add(
                    "verify-sample: stored value is not the original wrapped",
                    &id,
                ),
                Err(e) => summary.failed.add(&format!("verify-sample: {e}"), &id),
            }
        }
        Ok(())
    }
}

/// Prints the summary (text or JSON) on stdout, and when rows failed or were left
/// untouched, one line saying so on stderr.
pub fn print(summary: &Summary, opts: &Options) {
    if opts.json {
        println!("{}", summary.to_json(opts.dry_run));
    } else {
        print!("{}", summary.to_text(opts.dry_run));
    }
    let (failed, left) = (
        summary.failed.total(),
        summary.unrecognised.total() + summary.unreadable.total(),
    );
    if failed > 0 {
        eprintln!(
            "pwharden: {failed} rows failed and {left} were left untouched (unrecognised or unreadable); see the summary"
        );
    } else if left > 0 {
        eprintln!(
            "pwharden: {left} rows left untouched (unrecognised or unreadable); see the summary"
        );
    }
}
