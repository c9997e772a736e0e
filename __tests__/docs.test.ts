// The README must not drift from action.yml or from the sign-in error table the action itself uses.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { MARKERS, readActionSpec, replaceBetween, updateReadme } from '../scripts/readme-tables.ts'

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

/** First cells of a Markdown table's body rows. */
function firstCells(table: string): string[] {
  return table
    .split('\n')
    .filter(line => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1)
    .map(line => line.split('|')[1]?.trim() ?? '')
}

/** `AADSTS70021` and `70021` name the same code. */
function normaliseCode(code: string): string {
  return code
    .replace(/^AADSTS/i, '')
    .trim()
    .toLowerCase()
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
  const rows = firstCells(section(readme, 'troubleshooting'))
  const readmeCodes = rows.flatMap(cell => [...cell.matchAll(/AADSTS(\d+)/g)].map(match => match[1] ?? ''))

  it('covers the sign-in failures users meet most and the service-side symptoms', () => {
    for (const code of ['70021', '700211', '700213', '7002138', '700024', '7000215', '7000222', '700016', '700027']) {
      expect(readmeCodes).toContain(code)
    }
    for (const code of ['500011', '90002', '900023']) expect(readmeCodes).toContain(code)
    const symptoms = rows.join('\n')
    for (const symptom of ['id-token: write', '401', '403', 'Timeout']) expect(symptoms).toContain(symptom)
  })

  it('lists exactly the codes of SIGN_IN_ERRORS in src/explanations.ts', async () => {
    const { SIGN_IN_ERRORS } = await import('../src/explanations.js')
    const tableCodes = SIGN_IN_ERRORS.map(entry => normaliseCode(entry.code))
    const numeric = tableCodes.filter(code => /^\d+$/.test(code))
    expect(new Set(readmeCodes)).toEqual(new Set(numeric))
    // Entries keyed by something other than an AADSTS number must still have their row.
    const firstColumn = rows.join('\n').toLowerCase()
    for (const code of tableCodes.filter(code => !/^\d+$/.test(code))) expect(firstColumn).toContain(code)
    for (const entry of SIGN_IN_ERRORS) {
      expect(entry.summary.length).toBeGreaterThan(0)
      expect(entry.fix.length).toBeGreaterThan(0)
    }
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
