// Import rules of the library, checked by `npm test` (depcruise, before the unit tests). The layers run
// one way, from the bottom:
//
//   model       lib/model: manifest types, API groups, the Flux layout, Terraform addresses, grammars
//   core        lib/core: Component, SecretValue, errors, values, the interfaces components use each
//               other through, the platform's config types
//   platform    lib/platform.ts (the Platform construct), lib/catalog.ts (pinned charts and their data),
//               lib/reference-sources.ts
//   services    lib/reference (reference data), lib/secrets (SOPS, age, the secrets file)
//   components  lib/components: never a backend, the plan or the platform's synth
//   plan        lib/plan: placement and identity checks, pure (no file, no environment)
//   day2        lib/day2: the guard over a finished placement, against the previous output
//   backends    lib/flux, lib/terraform: render a finished plan, decide nothing
//   output      lib/output: atomic write, lock, recovery of the output folders
//   synth       lib/synth: plan -> day2 -> backends -> output
//   top         lib/cli, lib/fleet, lib/testing, lib/index.ts, lib/internal.ts
//
// A file imports only its own layer and the ones below; no import circle anywhere. Checked on purpose
// once each: an import of lib/core/names.ts from lib/core/errors.ts (a circle) and an import of
// lib/flux/repository.ts from lib/components/gitops/flux.ts (against the order) both fail `npm test`.
const LAYERS = [
  ['model', '^lib/model/'],
  ['core', '^lib/core/'],
  ['platform', '^lib/(catalog|reference-sources|platform)[.]ts$'],
  ['services', '^lib/(reference|secrets)/'],
  ['components', '^lib/components/'],
  ['plan', '^lib/plan/'],
  ['day2', '^lib/day2/'],
  ['backends', '^lib/(flux|terraform)/'],
  ['output', '^lib/output/'],
  ['synth', '^lib/synth/'],
  ['top', '^lib/(cli|fleet|testing)/|^lib/(index|internal)[.]ts$'],
];

const layerRules = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `${name}-imports-nothing-above`,
  severity: 'error',
  comment: `lib/${name} is below ${LAYERS.slice(i + 1).map(([n]) => n).join(', ')}: move what it needs down a layer instead of importing up.`,
  from: { path },
  to: { path: LAYERS.slice(i + 1).map(([, p]) => `(${p})`).join('|') },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle ties layers together: break it by moving the shared types or code down a layer.',
      from: { path: '^lib/' },
      to: { circular: true },
    },
    {
      name: 'every-file-in-a-layer',
      severity: 'error',
      comment: 'A file outside every layer escapes the rules: put it in a layer folder (or add the folder to LAYERS).',
      from: { path: '^lib/', pathNot: LAYERS.map(([, p]) => `(${p})`).join('|') },
      to: {},
    },
    ...layerRules,
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      comment: 'The CLI is the top: only its own files and the package entry points import it.',
      from: { path: '^lib/', pathNot: '^lib/(cli/|index[.]ts$|internal[.]ts$)' },
      to: { path: '^lib/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '[.]generated[.]ts$' },
  },
};
