"""pwharden from Python, through ctypes and the C ABI (include/pwharden.h).

    import pwharden                       # finds libpwharden.so (see load())
    stored = pwharden.hash("pizza123")    # sign-up: store this string
    ok, replacement = pwharden.verify("pizza123", stored)
    if ok and replacement:
        ...                               # logged in; store `replacement` in place of `stored`

    policy = pwharden.Policy(open("/etc/pwharden/policy.toml").read())
    policy.verify(b"\\xffbytes are fine\\x00", stored)

Passwords are `bytes`, `bytearray` or `str` (UTF-8 encoded); the library reads `bytes` and
`bytearray` in place. Stored strings are `str` or `bytes`. A wrong password is
`(False, None)`; a stored string that cannot be judged (corrupt, unknown scheme, costs over
the limits, unknown pepper key) raises `PwhardenError` with the C code in `.code`, so it is
never mistaken for a wrong password. Every function is thread-safe and releases the GIL
while it works (ctypes does).

The library is found in this order: the `path` given to `load()`, the environment variable
PWHARDEN_LIB, then `ctypes.util.find_library("pwharden")`.
"""

import ctypes
import ctypes.util
import os
import threading

__all__ = [
    "PwhardenError", "CompromisedPassword", "Policy", "load", "hash", "verify",
    "needs_upgrade", "wrap", "identify", "verify_unknown_user", "screen", "version",
]

# Return codes, as in include/pwharden.h (the tests compare them with the header).
OK = 0
INVALID = 0
VALID = 1
VALID_UPGRADED = 2
VALID_COMPROMISED = 3
ERR_MALFORMED_HASH = -1
ERR_UNSUPPORTED_SCHEME = -2
ERR_SCHEME_NOT_ALLOWED = -3
ERR_PARAMS_OVER_LIMIT = -4
ERR_PASSWORD_TOO_LONG = -5
ERR_PASSWORD_TOO_SHORT = -6
ERR_UNKNOWN_PEPPER_KEY = -7
ERR_NOT_WRAPPABLE = -8
ERR_RNG = -9
ERR_INTERNAL = -10
ERR_BUSY = -15
ERR_NULL_ARGUMENT = -20
ERR_BUFFER_TOO_SMALL = -21
ERR_INVALID_ARGUMENT = -22
ERR_CONFIG = -23
ERR_PANIC = -24

# pwh_screen: reason bits, and the limits of a context.
REASON_TOO_SHORT = 1 << 0
REASON_TOO_LONG = 1 << 1
REASON_COMMON = 1 << 2
REASON_BREACHED = 1 << 3
REASON_USER_CONTEXT = 1 << 4
REASON_SITE_WORD = 1 << 5
REASON_REPETITIVE = 1 << 6
CONTEXT_STR_MAX = 256
CONTEXT_LIST_MAX = 32


class _ScreenContext(ctypes.Structure):
    _fields_ = [
        ("email", ctypes.c_char_p),
        ("names", ctypes.POINTER(ctypes.c_char_p)),
        ("names_len", ctypes.c_size_t),
        ("phone", ctypes.c_char_p),
        ("words", ctypes.POINTER(ctypes.c_char_p)),
        ("words_len", ctypes.c_size_t),
    ]


class PwhardenError(Exception):
    """A negative code from the C ABI; `.code` is the code, the message pwh_strerror()'s
    (and, for a refused policy, what was wrong with it)."""

    def __init__(self, code, detail=None):
        self.code = code
        text = _lib().pwh_strerror(code).decode()
        super().__init__(f"{text}: {detail}" if detail else text)


class CompromisedPassword(Exception):
    """Raised by `verify` when the password is right but in the policy's breach index (only
    with `compromised_check = true`): make the customer choose a new password. `.replacement`
    is the stored string to save in place of the old one, or None."""

    def __init__(self, replacement):
        self.replacement = replacement
        super().__init__("the password is right but has appeared in a data breach")


_loaded = None
_load_lock = threading.Lock()


