<?php
/**
 * A PHP login over pwharden's C ABI: verify, and store the replacement hash when pwharden
 * hands one back (a legacy or weaker hash is upgraded at the customer's next login).
 *
 *   php -d ffi.enable=1 examples/php/login.php LIB HEADER [POLICY.toml]
 *
 * The user table is an array here; with pdo_sqlite or a real database, updateHash() is an
 * UPDATE statement.
 */

require_once __DIR__ . '/pwharden.php';

final class UserTable
{
    /** @var array<string, string> name => stored hash */
    private array $rows = [];

    public function storedHash(string $name): ?string
    {
        return $this->rows[$name] ?? null;
    }

    public function updateHash(string $name, string $stored): void
    {
        $this->rows[$name] = $stored; // UPDATE users SET password_hash = ? WHERE name = ?
    }
}

/** True when $password is right for $name; upgrades the stored hash on the way. */
function login(Pwharden $pwh, UserTable $users, string $name, string $password): bool
{
    $stored = $users->storedHash($name);
    if ($stored === null) {
        return $pwh->verifyUnknownUser($password); // same time as a wrong password
    }
    try {
        [$ok, $replacement] = $pwh->verify($password, $stored);
    } catch (PwhardenError $e) {
        // Not a wrong password: the stored hash cannot be judged. Log it and refuse.
        error_log("login $name: pwharden error {$e->getCode()}: {$e->getMessage()}");
        return false;
    }
    if ($ok && $replacement !== null) {
        $users->updateHash($name, $replacement);
    }
    return $ok;
}

function signup(Pwharden $pwh, UserTable $users, string $name, string $password): void
{
    $users->updateHash($name, $pwh->hash($password));
}

if (PHP_SAPI === 'cli' && realpath($argv[0]) === __FILE__) {
    if ($argc < 3) {
        fwrite(STDERR, "usage: login.php LIB HEADER [POLICY.toml]\n");
        exit(2);
    }
    $pwh = new Pwharden($argv[1], $argv[2], isset($argv[3]) ? file_get_contents($argv[3]) : null);
    $users = new UserTable();
    signup($pwh, $users, 'alice', 'pizza123');
    // Rows written by the old PHP code: PHP's own Argon2id with low costs, and bcrypt.
    $users->updateHash('bob', password_hash('hunter2', PASSWORD_ARGON2ID, ['memory_cost' => 1024, 'time_cost' => 1, 'threads' => 1]));
    $users->updateHash('carol', password_hash('s3cret', PASSWORD_BCRYPT, ['cost' => 4]));

    foreach ([['alice', 'pizza123'], ['alice', 'pizza124'], ['mallory', 'x'], ['bob', 'hunter2'], ['carol', 's3cret']] as [$name, $pw]) {
        $before = $users->storedHash($name);
        $ok = login($pwh, $users, $name, $pw);
        $after = $users->storedHash($name);
        $note = ($before !== null && $before !== $after) ? ' (stored hash upgraded to ' . substr($after, 0, 10) . '...)' : '';
        echo "$name: " . ($ok ? 'logged in' : 'refused') . "$note\n";
    }
}
