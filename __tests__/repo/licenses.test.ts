// The licence check of what dist/ bundles (scripts/licenses.ts) and the notices file the build writes from the same
// module statistics (scripts/notices.ts): over the action's own bundle, and over a small project whose bundle holds a
// package outside the allow-list, built by the same ncc and judged by the same licensee.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from '@jest/globals'
import { bundledPackageDirs, bundleStats, checkBundledLicenses, licenseProblems } from '../../scripts/licenses.ts'
import { noticedPackages, readNotice, renderNotices } from '../../scripts/notices.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const ncc = resolve(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js')

describe('the action’s bundle', () => {
  it('holds only packages under allowed licences, and dist/licenses.txt carries the notice of every one', async () => {
    const packages = await checkBundledLicenses({ root, stats: bundleStats(root, 'src/index.ts', ncc) })
    expect(licenseProblems(packages)).toEqual([])
    const names = packages.map(pkg => pkg.name)
    // Among them the packages webpack concatenated into another module, which ncc's own notices left out.
    expect(names).toEqual(
      expect.arrayContaining(['@actions/core', '@actions/exec', '@actions/http-client', '@actions/io', 'tunnel'])
    )
    expect(names).toContain('@azure/identity')
    const notices = readFileSync(resolve(root, 'dist/licenses.txt'), 'utf8')
    expect(noticedPackages(notices)).toEqual(packages.map(pkg => `${pkg.name}@${pkg.version}`))
    // Each with its own licence text, as the build writes it from these packages.
    expect(notices).toBe(renderNotices(packages.map(readNotice)))
    // Nothing of the development tools is bundled.
    expect(names.filter(name => ['licensee', 'typescript', '@vercel/ncc', 'jest'].includes(name))).toEqual([])
  }, 180_000) // a whole ncc build: generous, so a loaded machine does not fail it
})

describe('a bundle with a package outside the allow-list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'licenses-test-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  const pkg = (name: string, license: string | undefined, extra = ''): void => {
    write(`node_modules/${name}/package.json`, JSON.stringify({ name, version: '1.0.0', main: 'index.js', license }))
    write(`node_modules/${name}/index.js`, `${extra}module.exports = ${JSON.stringify(name)}\n`)
  }
  const dependencies = ['permissive', 'dual', 'mixed', 'scoped-gpl', 'unused-gpl', 'nothing']
  write(
    'package.json',
    JSON.stringify({
      name: 'fixture',
      version: '1.0.0',
      private: true,
      dependencies: Object.fromEntries(dependencies.map(name => [name, '1.0.0']))
    })
  )
  pkg('permissive', 'MIT', "require('@scope/inner');\n")
  write('node_modules/permissive/LICENSE', 'MIT License\r\n\r\nCopyright (c) Permissive\r\n\r\n')
  write('node_modules/permissive/NOTICE', 'Permissive includes no third-party code.\n')
  write('node_modules/permissive/license-checker.js', 'not a licence file\n')
  pkg('dual', '(MIT OR GPL-3.0-only)')
  pkg('mixed', '(MIT AND GPL-3.0-only)')
  pkg('@scope/inner', 'GPL-2.0-only')
  pkg('unused-gpl', 'GPL-3.0-only')
  pkg('nothing', undefined)
  write(
    'node_modules/nothing/package.json',
    JSON.stringify({
      name: 'nothing',
      version: '1.0.0',
      main: 'index.js',
      repository: { url: 'https://example.invalid/n' }
    })
  )
  // Static requires, as the bundler follows them; unused-gpl is installed but never required.
  write('index.js', ['permissive', 'dual', 'mixed', 'nothing'].map(name => `require('${name}')\n`).join(''))

  it('fails on the bundled packages outside the list, and checks nothing the bundle does not hold', async () => {
    const packages = await checkBundledLicenses({ root: dir, entry: 'index.js', ncc })
    expect(packages.map(p => p.name).sort()).toEqual(['@scope/inner', 'dual', 'mixed', 'nothing', 'permissive'])
    expect(licenseProblems(packages)).toEqual([
      '@scope/inner@1.0.0: GPL-2.0-only is not in the allow-list',
      'mixed@1.0.0: (MIT AND GPL-3.0-only) is not in the allow-list',
      'nothing@1.0.0: no licence metadata is not in the allow-list'
    ])
  })

  it('passes once the allow-list takes those licences', async () => {
    const allowed = ['MIT', 'GPL-2.0-only', 'GPL-3.0-only']
    const packages = await checkBundledLicenses({ root: dir, entry: 'index.js', ncc, allowed })
    expect(licenseProblems(packages)).toEqual(['nothing@1.0.0: no licence metadata is not in the allow-list'])
  })

  it('gets from the build’s own statistics a notices file with every bundled package, and a failing build', () => {
    const stats = join(dir, 'stats.json')
    execFileSync(process.execPath, [ncc, 'build', 'index.js', '-o', join(dir, 'dist'), '--stats-out', stats], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe']
    })
    const out = join(dir, 'dist/licenses.txt')
    const step = spawnSync(process.execPath, [resolve(root, 'scripts/notices.ts'), stats, out], {
      cwd: dir,
      encoding: 'utf8'
    })
    expect(step.status).toBe(1)
    expect(step.stderr.trim().split('\n')).toEqual([
      '@scope/inner@1.0.0: GPL-2.0-only is not in the allow-list',
      'mixed@1.0.0: (MIT AND GPL-3.0-only) is not in the allow-list',
      'nothing@1.0.0: no licence metadata is not in the allow-list'
    ])
    expect(existsSync(stats)).toBe(false)
    const notices = readFileSync(out, 'utf8')
    expect(noticedPackages(notices)).toEqual([
      '@scope/inner@1.0.0',
      'dual@1.0.0',
      'mixed@1.0.0',
      'nothing@1.0.0',
      'permissive@1.0.0'
    ])
    const entry = (name: string): string | undefined =>
      notices
        .split(`${'='.repeat(80)}\n`)
        .find(e => e.startsWith(name))
        ?.trimEnd()
    expect(entry('permissive@')).toBe(
      'permissive@1.0.0\nMIT\n\nMIT License\n\nCopyright (c) Permissive\n\nPermissive includes no third-party code.'
    )
    expect(entry('nothing@')).toBe(
      'nothing@1.0.0\nno licence stated\n\nNo licence file in the package. Its repository: https://example.invalid/n'
    )
    expect(notices).not.toContain(dir)
  }, 60_000)
})

describe('bundledPackageDirs', () => {
  it('reads the package folders of modules and of modules concatenated into them, nested or scoped', () => {
    const stats = {
      modules: [
        { nameForCondition: '/r/src/index.ts' },
        {
          nameForCondition: '/r/src/main.ts',
          modules: [
            { nameForCondition: '/r/node_modules/@actions/core/lib/core.js' },
            { nameForCondition: '/r/node_modules/a/node_modules/b/lib/x.js' }
          ]
        },
        { nameForCondition: 'C:\\r\\node_modules\\c\\index.js' },
        { name: 'external "os"' }
      ]
    }
    expect(bundledPackageDirs(stats)).toEqual([
      '/r/node_modules/@actions/core',
      '/r/node_modules/a/node_modules/b',
      'C:/r/node_modules/c'
    ])
  })
})
