<?php
// Peer helper for tests/vectors/gen/generate.py: PHP's own password_hash()
// and friends.  Reads tab-separated requests on stdin, one per line, and
// writes exactly one answer line per request on stdout:
//
//   version                              -> PHP_VERSION<TAB>PASSWORD_ARGON2_PROVIDER
//   hash<TAB>bcrypt<TAB>pwhex<TAB>json    -> password_hash($pw, PASSWORD_BCRYPT, json)
//   hash<TAB>argon2id<TAB>pwhex<TAB>json  -> password_hash($pw, PASSWORD_ARGON2ID, json)
//   crypt<TAB>pwhex<TAB>setting           -> crypt($pw, setting)
//   verify<TAB>pwhex<TAB>stored           -> "ok" / "fail" (password_verify)
//   digest<TAB>algo<TAB>datahex           -> hash(algo, data) as lowercase hex
//
// Passwords and data travel as hex so any byte string survives the pipe.

function fail_usage(string $msg): void {
    fwrite(STDERR, "php_vectors.php: $msg\n");
    exit(2);
}

function unhex(string $h): string {
    if ($h === '') {
        return '';
    }
    $b = hex2bin($h);
    if ($b === false) {
        fail_usage("bad hex: $h");
    }
    return $b;
}

while (($line = fgets(STDIN)) !== false) {
    $line = rtrim($line, "\r\n");
    if ($line === '') {
        continue;
    }
    $f = explode("\t", $line);
    switch ($f[0]) {
        case 'version':
            echo PHP_VERSION, "\t", PASSWORD_ARGON2_PROVIDER, "\n";
            break;
        case 'hash':
            if (count($f) !== 4) {
                fail_usage("hash wants 3 fields: $line");
            }
            $opts = json_decode($f[3], true);
            if (!is_array($opts)) {
                fail_usage("bad json options: {$f[3]}");
            }
            $algo = match ($f[1]) {
                'bcrypt' => PASSWORD_BCRYPT,
                'argon2id' => PASSWORD_ARGON2ID,
                'argon2i' => PASSWORD_ARGON2I,
                default => fail_usage("unknown algo {$f[1]}"),
            };
            echo password_hash(unhex($f[2]), $algo, $opts), "\n";
            break;
        case 'crypt':
            if (count($f) !== 3) {
                fail_usage("crypt wants 2 fields: $line");
            }
            echo crypt(unhex($f[1]), $f[2]), "\n";
            break;
        case 'verify':
            if (count($f) !== 3) {
                fail_usage("verify wants 2 fields: $line");
            }
            echo password_verify(unhex($f[1]), $f[2]) ? "ok" : "fail", "\n";
            break;
        case 'digest':
            if (count($f) !== 3) {
                fail_usage("digest wants 2 fields: $line");
            }
            echo hash($f[1], unhex($f[2])), "\n";
            break;
        default:
            fail_usage("unknown request: {$f[0]}");
    }
}
