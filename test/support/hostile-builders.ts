// What the hostile-input table's case files share: the two expectations, the objects of a synthesized
// tree, and the valid base components cases build their mistakes on.
import { parseAllDocuments } from 'yaml';
import { KubePrometheusStack, Manifest, Platform, Traefik, WebService, WebServiceProps } from '../../lib/internal';
import { Expectation } from './hostile';

/** A refusal whose message contains (or matches) `text`. */
export const refused = (text: string | RegExp): Expectation => ({ refused: text });
/** An accepted synth whose tree passes `check`. */
export const accepted = (check: (tree: Record<string, string>) => void = () => undefined): Expectation => ({ accepted: check });

/** Every object of the Flux files in `tree`. */
export function objects(tree: Record<string, string>): Manifest[] {
  return Object.entries(tree)
    .filter(([file]) => file.startsWith('flux/') && file.endsWith('.yaml'))
    .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJSON() as Manifest))
    .filter((o) => o && typeof o === 'object' && typeof o.kind === 'string');
}

/** The Flux object `kind`/`name` of `tree`, loosely typed for a case's checks. */
export const findObject = (tree: Record<string, string>, kind: string, name: string) =>
  objects(tree).find((o) => o.kind === kind && o.metadata.name === name) as (Manifest & Record<string, any>) | undefined;

/** A web service, its props over a valid base. */
export function service(platform: Platform, props: Partial<WebServiceProps> = {}, id = 'api'): WebService {
  return new WebService(platform, id, { image: 'ghcr.io/acme/api:1.4.2', metricsPath: false, ...props });
}

/** kube-prometheus-stack behind Traefik, its props over a valid base. */
export function monitoring(platform: Platform, props: ConstructorParameters<typeof KubePrometheusStack>[2] = {}): KubePrometheusStack {
  return new KubePrometheusStack(platform, 'monitoring', { ingress: new Traefik(platform, 'traefik'), ...props });
}
