#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into DIR/<target>/ (scripts/fuzz.sh calls it).

Seeds come from the committed third-party vectors (tests/vectors/*.tsv: every stored string
with its right password) and from fuzz/seeds/ (wrapped and hostile stored strings, policy
TOML files). Each seed is laid out as its target reads it (fuzz/src/lib.rs, c_abi.rs).
"""

import base64
import hashlib
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SALTED_ALG = {"md5", "sha1", "sha256"}


def pairs():
    """(password bytes, stored bytes) from every vector file and fuzz/seeds/stored.tsv."""
    files = sorted((ROOT / "tests/vectors").glob("*.tsv")) + [ROOT / "fuzz/seeds/stored.tsv"]
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            pw = bytes.fromhex(cols[0])
            if path.name == "salted.tsv":
                # <pw> <alg> <order> <salt hex> <enc> <digest>: the import string.
                _, alg, order, salt, enc, digest = cols
                assert alg in SALTED_ALG
                enc = "b64" if enc == "base64" else enc
                salt64 = base64.b64encode(bytes.fromhex(salt)).decode()
                stored = f"$pwh-salted$v=1${alg}${order}${enc}${salt64}${digest}"
            else:
                stored = cols[-1]
            yield pw, stored.encode()


def write(directory, name, data):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def main():
    out = pathlib.Path(sys.argv[1])
    count = 0
    for pw, stored in pairs():
        pw = pw[:127]
        for policy in (0, 1):
            head = bytes([(len(pw) << 1) | policy])
            for target in ("verify", "wrap"):
                write(out / target, target, head + pw + stored)
        write(out / "identify", "identify", stored)
        # c_abi: [op][cap][pw_len][pw][stored], out_cap = 4 * cap = 800.
        for op in range(8):
            write(out / "c_abi", "c_abi", bytes([op, 200, len(pw)]) + pw + stored)
        count += 1
    for path in sorted((ROOT / "fuzz/seeds/policy").glob("*.toml")):
        text = path.read_bytes()
        write(out / "policy_toml", "policy_toml", text)
        write(out / "c_abi", "c_abi", bytes([4, 200, 0]) + text)
    print(f"fuzz/seed.py: seeds from {count} stored strings into {out}")


if __name__ == "__main__":
    main()
