// ballast's age encryption against the real age CLI (Debian's `age`), in both directions.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ageDecrypt, ageEncrypt, ageRecipientOf, generateAgeIdentity } from '../../lib/internal';
import { tempDir } from '../support/synth';

const age = spawnSync('age', ['--version'], { encoding: 'utf8' });
if (age.error) throw new Error('the age CLI is not installed (Debian package age; .ci/run installs it)');

const dir = tempDir('ballast-age-');
const key = generateAgeIdentity();
const keyFile = path.join(dir, 'key.txt');
fs.writeFileSync(keyFile, `# public key: ${ageRecipientOf(key.identity)}\n${key.identity}\n`, { mode: 0o600 });
const plaintext = Buffer.concat([Buffer.from('a data key, or anything: '), Buffer.alloc(70_000, 7)]);

test('age decrypts what ballast encrypted (armored, two recipients)', () => {
  const other = generateAgeIdentity();
  const file = path.join(dir, 'from-ballast.age');
  fs.writeFileSync(file, ageEncrypt(plaintext, [other.recipient, key.recipient]));
  expect(execFileSync('age', ['--decrypt', '-i', keyFile, file])).toEqual(plaintext);
});

test('ballast decrypts what age encrypted', () => {
  const input = path.join(dir, 'plain.bin');
  fs.writeFileSync(input, plaintext);
  const armored = execFileSync('age', ['--encrypt', '--armor', '-r', key.recipient, input], { encoding: 'utf8' });
  expect(ageDecrypt(armored, key.identity)).toEqual(plaintext);
});
