import { stringify } from 'yaml';

/**
 * Deterministic YAML for every file ballast writes.
 *
 * Written with the YAML 1.1 rules so that strings such as `yes`, `on`, `y` or `0755` are quoted: Go
 * consumers (kubectl, Flux, Helm) read YAML 1.1 and would otherwise turn them into booleans or numbers.
 * No line folding and no anchors, so a diff of the output shows exactly what changed.
 */
export function toYaml(value: unknown): string {
  return stringify(value, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false, indent: 2 });
}

/** Several objects as one multi-document YAML file. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map(toYaml).join('---\n');
}
