// Four projects, one per kind of test. `npm test` runs them all; npm run test:unit, test:integration, test:e2e and
// test:repo run one, named in TEST_PROJECT (Jest's own --selectProjects would take the paths and options given after
// it for more project names). Only the end-to-end project runs the bundle: its global setup builds the working tree's
// bundle once per run, and only when one of its tests is selected (__tests__/support/test-bundle.ts).

import process from 'node:process'

/** What every project shares: TypeScript through ts-jest, as ES modules. */
const typescript = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // Sources import their siblings with the .js suffix that Node's ESM resolver needs.
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.tools.json' }]
  }
}

/** @type {import('jest').Config[]} */
const projects = [
  {
    ...typescript,
    // The sources, each module alone: no emulator, no bundle, no tool of the repository.
    displayName: 'unit',
    testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
    testPathIgnorePatterns: [
      '/node_modules/',
      '<rootDir>/__tests__/(e2e|emulator|repo)/',
      '\\.integration\\.test\\.ts$'
    ]
  },
  {
    ...typescript,
    // The sources (or the emulator itself) against the emulator, started in-process: still no bundle.
    displayName: 'integration',
    testMatch: ['<rootDir>/__tests__/emulator/**/*.test.ts', '<rootDir>/__tests__/**/*.integration.test.ts']
  },
  {
    ...typescript,
    // The bundle as the runner runs it, against the emulator.
    displayName: 'e2e',
    testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
    globalSetup: '<rootDir>/__tests__/support/test-bundle-setup.js',
    globalTeardown: '<rootDir>/__tests__/support/test-bundle-teardown.js'
  },
  {
    ...typescript,
    // The repository rather than the code: docs, workflows, layering, the committed dist/ and its licences, the
    // release steps.
    displayName: 'repo',
    testMatch: ['<rootDir>/__tests__/repo/**/*.test.ts']
  }
]

const only = process.env.TEST_PROJECT
const selected = only === undefined || only === '' ? projects : projects.filter(p => p.displayName === only)
if (selected.length === 0) {
  throw new Error(`TEST_PROJECT=${only}: name one of ${projects.map(p => p.displayName).join(', ')}, or leave it unset`)
}

/** @type {import('jest').Config} */
export default { testTimeout: 60000, projects: selected }
