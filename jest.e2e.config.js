// End-to-end tier: real consumers (kube-apiserver + etcd, helm) check the synthesized output.
/** @type {import('jest').Config} */
module.exports = {
  ...require('./jest.config.js'),
  testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
  testTimeout: 300000,
  maxWorkers: 1,
};
