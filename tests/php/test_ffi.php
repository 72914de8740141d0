<?php
/**
 * The C ABI from PHP (FFI), through examples/php/pwharden.php and examples/php/login.php.
 *
 *   php -d ffi.enable=1 tests/php/test_ffi.php LIB HEADER
 *
 * Run by tests/php_ffi.rs. PWHARDEN_EXPECT_LEGACY=1 when the library has the legacy schemes
 * (then bcrypt $2y$ from PHP must verify and be upgraded), 0 when it has none (then bcrypt
 * must fail with PWH_ERR_UNSUPPORTED_SCHEME). Checks that pwharden verifies argon2-cffi's
 * vectors and PHP's own password_hash() output, and that PHP's password_verify() accepts
 * pwharden's hashes (PHP uses libargon2: a real peer). Prints `php: N passed, M failed`.
 */

require_once __DIR__ . '/../../examples/php/login.php';

$passed = 0;
$failed = 0;
function check(bool $cond, string $what): void
{
    global $passed, $failed;
    if ($cond) {
        $passed++;
    } else {
        $failed++;
        echo "FAIL $what\n";
    }
}

function code_of(callable $fn): ?int
{
    try {
        $fn();
    } catch (PwhardenError $e) {
        return $e->getCode();
    }
    return null;
}

/** A different password of the same length (so that it stays within the limits). */
function wrong(string $pw): string
{
    return chr(ord($pw[0]) ^ 1) . substr($pw, 1);
}

/** @return list<array{0: string, 1: string}> [password bytes, stored] */
function vectors(string $file): array
{
    $rows = [];
    foreach (file(__DIR__ . "/../vectors/$file", FILE_IGNORE_NEW_LINES) as $line) {
        if ($line === '' || $line[0] === '#') {
            continue;
        }
        $cols = explode("\t", $line);
        $rows[] = [hex2bin($cols[0]), $cols[1]];
    }
    return $rows;
}

[, $lib, $header] = $argv + [null, null, null];
if ($lib === null || $header === null) {
    fwrite(STDERR, "usage: test_ffi.php LIB HEADER\n");
    exit(2);
}
$legacy = getenv('PWHARDEN_EXPECT_LEGACY');
if ($legacy !== '0' && $legacy !== '1') {
    fwrite(STDERR, "set PWHARDEN_EXPECT_LEGACY to 0 or 1\n");
    exit(2);
}
$cheapToml = "allow_weak_target = true\n[argon2]\nm_cost = 256\nt_cost = 1\np_cost = 1\n";
$default = new Pwharden($lib, $header);
$cheap = new Pwharden($lib, $header, $cheapToml);
echo 'pwharden ', $default->version(), ' from PHP ', PHP_VERSION, "\n";

// --- The header as PHP reads it ------------------------------------------------------------
[$cdef, $defines] = Pwharden::prepareHeader($header);
check(count($defines) >= 20, 'PWH_* defines read from the header');
check($default->code('PWH_VALID_UPGRADED') === 2, 'PWH_VALID_UPGRADED');
check($default->code('PWH_STORED_MAX') === 513, 'PWH_STORED_MAX');
check(!str_contains($cdef, '#') && !str_contains($cdef, 'extern "C"'), 'cdef has no preprocessor left');

// --- argon2-cffi's vectors, and PHP's own committed ones ------------------------------------
foreach (['argon2id.tsv', 'argon2i.tsv', 'argon2d.tsv', 'argon2id-php.tsv'] as $file) {
    $n = 0;
    foreach (vectors($file) as $i => [$pw, $stored]) {
        [$ok, $replacement] = $cheap->verify($pw, $stored);
        check($ok, "$file #$i verifies");
        check($cheap->verify(wrong($pw), $stored) === [false, null], "$file #$i wrong password");
        if ($replacement !== null) {
            check($cheap->verify($pw, $replacement) === [true, null], "$file #$i replacement");
        }
        $n++;
    }
    echo "ok $file: $n lines\n";
}

// --- PHP's password_hash(PASSWORD_ARGON2ID), live ------------------------------------------
$passwords = ['pizza123', "p\xc3\xa4ssw\xc3\xb6rd", "\x00\xffbinary\x01", str_repeat('a', 1024), 'x'];
foreach ($passwords as $i => $pw) {
    $php = password_hash($pw, PASSWORD_ARGON2ID); // m=65536, t=4, p=1: above the default target
    check($default->verify($pw, $php) === [true, null], "PHP argon2id #$i verifies as current");
    check($default->verify(wrong($pw), $php) === [false, null], "PHP argon2id #$i wrong password");
    $weak = password_hash($pw, PASSWORD_ARGON2ID, ['memory_cost' => 1024, 'time_cost' => 1, 'threads' => 1]);
    [$ok, $replacement] = $default->verify($pw, $weak);
    check($ok && $replacement !== null && str_starts_with($replacement, '$argon2id$v=19$m=19456,t=2,p=1$'),
        "weak PHP argon2id #$i is upgraded to the default target");
    check($replacement !== null && password_verify($pw, $replacement), "PHP accepts the replacement #$i");
}
echo "ok PHP password_hash(PASSWORD_ARGON2ID)\n";

