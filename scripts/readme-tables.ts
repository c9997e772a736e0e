// Regenerates the README's inputs and outputs tables from action.yml and its sign-in errors table from the action's own
// explanations (src/signin/explain/aadsts.ts), so neither can drift apart.
// Run: node_modules/.bin/node scripts/readme-tables.ts        (rewrites README.md between the markers)
//      node_modules/.bin/node scripts/readme-tables.ts --check (exits 1 when README.md is stale)
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

export const MARKERS = {
  inputs: ['<!-- inputs:start -->', '<!-- inputs:end -->'],
  outputs: ['<!-- outputs:start -->', '<!-- outputs:end -->'],
  signInErrors: ['<!-- sign-in-errors:start -->', '<!-- sign-in-errors:end -->']
} as const

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

export function renderInputsTable(spec: ActionSpec): string {
  const rows = spec.inputs.map(
    input =>
      `| ${code(input.name)} | ${input.required ? 'yes' : 'no'} | ${input.default === undefined ? '' : code(input.default)} | ${tableCell(input.description)} |`
  )
  return ['| Input | Required | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n')
}

export function renderOutputsTable(spec: ActionSpec): string {
  const rows = spec.outputs.map(output => `| ${code(output.name)} | ${tableCell(output.description)} |`)
  return ['| Output | Description |', '| --- | --- |', ...rows].join('\n')
}

/** A sign-in failure the action explains: SIGN_IN_ERRORS in src/signin/explain/aadsts.ts. */
export interface SignInErrorRow {
  readonly code: string
  /** An explanation made for these auth-types only. */
  readonly authTypes?: readonly string[]
  readonly summary: string
  readonly fix: string
}

/** The Troubleshooting table of AADSTS codes: the very sentences the action explains a failure with. */
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
  if (from < 0 || to < from) throw new Error(`README.md needs the markers ${start} and ${end}, in that order`)
  return text.slice(0, from + start.length) + '\n' + content + '\n' + text.slice(to)
}

/**
 * The README as it should be: the inputs and outputs tables regenerated from action.yml and the sign-in errors table
 * from the action's own explanations, then laid out as `prettier --check` wants.
 */
export async function updateReadme(
  readme: string,
  actionYaml: string,
  readmePath: string,
  signInErrors: readonly SignInErrorRow[]
): Promise<string> {
  const spec = readActionSpec(actionYaml)
  const tables: [readonly [string, string], string][] = [
    [MARKERS.inputs, renderInputsTable(spec)],
    [MARKERS.outputs, renderOutputsTable(spec)],
    [MARKERS.signInErrors, renderSignInErrorsTable(signInErrors)]
  ]
  const updated = tables.reduce((text, [[start, end], table]) => replaceBetween(text, start, end, table), readme)
  const options = (await resolveConfig(readmePath)) ?? {}
  return format(updated, { ...options, filepath: readmePath })
}

async function main(argv: readonly string[]): Promise<number> {
  const root = resolve(fileURLToPath(import.meta.url), '../..')
  const readmePath = resolve(root, 'README.md')
  const readme = readFileSync(readmePath, 'utf8')
  await import('./import-source.ts')
  const { SIGN_IN_ERRORS } = (await import('../src/signin/explain/aadsts.ts')) as {
    SIGN_IN_ERRORS: readonly SignInErrorRow[]
  }
  const actionYaml = readFileSync(resolve(root, 'action.yml'), 'utf8')
  const expected = await updateReadme(readme, actionYaml, readmePath, SIGN_IN_ERRORS)
  if (argv.includes('--check')) {
    if (expected === readme) return 0
    process.stderr.write(
      'README.md tables differ from action.yml or src/signin/explain/aadsts.ts: run node_modules/.bin/node scripts/readme-tables.ts\n'
    )
    return 1
  }
  if (expected !== readme) writeFileSync(readmePath, expected)
  process.stdout.write(expected === readme ? 'README.md tables are up to date\n' : 'README.md tables regenerated\n')
  return 0
}

// Run only when executed directly, not when a test imports the functions.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2))
}
