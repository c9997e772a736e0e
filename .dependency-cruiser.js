// The layering of src/ (and no cycles in src/, emulator/ or scripts/), checked in `npm test`: every rule here fails the run when broken. Type-only imports count
// too, so a cycle cannot hide in the types.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Modules that import each other evaluate in an order that depends on who loads first.',
      severity: 'error',
      from: {},
      to: { circular: true }
    },
    {
      name: 'lib-imports-no-feature',
      comment: 'lib/ holds small pure helpers every feature may use; it knows nothing else of the action.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' }
    },
    {
      name: 'target-imports-no-other-feature',
      comment: 'Which service the token is for is known before any sign-in or check.',
      severity: 'error',
      from: { path: '^src/target/' },
      to: { path: '^src/(signin|health|report)/' }
    },
    {
      name: 'signin-imports-no-health-or-report',
      comment: 'Signing in knows nothing of what is done with the token.',
      severity: 'error',
      from: { path: '^src/signin/' },
      to: { path: '^src/(health|report)/' }
    },
    {
      name: 'health-imports-no-report',
      comment: 'The checks produce a report; how it is shown is report/ business.',
      severity: 'error',
      from: { path: '^src/health/' },
      to: { path: '^src/report/' }
    },
    {
      name: 'serve-is-reached-only-from-the-entry',
      comment:
        'The token server is a role of its own: index.ts, main.ts and config.ts start it, read its inputs or run its ' +
        'post step; no other feature depends on it.',
      severity: 'error',
      from: { path: '^src/(lib|target|signin|health|report)/' },
      to: { path: '^src/serve/' }
    },
    {
      name: 'serve-imports-no-health',
      comment: "The token server hands out tokens from the sign-in; health checks are the step's business.",
      severity: 'error',
      from: { path: '^src/serve/' },
      to: { path: '^src/health/' }
    },
    {
      name: 'features-import-no-entry',
      comment: 'main.ts and config.ts put the features together; a feature importing them would close a loop.',
      severity: 'error',
      from: { path: '^src/(lib|target|signin|health|report|serve)/' },
      to: { path: '^src/(index|main|config)\\.ts$' }
    },
    {
      name: 'methods-are-independent',
      comment: 'A sign-in method is one file; methods share code through signin/, not through each other.',
      severity: 'error',
      from: { path: '^src/signin/methods/([^/]+)\\.ts$' },
      to: { path: '^src/signin/methods/', pathNot: '^src/signin/methods/$1\\.ts$' }
    },
    {
      name: 'identity-library-loads-lazily',
      comment:
        'Bad input must fail before the identity library loads: only signin/identity.ts imports it, and only ' +
        'by a dynamic import is signin/identity.ts reached. Types may be imported anywhere.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/signin/identity\\.ts$' },
      to: { path: '(^|/)node_modules/@azure/identity/', dependencyTypesNot: ['type-only'] }
    },
    {
      name: 'identity-module-only-dynamic',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/signin/identity\\.ts$', dependencyTypesNot: ['dynamic-import'] }
    },
    {
      name: 'emulator-is-independent',
      comment:
        'The emulator models the services on its own, so a bug in src/ cannot hide in both: it may share the ' +
        'generic helpers of src/lib/, never a fact of the services.',
      severity: 'error',
      from: { path: '^emulator/' },
      to: { path: '^src/', pathNot: '^src/lib/' }
    },
    {
      name: 'src-stands-alone',
      comment: 'The action ships src/ only: it never reaches into the emulator, scripts, benchmarks or tests.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(emulator|scripts|bench|__tests__)/' }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings']
    }
  }
}
