// The layering rules (.dependency-cruiser.js) must each be able to fail: a tree with one forbidden import per rule,
// cruised with the project's own configuration, must report every rule, and nothing for the imports that are allowed.
import { afterAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const config = join(root, '.dependency-cruiser.js')
const cruiser = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs')

/** Each file of the tree, with what it imports; a comment names the rule the import breaks, if any. */
const TREE: Readonly<Record<string, string>> = {
  'src/config.ts': 'export const config = 1\n',
  // no-cycles
  'src/lib/a.ts': "import { b } from './b.js'\nexport const a = b\n",
  'src/lib/b.ts': "import { a } from './a.js'\nexport const b = () => a\n",
  // lib-imports-no-feature, twice: a feature and the action's errors
  'src/lib/c.ts': "import { t } from '../target/t.js'\nimport { e } from '../errors.js'\nexport const c = [t, e]\n",
  'src/errors.ts': 'export const e = 1\n',
  // target-imports-no-other-feature
  'src/target/t.ts': "import { s } from '../signin/s.js'\nexport const t = s\n",
  // signin-imports-no-health-or-report
  'src/signin/s.ts': "import { h } from '../health/h.js'\nexport const s = h\n",
  // health-imports-no-report, src-stands-alone
  'src/health/h.ts':
    "import { r } from '../report/r.js'\nimport { e } from '../../emulator/e.ts'\nexport const h = [r, e]\n",
  // features-import-no-entry, serve-is-reached-only-from-the-entry
  'src/report/r.ts':
    "import { config } from '../config.js'\nimport { v } from '../serve/v.js'\nexport const r = [config, v]\n",
  // serve-imports-no-health, features-import-no-entry (a token server reads no config); signin/ is allowed
  'src/serve/v.ts':
    "import { h } from '../health/h.js'\nimport { m } from '../main.js'\nimport { w } from '../signin/w.js'\n" +
    'export const v = [h, m, w]\n',
  'src/signin/w.ts': 'export const w = 1\n',
  'src/main.ts': 'export const m = 1\n',
  'src/index.ts': "import { v } from './serve/v.js'\nexport const i = v\n",
  // methods-are-independent, identity-module-only-dynamic (a dynamic import is allowed)
  'src/signin/methods/x.ts':
    "import { y } from './y.js'\nimport * as identity from '../identity.js'\n" +
    "export const x = [y, identity, () => import('../identity.js')]\n",
  // identity-library-loads-lazily (a type-only import is allowed)
  'src/signin/methods/y.ts':
    "import { ClientSecretCredential } from '@azure/identity'\nimport type { TokenCredential } from '@azure/identity'\n" +
    'export const y: unknown = ClientSecretCredential\nexport type T = TokenCredential\n',
  'src/signin/identity.ts': "export * from '@azure/identity'\n",
  // emulator-is-independent (src/lib/ is allowed)
  'emulator/e.ts':
    "import { t } from '../src/target/t.ts'\nimport { e } from '../src/errors.ts'\nexport const em = [t, e]\n",
  'emulator/f.ts': "import { a } from '../src/lib/a.ts'\nexport const f = a\n"
}

interface Violation {
  readonly from: string
  readonly to: string
  readonly rule: { readonly name: string }
}

const work = mkdtempSync(join(tmpdir(), 'ahds-layers-'))
afterAll(() => {
  rmSync(work, { recursive: true, force: true })
})

function cruise(): Violation[] {
  for (const [path, text] of Object.entries(TREE)) {
    mkdirSync(dirname(join(work, path)), { recursive: true })
    writeFileSync(join(work, path), text)
  }
  cpSync(join(root, 'tsconfig.json'), join(work, 'tsconfig.json'))
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'junction')
  const result = spawnSync(
    process.execPath,
    [cruiser, 'src', 'emulator', '--config', config, '--output-type', 'json', '--no-progress'],
    { cwd: work, encoding: 'utf8' }
  )
  if (result.stdout.trim() === '') throw new Error(`dependency-cruiser printed nothing: ${result.stderr}`)
  const output = JSON.parse(result.stdout) as { summary: { violations: Violation[] } }
  return output.summary.violations
}

describe('the layering rules', () => {
  const violations = cruise()
  const broken = (from: string, to: string): string[] =>
    violations.filter(v => v.from === from && v.to.includes(to)).map(v => v.rule.name)

  it.each([
    ['src/lib/a.ts', 'src/lib/b.ts', 'no-cycles'],
    ['src/lib/c.ts', 'src/target/t.ts', 'lib-imports-no-feature'],
    ['src/target/t.ts', 'src/signin/s.ts', 'target-imports-no-other-feature'],
    ['src/signin/s.ts', 'src/health/h.ts', 'signin-imports-no-health-or-report'],
    ['src/health/h.ts', 'src/report/r.ts', 'health-imports-no-report'],
    ['src/health/h.ts', 'emulator/e.ts', 'src-stands-alone'],
    ['src/report/r.ts', 'src/config.ts', 'features-import-no-entry'],
    ['src/report/r.ts', 'src/serve/v.ts', 'serve-is-reached-only-from-the-entry'],
    ['src/serve/v.ts', 'src/health/h.ts', 'serve-imports-no-health'],
    ['src/serve/v.ts', 'src/main.ts', 'features-import-no-entry'],
    ['src/signin/methods/x.ts', 'src/signin/methods/y.ts', 'methods-are-independent'],
    ['src/signin/methods/x.ts', 'src/signin/identity.ts', 'identity-module-only-dynamic'],
    ['src/signin/methods/y.ts', 'node_modules/@azure/identity/', 'identity-library-loads-lazily'],
    ['emulator/e.ts', 'src/target/t.ts', 'emulator-is-independent']
  ])('%s -> %s breaks %s', (from, to, rule) => {
    expect(broken(from, to)).toContain(rule)
  })

  it('lets through what is allowed: src/lib/ from the emulator, and identity.ts itself', () => {
    expect(broken('src/lib/c.ts', 'src/errors.ts')).toEqual(['lib-imports-no-feature'])
    expect(broken('emulator/e.ts', 'src/errors.ts')).toEqual(['emulator-is-independent'])
    expect(broken('emulator/f.ts', 'src/lib/a.ts')).toEqual([])
    expect(broken('src/signin/identity.ts', '@azure/identity')).toEqual([])
    expect(broken('src/serve/v.ts', 'src/signin/w.ts')).toEqual([])
    expect(broken('src/index.ts', 'src/serve/v.ts')).toEqual([])
  })

  it('reports every rule the configuration has', async () => {
    const { default: rules } = (await import(config)) as { default: { forbidden: { name: string }[] } }
    const reported = new Set(violations.map(v => v.rule.name))
    expect(rules.forbidden.map(rule => rule.name).filter(name => !reported.has(name))).toEqual([])
  })
})
