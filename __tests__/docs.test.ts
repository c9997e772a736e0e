// The README must not drift from action.yml or from the sign-in error table the action itself uses.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import {
  MARKERS,
  parseTableRows,
  readActionSpec,
  replaceBetween,
  tableCell,
  updateReadme
} from '../scripts/readme-tables.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const readmePath = resolve(root, 'README.md')
const readme = readFileSync(readmePath, 'utf8')
const actionYaml = readFileSync(resolve(root, 'action.yml'), 'utf8')

function section(text: string, name: string): string {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < from) throw new Error(`README.md lacks the ${start} … ${end} markers`)
  return text.slice(from + start.length, to)
}

interface TroubleshootingEntry {
  readonly code: string
  readonly summary: string
  readonly fix: string
}

/** The row SIGN_IN_ERRORS gives an entry, written as the README has it. */
function expectedRow(entry: TroubleshootingEntry): string {
  return `| ${entry.code} | ${tableCell(entry.summary)} | ${tableCell(entry.fix)} |`
}

/** Every way the README's rows differ from the table the action uses: a missing row, another cause or fix. */
function troubleshootingDifferences(rows: readonly string[][], entries: readonly TroubleshootingEntry[]): string[] {
  const differences: string[] = []
  for (const entry of entries) {
    const row = rows.find(cells => cells[0] === entry.code)
    if (row === undefined) {
      differences.push(`${entry.code}: no row`)
      continue
    }
    if (row[1] !== entry.summary) differences.push(`${entry.code}: the cause differs from its summary`)
    if (row[2] !== entry.fix) differences.push(`${entry.code}: the fix differs`)
  }
  const known = new Set(entries.map(entry => entry.code))
  for (const cells of rows) {
    const code = /^AADSTS\d+$/.exec(cells[0] ?? '')?.[0]
    if (code !== undefined && !known.has(code)) differences.push(`${code}: a row for a code the action does not list`)
  }
  return differences
}

describe('README inputs and outputs tables', () => {
  it('match what action.yml produces (run scripts/readme-tables.ts to regenerate)', async () => {
    expect(await updateReadme(readme, actionYaml, readmePath)).toBe(readme)
  })

  it('list every input and output of action.yml', () => {
    const spec = readActionSpec(actionYaml)
    const inputs = section(readme, 'inputs')
    const outputs = section(readme, 'outputs')
    expect(spec.inputs.length).toBeGreaterThan(10)
    for (const input of spec.inputs) expect(inputs).toContain('`' + input.name + '`')
    for (const output of spec.outputs) expect(outputs).toContain('`' + output.name + '`')
  })

  it('would be caught stale when action.yml gains an input', async () => {
    const grown = actionYaml.replace(
      /^inputs:\n/m,
      'inputs:\n  brand-new-input:\n    description: An input the README does not list yet.\n    required: false\n'
    )
    expect(grown).not.toBe(actionYaml)
    const regenerated = await updateReadme(readme, grown, readmePath)
    expect(regenerated).not.toBe(readme)
    expect(section(regenerated, 'inputs')).toContain('`brand-new-input`')
  })

  it('refuses a README without the markers', () => {
    expect(() => replaceBetween('# no markers here\n', MARKERS.inputs[0], MARKERS.inputs[1], 'x')).toThrow(
      /inputs:start/
    )
  })
})

describe('action.yml descriptions', () => {
  it('every input and output has a description', () => {
    const spec = readActionSpec(actionYaml)
    const undocumented = [...spec.inputs, ...spec.outputs].filter(entry => entry.description === '').map(e => e.name)
    expect(undocumented).toEqual([])
  })

  it('an input without a description is reported as such', () => {
    const spec = readActionSpec('inputs:\n  bare:\n    required: false\n  described:\n    description: yes\n')
    expect(spec.inputs.filter(input => input.description === '').map(input => input.name)).toEqual(['bare'])
  })
})

