//! Helpers for the tests of the C ABI's callers (tests/c_abi.rs, tests/python_ffi.rs,
//! tests/php_ffi.rs): the built libraries, scratch directories, running programs.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Instant;

/// libpwharden.so and libpwharden.a of the profile this test was built in.
pub struct Libs {
    pub dir: PathBuf,
    pub shared: PathBuf,
    pub static_: PathBuf,
}

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the cdylib and staticlib (`cargo test` builds only the rlib) of this test's
/// profile, once per test binary, and returns where they are.
pub fn libs() -> &'static Libs {
    static LIBS: OnceLock<Libs> = OnceLock::new();
    LIBS.get_or_init(|| {
        // target/<profile>/deps/<this test> -> target/<profile>
        let exe = std::env::current_exe().unwrap();
        let dir = exe.parent().unwrap().parent().unwrap().to_path_buf();
        let profile = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let mut cargo = Command::new(env!("CARGO"));
        cargo
            .current_dir(root())
            .args(["build", "--lib", "--locked"]);
        match profile.as_str() {
            "debug" => {}
            "release" => {
                cargo.arg("--release");
            }
            other => {
                cargo.args(["--profile", other]);
            }
        }
        let out = cargo.output().expect("cannot run cargo");
        assert!(
            out.status.success(),
            "cargo build --lib failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let libs = Libs {
            shared: dir.join("libpwharden.so"),
            static_: dir.join("libpwharden.a"),
            dir,
        };
        assert!(libs.shared.exists(), "{} missing", libs.shared.display());
        assert!(libs.static_.exists(), "{} missing", libs.static_.display());
        libs
    })
}

/// A fresh scratch directory under the target directory, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let dir = libs().dir.join("ffi-tests").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Runs `cmd`; a program that cannot be started fails the test (it is never skipped).
/// Prints how long it took, so that `--nocapture` shows the cost of each caller.
pub fn run(what: &str, cmd: &mut Command) -> Output {
    let start = Instant::now();
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e} (run tests/c/setup.sh)"));
    eprintln!("{what}: {:.2}s", start.elapsed().as_secs_f64());
    out
}

/// Runs `cmd` and insists on exit status 0; returns stdout.
pub fn run_ok(what: &str, cmd: &mut Command) -> String {
    let out = run(what, cmd);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    stdout
}

/// Whether this build has the legacy schemes, asked of the Rust API (not of the C ABI
/// under test): a bare MD5 hex digest is one of them.
pub fn legacy_built() -> bool {
    pwharden::Policy::default()
        .identify("5f4dcc3b5aa765d61d8327deb882cf99")
        .is_ok()
}
