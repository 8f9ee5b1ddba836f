// Flux's image automation commits new tags into the Flux repository; the platform code keeps the tag it
// was written with. A synth keeps the committed tag while the code's tag stays as it was, and a new tag in
// the code wins: the two never take turns.
import * as fs from 'fs';
import * as path from 'path';
import { Flux, formatDiff, planAgainstOutput, Platform, synthPlatform, WebService } from '../../lib/internal';
import { workspace } from '../support/day2';
import { testPlatform } from '../support/platforms';
import { fluxObjects } from '../support/synth';

function platformWith(image: string): Platform {
  const platform = testPlatform();
  const flux = new Flux(platform, 'flux');
  new WebService(platform, 'api', { image, metricsPath: false, imageAutomation: { flux, semverRange: '^1.0.0' } });
  return platform;
}
const imageIn = (fluxDir: string) => (fluxObjects(fluxDir).find((o) => o.object.kind === 'Deployment')!.object as any).spec.template.spec.containers[0].image as string;
/** What Flux's image-automation-controller does: rewrites the tag on the marked line and commits. */
function automationCommits(fluxDir: string, from: string, to: string): void {
  const file = path.join(fluxDir, 'apps', 'api.yaml');
  const text = fs.readFileSync(file, 'utf8');
  expect(text).toContain(`image: ${from} # {"$imagepolicy": "api:api"}`);
  fs.writeFileSync(file, text.replace(`image: ${from} #`, `image: ${to} #`));
}

test('a committed tag stays while the code keeps its tag; a new tag in the code wins', () => {
  const ws = workspace();
  const synth = (image: string) => synthPlatform(() => platformWith(image), { fluxDir: ws.flux, terraformDir: ws.terraform });

  synth('ghcr.io/acme/api:1.0.0');
  expect(imageIn(ws.flux)).toBe('ghcr.io/acme/api:1.0.0');
  expect(JSON.parse(fs.readFileSync(path.join(ws.flux, '.ballast', 'inventory.json'), 'utf8')).automatedImages).toEqual({ 'api/api': 'ghcr.io/acme/api:1.0.0' });

  automationCommits(ws.flux, 'ghcr.io/acme/api:1.0.0', 'ghcr.io/acme/api:1.0.3');
  const diff = formatDiff(planAgainstOutput(() => platformWith('ghcr.io/acme/api:1.0.0'), { fluxDir: ws.flux, terraformDir: ws.terraform }), true);
  expect(diff.text).toContain("images:\n  = api/api keeps ghcr.io/acme/api:1.0.3 (committed by Flux's image automation; the code says ghcr.io/acme/api:1.0.0)");
  // The Deployment counts as changed against the inventory (which recorded the code's tag), not against the files.

  const kept = synth('ghcr.io/acme/api:1.0.0');
  expect(imageIn(ws.flux)).toBe('ghcr.io/acme/api:1.0.3');
  expect(kept.plan.images.kept).toEqual([{ key: 'api/api', kept: 'ghcr.io/acme/api:1.0.3', code: 'ghcr.io/acme/api:1.0.0' }]);
  // Again: still the committed tag (the inventory still remembers the code's 1.0.0).
  synth('ghcr.io/acme/api:1.0.0');
  expect(imageIn(ws.flux)).toBe('ghcr.io/acme/api:1.0.3');

  synth('ghcr.io/acme/api:1.1.0');
  expect(imageIn(ws.flux)).toBe('ghcr.io/acme/api:1.1.0');
});

test('a hand edit to another repository is not kept', () => {
  const ws = workspace();
  const synth = (image: string) => synthPlatform(() => platformWith(image), { fluxDir: ws.flux, terraformDir: ws.terraform });
  synth('ghcr.io/acme/api:1.0.0');
  automationCommits(ws.flux, 'ghcr.io/acme/api:1.0.0', 'docker.io/evil/api:1.0.3');
  expect(synth('ghcr.io/acme/api:1.0.0').plan.images.kept).toEqual([]);
  expect(imageIn(ws.flux)).toBe('ghcr.io/acme/api:1.0.0');
});
