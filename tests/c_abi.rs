//! The C ABI from C: tests/c/test_pwharden.c and examples/c/login.c, compiled with the
//! system C compiler against include/pwharden.h, linked once to libpwharden.so and once to
//! libpwharden.a, run plainly and under valgrind (no definite leaks, no invalid access).
//! A missing compiler or valgrind fails these tests; tests/c/setup.sh installs them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod clib;

use std::path::{Path, PathBuf};
use std::process::Command;

use clib::{Scratch, libs, root, run_ok};

const CFLAGS: [&str; 5] = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"];
/// What the Rust standard library in libpwharden.a needs (pwharden.pc's Libs.private).
const STATIC_DEPS: [&str; 7] = [
    "-lgcc_s",
    "-lutil",
    "-lrt",
    "-lpthread",
    "-lm",
    "-ldl",
    "-lc",
];

#[derive(Clone, Copy, Debug)]
enum Link {
    Shared,
    Static,
}

/// Compiles one C file into `dir`, against the header in the source tree.
fn compile(source: &str, link: Link, dir: &Path) -> PathBuf {
    let libs = libs();
    let exe = dir.join(format!(
        "{}-{link:?}",
        Path::new(source).file_stem().unwrap().to_str().unwrap()
    ));
    let mut cc = Command::new("cc");
    cc.args(CFLAGS)
        .arg("-I")
        .arg(root().join("include"))
        .arg(root().join(source))
        .arg("-o")
        .arg(&exe)
        .arg("-pthread");
    match link {
        Link::Shared => {
            cc.arg("-L")
                .arg(&libs.dir)
                .arg("-lpwharden")
                .arg(format!("-Wl,-rpath,{}", libs.dir.display()));
        }
        // The archive itself, so that the linker cannot pick the .so beside it.
        Link::Static => {
            cc.arg(&libs.static_).args(STATIC_DEPS);
        }
    }
    run_ok(&format!("cc {source} ({link:?})"), &mut cc);
    exe
}

fn valgrind(exe: &Path) -> Command {
    let mut cmd = Command::new("valgrind");
    cmd.args([
        "--error-exitcode=99",
        "--leak-check=full",
        "--errors-for-leak-kinds=definite",
        "--show-leak-kinds=definite",
        "--quiet",
    ])
    .arg(exe);
    cmd
}

fn c_test(link: Link) {
    let scratch = Scratch::new(&format!("c-test-{link:?}"));
    let exe = compile("tests/c/test_pwharden.c", link, &scratch.0);
    let legacy = if clib::legacy_built() { "1" } else { "0" };
    let env = [
        ("PWH_TEST_LEGACY", legacy),
        ("PWH_TEST_VERSION", env!("CARGO_PKG_VERSION")),
    ];

    let out = run_ok(
        &format!("test_pwharden ({link:?})"),
        Command::new(&exe).envs(env),
    );
    assert!(out.contains(" 0 failed"), "{out}");
    let out = run_ok(
        &format!("test_pwharden ({link:?}) under valgrind"),
        valgrind(&exe).envs(env),
    );
    assert!(out.contains(" 0 failed"), "{out}");
}

#[test]
fn c_test_against_the_shared_library() {
    c_test(Link::Shared);
}

#[test]
fn c_test_against_the_static_library() {
    c_test(Link::Static);
}

/// A static link really is static: the program runs with no libpwharden.so to be found.
#[test]
fn static_link_needs_no_shared_library() {
    let scratch = Scratch::new("static-only");
    let exe = compile("examples/c/login.c", Link::Static, &scratch.0);
    let toml = scratch.0.join("cheap.toml");
    std::fs::write(&toml, CHEAP_TOML).unwrap();
    let out = run_ok(
        "login (static)",
        Command::new(&exe).arg(&toml).env_remove("LD_LIBRARY_PATH"),
    );
    check_login_output(&out);
}

const CHEAP_TOML: &str =
    "allow_weak_target = true\n[argon2]\nm_cost = 256\nt_cost = 1\np_cost = 1\n";

fn check_login_output(out: &str) {
    for line in [
        "alice: logged in\n",
        "alice: refused (wrong password)\n",
        "mallory: refused (no such user; timed)\n",
        "carol: logged in; stored hash upgraded to $argon2id$...\n",
        "carol: logged in\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    let dave = if clib::legacy_built() {
        "dave: logged in; stored hash upgraded to $argon2id$...\n"
    } else {
        "dave: refused (error -2: unsupported hash scheme)\n"
    };
    assert!(out.contains(dave), "missing {dave:?} in:\n{out}");
}

/// The README's install recipe: scripts/install-c.sh into a prefix, then the example built
/// with pkg-config, shared and static, and run under valgrind.
#[test]
fn example_login_built_with_pkg_config() {
    let libs = libs();
    let scratch = Scratch::new("install");
    let prefix = scratch.0.join("prefix");
    run_ok(
        "scripts/install-c.sh",
        Command::new("bash")
            .arg(root().join("scripts/install-c.sh"))
            .arg(&prefix)
            .arg(&libs.dir),
    );
    for file in [
        "lib/libpwharden.so",
        "lib/libpwharden.a",
        "include/pwharden.h",
        "lib/pkgconfig/pwharden.pc",
    ] {
        assert!(prefix.join(file).exists(), "{file} not installed");
    }
    let pkg_config = |args: &[&str]| -> Vec<String> {
        let out = run_ok(
            "pkg-config",
            Command::new("pkg-config")
                .args(args)
                .arg("pwharden")
                .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig")),
        );
        out.split_whitespace().map(str::to_owned).collect()
    };
    assert_eq!(pkg_config(&["--modversion"]), [env!("CARGO_PKG_VERSION")]);
    let cflags = pkg_config(&["--cflags"]);
    let toml = scratch.0.join("cheap.toml");
    std::fs::write(&toml, CHEAP_TOML).unwrap();

    for (name, libs_args) in [
        ("shared", pkg_config(&["--libs"])),
        ("static", pkg_config(&["--variable=static_libs"])),
    ] {
        let exe = scratch.0.join(format!("login-{name}"));
        run_ok(
            &format!("cc examples/c/login.c with pkg-config ({name})"),
            Command::new("cc")
                .args(CFLAGS)
                .args(&cflags)
                .arg(root().join("examples/c/login.c"))
                .arg("-o")
                .arg(&exe)
                .args(&libs_args),
        );
        let out = run_ok(
            &format!("login ({name}) under valgrind"),
            valgrind(&exe)
                .arg(&toml)
                .env("LD_LIBRARY_PATH", prefix.join("lib")),
        );
        check_login_output(&out);
    }
}

/// The header also compiles as C++ (cbindgen's cpp_compat guards).
#[test]
fn header_compiles_as_cpp() {
    let scratch = Scratch::new("cpp");
    let source = scratch.0.join("use.cpp");
    std::fs::write(
        &source,
        "#include \"pwharden.h\"\nint main() { return pwh_stored_max() == PWH_STORED_MAX ? 0 : 1; }\n",
    )
    .unwrap();
    run_ok(
        "c++ -fsyntax-only",
        Command::new("c++")
            .args(["-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-I"])
            .arg(root().join("include"))
            .arg(&source),
    );
}
