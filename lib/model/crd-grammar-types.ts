// The shape of the generated CRD grammar (crd-grammar.generated.ts), apart from the code that reads it,
// so that the generated data imports nothing above itself.

/** One node of a trimmed CRD schema (JSON Schema keywords the API server validates). */
export type SchemaNode = { readonly [keyword: string]: unknown };

/** The schema of one kind in one served version, and where it came from. */
export interface CrdKindGrammar {
  /** The CRD file, relative to the reference data (`crds/keda/keda.sh_scaledobjects.yaml`). */
  readonly source: string;
  /** The first 16 hex digits of the SHA-256 of that file. */
  readonly sha256: string;
  readonly schema: SchemaNode;
}

/**
 * The grammars of the custom resources ballast emits, by `<group>/<version>/<Kind>`; subschemas that
 * repeat are in `defs`, referred to as `{ $ref: '#/$defs/<name>' }`. Written by scripts/crd-grammar.ts.
 */
export interface CrdGrammar {
  readonly kinds: Readonly<Record<string, CrdKindGrammar>>;
  readonly defs: Readonly<Record<string, SchemaNode>>;
}
