#!/usr/bin/env python3
"""The C ABI from Python, through examples/python/pwharden.py (ctypes).

    .venv-peers/bin/python tests/python/test_ffi.py LIB HEADER [--skip FILE.tsv]...

Run by tests/python_ffi.rs with the peers' interpreter (argon2-cffi). Checks:
  * the wrapper's constants and the library's symbols against include/pwharden.h;
  * every tests/vectors/*.tsv line (except argon2id-secret.tsv and salted.tsv, which are
    not <password, stored> pairs) verifies through the C ABI, a wrong password does not,
    and a replacement, when one comes back, verifies as current; a file given with --skip
    (its scheme is not in this build, as the Rust API says) must instead fail every line
    with PWH_ERR_UNSUPPORTED_SCHEME;
  * hashes made through pwharden verify with argon2-cffi's PasswordHasher, and fresh
    argon2-cffi hashes verify through pwharden;
  * errors: refused policies, hostile stored strings, length limits; 8 threads at once;
    random bytes give only documented codes.
Prints `python: N passed, M failed`; exits 0 only when M is 0.
"""

import argparse
import ctypes
import random
import re
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "python"))

import argon2  # noqa: E402  (argon2-cffi, the peer)
import pwharden  # noqa: E402

CHEAP = """
allow_weak_target = true
[argon2]
m_cost = 256
t_cost = 1
p_cost = 1
"""
NOT_PAIRS = {"argon2id-secret.tsv", "salted.tsv"}

passed = 0
failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL", what, flush=True)


def raises(code, fn, *args):
    try:
        fn(*args)
    except pwharden.PwhardenError as e:
        return e.code == code
    return False


def header_matches(lib, header):
    text = Path(header).read_text()
    defines = dict(re.findall(r"^#define (PWH_\w+) (-?\d+)$", text, re.M))
    check(len(defines) >= 20, "header defines found")
    for name, value in defines.items():
        if name in ("PWH_STORED_MAX", "PWH_NAME_MAX"):
            continue
        py = getattr(pwharden, name[len("PWH_"):], None)
        check(py == int(value), f"pwharden.{name[4:]} = {py}, header says {value}")
    check(lib.pwh_stored_max() == int(defines["PWH_STORED_MAX"]), "PWH_STORED_MAX")
    check(lib.pwh_name_max() == int(defines["PWH_NAME_MAX"]), "PWH_NAME_MAX")
    functions = set(re.findall(r"\b(pwh_\w+)\(", text))
    check(len(functions) >= 18, "header functions found")
    for name in sorted(functions):
        check(hasattr(lib, name), f"library exports {name}")


def vectors(skip):
    policy = pwharden.Policy(CHEAP)
    files = sorted(p for p in (ROOT / "tests" / "vectors").glob("*.tsv") if p.name not in NOT_PAIRS)
    check(len(files) >= 4, "vector files found")
    for path in files:
        lines = [l.split("\t") for l in path.read_text().splitlines() if l and not l.startswith("#")]
        ok = 0
        for n, cols in enumerate(lines, 1):
            pw, stored = bytes.fromhex(cols[0]), cols[1]
            where = f"{path.name} line {n}"
            if path.name in skip:
                check(raises(pwharden.ERR_UNSUPPORTED_SCHEME, policy.verify, pw, stored),
                      f"{where}: unsupported in this build")
                continue
            try:
                valid, replacement = policy.verify(pw, stored)
                wrong, _ = policy.verify(b"X" + pw, stored)
                name = policy.identify(stored)
                due = policy.needs_upgrade(stored)
            except pwharden.PwhardenError as e:
                check(False, f"{where}: {e}")
                continue
            check(valid, f"{where}: right password refused")
            check(not wrong, f"{where}: wrong password accepted")
            check(bool(name), f"{where}: identify")
            check(due == (replacement is not None), f"{where}: needs_upgrade agrees with verify")
            if replacement is not None:
                check(policy.verify(pw, replacement) == (True, None), f"{where}: replacement")
            ok += valid and not wrong
        if path.name in skip:
            print(f"skip {path.name}: {len(lines)} lines unsupported in this build, as expected")
        else:
            print(f"ok {path.name}: {ok} of {len(lines)} lines")
    policy.close()


def argon2_cffi_peer():
    peer = argon2.PasswordHasher()
    default = pwharden.Policy()
    with pwharden.Policy(CHEAP) as cheap:
        for pw in [b"pizza123", "pässwörd-日本語-🍕".encode(), b"\x00\xffbinary\x01", b"a" * 1024]:
            for policy, label in [(default, "default"), (cheap, "cheap")]:
                stored = policy.hash(pw)
                check(stored.startswith("$argon2id$v=19$"), f"{label} hash format")
                check(peer.verify(stored, pw), f"argon2-cffi accepts pwharden's {label} hash")
                try:
                    peer.verify(stored, pw + b"!")
                    check(False, "argon2-cffi refuses a wrong password")
                except argon2.exceptions.VerifyMismatchError:
                    check(True, "")
        # A bytearray is read in place, and gives the same answers.
        stored = cheap.hash(bytearray(b"in place"))
        check(cheap.verify(bytearray(b"in place"), stored) == (True, None), "bytearray password")
        check(peer.verify(stored, b"in place"), "argon2-cffi accepts a bytearray-made hash")
        # Fresh hashes from argon2-cffi verify through pwharden (their costs are above both
        # targets: no upgrade).
        theirs = peer.hash("correct horse")
        check(default.verify("correct horse", theirs) == (True, None), "argon2-cffi hash, default")
        check(cheap.verify("correct horse", theirs) == (True, None), "argon2-cffi hash, cheap")
        check(cheap.verify("wrong horse", theirs) == (False, None), "argon2-cffi hash, wrong")
        weak = argon2.PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash("x")
        ok, replacement = default.verify("x", weak)
        check(ok and replacement and replacement.startswith("$argon2id$v=19$m=19456,t=2,p=1$"),
              "a weak argon2-cffi hash is upgraded to the default target")
        check(peer.verify(replacement, "x"), "argon2-cffi accepts the replacement")


