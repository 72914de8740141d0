#!/usr/bin/env python3
"""Verify Argon2 PHC strings with a third-party peer (argon2-cffi).

Reads lines from stdin:

    <password hex><TAB><stored PHC string>[<TAB><secret hex>]

and prints one line per input line: `ok` or `fail`.  Blank lines are echoed
as nothing (skipped).  Exit status: 0 when every line was processed (even if
some printed `fail`), 2 on usage errors (arguments given, a line with the
wrong number of fields, or a field that is not hex).

* Without a secret, verification is argon2.low_level.verify_secret() (the
  libargon2 decoder + argon2_verify), after removing any `keyid=...`
  parameter, which libargon2's decoder does not parse.
* With a secret (Argon2's secret key K, a.k.a. pepper) -- or with a `data=`
  parameter (associated data) -- argon2-cffi's high-level functions have no
  way to pass it, so the PHC string is decoded here and the tag recomputed
  through argon2.low_level.core() (libargon2's argon2_ctx with the `secret`
  / `ad` fields set), then compared in constant time.

Run it with the peers' interpreter (.venv-peers/bin/python, made by
tests/peers/setup.sh); started with another interpreter it re-executes
itself under .venv-peers when argon2-cffi is not importable.
"""

import base64
import binascii
import hmac
import os
import sys
from pathlib import Path

try:
    import argon2.low_level as a2
    from argon2.exceptions import VerificationError
except ImportError:  # pragma: no cover - re-exec under the peers' venv
    _venv = Path(__file__).resolve().parents[2] / ".venv-peers"
    _venv_py = _venv / "bin" / "python"
    if _venv_py.exists() and Path(sys.prefix).resolve() != _venv.resolve():
        os.execv(str(_venv_py), [str(_venv_py), __file__, *sys.argv[1:]])
    sys.stderr.write("verify_argon2.py: argon2-cffi missing; run tests/peers/setup.sh\n")
    sys.exit(2)

TYPES = {"argon2d": a2.Type.D, "argon2i": a2.Type.I, "argon2id": a2.Type.ID}


def argon2_core(type_, pw, salt, secret, ad, m, t, p, hash_len, version):
    """Raw Argon2 tag via argon2-cffi's binding of libargon2's argon2_ctx."""
    ffi, lib = a2.ffi, a2.lib
    out = ffi.new("uint8_t[]", hash_len)
    keep = [ffi.new("uint8_t[]", x) if x else ffi.NULL for x in (pw, salt, secret, ad)]
    ctx = ffi.new(
        "argon2_context *",
        dict(
            version=version, out=out, outlen=hash_len,
            pwd=keep[0], pwdlen=len(pw), salt=keep[1], saltlen=len(salt),
            secret=keep[2], secretlen=len(secret), ad=keep[3], adlen=len(ad),
            t_cost=t, m_cost=m, lanes=p, threads=1,
            allocate_cbk=ffi.NULL, free_cbk=ffi.NULL, flags=lib.ARGON2_DEFAULT_FLAGS,
        ),
    )
    rc = a2.core(ctx, type_.value)
    if rc != lib.ARGON2_OK:
        raise VerificationError(a2.error_to_str(rc))
    return bytes(ffi.buffer(out, hash_len))


def _b64(s):
    if not s or len(s) % 4 == 1:
        raise ValueError("bad base64")
    return base64.b64decode(s + "=" * (-len(s) % 4), validate=True)


def parse_phc(stored):
    """-> (variant, version, params dict, salt, tag); raises ValueError."""
    parts = stored.split("$")
    if len(parts) not in (5, 6) or parts[0] != "" or parts[1] not in TYPES:
        raise ValueError("not an argon2 PHC string")
    variant, rest = parts[1], parts[2:]
    version = 0x10  # libargon2: a missing v= means version 1.0
    if rest[0].startswith("v="):
        version = int(rest[0][2:])
        rest = rest[1:]
    if len(rest) != 3:
        raise ValueError("wrong number of $-fields")
    params = {}
    for kv in rest[0].split(","):
        k, sep, v = kv.partition("=")
        if not sep or k in params:
            raise ValueError("bad parameter %r" % kv)
        params[k] = v
    return variant, version, params, _b64(rest[1]), _b64(rest[2])


def strip_keyid(stored):
    parts = stored.split("$")
    for i, part in enumerate(parts):
        if part.startswith("m="):
            parts[i] = ",".join(kv for kv in part.split(",") if not kv.startswith("keyid="))
    return "$".join(parts)


def verify(pw: bytes, stored: str, secret: bytes = b"") -> bool:
    try:
        variant, version, params, salt, tag = parse_phc(stored)
        if not secret and "data" not in params:
            return a2.verify_secret(strip_keyid(stored).encode(), pw, TYPES[variant])
        if set(params) - {"m", "t", "p", "keyid", "data"} or not {"m", "t", "p"} <= set(params):
            return False
        ad = _b64(params["data"]) if "data" in params else b""
        got = argon2_core(TYPES[variant], pw, salt, secret, ad, int(params["m"]),
                          int(params["t"]), int(params["p"]), len(tag), version)
        return hmac.compare_digest(got, tag)
    except (ValueError, binascii.Error, VerificationError):
        return False


def main():
    if len(sys.argv) != 1:
        sys.stderr.write("usage: verify_argon2.py < lines of "
                         "password_hex<TAB>stored[<TAB>secret_hex]\n")
        return 2
    for n, line in enumerate(sys.stdin, 1):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        f = line.split("\t")
        try:
            if len(f) not in (2, 3):
                raise ValueError("expected 2 or 3 tab-separated fields")
            pw = bytes.fromhex(f[0])
            secret = bytes.fromhex(f[2]) if len(f) == 3 else b""
        except ValueError as e:
            sys.stderr.write("verify_argon2.py: line %d: %s\n" % (n, e))
            return 2
        print("ok" if verify(pw, f[1], secret) else "fail", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
