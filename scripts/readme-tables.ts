// Regenerates the README's inputs tables (one per group of INPUT_GROUPS) and outputs table from action.yml, and the
// sign-in errors table of docs/troubleshooting.md from the action's own explanations (src/signin/explain/sign-in-errors.ts), so
// none can drift apart.
// Run: node_modules/.bin/node scripts/readme-tables.ts        (rewrites both pages between their markers)
//      node_modules/.bin/node scripts/readme-tables.ts --check (exits 1 when a page is stale)
// __tests__/repo/docs.test.ts runs the same functions.

import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { load } from 'js-yaml'
import { format, resolveConfig } from 'prettier'
import { isRecord } from '../src/lib/guards.ts'

export interface ActionInput {
  readonly name: string
  readonly description: string
  readonly required: boolean
  readonly default?: string
}

export interface ActionOutput {
  readonly name: string
  readonly description: string
}

export interface ActionSpec {
  readonly inputs: readonly ActionInput[]
  readonly outputs: readonly ActionOutput[]
}

/**
 * The README's inputs tables, one per concern, in the README's order. Every input of action.yml belongs to exactly one
 * group: a new input fails the check until it is added here, so it cannot land in the README without a place.
 */
export const INPUT_GROUPS: Readonly<Record<string, readonly string[]>> = {
  service: ['fhir-url', 'dicom-url', 'dicom-api-version', 'deid-url', 'resource', 'export-variable'],
  'sign-in': [
    'auth-type',
    'client-id',
    'tenant-id',
    'client-secret',
    'client-certificate',
    'creds',
    'audience',
    'environment',
    'authority-host'
  ],
  'health-checks': [
    'health-check',
    'health-check-paths',
    'wait-for-access',
    'health-check-timeout',
    'fail-on-unhealthy',
    'audit-headers'
  ],
  'token-server': ['serve-tokens', 'serve-resources']
}

/** The comment pair a generated table sits between: `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
export function markers(name: string): readonly [string, string] {
  return [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`]
}

export function parseYaml(text: string): unknown {
  return load(text)
}

function scalar(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

/** Reads the inputs and outputs of an action.yml, in file order. Missing descriptions stay '' so tests can flag them. */
export function readActionSpec(actionYaml: string): ActionSpec {
  const doc = parseYaml(actionYaml)
  if (!isRecord(doc)) throw new Error('action.yml is not a mapping')
  const inputs = isRecord(doc['inputs']) ? doc['inputs'] : {}
  const outputs = isRecord(doc['outputs']) ? doc['outputs'] : {}
  return {
    inputs: Object.entries(inputs).map(([name, raw]) => {
      const entry = isRecord(raw) ? raw : {}
      const defaultValue = scalar(entry['default'])
      return {
        name,
        description: scalar(entry['description'])?.trim() ?? '',
        required: entry['required'] === true || entry['required'] === 'true',
        ...(defaultValue === undefined ? {} : { default: defaultValue })
      }
    }),
    outputs: Object.entries(outputs).map(([name, raw]) => ({
      name,
      description: (isRecord(raw) ? scalar(raw['description']) : undefined)?.trim() ?? ''
    }))
  }
}

/** Text for one Markdown table cell: one line; pipes and asterisks escaped (`GITHUB_*, RUNNER_*` is not emphasis). */
export function tableCell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/([|*])/g, '\\$1')
}

/**
 * The body rows of the Markdown tables in `markdown`, each as its cells' text: trimmed, backslash escapes undone
 * (the reverse of tableCell), so a cell compares equal to the text it was written from.
 */
export function parseTableRows(markdown: string): string[][] {
  const rows: string[][] = []
  for (const line of markdown.split('\n').map(text => text.trim())) {
    if (!line.startsWith('|')) continue
    // The line under a header row, `| --- | :-: |`: the row before it was the header, not a body row.
    if (/^\|(?:\s*:?-+:?\s*\|)+$/.test(line)) {
      rows.pop()
      continue
    }
    const inner = line.endsWith('|') && !line.endsWith('\\|') ? line.slice(1, -1) : line.slice(1)
    rows.push(inner.split(/(?<!\\)\|/).map(text => text.trim().replace(/\\(.)/g, '$1')))
  }
  return rows
}

function code(text: string): string {
  return text === '' ? '`""`' : '`' + text + '`'
}

/**
 * The inputs of each group, in action.yml's order. Throws, naming them, for an input that no group lists, a listed name
 * that action.yml lacks, and an input listed twice.
 */
export function groupInputs(
  spec: ActionSpec,
  groups: Readonly<Record<string, readonly string[]>> = INPUT_GROUPS
): Map<string, ActionInput[]> {
  const listed = Object.values(groups).flat()
  const names = new Set(spec.inputs.map(input => input.name))
  const ungrouped = spec.inputs.filter(input => !listed.includes(input.name)).map(input => input.name)
  const unknown = listed.filter(name => !names.has(name))
  const twice = listed.filter((name, index) => listed.indexOf(name) !== index)
  const problems = [
    ...(ungrouped.length > 0 ? [`inputs in no group: ${ungrouped.join(', ')}`] : []),
    ...(unknown.length > 0 ? [`grouped inputs that action.yml lacks: ${unknown.join(', ')}`] : []),
    ...(twice.length > 0 ? [`inputs in two groups: ${twice.join(', ')}`] : [])
  ]
  if (problems.length > 0) {
    throw new Error(`INPUT_GROUPS in scripts/readme-tables.ts does not match action.yml: ${problems.join('; ')}`)
  }
  return new Map(
    Object.entries(groups).map(([group, members]) => [group, spec.inputs.filter(input => members.includes(input.name))])
  )
}

