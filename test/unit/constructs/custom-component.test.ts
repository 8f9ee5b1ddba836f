// A component of your own, snapshot-tested: a Helm chart, a plain Kubernetes object and a Secret input.
// Copy this file for yours: one snapshot per backend, reviewed like code (`npx jest -u` after an intended change).
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CatalogChart, Component, ComponentOptions, SecretValue } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

const whoamiChart: CatalogChart = {
  chart: 'whoami',
  version: '5.2.0',
  repository: { name: 'cowboysysop', url: 'https://cowboysysop.github.io/charts', type: 'default' },
};

interface WhoamiProps extends ComponentOptions {
  /** @default 1 */
  readonly replicas?: number;
}

/** whoami from its chart, a ConfigMap beside it, and a token the pods read from a Secret. */
class Whoami extends Component {
  constructor(scope: Construct, id: string, props: WhoamiProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'whoami', deployWith: props.deployWith, tier: 'apps' });
    this.addChart(whoamiChart, { replicaCount: props.replicas ?? 1, envFrom: [{ configMapRef: { name: 'whoami-settings' } }] });
    new ApiObject(this, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'whoami-settings' }, data: { WHOAMI_NAME: 'test' } });
    this.addBootstrapSecret('whoami-token', { token: SecretValue.fromVariable('whoami_token', 'Token whoami answers with.') });
  }
}

test('Whoami on Flux', () => {
  expect(synthComponent((platform) => new Whoami(platform, 'whoami', { replicas: 2 }))).toMatchSnapshot();
});

test('Whoami with Terraform', () => {
  expect(synthComponent((platform) => new Whoami(platform, 'whoami', { deployWith: 'terraform' }))).toMatchSnapshot();
});
