import { KubePrometheusStack, Traefik } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('scratch', () => {
  const t0 = Date.now();
  const out = synthComponent((p) => {
    const t = new Traefik(p, 'traefik', { deployWith: 'terraform', metrics: true });
    new KubePrometheusStack(p, 'monitoring', { ingress: t });
    return t;
  });
  console.log(Date.now() - t0, JSON.stringify(out, null, 1));
});
