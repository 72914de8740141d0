<?php
/**
 * pwharden from PHP, through the FFI extension (Debian's php-cli has it; run with
 * `php -d ffi.enable=1` where ffi.enable is not already on for the CLI).
 *
 *   require 'pwharden.php';
 *   $pwh = new Pwharden('/usr/local/lib/libpwharden.so', '/usr/local/include/pwharden.h');
 *   $stored = $pwh->hash('pizza123');
 *   [$ok, $replacement] = $pwh->verify('pizza123', $stored);   // store $replacement if set
 *
 * The declarations are read from include/pwharden.h itself at load time: PHP's FFI parser
 * cannot read preprocessor lines, the C++ guard, comments or __attribute__, so those are
 * stripped, and the PWH_* #defines become the constants that code() returns. No copy of
 * the declarations is kept here, so this file cannot drift from the library.
 *
 * Passwords are PHP strings, that is bytes (NUL and non-UTF-8 allowed). PHP's FFI cannot
 * pass a string as uint8_t*, so each password is copied into a C buffer that is zeroed
 * right after the call. A wrong password is [false, null]; a stored string that cannot be
 * judged throws PwhardenError (its code is the C code), so it is never mistaken for a
 * wrong password.
 */

final class PwhardenError extends RuntimeException
{
}

/**
 * Thrown by verify() when the password is right but in the policy's breach index (only with
 * `compromised_check = true`): make the customer choose a new password. $replacement is the
 * stored string to save in place of the old one, or null.
 */
final class CompromisedPassword extends RuntimeException
{
    public function __construct(public readonly ?string $replacement)
    {
        parent::__construct('the password is right but has appeared in a data breach');
    }
}

final class Pwharden
{
    /** @var array<string, FFI> one FFI instance per library and header */
    private static array $loaded = [];
    /** @var array<string, array<string, int>> */
    private static array $defines = [];

    private FFI $ffi;
    private array $codes;
    /** @var ?FFI\CData a pwh_policy*, or null for the library's default policy */
    private $policy = null;

    /** Builds the default policy, or one from the README's TOML form. */
    public function __construct(string $lib, string $header, ?string $toml = null)
    {
        $key = $lib . "\0" . $header;
        if (!isset(self::$loaded[$key])) {
            [$cdef, $defines] = self::prepareHeader($header);
            self::$loaded[$key] = FFI::cdef($cdef, $lib);
            self::$defines[$key] = $defines;
        }
        $this->ffi = self::$loaded[$key];
        $this->codes = self::$defines[$key];
        if ($toml !== null) {
            $handle = $this->ffi->new('pwh_policy*');
            $err = FFI::new('char[512]');
            $rc = $this->ffi->pwh_policy_from_toml($toml, FFI::addr($handle), $err, 512);
            if ($rc !== $this->code('PWH_OK')) {
                throw new PwhardenError($this->message($rc) . ': ' . FFI::string($err), $rc);
            }
            $this->policy = $handle;
        }
    }

    public function __destruct()
    {
        if ($this->policy !== null) {
            $this->ffi->pwh_policy_free($this->policy);
            $this->policy = null;
        }
    }

    /** @return array{0: string, 1: array<string, int>} C declarations PHP can parse, and the #defines */
    public static function prepareHeader(string $header): array
    {
        $text = file_get_contents($header);
        if ($text === false) {
            throw new PwhardenError("cannot read $header");
        }
        preg_match_all('/^#define (PWH_\w+) (-?\d+)$/m', $text, $m, PREG_SET_ORDER);
        $defines = [];
        foreach ($m as [, $name, $value]) {
            $defines[$name] = (int) $value;
        }
        $text = preg_replace('~/\*.*?\*/~s', '', $text);
        $text = preg_replace('~^#ifdef __cplusplus$.*?^#endif[^\n]*$~ms', '', $text);
        $text = preg_replace('~^#.*$~m', '', $text);
        $text = str_replace('__attribute__((warn_unused_result))', '', $text);
        return [$text, $defines];
    }

    /** The value of a PWH_* constant of the header, such as code('PWH_VALID'). */
    public function code(string $name): int
    {
        if (!array_key_exists($name, $this->codes)) {
            throw new PwhardenError("no constant $name in the header");
        }
        return $this->codes[$name];
    }

    public function message(int $code): string
    {
        return $this->ffi->pwh_strerror($code);
    }

    public function version(): string
    {
        return $this->ffi->pwh_version();
    }

    /** Calls the plain or the _with_policy form; $pw is copied into a buffer zeroed afterwards. */
    private function call(string $fn, ?string $pw, ...$rest): int
    {
        $args = $rest;
        $buf = null;
        if ($pw !== null) {
            $n = strlen($pw);
            if ($n > 0) {
                $buf = FFI::new("uint8_t[$n]");
                FFI::memcpy($buf, $pw, $n);
            }
            array_unshift($args, $buf, $n);
        }
        if ($this->policy !== null) {
            array_unshift($args, $this->policy);
            $fn .= '_with_policy';
        }
        try {
            $rc = $this->ffi->$fn(...$args);
        } finally {
            if ($buf !== null) {
                FFI::memset($buf, 0, FFI::sizeof($buf));
            }
        }
        if ($rc < 0) {
            throw new PwhardenError($this->message($rc), $rc);
        }
        return $rc;
    }

    private static function stored(string $stored): string
    {
        if (str_contains($stored, "\0")) {
            throw new PwhardenError('stored string contains a NUL byte', -1);
        }
        return $stored;
    }

    private function out(): FFI\CData
    {
        return FFI::new('char[' . $this->code('PWH_STORED_MAX') . ']');
    }

    public function hash(string $password): string
    {
        $out = $this->out();
        $this->call('pwh_hash', $password, $out, FFI::sizeof($out));
        return FFI::string($out);
    }

    /** @return array{0: bool, 1: ?string} [matches, replacement to store or null] */
    public function verify(string $password, string $stored): array
    {
        $out = $this->out();
        $rc = $this->call('pwh_verify', $password, self::stored($stored), $out, FFI::sizeof($out));
        if ($rc === $this->code('PWH_VALID_UPGRADED')) {
            return [true, FFI::string($out)];
        }
        if ($rc === $this->code('PWH_VALID_COMPROMISED')) {
            $replacement = FFI::string($out);
            throw new CompromisedPassword($replacement === '' ? null : $replacement);
        }
        return [$rc === $this->code('PWH_VALID'), null];
    }

    public function needsUpgrade(string $stored): bool
    {
        return $this->call('pwh_needs_upgrade', null, self::stored($stored)) === 1;
    }

    public function wrap(string $stored): string
    {
        $out = $this->out();
        $this->call('pwh_wrap', null, self::stored($stored), $out, FFI::sizeof($out));
        return FFI::string($out);
    }

    public function identify(string $stored): string
    {
        $out = FFI::new('char[' . $this->code('PWH_NAME_MAX') . ']');
        $this->call('pwh_identify', null, self::stored($stored), $out, FFI::sizeof($out));
        return FFI::string($out);
    }

    /** Spends the time of a failed login; always false. */
    public function verifyUnknownUser(string $password): bool
    {
        $this->call('pwh_verify_unknown_user', $password);
        return false;
    }
}
