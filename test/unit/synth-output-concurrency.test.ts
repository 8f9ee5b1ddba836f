// Three "platforms" synthesize the same pair of output folders as separate processes (one long-lived
// process each, told when to synthesize), twenty rounds of three at once. After every round both folders come from one synth (the last of a chain in which every
// synth that succeeded read the output of the one before: none was lost or interleaved), the user's files
// are there, no process said anything untrue, and nothing is left beside the folders.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { withAtomicOutput } from '../../lib/output/output';
import { platformBuildOf, prepareChildren, startSynthServer } from '../support/synth-output-child';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-concurrent-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Files per platform: each writes its own set, so that a file of another platform in the output shows a mix. */
const FILES = { a: 40, b: 25, c: 60 } as const;

test('three platforms synthesizing the same folders at once, twenty rounds: always one pair, true messages, no leftovers', async () => {
  prepareChildren(work);
  const { platformBuild, nonceIn } = platformBuildOf(work);
  const dist = path.join(work, 'dist');
  const dirs = [path.join(dist, 'flux'), path.join(dist, 'cdktf')];
  withAtomicOutput(dirs, platformBuild(dirs, 'a', 'start', FILES.a));
  fs.mkdirSync(path.join(dirs[0], '.git'));
  fs.writeFileSync(path.join(dirs[0], '.git/HEAD'), 'ref: refs/heads/main\n');
  fs.writeFileSync(path.join(dirs[1], 'README.md'), 'mine\n');

  const servers = { a: startSynthServer(work), b: startSynthServer(work), c: startSynthServer(work) };
  const pids = Object.values(servers).map((s) => s.pid);
  const problems: string[] = [];
  let waited = 0;
  let refused = 0;
  let last = 'start';
  for (let round = 0; round < 20; round++) {
    // Odd rounds fail at once when locked; even ones wait. Platform c names the folders in the other
    // order: the locks are still taken in one order, so no two synths wait for each other.
    const whenLocked = round % 2 === 1 ? 'fail' : 'wait';
    const runs = (['a', 'b', 'c'] as const).map((platform) => {
      const outdirs = platform === 'c' ? [...dirs].reverse() : dirs;
      const nonce = `${platform}${round}`;
      return servers[platform].synth({ outdirs, platform, nonce, files: FILES[platform], sleepMs: 15, options: { whenLocked } }).then((r) => ({ pid: servers[platform].pid, ...r }));
    });
    const results = await Promise.all(runs);
    const say = (msg: string) => problems.push(`round ${round} (${whenLocked}): ${msg}`);

    const edges = new Map<string, string>();
    for (const r of results) {
      const others = (text: string) => [...text.matchAll(/by (?:another process: )?pid (\d+) /g)].map((m) => Number(m[1]));
      if (r.code === 0) {
        const m = /^wrote (\S+) after (\S+)\n$/.exec(r.stdout);
        if (!m || m[1] !== r.nonce) say(`${r.nonce} printed ${JSON.stringify(r.stdout)}`);
        else edges.set(m[2], m[1]);
        if (r.stderr !== '') waited++;
        for (const line of r.stderr.split('\n').filter(Boolean)) {
          if (!/^ballast: note: waiting for the synth of \S+ by pid \d+ \(/.test(line)) say(`${r.nonce} said ${JSON.stringify(line)}`);
        }
      } else if (whenLocked === 'fail' && r.code === 1) {
        refused++;
        if (!/^ballast: synth failed, nothing was written:\n\S+ is being synthesized by another process: pid \d+ \(/.test(r.stderr)) say(`${r.nonce} failed with ${JSON.stringify(r.stderr)}`);
      } else {
        say(`${r.nonce} ended with ${r.code}: ${r.stderr}`);
      }
      for (const pid of others(r.stderr)) if (pid === r.pid || !pids.includes(pid)) say(`${r.nonce} named pid ${pid}, not another synth of this round`);
    }
    // The successful synths form one chain from the previous round's output to this round's.
    const chain: string[] = [];
    for (let at = last; edges.has(at); at = edges.get(at)!) chain.push(edges.get(at)!);
    const succeeded = results.filter((r) => r.code === 0).map((r) => r.nonce);
    if (chain.length !== succeeded.length) say(`synths ${succeeded.join(', ')} succeeded, but they read ${[...edges].map(([a, b]) => `${b} after ${a}`).join(', ')}`);
    if (succeeded.length === 0) say('no synth succeeded');
    if (whenLocked === 'wait' && succeeded.length !== 3) say(`only ${succeeded.join(', ')} succeeded`);

    const nonces = dirs.map(nonceIn);
    const expected = chain[chain.length - 1] ?? last;
    if (nonces[0] !== expected || nonces[1] !== expected) say(`flux holds ${nonces[0]}, cdktf ${nonces[1]}, the last synth was ${expected}`);
    const platform = expected[0] as keyof typeof FILES;
    const want = [...Array.from({ length: FILES[platform] }, (_, k) => `${platform}-${k}.yaml`), 'common.yaml'].sort().join();
    for (const dir of dirs) {
      if (fs.readdirSync(path.join(dir, 'apps')).sort().join() !== want) say(`${path.basename(dir)}/apps does not hold exactly platform ${platform}'s files`);
    }
    if (fs.readFileSync(path.join(dirs[0], '.git/HEAD'), 'utf8') !== 'ref: refs/heads/main\n') say('.git/HEAD is gone');
    if (fs.readFileSync(path.join(dirs[1], 'README.md'), 'utf8') !== 'mine\n') say('README.md is gone');
    const left = fs.readdirSync(dist).sort();
    if (left.join() !== 'cdktf,flux') say(`dist holds ${left.join(', ')}`);
    last = expected;
  }
  await Promise.all(Object.values(servers).map((s) => s.stop()));
  expect(problems).toEqual([]);
  // The rounds did overlap: synths waited for one another, and refused to.
  expect(waited).toBeGreaterThan(5);
  expect(refused).toBeGreaterThan(5);
}, 120_000);
