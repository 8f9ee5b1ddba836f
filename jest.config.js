// Unit tier. ts-jest only transpiles (isolatedModules): type-checking is `tsc`'s job, run first by `npm test`.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] },
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // The examples import the package by name, as a platform repository does.
  moduleNameMapper: { '^ballast$': '<rootDir>/lib/index.ts' },
  setupFiles: ['<rootDir>/test/support/worker-env.ts'],
  // After Jest's summary, one line per kind of input some tests were skipped without (reference data, a
  // chart), naming what was not checked; BALLAST_REQUIRE_REFERENCE=1 makes a reference-data skip fail.
  reporters: ['default', '<rootDir>/test/support/not-run-reporter.js'],
};
