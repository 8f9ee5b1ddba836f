import { yaml } from './yaml-package';
import { fastYaml } from './fast-yaml';

const { Document, isScalar, stringify } = yaml;

/**
 * Deterministic YAML for every file ballast writes.
 *
 * Written with the YAML 1.1 rules so that strings such as `yes`, `on`, `y` or `0755` are quoted: Go
 * consumers (kubectl, Flux, Helm) read YAML 1.1 and would otherwise turn them into booleans or numbers.
 * No line folding and no anchors, so a diff of the output shows exactly what changed.
 */
export function toYaml(value: unknown, comments: readonly LineComment[] = []): string {
  if (comments.length === 0) return fastYaml(value, OPTIONS) ?? stringify(value, OPTIONS);
  const doc = new Document(value, OPTIONS);
  for (const c of comments) {
    const node = doc.getIn(c.path, true);
    if (!isScalar(node)) throw new Error(`no scalar at ${c.path.join('.')} for the comment ${c.comment}`);
    node.comment = ` ${c.comment}`;
  }
  return doc.toString(OPTIONS);
}

const OPTIONS = { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false, indent: 2 } as const;

/** A comment at the end of the line of one value (a Flux image-policy marker, say). */
export interface LineComment {
  /** Keys and list indexes from the document root to the value. */
  readonly path: readonly (string | number)[];
  readonly comment: string;
}

/** Several objects as one multi-document YAML file, each with its line comments. */
export function toYamlDocuments(values: readonly unknown[], comments: (value: unknown) => readonly LineComment[] = () => []): string {
  return values.map((v) => toYaml(v, comments(v))).join('---\n');
}