/**
 * Written before a table of long descriptions, so that prettier keeps it compact: aligned, every row would be padded to
 * the longest description (over 500 characters), and the README would be half spaces.
 */
const PRETTIER_IGNORE = '<!-- prettier-ignore -->'

/** One group's table. Every input is optional today, so a required one says so in its description cell. */
export function renderInputsTable(inputs: readonly ActionInput[]): string {
  const rows = inputs.map(
    input =>
      `| ${code(input.name)} | ${input.default === undefined ? '' : code(input.default)} | ${input.required ? 'Required. ' : ''}${tableCell(input.description)} |`
  )
  return [PRETTIER_IGNORE, '| Input | Default | Description |', '| --- | --- | --- |', ...rows].join('\n')
}

export function renderOutputsTable(spec: ActionSpec): string {
  const rows = spec.outputs.map(output => `| ${code(output.name)} | ${tableCell(output.description)} |`)
  return [PRETTIER_IGNORE, '| Output | Description |', '| --- | --- |', ...rows].join('\n')
}

/** A sign-in failure the action explains: SIGN_IN_ERRORS in src/signin/explain/sign-in-errors.ts. */
export interface SignInErrorRow {
  readonly code: string
  /** An explanation made for these auth-types only. */
  readonly authTypes?: readonly string[]
  readonly summary: string
  readonly fix: string
}

/** docs/troubleshooting.md's table of AADSTS codes: the very sentences the action explains a failure with. */
export function renderSignInErrorsTable(errors: readonly SignInErrorRow[]): string {
  const codeCell = (error: SignInErrorRow): string =>
    error.authTypes === undefined ? error.code : `${error.code} (${error.authTypes.join(', ')})`
  const rows = errors.map(error => `| ${codeCell(error)} | ${tableCell(error.summary)} | ${tableCell(error.fix)} |`)
  return ['| Code | Cause | Fix |', '| --- | --- | --- |', ...rows].join('\n')
}

/** Replaces what lies between a pair of markers; throws when the markers are missing or out of order. */
export function replaceBetween(text: string, start: string, end: string, content: string): string {
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < from) throw new Error(`the page needs the markers ${start} and ${end}, in that order`)
  return text.slice(0, from + start.length) + '\n' + content + '\n' + text.slice(to)
}

/** The page with each named table put between its markers, then laid out as `prettier --check` wants. */
async function withTables(page: string, path: string, tables: ReadonlyMap<string, string>): Promise<string> {
  let updated = page
  for (const [name, table] of tables) updated = replaceBetween(updated, ...markers(name), table)
  const options = (await resolveConfig(path)) ?? {}
  return format(updated, { ...options, filepath: path })
}

/**
 * The README as it should be: one inputs table per group (`inputs:GROUP` markers) and the outputs table, from
 * action.yml. Throws when an input has no group.
 */
export async function updateReadme(
  readme: string,
  actionYaml: string,
  readmePath: string,
  groups: Readonly<Record<string, readonly string[]>> = INPUT_GROUPS
): Promise<string> {
  const spec = readActionSpec(actionYaml)
  const tables = new Map(
    [...groupInputs(spec, groups)].map(([group, inputs]) => [`inputs:${group}`, renderInputsTable(inputs)])
  )
  tables.set('outputs', renderOutputsTable(spec))
  return withTables(readme, readmePath, tables)
}

/** docs/troubleshooting.md as it should be: the sign-in errors table from the action's own explanations. */
export async function updateTroubleshooting(
  page: string,
  pagePath: string,
  signInErrors: readonly SignInErrorRow[]
): Promise<string> {
  return withTables(page, pagePath, new Map([['sign-in-errors', renderSignInErrorsTable(signInErrors)]]))
}

async function main(argv: readonly string[]): Promise<number> {
  const root = resolve(fileURLToPath(import.meta.url), '../..')
  await import('./import-source.ts')
  const { SIGN_IN_ERRORS } = (await import('../src/signin/explain/sign-in-errors.ts')) as {
    SIGN_IN_ERRORS: readonly SignInErrorRow[]
  }
  const actionYaml = readFileSync(resolve(root, 'action.yml'), 'utf8')
  const pages: [string, string, (text: string, path: string) => Promise<string>][] = [
    ['README.md', 'action.yml', (text, path) => updateReadme(text, actionYaml, path)],
    [
      'docs/troubleshooting.md',
      'src/signin/explain/sign-in-errors.ts',
      (text, path) => updateTroubleshooting(text, path, SIGN_IN_ERRORS)
    ]
  ]
  let stale = 0
  for (const [name, source, update] of pages) {
    const path = resolve(root, name)
    const text = readFileSync(path, 'utf8')
    const expected = await update(text, path)
    if (expected === text) {
      process.stdout.write(`${name} tables are up to date\n`)
    } else if (argv.includes('--check')) {
      process.stderr.write(
        `${name} tables differ from ${source}: run node_modules/.bin/node scripts/readme-tables.ts\n`
      )
      stale += 1
    } else {
      writeFileSync(path, expected)
      process.stdout.write(`${name} tables regenerated\n`)
    }
  }
  return stale === 0 ? 0 : 1
}

// Run only when executed directly, not when a test imports the functions.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
    // A known mistake (an input without a group, a page without its markers): its one line, no stack trace.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  })
}
