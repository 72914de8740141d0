//! The worker and timer threads of `pwharden::asynchronous::AsyncPolicy`, as the tests that
//! wait for them to end see them (tests/asynchronous.rs, tests/memory.rs).

/// This process's threads whose name starts with `pwharden-` (Linux: /proc/self/task).
pub fn pwharden_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .filter(|name| name.starts_with("pwharden-"))
        .count()
}
