#!/usr/bin/env python3
"""Regenerate tests/vectors/* from THIRD-PARTY implementations.

Every expected value in tests/vectors is produced here by a peer
implementation (argon2-cffi, passlib, bcrypt, Django, Python's crypt module /
libxcrypt, Python's hashlib, PHP's password_hash, the npm package
drupal-hash) -- never by pwharden itself.  Salts are random, so re-running
rewrites every file with new (equally valid) lines.

Usage (after tests/peers/setup.sh):

    .venv-peers/bin/python tests/vectors/gen/generate.py          # regenerate + self-check
    .venv-peers/bin/python tests/vectors/gen/generate.py --check  # only re-verify files

Run with any other interpreter, it re-executes itself under .venv-peers.

After writing, every file is re-read, parsed against the strict line format,
and every line is re-verified by the peer(s) (and by a second, independent
peer where one is available); a wrong password must be rejected.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
VECTORS = ROOT / "tests" / "vectors"
PEERS = ROOT / "tests" / "peers"
VENV_PY = ROOT / ".venv-peers" / "bin" / "python"
GEN = "tests/vectors/gen/generate.py"

if Path(sys.prefix).resolve() != (ROOT / ".venv-peers").resolve():
    if not VENV_PY.exists():
        sys.exit("generate.py: run tests/peers/setup.sh first (no .venv-peers)")
    os.execv(str(VENV_PY), [str(VENV_PY), __file__, *sys.argv[1:]])

warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", module="django")

import crypt  # noqa: E402  (libxcrypt; deprecated in 3.11, removed in 3.13)
from importlib.metadata import version as pkg_version  # noqa: E402

import argon2  # noqa: E402
import argon2.low_level as a2  # noqa: E402
import bcrypt as bcrypt_pkg  # noqa: E402
import django  # noqa: E402
from django.conf import settings  # noqa: E402
from passlib import hash as ph  # noqa: E402

settings.configure(
    INSTALLED_APPS=[],
    USE_TZ=True,
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.SHA1PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.UnsaltedSHA1PasswordHasher",
    ],
)
django.setup()
from django.contrib.auth import hashers as dj  # noqa: E402

sys.path.insert(0, str(PEERS))
import verify_argon2  # noqa: E402  (tests/peers/verify_argon2.py)

# --------------------------------------------------------------------------
# Password set (bytes).  All are valid UTF-8 so that str-only peers
# (crypt, Django, drupal_hash_utility) can take them too.

P72 = (b"72-byte password: " + b"abcdefghijklmnopqrstuvwxyz0123456789" * 2)[:72]
assert len(P72) == 72
P73 = P72 + b"Z"  # shares its first 72 bytes with P72
P73_SPLIT = b"a" * 71 + "\u00e9".encode()  # byte 72 cuts the 2-byte 'é' in half
assert len(P73_SPLIT) == 73
P200 = (b"0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ." * 4)[:200]
assert len(P200) == 200

PASSWORDS = [
    b"password",
    b"correct horse battery staple",
    b"pizza123",
    "p\u00e4ssw\u00f6rd-\u65e5\u672c\u8a9e-\U0001f355".encode(),  # pässwörd-日本語-🍕
    b"P@ss w0rd! #$%&'()*+,-./:;<=>?[\\]^_`{|}~\"",
    P72,
    P73,
    P200,
    b"x",
]
SHORT = PASSWORDS[:5] + [b"x"]  # for lines where a full set would be too slow
for _p in PASSWORDS + [P73_SPLIT]:
    _p.decode("utf-8")  # all must be valid UTF-8


def tail_variant(pw: bytes) -> bytes:
    """Same first 72 bytes, different tail (for the bcrypt truncation lines)."""
    return pw[:72] + b"#a-different-tail-beyond-byte-72"


def wrong(pw: bytes) -> bytes:
    """A password that must NOT verify (differs in its first byte)."""
    return b"X" + pw


# --------------------------------------------------------------------------
# Peer versions


def sh(*cmd, input_text=None):
    return subprocess.run(
        cmd, input=input_text, capture_output=True, text=True, check=True
    ).stdout


def dpkg_version(pkg):
    try:
        return sh("dpkg-query", "-W", "-f=${Version}", pkg).strip() or "unknown"
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


V = {
    name: pkg_version(name)
    for name in ["argon2-cffi", "argon2-cffi-bindings", "passlib", "bcrypt",
                 "Django", "drupal-hash-utility"]
}
V["python"] = "%d.%d.%d" % sys.version_info[:3]
V["libxcrypt"] = dpkg_version("libcrypt1")
V["openssl"] = __import__("ssl").OPENSSL_VERSION
V["libargon2-bundled"] = "20190702 (bundled in argon2-cffi-bindings wheel)"


class Php:
    """tests/vectors/gen/php_vectors.php, batched through one process."""

    script = HERE / "php_vectors.php"

    @classmethod
    def run(cls, requests):
        if not requests:
            return []
        text = "".join("\t".join(r) + "\n" for r in requests)
        out = sh("php", str(cls.script), input_text=text).splitlines()
        assert len(out) == len(requests), (len(out), len(requests))
        return out

    @classmethod
    def version(cls):
        ver, provider = cls.run([("version",)])[0].split("\t")
        return ver, provider


class Node:
    """tests/vectors/gen/drupal_vectors.js (npm drupal-hash)."""

    script = HERE / "drupal_vectors.js"

    @classmethod
    def run(cls, requests):
        if not requests:
            return []
        text = "".join("\t".join(r) + "\n" for r in requests)
        out = sh("node", "--no-deprecation", str(cls.script),
                 input_text=text).splitlines()
        assert len(out) == len(requests), (len(out), len(requests))
        return out

    @classmethod
    def version(cls):
        return cls.run([("version",)])[0].split("\t")


PHP_VERSION, PHP_ARGON2_PROVIDER = Php.version()
V["php"] = PHP_VERSION
V["php-deb"] = dpkg_version("php%s-cli" % ".".join(PHP_VERSION.split(".")[:2]))
V["php-libargon2"] = dpkg_version("libargon2-1")
V["drupal-hash"], V["node"] = Node.version()

# --------------------------------------------------------------------------
# Vector files

HEX_RE = re.compile(r"^(?:[0-9a-f]{2})*$")


class VectorFile:
    def __init__(self, name, first_line, columns=2, suffix=".tsv"):
        self.name = name
        self.path = VECTORS / (name + suffix)
        self.columns = columns
        self.lines = ["# generated by %s with %s" % (GEN, first_line)]
        self.count = 0

    def comment(self, text=""):
        for t in text.split("\n"):
            self.lines.append(("# " + t).rstrip())

    def blank(self):
        self.lines.append("")

    def add(self, *fields):
        assert len(fields) == self.columns, fields
        out = []
        for f in fields:
            if isinstance(f, bytes):
                f = f.hex()
            assert isinstance(f, str) and f and "\t" not in f and "\n" not in f, f
            assert f == f.strip(), f
            out.append(f)
        self.lines.append("\t".join(out))
        self.count += 1

    def write(self):
        self.path.write_text("\n".join(self.lines) + "\n")
        print("wrote %-40s %3d lines" % (self.path.relative_to(ROOT), self.count))
        return self


def format_comment(columns_desc):
    return "format: " + columns_desc + " (fields separated by one TAB)"


STD = format_comment("<password as lowercase hex>\t<stored string>".replace("\t", " "))


# --------------------------------------------------------------------------
# argon2 (argon2-cffi)

A2_TYPES = {"argon2id": a2.Type.ID, "argon2i": a2.Type.I, "argon2d": a2.Type.D}


def b64_nopad(b: bytes) -> str:
    return base64.b64encode(b).decode().rstrip("=")


def gen_argon2(name):
    t = A2_TYPES[name]
    vf = VectorFile(
        name,
        "argon2-cffi %s (argon2.low_level.hash_secret / argon2.PasswordHasher; "
        "argon2-cffi-bindings %s, bundled libargon2 20190702)"
        % (V["argon2-cffi"], V["argon2-cffi-bindings"]),
    )
    vf.comment(STD)
    vf.comment("salts are random bytes from os.urandom")

    def h(pw, m, tc, p, hash_len=32, salt_len=16, ver=19):
        return a2.hash_secret(pw, os.urandom(salt_len), tc, m, p, hash_len, t,
                              version=ver).decode()

    vf.blank()
    vf.comment("m=4096,t=1,p=1 hash_len=32 salt=16 bytes, version 0x13")
    for pw in PASSWORDS:
        vf.add(pw, h(pw, 4096, 1, 1))
    vf.blank()
    vf.comment("m=19456,t=2,p=1 (OWASP) hash_len=32 salt=16 bytes, version 0x13")
    for pw in PASSWORDS[1:3]:
        vf.add(pw, h(pw, 19456, 2, 1))
    vf.blank()
    vf.comment("m=65536,t=3,p=4: argon2.PasswordHasher(type=...) defaults "
               "(RFC 9106 low-memory profile)")
    vf.add(PASSWORDS[0], argon2.PasswordHasher(type=t).hash(PASSWORDS[0]))
    vf.blank()
    vf.comment("version 0x10 (version=16): the PHC string carries v=16")
    vf.add(PASSWORDS[0], h(PASSWORDS[0], 4096, 1, 1, ver=16))
    vf.add(PASSWORDS[3], h(PASSWORDS[3], 4096, 2, 2, ver=16))
    vf.blank()
    vf.comment("hash_len / salt_len variations (m=4096,t=1,p=1)")
    vf.add(PASSWORDS[2], h(PASSWORDS[2], 4096, 1, 1, hash_len=16, salt_len=8))
    vf.add(PASSWORDS[1], h(PASSWORDS[1], 4096, 1, 1, hash_len=32, salt_len=8))
    vf.add(PASSWORDS[4], h(PASSWORDS[4], 4096, 1, 1, hash_len=16, salt_len=16))
    vf.add(PASSWORDS[8], h(PASSWORDS[8], 4096, 1, 1, hash_len=64, salt_len=32))
    return vf.write()


def argon2_raw_with_secret(t, pw, salt, secret, m, tc, p, hash_len=32, ver=19):
    """Keyed Argon2 through argon2-cffi's low-level core() (libargon2's
    argon2_ctx with the `secret` field set); hash_secret() has no key
    parameter (its `secret` argument is the password)."""
    return verify_argon2.argon2_core(t, pw, salt, secret, b"", m, tc, p,
                                     hash_len, ver)


def phc(name, ver, m, tc, p, salt, tag):
    return "$%s$v=%d$m=%d,t=%d,p=%d$%s$%s" % (name, ver, m, tc, p,
                                             b64_nopad(salt), b64_nopad(tag))


def gen_argon2id_secret():
    vf = VectorFile(
        "argon2id-secret",
        "argon2-cffi %s (argon2.low_level.core with argon2_context.secret set; "
        "argon2-cffi-bindings %s, bundled libargon2 20190702)"
        % (V["argon2-cffi"], V["argon2-cffi-bindings"]),
        columns=3,
    )
    vf.comment(format_comment("<password hex> <secret (key K) hex> <stored string>"))
    vf.comment("The secret is Argon2's optional secret key K (a pepper); it is NOT in the")
    vf.comment("stored string.  argon2-cffi's hash_secret() takes no key, so these come from")
    vf.comment("its low-level core() binding of libargon2's argon2_ctx().  The PHC string is")
    vf.comment("assembled from the raw tag in libargon2's own encoding (checked by generate.py")
    vf.comment("against hash_secret()'s encoder on the same inputs without a key).")
    t = a2.Type.ID

    def add(pw, secret, m, tc, p):
        salt = os.urandom(16)
        tag = argon2_raw_with_secret(t, pw, salt, secret, m, tc, p)
        stored = phc("argon2id", 19, m, tc, p, salt, tag)
        # formatting self-check: without a key, our PHC assembly must equal
        # libargon2's encoder byte for byte.
        plain = verify_argon2.argon2_core(t, pw, salt, b"", b"", m, tc, p, 32, 19)
        assert phc("argon2id", 19, m, tc, p, salt, plain) == a2.hash_secret(
            pw, salt, tc, m, p, 32, t).decode()
        vf.add(pw, secret, stored)

    vf.blank()
    vf.comment("32-byte secret, m=4096,t=1,p=1")
    for pw in PASSWORDS:
        add(pw, os.urandom(32), 4096, 1, 1)
    vf.blank()
    vf.comment("32-byte secret, m=19456,t=2,p=1")
    for pw in PASSWORDS[:2]:
        add(pw, os.urandom(32), 19456, 2, 1)
    vf.blank()
    vf.comment("40-byte secret, m=4096,t=1,p=1")
    add(PASSWORDS[2], os.urandom(40), 4096, 1, 1)
    return vf.write()


def gen_argon2id_php():
    vf = VectorFile(
        "argon2id-php",
        "PHP %s password_hash(PASSWORD_ARGON2ID) (Debian php-cli %s, "
        "PASSWORD_ARGON2_PROVIDER=%s, libargon2-1 %s)"
        % (V["php"], V["php-deb"], PHP_ARGON2_PROVIDER, V["php-libargon2"]),
    )
    vf.comment(STD)
    vf.comment("invoked through tests/vectors/gen/php_vectors.php")
    small = json.dumps({"memory_cost": 4096, "time_cost": 1, "threads": 1})
    reqs = [("hash", "argon2id", pw.hex(), "{}") for pw in PASSWORDS[:3]]
    reqs += [("hash", "argon2id", pw.hex(), small) for pw in PASSWORDS]
    out = Php.run(reqs)
    vf.blank()
    vf.comment("default options (memory_cost=%d, time_cost=4, threads=1)" % 65536)
    for r, stored in zip(reqs[:3], out[:3]):
        vf.add(r[2], stored)
    vf.blank()
    vf.comment("memory_cost=4096, time_cost=1, threads=1")
    for r, stored in zip(reqs[3:], out[3:]):
        vf.add(r[2], stored)
    return vf.write()


# --------------------------------------------------------------------------
# bcrypt


def gen_bcrypt():
    vf = VectorFile(
        "bcrypt",
        "passlib %s (bcrypt, ident 2a), bcrypt %s (hashpw), Python %s crypt "
        "(libxcrypt %s), PHP %s (password_hash PASSWORD_BCRYPT)"
        % (V["passlib"], V["bcrypt"], V["python"], V["libxcrypt"], V["php"]),
    )
    vf.comment(STD)
    vf.comment("All four peers silently use only the first 72 password bytes; the")
    vf.comment("'truncation' groups pair one stored string with several passwords that")
    vf.comment("share their first 72 bytes -- every one of those lines verifies.")

    pl = ph.bcrypt
    pl.set_backend("bcrypt")

    def truncation_group(pw, stored):
        vf.comment("truncation: the next lines share one stored string")
        for v in (pw, pw[:72], tail_variant(pw)):
            vf.add(v, stored)

    vf.blank()
    vf.comment("$2a$ from passlib %s passlib.hash.bcrypt.using(ident='2a', rounds=N).hash "
               "(backend: bcrypt %s)" % (V["passlib"], V["bcrypt"]))
    for i, pw in enumerate(PASSWORDS + [P73_SPLIT]):
        vf.add(pw, pl.using(ident="2a", rounds=4 + i % 2).hash(pw))
    truncation_group(P200, pl.using(ident="2a", rounds=4).hash(P200))

    vf.blank()
    vf.comment("$2b$ from Python %s crypt.crypt(pw, crypt.mksalt(METHOD_BLOWFISH, rounds=2**N)) "
               "(libxcrypt %s)" % (V["python"], V["libxcrypt"]))
    for i, pw in enumerate(PASSWORDS + [P73_SPLIT]):
        salt = crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << (4 + i % 2))
        vf.add(pw, crypt.crypt(pw.decode(), salt))
    truncation_group(P73, crypt.crypt(P73.decode(), crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))

    vf.blank()
    vf.comment("$2b$ from bcrypt %s bcrypt.hashpw(pw, bcrypt.gensalt(rounds=N))" % V["bcrypt"])
    for i, pw in enumerate(SHORT):
        vf.add(pw, bcrypt_pkg.hashpw(pw, bcrypt_pkg.gensalt(rounds=4 + i % 2)).decode())
    vf.comment("cost 10")
    vf.add(PASSWORDS[1], bcrypt_pkg.hashpw(PASSWORDS[1], bcrypt_pkg.gensalt(rounds=10)).decode())
    truncation_group(P200, bcrypt_pkg.hashpw(P200, bcrypt_pkg.gensalt(rounds=5)).decode())
    vf.comment("byte 72 of this 73-byte password is the second byte of a 2-byte UTF-8 'e-acute':")
    vf.comment("the peer keeps 71 x 'a' + 0xc3, which is not valid UTF-8 on its own")
    truncation_group(P73_SPLIT, bcrypt_pkg.hashpw(P73_SPLIT, bcrypt_pkg.gensalt(rounds=4)).decode())

    vf.blank()
    vf.comment("$2y$ from PHP %s password_hash($pw, PASSWORD_BCRYPT, ['cost' => N]) "
               "(via tests/vectors/gen/php_vectors.php)" % V["php"])
    pws = PASSWORDS + [P73_SPLIT]
    reqs = [("hash", "bcrypt", pw.hex(), json.dumps({"cost": 4 + i % 2}))
            for i, pw in enumerate(pws)]
    reqs.append(("hash", "bcrypt", PASSWORDS[2].hex(), "{}"))  # default cost 10
    reqs.append(("hash", "bcrypt", P200.hex(), json.dumps({"cost": 4})))
    out = Php.run(reqs)
    for pw, stored in zip(pws, out):
        vf.add(pw, stored)
    vf.comment("PHP default options (cost 10)")
    vf.add(PASSWORDS[2], out[len(pws)])
    truncation_group(P200, out[len(pws) + 1])
    return vf.write()


# --------------------------------------------------------------------------
# passlib-based modular formats


def gen_passlib_simple(name, handler, variants, extra_comment=None):
    """variants: list of (comment, kwargs-for-using, passwords)."""
    backend = ""
    if hasattr(handler, "get_backend"):
        backend = ", backend %s" % handler.get_backend()
    vf = VectorFile(
        name, "passlib %s (passlib.hash.%s%s)" % (V["passlib"], handler.name, backend)
    )
    vf.comment(STD)
    if extra_comment:
        vf.comment(extra_comment)
    for comment, kw, pws in variants:
        vf.blank()
        vf.comment(comment)
        h = handler.using(**kw) if kw else handler
        for pw in pws:
            vf.add(pw, h.hash(pw))
    return vf.write()


def gen_scrypt():
    return gen_passlib_simple(
        "scrypt", ph.scrypt,
        [
            ("rounds=10 (N=2^10), block_size r=8, parallelism p=1, 16-byte salt",
             dict(rounds=10, block_size=8, parallelism=1), PASSWORDS),
            ("rounds=11 (N=2^11), r=8, p=1", dict(rounds=11, block_size=8, parallelism=1),
             PASSWORDS[:3]),
            ("rounds=12 (N=2^12), r=8, p=1", dict(rounds=12, block_size=8, parallelism=1),
             PASSWORDS[3:5]),
            ("rounds=10, r=8, p=1, 8-byte salt",
             dict(rounds=10, block_size=8, parallelism=1, salt_size=8), [PASSWORDS[0]]),
            ("rounds=10, r=8, p=1, 32-byte salt",
             dict(rounds=10, block_size=8, parallelism=1, salt_size=32), [PASSWORDS[1]]),
        ],
    )


def gen_pbkdf2(name, handler):
    return gen_passlib_simple(
        name, handler,
        [
            ("rounds=1000", dict(rounds=1000), PASSWORDS),
            ("rounds=5000", dict(rounds=5000), PASSWORDS[:2]),
            ("rounds=1000, 8-byte salt", dict(rounds=1000, salt_size=8), [PASSWORDS[2]]),
            ("rounds=1000, 32-byte salt", dict(rounds=1000, salt_size=32), [PASSWORDS[3]]),
            ("passlib default rounds=%d, 16-byte salt" % handler.default_rounds, None,
             [PASSWORDS[0]]),
        ],
        "passlib's adapted base64 ('.' for '+', no padding) in salt and checksum",
    )


def gen_phpass():
    return gen_passlib_simple(
        "phpass", ph.phpass,
        [
            ("$P$ ident, rounds=8 (2^8 MD5 iterations)", dict(ident="P", rounds=8), PASSWORDS),
            ("$H$ ident (phpBB3), rounds=8", dict(ident="H", rounds=8), PASSWORDS[:5]),
            ("$P$ ident, rounds=7 (the minimum)", dict(ident="P", rounds=7), [PASSWORDS[2]]),
            ("$H$ ident, rounds=10", dict(ident="H", rounds=10), [PASSWORDS[1]]),
            ("passlib default rounds=%d, $P$" % ph.phpass.default_rounds, None, [PASSWORDS[0]]),
            ("passlib default rounds=%d, $H$" % ph.phpass.default_rounds, dict(ident="H"),
             [PASSWORDS[3]]),
        ],
    )


def gen_ldap():
    out = []
    out.append(gen_passlib_simple("ldap-md5", ph.ldap_md5,
                                  [("{MD5} base64(md5(pw))", None, PASSWORDS)]))
    out.append(gen_passlib_simple("ldap-sha", ph.ldap_sha1,
                                  [("{SHA} base64(sha1(pw))", None, PASSWORDS)]))
    out.append(gen_passlib_simple(
        "ldap-smd5", ph.ldap_salted_md5,
        [("{SMD5} base64(md5(pw . salt) . salt), 4-byte salt (passlib default)", None, PASSWORDS),
         ("8-byte salt", dict(salt_size=8), PASSWORDS[:3]),
         ("16-byte salt", dict(salt_size=16), PASSWORDS[3:5])]))
    out.append(gen_passlib_simple(
        "ldap-ssha", ph.ldap_salted_sha1,
        [("{SSHA} base64(sha1(pw . salt) . salt), 4-byte salt (passlib default)", None, PASSWORDS),
         ("8-byte salt", dict(salt_size=8), PASSWORDS[:3]),
         ("16-byte salt", dict(salt_size=16), PASSWORDS[3:5])]))
    return out


def gen_mysql41():
    return gen_passlib_simple("mysql41", ph.mysql41,
                              [("'*' + uppercase hex(sha1(sha1(pw)))", None, PASSWORDS)])


def gen_hex():
    out = []
    for name, handler in [("md5-hex", ph.hex_md5), ("sha1-hex", ph.hex_sha1),
                          ("sha256-hex", ph.hex_sha256), ("sha512-hex", ph.hex_sha512)]:
        vf = VectorFile(name, "passlib %s (passlib.hash.%s)" % (V["passlib"], handler.name))
        vf.comment(STD)
        vf.blank()
        vf.comment("lowercase hex, as passlib emits it")
        for pw in PASSWORDS:
            vf.add(pw, handler.hash(pw))
        vf.blank()
        vf.comment("the same digests uppercased (passlib output .upper())")
        for pw in PASSWORDS[:3]:
            vf.add(pw, handler.hash(pw).upper())
        out.append(vf.write())
    return out


# --------------------------------------------------------------------------
# crypt(3) via libxcrypt


def gen_crypt():
    out = []
    for name, method, rounds_list in [
        ("md5-crypt", crypt.METHOD_MD5, []),
        ("sha256-crypt", crypt.METHOD_SHA256, [1000, 5000, 10000]),
        ("sha512-crypt", crypt.METHOD_SHA512, [1000, 5000, 10000]),
    ]:
        vf = VectorFile(
            name,
            "Python %s crypt module (crypt.crypt + crypt.mksalt; libxcrypt %s)"
            % (V["python"], V["libxcrypt"]),
        )
        vf.comment(STD)
        vf.blank()
        vf.comment("crypt.mksalt(%s): default rounds (no rounds= parameter), "
                   "%d-char salt" % (method.name, method.salt_chars))
        for pw in PASSWORDS:
            vf.add(pw, crypt.crypt(pw.decode(), crypt.mksalt(method)))
        for r in rounds_list:
            vf.blank()
            vf.comment("explicit rounds=%d%s" % (
                r, " (equal to the default, but kept in the string)" if r == 5000 else
                " (the minimum)" if r == 1000 else ""))
            for pw in (PASSWORDS[:3] if r != 10000 else PASSWORDS[3:5]):
                vf.add(pw, crypt.crypt(pw.decode(), crypt.mksalt(method, rounds=r)))
        vf.blank()
        vf.comment("short salts, hand-picked setting strings")
        prefix = "$%s$" % method.ident
        for salt in ["ab", "saltsalt"]:
            vf.add(PASSWORDS[0], crypt.crypt(PASSWORDS[0].decode(), prefix + salt))
        out.append(vf.write())
    return out


# --------------------------------------------------------------------------
# Django 4.2


def gen_django():
    out = []

    class PBKDF2Fast(dj.PBKDF2PasswordHasher):
        iterations = 1000

    class PBKDF2SHA1Fast(dj.PBKDF2SHA1PasswordHasher):
        iterations = 1000

    def hdr(name, cls_name, note=None):
        vf = VectorFile(
            name,
            "Django %s (django.contrib.auth.hashers.make_password(pw, hasher=%s))"
            % (V["Django"], cls_name),
        )
        vf.comment(STD)
        if note:
            vf.comment(note)
        return vf

    lowered = ("work factors are lowered by subclassing the hasher and setting `%s` "
               "on the subclass")

    for name, fast, std in [
        ("django-pbkdf2-sha256", PBKDF2Fast, dj.PBKDF2PasswordHasher),
        ("django-pbkdf2-sha1", PBKDF2SHA1Fast, dj.PBKDF2SHA1PasswordHasher),
    ]:
        vf = hdr(name, std.__name__, lowered % "iterations")
        vf.blank()
        vf.comment("iterations=1000")
        for pw in PASSWORDS:
            vf.add(pw, dj.make_password(pw.decode(), hasher=fast()))
        vf.blank()
        fast.iterations = 5000
        vf.comment("iterations=5000")
        vf.add(PASSWORDS[1], dj.make_password(PASSWORDS[1].decode(), hasher=fast()))
        vf.blank()
        n_default = 2 if name == "django-pbkdf2-sha256" else 1
        vf.comment("Django %s default iterations=%d" % (V["Django"], std.iterations))
        for pw in PASSWORDS[:n_default]:
            vf.add(pw, dj.make_password(pw.decode(), hasher=std()))
        out.append(vf.write())

    vf = hdr("django-sha1", "SHA1PasswordHasher / UnsaltedSHA1PasswordHasher")
    vf.blank()
    vf.comment("SHA1PasswordHasher: sha1$<salt>$hex(sha1(salt . pw)), random 22-char salt")
    for pw in PASSWORDS:
        vf.add(pw, dj.make_password(pw.decode(), hasher=dj.SHA1PasswordHasher()))
    vf.blank()
    vf.comment("UnsaltedSHA1PasswordHasher: sha1$$hex(sha1(pw)) (empty salt)")
    for pw in PASSWORDS[:2]:
        vf.add(pw, dj.make_password(pw.decode(), hasher=dj.UnsaltedSHA1PasswordHasher()))
    out.append(vf.write())

    vf = hdr("django-md5", "MD5PasswordHasher")
    vf.blank()
    vf.comment("MD5PasswordHasher: md5$<salt>$hex(md5(salt . pw)), random 22-char salt")
    for pw in PASSWORDS:
        vf.add(pw, dj.make_password(pw.decode(), hasher=dj.MD5PasswordHasher()))
    out.append(vf.write())

    class BC4(dj.BCryptSHA256PasswordHasher):
        rounds = 4

    class BC5(dj.BCryptSHA256PasswordHasher):
        rounds = 5

    vf = hdr("django-bcrypt-sha256", "BCryptSHA256PasswordHasher", lowered % "rounds")
    vf.comment("bcrypt_sha256$ + bcrypt(hex(sha256(pw))) (bcrypt %s); no 72-byte "
               "truncation of the original password" % V["bcrypt"])
    vf.blank()
    vf.comment("rounds=4 / rounds=5 (alternating)")
    for i, pw in enumerate(PASSWORDS + [P73_SPLIT]):
        vf.add(pw, dj.make_password(pw.decode(), hasher=(BC4 if i % 2 == 0 else BC5)()))
    out.append(vf.write())
    return out


# --------------------------------------------------------------------------
# Drupal 7 (npm drupal-hash)


def gen_drupal7():
    vf = VectorFile(
        "drupal7",
        "npm drupal-hash %s (hashPassword(pw, count_log2), node %s)"
        % (V["drupal-hash"], V["node"]),
    )
    vf.comment(STD)
    vf.comment("invoked through tests/vectors/gen/drupal_vectors.js; cross-checked with")
    vf.comment("PyPI drupal-hash-utility %s (DrupalHashUtility.verify)" % V["drupal-hash-utility"])
    vf.comment("$S$ + itoa64[count_log2] + 8-char salt + 43 chars of the sha512 hash "
               "(55 chars total)")
    groups = [("count_log2=7 (the minimum)", 7, PASSWORDS),
              ("count_log2=8", 8, PASSWORDS[:3]),
              ("count_log2=10", 10, PASSWORDS[3:5]),
              ("count_log2=15 (Drupal 7 default)", 15, PASSWORDS[:2])]
    reqs = [("hash", pw.hex(), str(n)) for _, n, pws in groups for pw in pws]
    outs = iter(Node.run(reqs))
    for comment, n, pws in groups:
        vf.blank()
        vf.comment(comment)
        for pw in pws:
            vf.add(pw, next(outs))
    return vf.write()


# --------------------------------------------------------------------------
# salted digests (hashlib)

SALTED_ALGOS = ["md5", "sha1", "sha256"]


def salted_digest(algo, order, salt, pw, enc):
    data = salt + pw if order == "sp" else pw + salt
    d = hashlib.new(algo, data).digest()
    return d.hex() if enc == "hex" else base64.b64encode(d).decode()


def gen_salted():
    vf = VectorFile(
        "salted",
        "Python %s hashlib (%s) + base64 stdlib" % (V["python"], V["openssl"]),
        columns=6,
    )
    vf.comment(format_comment(
        "<password hex> <algorithm md5|sha1|sha256> <order sp|ps> <salt hex> "
        "<digest encoding hex|base64> <digest as stored>"))
    vf.comment("sp = digest(salt . password), ps = digest(password . salt);")
    vf.comment("hex digests are lowercase, base64 is standard alphabet with '=' padding")
    vf.comment("cross-checked with PHP %s hash()" % V["php"])
    i = 0
    for algo in SALTED_ALGOS:
        for order in ("sp", "ps"):
            for enc in ("hex", "base64"):
                vf.blank()
                vf.comment("%s %s %s" % (algo, order, enc))
                for salt_len in (4, 8, 16, 32):
                    pw = PASSWORDS[i % len(PASSWORDS)]
                    i += 1
                    salt = os.urandom(salt_len)
                    vf.add(pw, algo, order, salt, enc,
                           salted_digest(algo, order, salt, pw, enc))
    return vf.write()


# --------------------------------------------------------------------------
# RFC 9106 section 5.3

RFC9106 = dict(
    type="argon2id", version=19, memory=32, passes=3, lanes=4, tag_length=32,
    password=bytes([0x01] * 32), salt=bytes([0x02] * 16), secret=bytes([0x03] * 8),
    associated_data=bytes([0x04] * 12),
    tag=bytes.fromhex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"),
)


def rfc9106_compute():
    r = RFC9106
    return verify_argon2.argon2_core(
        a2.Type.ID, r["password"], r["salt"], r["secret"], r["associated_data"],
        r["memory"], r["passes"], r["lanes"], r["tag_length"], r["version"])


def gen_rfc9106():
    path = VECTORS / "rfc9106.txt"
    got = rfc9106_compute()
    assert got == RFC9106["tag"], got.hex()
    lines = [
        "# generated by %s; values from RFC 9106 section 5.3 (Argon2id test vector)" % GEN,
        "# cross-checked: argon2-cffi %s argon2.low_level.core() (libargon2 argon2_ctx with"
        % V["argon2-cffi"],
        "# secret and associated data) reproduces the tag exactly",
        "# byte values are lowercase hex; memory is in KiB",
    ]
    for k, v in RFC9106.items():
        lines.append("%s=%s" % (k, v.hex() if isinstance(v, bytes) else v))
    path.write_text("\n".join(lines) + "\n")
    print("wrote %-40s" % path.relative_to(ROOT))


# --------------------------------------------------------------------------
# Self-check: strict parse + peer verification


def parse(path, columns):
    rows = []
    for n, line in enumerate(path.read_text().split("\n"), 1):
        if line == "" or line.startswith("#"):
            continue
        f = line.split("\t")
        assert len(f) == columns, "%s:%d: %d fields" % (path, n, len(f))
        assert HEX_RE.match(f[0]) and f[0], "%s:%d: bad password hex" % (path, n)
        for x in f[1:]:
            assert x and x == x.strip(), "%s:%d: empty/space field" % (path, n)
        rows.append((n, bytes.fromhex(f[0]), *f[1:]))
    assert rows, path
    return rows


def crypt_ok(pw, stored):
    try:
        spw = pw.decode()
    except UnicodeDecodeError:
        return None  # Python's crypt module only takes str; not a verdict
    return crypt.crypt(spw, stored) == stored


def dj_check(pw, stored):
    return dj.check_password(pw.decode(), stored)


def django_sha1_passlib(pw, stored):
    # salted: passlib django_salted_sha1; unsalted "sha1$$<hex>": passlib hex_sha1
    _, salt, digest = stored.split("$")
    if salt:
        return ph.django_salted_sha1.verify(pw, stored)
    return ph.hex_sha1.verify(pw, digest)


def php_verify_all(rows):
    reqs = [("verify", pw.hex(), s) for pw, s in rows]
    return [r == "ok" for r in Php.run(reqs)]


def argon2_ok(pw, stored):
    try:
        return a2.verify_secret(stored.encode(), pw, A2_TYPES[stored.split("$")[1]])
    except argon2.exceptions.VerificationError:
        return False


from drupal_hash_utility import DrupalHashUtility  # noqa: E402

_dhu = DrupalHashUtility()

VERIFIERS = {
    # name: list of (peer label, fn(pw, stored) -> bool)
    "argon2id": [("argon2-cffi", argon2_ok)],
    "argon2i": [("argon2-cffi", argon2_ok)],
    "argon2d": [("argon2-cffi", argon2_ok)],
    "argon2id-php": [("argon2-cffi", argon2_ok)],
    "bcrypt": [("bcrypt.checkpw", lambda p, s: bcrypt_pkg.checkpw(p, s.encode())),
               ("crypt", crypt_ok),
               ("passlib", lambda p, s: ph.bcrypt.verify(p, s))],
    "scrypt": [("passlib", ph.scrypt.verify)],
    "pbkdf2-sha1": [("passlib", ph.pbkdf2_sha1.verify)],
    "pbkdf2-sha256": [("passlib", ph.pbkdf2_sha256.verify)],
    "pbkdf2-sha512": [("passlib", ph.pbkdf2_sha512.verify)],
    "django-pbkdf2-sha256": [("django", dj_check),
                             ("passlib", ph.django_pbkdf2_sha256.verify)],
    "django-pbkdf2-sha1": [("django", dj_check), ("passlib", ph.django_pbkdf2_sha1.verify)],
    "django-sha1": [("django", dj_check), ("passlib", lambda p, s: django_sha1_passlib(p, s))],
    "django-md5": [("django", dj_check), ("passlib", ph.django_salted_md5.verify)],
    "django-bcrypt-sha256": [("django", dj_check),
                             ("passlib", ph.django_bcrypt_sha256.verify)],
    "md5-crypt": [("crypt", crypt_ok), ("passlib", ph.md5_crypt.verify)],
    "sha256-crypt": [("crypt", crypt_ok), ("passlib", ph.sha256_crypt.verify)],
    "sha512-crypt": [("crypt", crypt_ok), ("passlib", ph.sha512_crypt.verify)],
    "phpass": [("passlib", ph.phpass.verify),
               ("drupal-hash-utility", lambda p, s: _dhu.verify(p.decode(), s))],
    "drupal7": [("drupal-hash-utility", lambda p, s: _dhu.verify(p.decode(), s))],
    "ldap-md5": [("passlib", ph.ldap_md5.verify)],
    "ldap-smd5": [("passlib", ph.ldap_salted_md5.verify)],
    "ldap-sha": [("passlib", ph.ldap_sha1.verify)],
    "ldap-ssha": [("passlib", ph.ldap_salted_sha1.verify)],
    "mysql41": [("passlib", ph.mysql41.verify)],
    "md5-hex": [("passlib", ph.hex_md5.verify)],
    "sha1-hex": [("passlib", ph.hex_sha1.verify)],
    "sha256-hex": [("passlib", ph.hex_sha256.verify)],
    "sha512-hex": [("passlib", ph.hex_sha512.verify)],
}
# Batched cross-checks through other processes: name -> runner(rows)->[bool]
BATCH_VERIFIERS = {
    "argon2i": [("php password_verify", php_verify_all)],
    "argon2id": [("php password_verify", php_verify_all)],
    "argon2id-php": [("php password_verify", php_verify_all)],
    "bcrypt": [("php password_verify", php_verify_all)],
    "drupal7": [("npm drupal-hash checkPassword",
                 lambda rows: [r == "ok" for r in Node.run(
                     [("verify", pw.hex(), s) for pw, s in rows])])],
    "phpass": [("npm drupal-hash checkPassword",
                lambda rows: [r == "ok" for r in Node.run(
                    [("verify", pw.hex(), s) for pw, s in rows])])],
}


def check_verify_argon2_script(rows3):
    """Run tests/peers/verify_argon2.py as the Rust tests will."""
    script = PEERS / "verify_argon2.py"
    lines, want = [], []
    for pw, secret, stored in rows3:
        lines.append("\t".join(x for x in (pw.hex(), stored, secret.hex()) if x != ""))
        want.append("ok")
        lines.append("\t".join(x for x in (wrong(pw).hex(), stored, secret.hex()) if x != ""))
        want.append("fail")
        if secret:
            lines.append("%s\t%s" % (pw.hex(), stored))  # key missing -> must fail
            want.append("fail")
            keyed = stored.replace(",p=", ",p=", 1)
            parts = keyed.split("$")
            parts[3] += ",keyid=" + b64_nopad(b"k1")  # keyid is ignored (stripped)
            lines.append("\t".join((pw.hex(), "$".join(parts), secret.hex())))
            want.append("ok")
    res = subprocess.run([sys.executable, str(script)], input="\n".join(lines) + "\n",
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    got = res.stdout.splitlines()
    assert got == want, [(l, g, w) for l, g, w in zip(lines, got, want) if g != w][:3]
    return len(lines)


def self_check():
    print("self-check:")
    total = 0
    names = sorted(VERIFIERS)
    for name in names:
        path = VECTORS / (name + ".tsv")
        rows = [(r[1], r[2]) for r in parse(path, 2)]
        checks = skipped = 0
        for label, fn in VERIFIERS[name]:
            for pw, stored in rows:
                res = fn(pw, stored)
                if res is None:  # this peer cannot take this input at all
                    skipped += 1
                    continue
                assert res is True, "%s: %s rejects %s %s" % (name, label, pw, stored)
                assert fn(wrong(pw), stored) is False, "%s: %s accepts wrong pw for %s" % (
                    name, label, stored)
                checks += 2
        for label, fn in BATCH_VERIFIERS.get(name, []):
            ok = fn(rows)
            bad = fn([(wrong(pw), s) for pw, s in rows])
            assert all(ok), "%s: %s rejects %s" % (name, label, [r for r, o in zip(rows, ok) if not o])
            assert not any(bad), "%s: %s accepts a wrong password" % (name, label)
            checks += 2 * len(rows)
        total += checks
        print("  %-24s %3d lines, %4d peer checks%s (%s)" % (
            name, len(rows), checks,
            (", %d skipped (non-UTF-8 input for a str-only peer)" % skipped) if skipped else "",
            ", ".join([l for l, _ in VERIFIERS[name]] + [l for l, _ in BATCH_VERIFIERS.get(name, [])])))

    # argon2id-secret: 3 columns
    rows3 = [(r[1], bytes.fromhex(r[2]), r[3]) for r in parse(VECTORS / "argon2id-secret.tsv", 3)]
    for pw, secret, stored in rows3:
        assert verify_argon2.verify(pw, stored, secret)
        assert not verify_argon2.verify(wrong(pw), stored, secret)
        assert not verify_argon2.verify(pw, stored, b"")
        assert not verify_argon2.verify(pw, stored, secret[:-1] + bytes([secret[-1] ^ 1]))
    n = check_verify_argon2_script(rows3)
    print("  %-24s %3d lines, verify_argon2.py: %d requests as expected" % (
        "argon2id-secret", len(rows3), n))
    # verify_argon2.py on the plain argon2 files as well
    plain = []
    for name in ("argon2id", "argon2i", "argon2d", "argon2id-php"):
        plain += [(r[1], b"", r[2]) for r in parse(VECTORS / (name + ".tsv"), 2)]
    n = check_verify_argon2_script(plain)
    print("  %-24s verify_argon2.py: %d requests as expected" % ("argon2 (no secret)", n))

    # salted: recompute with hashlib and cross-check with PHP hash()
    rows = parse(VECTORS / "salted.tsv", 6)
    reqs = []
    for n_, pw, algo, order, salt_hex, enc, stored in rows:
        assert algo in SALTED_ALGOS and order in ("sp", "ps") and enc in ("hex", "base64")
        assert HEX_RE.match(salt_hex) and 4 <= len(salt_hex) // 2 <= 32
        salt = bytes.fromhex(salt_hex)
        assert salted_digest(algo, order, salt, pw, enc) == stored
        reqs.append(("digest", algo, (salt + pw if order == "sp" else pw + salt).hex()))
    for (n_, pw, algo, order, salt_hex, enc, stored), d in zip(rows, Php.run(reqs)):
        dd = bytes.fromhex(d)
        assert (dd.hex() if enc == "hex" else base64.b64encode(dd).decode()) == stored, n_
    print("  %-24s %3d lines, hashlib + PHP hash() agree" % ("salted", len(rows)))

    # rfc9106.txt
    kv = {}
    for line in (VECTORS / "rfc9106.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            k, v = line.split("=", 1)
            kv[k] = v
    assert set(kv) == set(RFC9106), kv.keys()
    for k, v in RFC9106.items():
        assert kv[k] == (v.hex() if isinstance(v, bytes) else str(v)), k
    assert rfc9106_compute() == RFC9106["tag"]
    print("  %-24s argon2-cffi core() reproduces the RFC tag" % "rfc9106.txt")

    # every vector file present is covered
    present = {p.name for p in VECTORS.glob("*.tsv")}
    covered = {n + ".tsv" for n in names} | {"argon2id-secret.tsv", "salted.tsv"}
    assert present == covered, present ^ covered
    print("self-check passed: %d files, %d single-line peer checks" % (len(present) + 1, total))


def generate():
    VECTORS.mkdir(parents=True, exist_ok=True)
    for name in ("argon2id", "argon2i", "argon2d"):
        gen_argon2(name)
    gen_argon2id_secret()
    gen_argon2id_php()
    gen_bcrypt()
    gen_scrypt()
    gen_pbkdf2("pbkdf2-sha1", ph.pbkdf2_sha1)
    gen_pbkdf2("pbkdf2-sha256", ph.pbkdf2_sha256)
    gen_pbkdf2("pbkdf2-sha512", ph.pbkdf2_sha512)
    gen_django()
    gen_crypt()
    gen_phpass()
    gen_drupal7()
    gen_ldap()
    gen_mysql41()
    gen_hex()
    gen_salted()
    gen_rfc9106()


def main():
    if sys.argv[1:] not in ([], ["--check"]):
        sys.exit("usage: generate.py [--check]")
    if not sys.argv[1:]:
        generate()
    self_check()


if __name__ == "__main__":
    main()