// --- pwharden's hashes in PHP's password_verify (libargon2) ---------------------------------
foreach ($passwords as $i => $pw) {
    foreach (['default' => $default, 'cheap' => $cheap] as $label => $pwh) {
        $stored = $pwh->hash($pw);
        check(password_verify($pw, $stored), "password_verify accepts pwharden's $label hash #$i");
        check(!password_verify(wrong($pw), $stored), "password_verify refuses a wrong password #$i");
        check(password_get_info($stored)['algoName'] === 'argon2id', "PHP sees argon2id #$i");
    }
}
echo "ok password_verify(pwharden hashes)\n";

// --- bcrypt ($2y$) from PHP: a legacy scheme ------------------------------------------------
$bcryptLines = array_values(array_filter(vectors('bcrypt.tsv'), fn ($v) => str_starts_with($v[1], '$2y$')));
check(count($bcryptLines) > 0, 'bcrypt.tsv has $2y$ lines');
$bcrypt = $bcryptLines;
$bcrypt[] = ['s3cret', password_hash('s3cret', PASSWORD_BCRYPT, ['cost' => 4])];
foreach ($bcrypt as $i => [$pw, $stored]) {
    if ($legacy === '1') {
        [$ok, $replacement] = $cheap->verify($pw, $stored);
        check($ok && $replacement !== null, "bcrypt #$i verifies and is upgraded");
        check($replacement !== null && password_verify($pw, $replacement), "PHP accepts the bcrypt replacement #$i");
        check($cheap->verify("X$pw", $stored) === [false, null], "bcrypt #$i wrong password");
        check($cheap->identify($stored) === 'bcrypt', "bcrypt #$i identify");
    } else {
        check(code_of(fn () => $cheap->verify($pw, $stored)) === $cheap->code('PWH_ERR_UNSUPPORTED_SCHEME'),
            "bcrypt #$i: unsupported in this build");
    }
}
echo ($legacy === '1' ? 'ok' : 'skip'), ' bcrypt $2y$: ', count($bcrypt), " hashes\n";

// --- Errors ---------------------------------------------------------------------------------
$stored = $cheap->hash('pw');
check(code_of(fn () => $cheap->verify('pw', '')) === $cheap->code('PWH_ERR_UNSUPPORTED_SCHEME'), 'empty stored');
check(code_of(fn () => $cheap->verify('pw', substr($stored, 0, strrpos($stored, '$')))) === $cheap->code('PWH_ERR_MALFORMED_HASH'), 'truncated');
check(code_of(fn () => $cheap->verify('pw', str_repeat('a', 600))) === $cheap->code('PWH_ERR_INVALID_ARGUMENT'), 'too long');
check(code_of(fn () => $cheap->verify('pw', "$stored\0x")) !== null, 'NUL in stored');
check(code_of(fn () => $cheap->hash('')) === $cheap->code('PWH_ERR_PASSWORD_TOO_SHORT'), 'empty password');
check(code_of(fn () => $cheap->hash(str_repeat('a', 1025))) === $cheap->code('PWH_ERR_PASSWORD_TOO_LONG'), 'long password');
check(code_of(fn () => $cheap->wrap($stored)) === $cheap->code('PWH_ERR_NOT_WRAPPABLE'), 'wrap argon2');
check($cheap->identify($stored) === 'argon2id', 'identify');
check($cheap->needsUpgrade($stored) === false && $default->needsUpgrade($stored) === true, 'needs_upgrade');
check($cheap->verifyUnknownUser('pw') === false, 'unknown user');
try {
    new Pwharden($lib, $header, 'bogus_key = 1');
    check(false, 'a bad policy is refused');
} catch (PwhardenError $e) {
    check($e->getCode() === $cheap->code('PWH_ERR_CONFIG') && str_contains($e->getMessage(), 'bogus_key'), 'config error');
}

// --- The login example: the replacement is stored -------------------------------------------
$users = new UserTable();
signup($cheap, $users, 'alice', 'pizza123');
$weak = password_hash('hunter2', PASSWORD_ARGON2ID, ['memory_cost' => 128, 'time_cost' => 1, 'threads' => 1]);
$users->updateHash('bob', $weak);
check(login($cheap, $users, 'alice', 'pizza123'), 'alice logs in');
check(!login($cheap, $users, 'alice', 'pizza124'), 'alice, wrong password');
check(!login($cheap, $users, 'mallory', 'x'), 'unknown user refused');
check(login($cheap, $users, 'bob', 'hunter2'), 'bob logs in');
$after = $users->storedHash('bob');
check($after !== $weak && str_starts_with($after, '$argon2id$v=19$m=256,t=1,p=1$'), 'bob\'s replacement was stored');
check(password_verify('hunter2', $after), 'PHP accepts bob\'s new hash');
check(login($cheap, $users, 'bob', 'hunter2') && $users->storedHash('bob') === $after, 'no second upgrade');
echo "ok login()\n";

unset($cheap, $default);
echo "php: $passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