def load(path=None):
    """Loads libpwharden (once per process) and declares its functions."""
    global _loaded
    with _load_lock:
        if _loaded is not None:
            return _loaded
        path = path or os.environ.get("PWHARDEN_LIB") or ctypes.util.find_library("pwharden")
        if not path:
            raise OSError("libpwharden not found: pass load(path) or set PWHARDEN_LIB")
        lib = ctypes.CDLL(path)
        c_int, c_size, c_char_p, c_void_p = ctypes.c_int, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_void_p
        pw, out = [c_char_p, c_size], [c_char_p, c_size]
        for name, args in {
            "pwh_hash": pw + out,
            "pwh_verify": pw + [c_char_p] + out,
            "pwh_needs_upgrade": [c_char_p],
            "pwh_wrap": [c_char_p] + out,
            "pwh_identify": [c_char_p] + out,
            "pwh_verify_unknown_user": pw,
            "pwh_policy_from_toml": [c_char_p, ctypes.POINTER(c_void_p), c_char_p, c_size],
        }.items():
            fn = getattr(lib, name)
            fn.argtypes, fn.restype = args, c_int
            if name != "pwh_policy_from_toml":
                fn = getattr(lib, name + "_with_policy")
                fn.argtypes, fn.restype = [c_void_p] + args, c_int
        ctx = ctypes.POINTER(_ScreenContext)
        lib.pwh_screen.argtypes, lib.pwh_screen.restype = pw + [ctx], c_int
        lib.pwh_screen_with_policy.argtypes = [c_void_p] + pw + [ctx]
        lib.pwh_screen_with_policy.restype = c_int
        for name in ("pwh_reason_code", "pwh_reason_str"):
            getattr(lib, name).argtypes, getattr(lib, name).restype = [c_int], c_char_p
        lib.pwh_policy_free.argtypes, lib.pwh_policy_free.restype = [c_void_p], None
        lib.pwh_strerror.argtypes, lib.pwh_strerror.restype = [c_int], c_char_p
        lib.pwh_version.argtypes, lib.pwh_version.restype = [], c_char_p
        lib.pwh_stored_max.argtypes, lib.pwh_stored_max.restype = [], c_size
        lib.pwh_name_max.argtypes, lib.pwh_name_max.restype = [], c_size
        _loaded = lib
        return lib


def _lib():
    return _loaded if _loaded is not None else load()


def _password(password):
    """(pointer argument, length) without copying bytes or bytearray."""
    if isinstance(password, str):
        password = password.encode("utf-8")
    if isinstance(password, bytearray):
        if not password:
            return None, 0
        return ctypes.cast((ctypes.c_char * len(password)).from_buffer(password), ctypes.c_char_p), len(password)
    if isinstance(password, bytes):
        return password, len(password)
    raise TypeError("password must be bytes, bytearray or str")


def _stored(stored):
    if isinstance(stored, str):
        stored = stored.encode("utf-8")
    if not isinstance(stored, bytes):
        raise TypeError("stored must be str or bytes")
    if b"\0" in stored:
        # C would see only the part before the NUL.
        raise PwhardenError(ERR_MALFORMED_HASH, "stored string contains a NUL byte")
    return stored


