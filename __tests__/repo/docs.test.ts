// The README's tables must not drift from action.yml, nor docs/troubleshooting.md's from the sign-in error table the
// action itself uses; the README stays a front page in its order; the README and docs/*.md link only to files and
// sections that exist.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { SIGN_IN_ERRORS } from '../../src/signin/explain/sign-in-errors.js'
import {
  INPUT_GROUPS,
  markers,
  parseTableRows,
  readActionSpec,
  replaceBetween,
  updateReadme,
  updateTroubleshooting
} from '../../scripts/readme-tables.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const readmePath = resolve(root, 'README.md')
const readme = readFileSync(readmePath, 'utf8')
const actionYaml = readFileSync(resolve(root, 'action.yml'), 'utf8')
const troubleshootingPath = resolve(root, 'docs/troubleshooting.md')
const troubleshooting = readFileSync(troubleshootingPath, 'utf8')
/** The pages beside the README, as the README links them. */
const docPages = readdirSync(resolve(root, 'docs'))
  .filter(name => name.endsWith('.md'))
  .sort()
  .map(name => `docs/${name}`)
const read = (path: string): string => readFileSync(resolve(root, path), 'utf8')

function section(text: string, name: string): string {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < from) throw new Error(`the page lacks the ${start} … ${end} markers`)
  return text.slice(from + start.length, to)
}