def errors():
    with pwharden.Policy(CHEAP) as cheap:
        stored = cheap.hash("pw")
        check(raises(pwharden.ERR_UNSUPPORTED_SCHEME, cheap.verify, "pw", ""), "empty stored")
        check(raises(pwharden.ERR_MALFORMED_HASH, cheap.verify, "pw", b"\xff\xfe"), "not UTF-8")
        check(raises(pwharden.ERR_MALFORMED_HASH, cheap.verify, "pw", stored + "\0junk"), "NUL")
        check(raises(pwharden.ERR_MALFORMED_HASH, cheap.verify, "pw", stored.rsplit("$", 1)[0]), "truncated")
        check(raises(pwharden.ERR_INVALID_ARGUMENT, cheap.verify, "pw", "a" * 600), "too long")
        check(raises(pwharden.ERR_PARAMS_OVER_LIMIT, cheap.verify, "pw",
                     stored.replace("m=256", "m=999999999")), "costs over the limits")
        check(raises(pwharden.ERR_NOT_WRAPPABLE, cheap.wrap, stored), "wrap an Argon2 hash")
        check(raises(pwharden.ERR_PASSWORD_TOO_SHORT, cheap.hash, b""), "empty password")
        check(raises(pwharden.ERR_PASSWORD_TOO_LONG, cheap.hash, b"a" * 1025), "long password")
        check(cheap.verify_unknown_user("pw") is False, "unknown user")
        check(cheap.identify(stored) == "argon2id", "identify")
    try:
        pwharden.Policy("bogus_key = 1")
        check(False, "a bad policy is refused")
    except pwharden.PwhardenError as e:
        check(e.code == pwharden.ERR_CONFIG and "bogus_key" in str(e), f"config error: {e}")
    try:
        pwharden.Policy("[argon2]\nm_cost = 8\nt_cost = 1\np_cost = 1\n")
        check(False, "a weak target is refused")
    except pwharden.PwhardenError as e:
        check(e.code == pwharden.ERR_CONFIG and "OWASP" in str(e), f"config error: {e}")


def threads():
    with pwharden.Policy(CHEAP) as cheap:
        stored = cheap.hash("shared")
        results = []

        def work(i):
            for j in range(4):
                right = (i + j) % 2 == 0
                results.append(cheap.verify("shared" if right else "other", stored) == (right, None))

        ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        check(len(results) == 32 and all(results), "8 threads verifying at once")


def random_bytes():
    documented = {0, 1, 2} | {v for k, v in vars(pwharden).items() if k.startswith("ERR_")}
    rng = random.Random(20261128)
    lib = pwharden.load()
    with pwharden.Policy(CHEAP) as cheap:
        for _ in range(300):
            pw = bytes(rng.randrange(256) for _ in range(rng.randrange(40)))
            stored = bytes(rng.choice(b"$argon2id=,v19mtp0123456789abcdefABC+/\xff") for _ in range(rng.randrange(80)))
            cap = rng.choice([0, 1, 2, 10, 100, 513, 600])
            out = ctypes.create_string_buffer(cap) if cap else None
            rc = lib.pwh_verify_with_policy(cheap._handle, pw, len(pw), stored.split(b"\0")[0], out, cap)
            check(rc in documented, f"verify code {rc}")
            rc = lib.pwh_identify_with_policy(cheap._handle, stored.split(b"\0")[0], out, cap)
            check(rc in documented, f"identify code {rc}")


def screening():
    check(pwharden.screen("correct horse battery staple") == [], "screen: acceptable")
    check([c for c, _ in pwharden.screen("pizza123")] == ["common"], "screen: common")
    reasons = pwharden.screen("Alice.Smith", email="alice.smith@example.com", names=["Alice Smith"])
    check([c for c, _ in reasons] == ["user_context"], f"screen: context {reasons}")
    check([c for c, _ in pwharden.screen(b"abc")] == ["too_short", "common", "repetitive"], "screen: several")
    with pwharden.Policy('[screen]\nsite_words = ["Contoso"]\n') as site:
        check([c for c, _ in site.screen("contoso2024")] == ["site_word"], "screen: site word")
    long_email = lambda: pwharden.screen("purple-otter-sings-at-dawn", email="a" * 300)
    check(raises(pwharden.ERR_INVALID_ARGUMENT, long_email), "screen: long context")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lib")
    ap.add_argument("header")
    ap.add_argument("--skip", action="append", default=[])
    args = ap.parse_args()
    lib = pwharden.load(args.lib)
    print("pwharden", pwharden.version())
    header_matches(lib, args.header)
    vectors(set(args.skip))
    argon2_cffi_peer()
    errors()
    threads()
    random_bytes()
    screening()
    print(f"python: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
