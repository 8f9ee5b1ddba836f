// Import rules of the library, checked by `npm test` (depcruise, before the unit tests). Layers, from the
// bottom: lib/model, lib/core (with the catalog's data, lib/catalog.ts), lib/components, lib/plan,
// lib/day2, the backends (lib/flux, lib/terraform), lib/synth, then lib/cli, lib/fleet and lib/testing on
// top. The rules below hold today; the ones between plan, day2 and the backends wait for the knot.
//
// KNOWN_KNOT lists the files of the one import circle left (the plan calls the day-2 guard, which reads
// the plan's types and the Flux renderer's helpers): the circle rule leaves those alone until the plan
// stops calling day 2; any other circle, and any new file in one, fails (checked on purpose once: an
// import of lib/core/names.ts from lib/core/errors.ts, a circle, fails `npm test` here).
const KNOWN_KNOT = [
  '^lib/plan/(deployment-plan|consumer-grammar|consumer-queries|image-markers|object-limits|release-patches|route-conflicts|route-tls|secret-placement)[.]ts$',
  '^lib/day2/(guard|inventory|plan-day2)[.]ts$',
  '^lib/flux/helm[.]ts$',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle ties layers together: break it by moving the shared types or code down a layer.',
      from: { path: '^lib/', pathNot: KNOWN_KNOT },
      to: { circular: true },
    },
    {
      name: 'model-is-the-bottom',
      severity: 'error',
      comment: 'lib/model holds types and grammars the rest builds on: it imports nothing of ballast but other model files.',
      from: { path: '^lib/model/' },
      to: { path: '^lib/', pathNot: '^lib/model/' },
    },
    {
      name: 'core-below-components',
      severity: 'error',
      comment: 'lib/core is what components build on: it never imports a component, the plan, a backend or the CLI.',
      from: { path: '^lib/core/' },
      to: { path: '^lib/(components|plan|day2|flux|terraform|synth|cli|fleet|testing)/' },
    },
    {
      name: 'components-know-no-cli-or-synth',
      severity: 'error',
      comment: 'Components describe the platform; writing it out (synth, the CLI, a fleet) is above them.',
      from: { path: '^lib/components/' },
      to: { path: '^lib/(synth|cli|fleet|testing)/' },
    },
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
