// Flux tier: Flux's own source-controller and kustomize-controller reconcile the synthesized repository
// from a loopback Git server into a loopback kube-apiserver.
/** @type {import('jest').Config} */
module.exports = {
  ...require('./jest.config.js'),
  testMatch: ['<rootDir>/test/flux/**/*.test.ts'],
  // Above the tier's own waits (3 min per step), so a timeout reports the Kustomizations' conditions.
  testTimeout: 600000,
  maxWorkers: 1,
};