describe('README troubleshooting table', () => {
  const rows = parseTableRows(section(readme, 'troubleshooting'))
  const symptoms = rows.map(cells => cells[0] ?? '')

  it('covers the sign-in failures users meet most and the service-side symptoms', () => {
    for (const code of ['70021', '700211', '700213', '7002138', '700024', '7000215', '7000222', '700016', '700027']) {
      expect(symptoms).toContain(`AADSTS${code}`)
    }
    for (const code of ['500011', '90002', '900023']) expect(symptoms).toContain(`AADSTS${code}`)
    for (const symptom of ['id-token: write', '401', '403', 'Timeout']) {
      expect(symptoms.some(cell => cell.includes(symptom))).toBe(true)
    }
    for (const cells of rows) expect(cells).toHaveLength(3)
    // One table: a blank line would split it, and the second part would lose its header.
    expect(section(readme, 'troubleshooting').match(/^\|\s*-/gm)).toHaveLength(1)
  })

  it("carries SIGN_IN_ERRORS' codes, summaries and fixes word for word (src/explanations.ts)", async () => {
    const { SIGN_IN_ERRORS } = await import('../src/explanations.js')
    expect(SIGN_IN_ERRORS.length).toBeGreaterThan(10)
    const differences = troubleshootingDifferences(rows, SIGN_IN_ERRORS)
    if (differences.length > 0) {
      // The rows to paste between the troubleshooting markers (then run prettier on README.md).
      throw new Error(
        `README.md's Troubleshooting table differs from SIGN_IN_ERRORS:\n  ${differences.join('\n  ')}\n\n` +
          `Expected AADSTS rows:\n${SIGN_IN_ERRORS.map(expectedRow).join('\n')}`
      )
    }
    expect(differences).toEqual([])
  })

  it('would catch a reworded cause or fix, a missing row and an unknown code', () => {
    const entries = [
      { code: 'AADSTS1', summary: 'Cause | one.', fix: 'Fix *one*.' },
      { code: 'AADSTS2', summary: 'Cause two.', fix: 'Fix two.' }
    ]
    const table = (lines: readonly string[]): string[][] =>
      parseTableRows(['| Code | Cause | Fix |', '| --- | --- | --- |', ...lines].join('\n'))
    const exact = entries.map(expectedRow)
    expect(troubleshootingDifferences(table(exact), entries)).toEqual([])
    expect(troubleshootingDifferences(table([exact[0] ?? '', '| AADSTS2 | Cause 2. | Fix two. |']), entries)).toEqual([
      'AADSTS2: the cause differs from its summary'
    ])
    expect(troubleshootingDifferences(table([exact[0] ?? '', '| AADSTS2 | Cause two. | Fix 2. |']), entries)).toEqual([
      'AADSTS2: the fix differs'
    ])
    expect(troubleshootingDifferences(table([exact[1] ?? '', '| AADSTS3 | x | y |']), entries)).toEqual([
      'AADSTS1: no row',
      'AADSTS3: a row for a code the action does not list'
    ])
  })
})

describe('README links and sections', () => {
  it('links every example, and every relative link points at a file that exists', () => {
    const links = [...readme.matchAll(/\]\(((?!https?:|#)[^)\s]+)\)/g)].map(match => match[1] ?? '')
    expect(links.length).toBeGreaterThan(5)
    for (const link of links) expect({ link, exists: existsSync(resolve(root, link)) }).toEqual({ link, exists: true })
    const examples = ['integration-tests', 'after-deployment', 'scheduled-health', 'service-principal-secret']
    for (const name of [...examples, 'azure-cli-session']) expect(links).toContain(`docs/examples/${name}.yml`)
  })

  it('keeps the first screen: the two commands and an OIDC example with its permissions block', () => {
    const firstScreen = readme.slice(0, readme.indexOf('## Contents'))
    expect(firstScreen).toContain('npm ci && npm run demo')
    expect(firstScreen).toContain('npm ci && npm test')
    expect(firstScreen).toMatch(/permissions:\n\s+contents: read\n\s+id-token: write/)
  })

  it('keeps the marked benchmark section for the figures', () => {
    expect(readme.indexOf('<!-- bench:start -->')).toBeGreaterThan(0)
    expect(readme.indexOf('<!-- bench:end -->')).toBeGreaterThan(readme.indexOf('<!-- bench:start -->'))
  })
})