/** Markdown outside fenced code blocks, where a `#` line is a heading and not a shell comment. */
function prose(markdown: string): string[] {
  let fenced = false
  return markdown.split('\n').filter(line => {
    if (/^\s*```/.test(line)) fenced = !fenced
    return !fenced && !/^\s*```/.test(line)
  })
}

/** The sections of a Markdown text: heading level and the anchor GitHub gives the heading (lower case, punctuation
 * dropped, spaces as hyphens, a repeated heading numbered). */
function sections(markdown: string): { level: number; anchor: string }[] {
  const seen = new Map<string, number>()
  return prose(markdown).flatMap(line => {
    const match = /^(#{1,6})\s+(.*?)\s*$/.exec(line)
    if (!match) return []
    const slug = (match[2] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    return [{ level: match[1]?.length ?? 0, anchor: count === 0 ? slug : `${slug}-${String(count)}` }]
  })
}

/** The relative links of a Markdown page (no http(s) links), with the file they point at and the anchor, if any. */
function relativeLinks(path: string): { link: string; file: string; anchor: string | undefined }[] {
  const links = [
    ...prose(read(path))
      .join('\n')
      .matchAll(/\]\(((?!https?:)[^)\s]+)\)/g)
  ].map(match => match[1] ?? '')
  return links.map(link => {
    const [target = '', anchor] = link.split('#')
    return { link, file: resolve(root, target === '' ? path : `${dirname(path)}/${target}`), anchor }
  })
}

/** Body of the `## title` section of a page, up to the next heading of level 2 or above. */
function pageSection(markdown: string, title: string): string {
  const from = markdown.indexOf(`\n## ${title}\n`)
  if (from < 0) throw new Error(`no section ## ${title}`)
  const rest = markdown.slice(from + title.length + 5)
  const to = rest.search(/\n#{1,2} /)
  return to < 0 ? rest : rest.slice(0, to)
}

describe('tables generated from action.yml (README) and SIGN_IN_ERRORS (docs/troubleshooting.md)', () => {
  it('match what action.yml and SIGN_IN_ERRORS produce (run scripts/readme-tables.ts to regenerate)', async () => {
    expect(await updateReadme(readme, actionYaml, readmePath)).toBe(readme)
    expect(await updateTroubleshooting(troubleshooting, troubleshootingPath, SIGN_IN_ERRORS)).toBe(troubleshooting)
  })

  it('list every input in its group, and every output of action.yml', () => {
    const spec = readActionSpec(actionYaml)
    expect(spec.inputs.length).toBeGreaterThan(10)
    const tables = Object.keys(INPUT_GROUPS).map(group => {
      const rows = parseTableRows(section(readme, `inputs:${group}`)).map(cells => cells[0] ?? '')
      return [group, rows] as const
    })
    const grouped = tables.flatMap(([, rows]) => rows)
    expect([...grouped].sort()).toEqual(spec.inputs.map(input => '`' + input.name + '`').sort())
    for (const [group, rows] of tables) {
      expect({ group, rows }).toEqual({ group, rows: (INPUT_GROUPS[group] ?? []).map(name => '`' + name + '`') })
    }
    const outputs = section(readme, 'outputs')
    for (const output of spec.outputs) expect(outputs).toContain('`' + output.name + '`')
  })

  it('fail when action.yml gains an input that no group lists, naming it', async () => {
    const grown = actionYaml.replace(
      /^inputs:\n/m,
      'inputs:\n  brand-new-input:\n    description: An input the README does not list yet.\n    required: false\n'
    )
    expect(grown).not.toBe(actionYaml)
    await expect(updateReadme(readme, grown, readmePath)).rejects.toThrow(/inputs in no group: brand-new-input/)
  })

  it('would be caught stale when action.yml gains an input with a group, and show it in that group', async () => {
    const grown = actionYaml.replace(
      /^inputs:\n/m,
      'inputs:\n  brand-new-input:\n    description: An input the README does not list yet.\n    required: true\n'
    )
    const groups = { ...INPUT_GROUPS, 'token-server': [...(INPUT_GROUPS['token-server'] ?? []), 'brand-new-input'] }
    const regenerated = await updateReadme(readme, grown, readmePath, groups)
    expect(regenerated).not.toBe(readme)
    const rows = parseTableRows(section(regenerated, 'inputs:token-server'))
    expect(rows).toContainEqual(['`brand-new-input`', '', 'Required. An input the README does not list yet.'])
    expect(section(regenerated, 'inputs:service')).not.toContain('brand-new-input')
  })

  it('fail when a group lists an input that action.yml lacks, or an input twice', async () => {
    const stale = { ...INPUT_GROUPS, service: [...(INPUT_GROUPS['service'] ?? []), 'removed-input'] }
    await expect(updateReadme(readme, actionYaml, readmePath, stale)).rejects.toThrow(
      /grouped inputs that action.yml lacks: removed-input/
    )
    const twice = { ...INPUT_GROUPS, service: [...(INPUT_GROUPS['service'] ?? []), 'serve-tokens'] }
    await expect(updateReadme(readme, actionYaml, readmePath, twice)).rejects.toThrow(
      /inputs in two groups: serve-tokens/
    )
  })

  it('would be caught stale when an explanation is reworded', async () => {
    const [first, ...rest] = SIGN_IN_ERRORS
    if (!first) throw new Error('SIGN_IN_ERRORS is empty')
    const reworded = [{ ...first, fix: 'A different fix.' }, ...rest]
    const regenerated = await updateTroubleshooting(troubleshooting, troubleshootingPath, reworded)
    expect(regenerated).not.toBe(troubleshooting)
    expect(section(regenerated, 'sign-in-errors')).toContain('A different fix.')
  })

  it('refuses a page without the markers', () => {
    const [start, end] = markers('inputs:service')
    expect(() => replaceBetween('# no markers here\n', start, end, 'x')).toThrow(/inputs:service:start/)
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

describe('troubleshooting tables (docs/troubleshooting.md)', () => {
  const codes = parseTableRows(section(troubleshooting, 'sign-in-errors')).map(cells => cells[0] ?? '')
  const symptomTable = pageSection(troubleshooting, 'Other symptoms')
  const symptoms = parseTableRows(symptomTable).map(cells => cells[0] ?? '')

  it('cover the sign-in failures users meet most, one row per code the action explains', () => {
    for (const code of ['70021', '700211', '700213', '7002138', '700024', '7000215', '7000222', '700016', '700027']) {
      expect(codes).toContain(`AADSTS${code}`)
    }
    for (const code of ['500011', '90002', '900023']) expect(codes).toContain(`AADSTS${code}`)
    expect(codes).toEqual(
      SIGN_IN_ERRORS.map(error => (error.authTypes ? `${error.code} (${error.authTypes.join(', ')})` : error.code))
    )
  })

  it('cover the service-side and runner symptoms in their own table', () => {
    expect(symptoms.length).toBeGreaterThan(3)
    for (const symptom of ['id-token: write', '401', '403', 'Timeout']) {
      expect(symptoms.some(cell => cell.includes(symptom))).toBe(true)
    }
    for (const cells of parseTableRows(symptomTable)) expect(cells).toHaveLength(3)
  })
})

describe('README links and sections', () => {
  it('links every example, and every relative link points at a file that exists', () => {
    const links = relativeLinks('README.md')
    expect(links.length).toBeGreaterThan(5)
    for (const { link, file } of links) expect({ link, exists: existsSync(file) }).toEqual({ link, exists: true })
    const examples = ['integration-tests', 'after-deployment', 'scheduled-health', 'service-principal-secret']
    for (const name of [...examples, 'azure-cli-session']) {
      expect(links.map(({ link }) => link)).toContain(`docs/examples/${name}.yml`)
    }
  })

  it('is a front page: its sections in the order a user needs them, under 25 KB', () => {
    const headings = prose(readme).filter(line => line.startsWith('## '))
    const order = [
      '## Minimal workflow',
      '## Workspace workflow: every service in one step',
      '## Set up in Azure',
      '## Inputs',
      '## Outputs',
      '## More in docs/',
      '## Try it without Azure'
    ]
    expect(headings.filter(heading => order.includes(heading))).toEqual(order)
    expect(Buffer.byteLength(readme)).toBeLessThan(25 * 1024)
  })

  it('shows the minimal workflow, an OIDC job for a FHIR and a DICOM service in one step, in the first screen', () => {
    const firstScreen = readme.split('\n').slice(0, 40).join('\n')
    const workflow = /```yaml\n([\s\S]*?)```/.exec(firstScreen)?.[1] ?? ''
    expect(workflow).toMatch(/^permissions:\n\s+contents: read\n\s+id-token: write/)
    expect(workflow).toContain('uses: OWNER/azure-health-data-services-token@v1')
    expect(workflow).toMatch(/fhir-url: .*\n\s+dicom-url: /)
    expect(workflow).toContain('steps.hds.outputs.fhir-token')
    expect(workflow).toContain('steps.hds.outputs.dicom-token')
  })

  it('ends with the set-up commands to try it without Azure, and the local debugging command', () => {
    const tryIt = pageSection(readme, 'Try it without Azure')
    for (const command of ['npm ci && npm run demo', 'npm ci && npm test', 'npm ci && npm run local']) {
      expect(tryIt).toContain(command)
    }
  })

  it('leaves the benchmark and the troubleshooting tables to docs/', () => {
    expect(readme).not.toContain('<!-- bench:')
    expect(readme).not.toContain('<!-- sign-in-errors:')
    expect(read('docs/benchmark.md')).toContain('](../bench/RESULTS.md)')
  })

  it('links every page in docs/, so each is one click from the front page', () => {
    expect(docPages).toEqual(
      expect.arrayContaining(['docs/development.md', 'docs/security.md', 'docs/troubleshooting.md'])
    )
    const linked = new Set(relativeLinks('README.md').map(({ link }) => link.split('#')[0]))
    expect(docPages.filter(page => !linked.has(page))).toEqual([])
  })
})

describe.each(['README.md', ...docPages])('%s', page => {
  it('links only to files and sections that exist', () => {
    for (const { link, file, anchor } of relativeLinks(page)) {
      expect({ link, exists: existsSync(file) }).toEqual({ link, exists: true })
      if (anchor !== undefined && file.endsWith('.md')) {
        const found = sections(readFileSync(file, 'utf8')).some(section => section.anchor === anchor)
        expect({ link, anchor: found }).toEqual({ link, anchor: true })
      }
    }
  })

  it('names only paths of the repository that exist', () => {
    const named = [...read(page).matchAll(/`((?:__tests__|scripts|src|emulator|bench|docs|\.github)\/[^`\s]*)`/g)]
    const missing = named.map(match => match[1] ?? '').filter(path => !existsSync(resolve(root, path)))
    expect(missing).toEqual([])
  })
})
