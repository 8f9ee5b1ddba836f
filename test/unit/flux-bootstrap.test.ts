import { Flux, planPlatform, SecretValue, terraformObjects } from '../../lib/internal';
import { testPlatform } from '../support/platforms';

test('the instance syncs clusters/<cluster> of the branch, after the operator, both through Terraform', () => {
  const flux = new Flux(testPlatform({ git: { url: 'https://git.example.com/p.git', branch: 'prod', path: 'deploy/flux' } }), 'flux');
  expect(flux.instance.dependencies).toEqual([flux.operator]);
  expect([flux.operator.deployWith, flux.instance.deployWith]).toEqual(['terraform', 'terraform']);
  const sync = (flux.instance.helmChart!.values as any).instance.sync;
  expect(sync).toEqual({
    kind: 'GitRepository',
    name: 'flux-system',
    url: 'https://git.example.com/p.git',
    ref: 'refs/heads/prod',
    path: 'deploy/flux/clusters/test',
    interval: '10m',
  });
});

test('a private repository gets its credentials from a bootstrap secret named in sync.pullSecret', () => {
  const platform = testPlatform({
    git: { url: 'https://git.example.com/p.git', auth: { username: 'flux', password: SecretValue.fromVariable('git_token', 'Git token.') } },
  });
  const flux = new Flux(platform, 'flux');
  expect((flux.instance.helmChart!.values as any).instance.sync.pullSecret).toBe('flux-git-auth');
  const secrets = terraformObjects(planPlatform(platform), (v) => `<${v.variable}>`).secrets;
  expect(secrets).toEqual([
    expect.objectContaining({ metadata: { name: 'flux-git-auth', namespace: 'flux-system' }, stringData: { username: 'flux', password: '<git_token>' } }),
  ]);
});

test('extra controllers are added to the four defaults', () => {
  const flux = new Flux(testPlatform(), 'flux', { extraControllers: ['image-reflector-controller', 'image-automation-controller'] });
  expect((flux.instance.helmChart!.values as any).instance.components).toEqual([
    'source-controller',
    'kustomize-controller',
    'helm-controller',
    'notification-controller',
    'image-reflector-controller',
    'image-automation-controller',
  ]);
});