class Policy:
    """A pwharden policy. `Policy()` is the library's default policy; `Policy(toml)` builds
    one from the README's TOML form. Immutable and safe to share between threads."""

    def __init__(self, toml=None):
        self._handle = None
        lib = _lib()
        if toml is None:
            return
        handle = ctypes.c_void_p()
        err = ctypes.create_string_buffer(512)
        rc = lib.pwh_policy_from_toml(toml.encode("utf-8"), ctypes.byref(handle), err, len(err))
        if rc != OK:
            raise PwhardenError(rc, err.value.decode("utf-8", "replace") or None)
        self._handle = handle

    def close(self):
        """Releases the policy (the default policy needs no release)."""
        handle, self._handle = self._handle, None
        if handle is not None and _loaded is not None:
            _loaded.pwh_policy_free(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def _call(self, name, *args):
        lib = _lib()
        if self._handle is None:
            return getattr(lib, name)(*args)
        return getattr(lib, name + "_with_policy")(self._handle, *args)

    @staticmethod
    def _check(rc):
        if rc < 0:
            raise PwhardenError(rc)
        return rc

    def hash(self, password):
        """A new Argon2id stored string for `password`."""
        out = ctypes.create_string_buffer(_lib().pwh_stored_max())
        self._check(self._call("pwh_hash", *_password(password), out, len(out)))
        return out.value.decode("ascii")

    def verify(self, password, stored):
        """`(True, None)`, `(True, replacement)` (store it in place of `stored`), or
        `(False, None)` for a wrong password; PwhardenError when `stored` cannot be judged;
        CompromisedPassword when the password is right but breached (policies with
        `compromised_check` only)."""
        out = ctypes.create_string_buffer(_lib().pwh_stored_max())
        rc = self._check(self._call("pwh_verify", *_password(password), _stored(stored), out, len(out)))
        if rc == VALID_UPGRADED:
            return True, out.value.decode("ascii")
        if rc == VALID_COMPROMISED:
            raise CompromisedPassword(out.value.decode("ascii") or None)
        return rc == VALID, None

    def screen(self, password, email=None, names=(), phone=None, words=()):
        """Screens a new password (NIST SP 800-63B): `[]` when it is acceptable, otherwise
        `[(code, message), ...]`, one per reason (`too_short`, `common`, `breached`, ...)."""
        enc = lambda s: s.encode("utf-8") if isinstance(s, str) else s
        names_arr = (ctypes.c_char_p * max(len(names), 1))(*[enc(n) for n in names])
        words_arr = (ctypes.c_char_p * max(len(words), 1))(*[enc(w) for w in words])
        ctx = _ScreenContext(enc(email), names_arr, len(names), enc(phone), words_arr, len(words))
        rc = self._check(self._call("pwh_screen", *_password(password), ctypes.byref(ctx)))
        lib = _lib()
        return [
            (lib.pwh_reason_code(bit).decode(), lib.pwh_reason_str(bit).decode())
            for bit in (1 << i for i in range(7))
            if rc & bit
        ]

    def needs_upgrade(self, stored):
        """Whether `stored` should be replaced at the next successful login."""
        return self._check(self._call("pwh_needs_upgrade", _stored(stored))) == 1

    def wrap(self, stored):
        """A legacy stored string wrapped in Argon2id, made without the password."""
        out = ctypes.create_string_buffer(_lib().pwh_stored_max())
        self._check(self._call("pwh_wrap", _stored(stored), out, len(out)))
        return out.value.decode("ascii")

    def identify(self, stored):
        """The scheme name of a stored string (`argon2id`, `bcrypt`, ..., `wrapped`)."""
        out = ctypes.create_string_buffer(_lib().pwh_name_max())
        self._check(self._call("pwh_identify", _stored(stored), out, len(out)))
        return out.value.decode("ascii")

    def verify_unknown_user(self, password):
        """Spends the time of a failed login and returns False (for unknown accounts)."""
        self._check(self._call("pwh_verify_unknown_user", *_password(password)))
        return False


_default = None


def _policy():
    global _default
    if _default is None:
        _default = Policy()
    return _default


def hash(password):  # noqa: A001 - the library's own name
    return _policy().hash(password)


def verify(password, stored):
    return _policy().verify(password, stored)


def needs_upgrade(stored):
    return _policy().needs_upgrade(stored)


def wrap(stored):
    return _policy().wrap(stored)


def identify(stored):
    return _policy().identify(stored)


def verify_unknown_user(password):
    return _policy().verify_unknown_user(password)


def screen(password, **context):
    return _policy().screen(password, **context)


def version():
    return _lib().pwh_version().decode("ascii")


if __name__ == "__main__":
    import sys

    load(sys.argv[1] if len(sys.argv) > 1 else None)
    stored = hash("pizza123")
    print("pwharden", version())
    print("stored  ", stored)
    print("right   ", verify("pizza123", stored))
    print("wrong   ", verify("pizza124", stored))
    print("screen  ", screen("pizza123", email="alice@example.com"))
