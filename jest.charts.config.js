// Chart tier: every Helm release rendered from its real chart (chart cache), applied to a real API server
// with ballast's objects, and every reference cross-checked.
/** @type {import('jest').Config} */
module.exports = {
  ...require('./jest.config.js'),
  testMatch: ['<rootDir>/test/charts/**/*.test.ts'],
  testTimeout: 600000,
  maxWorkers: 1,
};
