// The licences of what dist/ ships, against an allow-list; `npm test` runs it (__tests__/repo/licenses.test.ts).
// What dist/ ships is what ncc bundles: its module statistics name every file of every package in the bundle. ncc's
// own `--license` notices cannot serve as that list: they leave out the packages that webpack concatenated into
// another module (@actions/core, @actions/http-client, tunnel and others). So `npm run build` writes dist/licenses.txt
// (scripts/notices.ts) and runs this check from its own build's statistics, both through bundledPackages(). Each
// package's licence is judged by licensee, which reads SPDX expressions as such: "MIT AND GPL-3.0-only" is refused,
// "MIT OR GPL-3.0-only" is not.
// Run: node scripts/licenses.ts   (a fresh build in a temporary folder; lists each bundled package and its licence;
//                                  exits 1 naming any outside the list)

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isRecord } from '../src/lib/guards.ts'

/** Licences the action may bundle: permissive ones that ask for no more than their notice (in dist/licenses.txt). */
export const ALLOWED_LICENSES = [
  'MIT',
  'MIT-0',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'Apache-2.0',
  '0BSD',
  'BlueOak-1.0.0'
] as const

/** A package the bundle holds, as its own package.json names it, and the folder that package.json is in. */
export interface PackageFolder {
  readonly name: string
  readonly version: string
  readonly dir: string
}

export interface BundledPackage extends PackageFolder {
  /** The package's licence metadata as licensee read it; undefined when licensee did not see the package. */
  readonly license: string | undefined
  readonly approved: boolean
}

interface LicenseeResult {
  readonly name: string
  readonly version: string
  readonly license?: unknown
  readonly path: string
  readonly approved: boolean
}

type Licensee = (
  configuration: object,
  path: string,
  callback: (error: Error | null, results: readonly LicenseeResult[]) => void
) => void

/** The package folders that hold the files of a webpack stats file's modules (concatenated modules included). */
export function bundledPackageDirs(stats: unknown): string[] {
  const dirs = new Set<string>()
  const visit = (modules: unknown): void => {
    if (!Array.isArray(modules)) return
    for (const module of modules.filter(isRecord)) {
      const file = module['nameForCondition']
      if (typeof file === 'string') {
        const match = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file.replace(/\\/g, '/'))
        if (match?.[1] !== undefined) dirs.add(match[1])
      }
      visit(module['modules'])
    }
  }
  visit(isRecord(stats) ? stats['modules'] : undefined)
  return [...dirs].sort()
}

/**
 * The packages a webpack stats file's modules come from: one per name and version (a copy nested elsewhere in
 * node_modules is the same published package), sorted by name and then version by code unit, so the order is the same
 * on every machine and in every locale.
 */
export function bundledPackages(stats: unknown): PackageFolder[] {
  const packages = new Map<string, PackageFolder>()
  for (const dir of bundledPackageDirs(stats).map(found => realpathSync(found))) {
    const manifest: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    const field = (key: string): string => (isRecord(manifest) ? String(manifest[key]) : '?')
    const [name, version] = [field('name'), field('version')]
    if (!packages.has(`${name}@${version}`)) packages.set(`${name}@${version}`, { name, version, dir })
  }
  const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
  return [...packages.values()].sort((a, b) => byCodeUnit(a.name, b.name) || byCodeUnit(a.version, b.version))
}

/** ncc's module statistics for a build of `entry`, made in a temporary folder and removed after. */
export function bundleStats(root: string, entry: string, ncc: string): unknown {
  const out = mkdtempSync(join(tmpdir(), 'licenses-'))
  try {
    execFileSync(process.execPath, [ncc, 'build', entry, '-o', out, '--stats-out', join(out, 'stats.json')], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe']
    })
    return JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8'))
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

async function licenseeResults(root: string, allowed: readonly string[]): Promise<LicenseeResult[]> {
  const licensee = createRequire(import.meta.url)('licensee') as Licensee
  const configuration = { licenses: { spdx: allowed }, packages: {}, corrections: false, ignore: [] }
  return new Promise((resolvePromise, reject) => {
    licensee(configuration, root, (error, results) => {
      if (error) reject(error)
      else resolvePromise([...results])
    })
  })
}

/**
 * Every package a bundle holds, with its licence and whether the allow-list takes it: from the module statistics of a
 * build already made (`stats`, as `npm run build` passes them), or of a fresh build of `entry` with `ncc`.
 */
export async function checkBundledLicenses(
  options: {
    readonly root: string
    readonly allowed?: readonly string[]
  } & ({ readonly stats: unknown } | { readonly entry: string; readonly ncc: string })
): Promise<BundledPackage[]> {
  const { root, allowed = ALLOWED_LICENSES } = options
  const stats = 'stats' in options ? options.stats : bundleStats(root, options.entry, options.ncc)
  // licensee reports each name@version once, at one of its paths: the same published package has the same metadata.
  const judged = new Map(
    (await licenseeResults(root, allowed)).map(result => [`${result.name}@${result.version}`, result])
  )
  return bundledPackages(stats).map(pkg => {
    const result = judged.get(`${pkg.name}@${pkg.version}`)
    return {
      ...pkg,
      license: typeof result?.license === 'string' ? result.license : undefined,
      approved: result?.approved === true
    }
  })
}

/** One line per package outside the allow-list, or not seen by licensee at all. */
export function licenseProblems(packages: readonly BundledPackage[]): string[] {
  return packages
    .filter(pkg => !pkg.approved)
    .map(pkg => `${pkg.name}@${pkg.version}: ${pkg.license ?? 'no licence metadata'} is not in the allow-list`)
}

async function main(): Promise<number> {
  const root = resolve(fileURLToPath(import.meta.url), '../..')
  const packages = await checkBundledLicenses({
    root,
    entry: 'src/index.ts',
    ncc: resolve(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js')
  })
  for (const pkg of packages) process.stdout.write(`${pkg.name}@${pkg.version}  ${pkg.license ?? '?'}\n`)
  const problems = licenseProblems(packages)
  for (const problem of problems) process.stderr.write(`${problem}\n`)
  process.stdout.write(
    `${String(packages.length)} bundled packages; ${problems.length === 0 ? 'every licence is allowed' : `${String(problems.length)} not allowed`} (${ALLOWED_LICENSES.join(', ')})\n`
  )
  return problems.length === 0 ? 0 : 1
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main()
}
