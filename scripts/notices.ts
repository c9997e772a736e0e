// dist/licenses.txt: the licence notice of every package dist/ bundles, which their MIT, BSD and Apache licences ask
// to travel with the code. `npm run build` writes it from the module statistics of that same build, read by the same
// helper as the licence check (scripts/licenses.ts), so the notices and the check name the same packages; the build
// also fails on a licence outside the allow-list. Each entry is the package's name@version, its licence as licensee
// read it, then the text of its own licence and notice files; a package with none gets its repository noted instead.
// The text is the same on every machine: packages sorted by code unit, line ends made LF, no dates or paths.
// Run (as `npm run build` does): node scripts/notices.ts <stats.json> <dist/licenses.txt>   (removes the stats file)

import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isRecord, nonEmptyString } from '../src/lib/guards.ts'
import { type BundledPackage, checkBundledLicenses, licenseProblems } from './licenses.ts'

/** A package's own licence, notice and copying files (LICENSE, LICENCE.md, LICENSE-MIT, NOTICE, COPYING...), not code. */
export const NOTICE_FILE = /^(?:licen[cs]e|notice|copying)(?:[.-][\w.-]*)?(?<!\.(?:[cm]?[jt]s|json|map))$/i

/** What one package's entry says. */
export interface Notice {
  readonly name: string
  readonly version: string
  readonly license: string | undefined
  /** Where the package's source lives, from its package.json: said only when it brings no licence file. */
  readonly repository: string | undefined
  readonly texts: readonly string[]
}

const SEPARATOR = '='.repeat(80)
const HEADING = 'The packages bundled in this folder, each with its licence notice. Written by `npm run build`.'

/** The notices file: a heading, then one entry per package in the order given, each after a separator line. */
export function renderNotices(notices: readonly Notice[]): string {
  const entries = notices.map(notice => {
    const head = [`${notice.name}@${notice.version}`, notice.license ?? 'no licence stated']
    const body =
      notice.texts.length > 0
        ? notice.texts
        : [`No licence file in the package. Its repository: ${notice.repository ?? 'not stated'}`]
    return [SEPARATOR, ...head, '', body.join('\n\n'), ''].join('\n')
  })
  return [HEADING, '', ...entries].join('\n')
}

/** The name@version of each entry of a notices file, in order. */
export function noticedPackages(text: string): string[] {
  const lines = text.split('\n')
  return lines.flatMap((line, index) => (line === SEPARATOR ? [lines[index + 1] ?? ''] : []))
}

function repositoryOf(manifest: unknown): string | undefined {
  if (!isRecord(manifest)) return undefined
  const repository = manifest['repository']
  return nonEmptyString(isRecord(repository) ? repository['url'] : repository)
}

/** A bundled package's entry, read from its folder: its licence and notice files in name order. */
export function readNotice(pkg: BundledPackage): Notice {
  const files = readdirSync(pkg.dir)
    .filter(file => NOTICE_FILE.test(file) && statSync(join(pkg.dir, file)).isFile())
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const texts = files
    .map(file => readFileSync(join(pkg.dir, file), 'utf8').replace(/\r\n?/g, '\n').trimEnd())
    .filter(text => text !== '')
  const manifest: unknown = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8'))
  return { name: pkg.name, version: pkg.version, license: pkg.license, repository: repositoryOf(manifest), texts }
}

async function main(args: readonly string[]): Promise<number> {
  const [statsFile, outFile] = args
  if (statsFile === undefined || outFile === undefined) {
    process.stderr.write('usage: node scripts/notices.ts <stats.json> <licenses.txt>\n')
    return 2
  }
  let stats: unknown
  try {
    stats = JSON.parse(readFileSync(statsFile, 'utf8'))
  } finally {
    rmSync(statsFile, { force: true }) // tens of megabytes, of use to this step only
  }
  // The project built is the working folder, as for ncc: licensee reads its node_modules.
  const packages = await checkBundledLicenses({ root: process.cwd(), stats })
  writeFileSync(outFile, renderNotices(packages.map(readNotice)))
  const problems = licenseProblems(packages)
  for (const problem of problems) process.stderr.write(`${problem}\n`)
  return problems.length === 0 ? 0 : 1
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2))
}
