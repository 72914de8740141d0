//! `pwharden audit`: a census of a password table by scheme and strength class.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use pwharden::Policy;
use serde_json::{Value, json};

use crate::Failure;
use crate::assess::{Action, Class, Salting, assess};
use crate::db::{Db, Id, Table};

/// Rows read per query.
const PAGE: usize = 2000;
/// Ids listed per reason in reports.
pub const SHOWN_IDS: usize = 5;

/// Reasons with a row count and the first few ids.
#[derive(Default, Debug)]
pub struct Reasons(pub BTreeMap<String, (u64, Vec<Id>)>);

impl Reasons {
    pub fn add(&mut self, reason: &str, id: &Id) {
        let entry = self.0.entry(reason.to_owned()).or_default();
        entry.0 += 1;
        if entry.1.len() < SHOWN_IDS {
            entry.1.push(id.clone());
        }
    }

    pub fn total(&self) -> u64 {
        self.0.values().map(|(n, _)| n).sum()
    }

    pub fn to_json(&self) -> Value {
        Value::Object(
            self.0
                .iter()
                .map(|(reason, (n, ids))| {
                    let ids: Vec<Value> = ids.iter().map(id_json).collect();
                    (reason.clone(), json!({ "rows": n, "first_ids": ids }))
                })
                .collect(),
        )
    }

    /// One indented line per reason.
    pub fn write_lines(&self, out: &mut String) {
        for (reason, (n, ids)) in &self.0 {
            let ids: Vec<String> = ids.iter().map(Id::to_string).collect();
            let more = if *n > ids.len() as u64 { ", ..." } else { "" };
            let _ = writeln!(out, "      {n:>8}  {reason} (ids {}{more})", ids.join(", "));
        }
    }
}

pub fn id_json(id: &Id) -> Value {
    match id {
        Id::Int(i) => json!(i),
        Id::Text(s) => json!(s),
    }
}

/// The census of a table.
#[derive(Default, Debug)]
pub struct Census {
    pub rows: u64,
    pub classes: BTreeMap<Class, u64>,
    pub schemes: BTreeMap<String, (Class, u64)>,
    /// Unsalted digests by (algorithm, raw digest): how many rows hold each.
    shared: HashMap<(&'static str, Vec<u8>), u64>,
    pub unrecognised: Reasons,
    pub unreadable: Reasons,
    /// Rows of a known scheme that cannot be wrapped.
    pub unwrappable: Reasons,
}

/// Rows that share an unsalted hash with at least one other row.
#[derive(Debug, PartialEq, Eq)]
pub struct Shared {
    pub rows: u64,
    pub distinct: u64,
    pub largest: u64,
}

impl Census {
    pub fn add(&mut self, policy: &Policy, row: &crate::db::Row, salting: &Salting) {
        let a = assess(policy, row, salting);
        self.rows += 1;
        *self.classes.entry(a.class).or_default() += 1;
        self.schemes
            .entry(a.scheme.clone())
            .or_insert((a.class, 0))
            .1 += 1;
        if let Some(key) = a.shared_key {
            *self.shared.entry(key).or_default() += 1;
        }
        match &a.action {
            Action::Unrecognised(why) => self.unrecognised.add(why, &row.id),
            Action::Unreadable(why) => self.unreadable.add(why, &row.id),
            Action::Fail(why) => self.unwrappable.add(why, &row.id),
            Action::Done | Action::LoginUpgrade | Action::Wrap(_) => {}
        }
    }

    pub fn shared(&self) -> Shared {
        let groups = self.shared.values().filter(|n| **n > 1);
        Shared {
            rows: groups.clone().sum(),
            distinct: groups.clone().count() as u64,
            largest: groups.max().copied().unwrap_or(0),
        }
    }

    fn share(&self, n: u64) -> f64 {
        if self.rows == 0 {
            0.0
        } else {
            n as f64 / self.rows as f64
        }
    }

    pub fn to_json(&self, table: &str, db: &str) -> Value {
        let classes: serde_json::Map<String, Value> = Class::ALL
            .iter()
            .map(|c| {
                let n = self.classes.get(c).copied().unwrap_or(0);
                (
                    c.key().to_owned(),
                    json!({ "rows": n, "share": self.share(n) }),
                )
            })
            .collect();
        let schemes: serde_json::Map<String, Value> = self
            .schemes
            .iter()
            .map(|(name, (class, n))| {
                (
                    name.clone(),
                    json!({ "class": class.key(), "rows": n, "share": self.share(*n) }),
                )
            })
            .collect();
        let shared = self.shared();
        json!({
            "database": db,
            "table": table,
            "rows": self.rows,
            "classes": classes,
            "schemes": schemes,
            "shared_unsalted": {
                "rows": shared.rows,
                "distinct_hashes": shared.distinct,
                "largest_group": shared.largest,
            },
            "unreadable": self.unreadable.total(),
            "unreadable_reasons": self.unreadable.to_json(),
            "unrecognised_reasons": self.unrecognised.to_json(),
            "unwrappable": self.unwrappable.total(),
            "unwrappable_reasons": self.unwrappable.to_json(),
        })
    }

    pub fn to_text(&self, table: &str, db: &str) -> String {
        let mut out = String::new();
        let pct = |n: u64| format!("{:5.1}%", 100.0 * self.share(n));
        let _ = writeln!(out, "audit of {table} ({db}): {} rows", self.rows);
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "  {:<30} {:>9} {:>7}",
            "strength class", "rows", "share"
        );
        for class in Class::ALL {
            let n = self.classes.get(&class).copied().unwrap_or(0);
            let _ = writeln!(out, "  {:<30} {n:>9} {}", class.label(), pct(n));
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "  {:<24} {:<22} {:>9} {:>7}",
            "scheme", "class", "rows", "share"
        );
        let mut schemes: Vec<_> = self.schemes.iter().collect();
        schemes.sort_by(|a, b| {
            (a.1.0, std::cmp::Reverse(a.1.1)).cmp(&(b.1.0, std::cmp::Reverse(b.1.1)))
        });
        for (name, (class, n)) in schemes {
            let _ = writeln!(out, "  {name:<24} {:<22} {n:>9} {}", class.key(), pct(*n));
        }
        let shared = self.shared();
        let _ = writeln!(out);
        if shared.rows == 0 {
            let _ = writeln!(out, "  shared unsalted hashes: none");
        } else {
            let _ = writeln!(
                out,
                "  shared unsalted hashes: {} rows share {} distinct hashes (largest group {} \
                 rows): crack one, log in to all of its group",
                shared.rows, shared.distinct, shared.largest
            );
        }
        let sections = [
            ("could not be read", &self.unreadable),
            (
                "unrecognised (left untouched by harden)",
                &self.unrecognised,
            ),
            (
                "known scheme, cannot be wrapped (harden fails these)",
                &self.unwrappable,
            ),
        ];
        for (title, reasons) in sections {
            let _ = writeln!(out, "  {title}: {}", reasons.total());
            reasons.write_lines(&mut out);
        }
        out
    }
}

/// Reads the whole table and counts.
pub async fn census(
    db: &Db,
    table: &Table,
    policy: &Policy,
    salting: &Salting,
) -> Result<Census, Failure> {
    let mut census = Census::default();
    let mut after: Option<Id> = None;
    loop {
        let page = db.page(table, after.as_ref(), PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id.clone());
        for row in &page {
            census.add(policy, row, salting);
        }
    }
    Ok(census)
}
