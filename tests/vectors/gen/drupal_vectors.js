'use strict';
// Peer helper for tests/vectors/gen/generate.py: the npm package
// `drupal-hash` (a port of Drupal 7's includes/password.inc), installed in
// tests/peers/node_modules by tests/peers/setup.sh.
//
// Reads tab-separated requests on stdin, one answer line per request:
//   version                          -> drupal-hash version<TAB>node version
//   hash<TAB>pwhex<TAB>count_log2    -> drupalHash.hashPassword(pw, count_log2)
//   verify<TAB>pwhex<TAB>stored      -> "ok" / "fail" (drupalHash.checkPassword)
const path = require('path');
const readline = require('readline');

const peerDir = path.join(__dirname, '..', '..', 'peers', 'node_modules', 'drupal-hash');
const drupalHash = require(peerDir);
const peerVersion = require(path.join(peerDir, 'package.json')).version;

function usage(msg) {
  process.stderr.write('drupal_vectors.js: ' + msg + '\n');
  process.exit(2);
}

function unhex(h) {
  if (!/^([0-9a-f]{2})*$/.test(h)) usage('bad hex: ' + h);
  return Buffer.from(h, 'hex');
}

const out = [];
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (line === '') return;
  const f = line.split('\t');
  switch (f[0]) {
    case 'version':
      out.push(peerVersion + '\t' + process.version);
      break;
    case 'hash': {
      if (f.length !== 3) usage('hash wants 2 fields: ' + line);
      const h = drupalHash.hashPassword(unhex(f[1]), parseInt(f[2], 10));
      if (typeof h !== 'string') usage('peer refused to hash: ' + line);
      out.push(h);
      break;
    }
    case 'verify':
      if (f.length !== 3) usage('verify wants 2 fields: ' + line);
      out.push(drupalHash.checkPassword(unhex(f[1]), f[2]) ? 'ok' : 'fail');
      break;
    default:
      usage('unknown request: ' + f[0]);
  }
});
rl.on('close', () => {
  process.stdout.write(out.map((l) => l + '\n').join(''));
});
