// Every workflow, example and action.yml must pass GitHub's schemas (through @action-validator/core), and every use
// of this action must pass only inputs that action.yml declares; so must the YAML in the README and docs/*.md.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { validateAction, validateWorkflow, type ValidationError } from '@action-validator/core'
import { parseYaml, readActionSpec } from '../scripts/readme-tables.ts'
import { isRecord } from '../src/lib/guards.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const read = (path: string): string => readFileSync(resolve(root, path), 'utf8')
const yamlFiles = (dir: string): string[] =>
  readdirSync(resolve(root, dir))
    .filter(name => /\.ya?ml$/.test(name))
    .sort()
    .map(name => join(dir, name))

const workflows = yamlFiles('.github/workflows')
const examples = yamlFiles('docs/examples')
const markdownPages = [
  'README.md',
  ...readdirSync(resolve(root, 'docs'))
    .filter(name => name.endsWith('.md'))
    .sort()
    .map(name => `docs/${name}`)
]
const actionInputs = new Set(readActionSpec(read('action.yml')).inputs.map(input => input.name))

/** How the README and the examples refer to the published action. */
const PUBLISHED_ACTION = /^[\w.-]+\/azure-health-data-services-token@/

/** One line per error, leaves first, so a failure says what to fix. */
function describeErrors(errors: readonly ValidationError[]): string[] {
  return errors.flatMap(error => {
    const nested = 'states' in error && error.states ? error.states.flatMap(state => describeErrors(state.errors)) : []
    const where = 'path' in error ? error.path : `line ${String(error.location?.line ?? '?')}`
    return nested.length > 0 ? nested : [`${where}: ${error.title}${error.detail ? ` (${error.detail})` : ''}`]
  })
}

interface Step {
  readonly uses?: string
  readonly with?: Record<string, unknown>
}

function jobsOf(workflow: unknown): [string, Record<string, unknown>][] {
  if (!isRecord(workflow) || !isRecord(workflow['jobs'])) return []
  return Object.entries(workflow['jobs']).filter((entry): entry is [string, Record<string, unknown>] =>
    isRecord(entry[1])
  )
}

function stepsOf(job: Record<string, unknown>): Step[] {
  const steps = job['steps']
  return Array.isArray(steps) ? steps.filter(isRecord).map(step => step as Step) : []
}

/** Inputs passed to this action (`uses: ./` or the published path) that action.yml does not declare. */
function unknownInputs(workflowYaml: string): string[] {
  return jobsOf(parseYaml(workflowYaml)).flatMap(([jobName, job]) =>
    stepsOf(job)
      .filter(step => step.uses === './' || PUBLISHED_ACTION.test(step.uses ?? ''))
      .flatMap(step => Object.keys(step.with ?? {}).filter(name => !actionInputs.has(name)))
      .map(name => `${jobName}: ${name}`)
  )
}

describe('action.yml', () => {
  it('passes the action schema', () => {
    // The validator's schema predates `using: node24` (it knows node12/16/20 only); check that field here and the
    // rest of the file against the schema.
    const text = read('action.yml')
    expect(text).toMatch(/^ {2}using: node24$/m)
    const result = validateAction(text.replace(/^( {2}using:) node24$/m, '$1 node20'))
    expect(describeErrors(result.errors)).toEqual([])
  })

  it('the validator rejects a broken action', () => {
    const broken = 'name: x\ndescription: y\nruns:\n  using: node20\n  mian: dist/index.js\n'
    expect(describeErrors(validateAction(broken).errors).length).toBeGreaterThan(0)
  })
})

describe.each([...workflows, ...examples])('%s', path => {
  const text = read(path)
  const workflow = parseYaml(text)

  it('passes the workflow schema', () => {
    expect(describeErrors(validateWorkflow(text).errors)).toEqual([])
  })

  it('grants contents: read by default, and writes only to the jobs that need them', () => {
    expect(isRecord(workflow) ? workflow['permissions'] : undefined).toEqual({ contents: 'read' })
    for (const [name, job] of jobsOf(workflow)) {
      const permissions = job['permissions'] ?? {}
      expect(isRecord(permissions)).toBe(true)
      const writes = Object.entries(permissions as Record<string, unknown>)
        .filter(([, level]) => level === 'write')
        .map(([scope]) => scope)
      // id-token only for a sign-in with OIDC (this action or azure/login), issues only to report a failure.
      expect({ job: name, writes: writes.filter(scope => !['id-token', 'issues'].includes(scope)) }).toEqual({
        job: name,
        writes: []
      })
      if (writes.includes('id-token')) {
        const signsIn = stepsOf(job).some(
          step => step.uses?.startsWith('azure/login@') === true || PUBLISHED_ACTION.test(step.uses ?? '')
        )
        expect({ job: name, signsIn }).toEqual({ job: name, signsIn: true })
      }
    }
  })

  it('pins every action to a major version or a commit', () => {
    const refs = jobsOf(workflow).flatMap(([, job]) => stepsOf(job).map(step => step.uses ?? ''))
    const unpinned = refs.filter(ref => ref !== '' && ref !== './' && !/@(v\d+|[0-9a-f]{40})$/.test(ref))
    expect(unpinned).toEqual([])
  })

  it('passes this action only inputs that action.yml declares', () => {
    expect(unknownInputs(text)).toEqual([])
  })
})

describe('the checks can fail', () => {
  it('the validator rejects a broken workflow', () => {
    const broken = [
      'on: push',
      'jobs:',
      '  test:',
      '    runs_on: ubuntu-latest # misspelt',
      '    steps:',
      '      - run: echo "Authorization: Bearer x" # an unquoted colon breaks the mapping',
      ''
    ].join('\n')
    expect(describeErrors(validateWorkflow(broken).errors).length).toBeGreaterThan(0)
    const misspeltTrigger = 'on: pushh\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n'
    expect(describeErrors(validateWorkflow(misspeltTrigger).errors).length).toBeGreaterThan(0)
  })

  it('an input that action.yml does not declare is reported', () => {
    const workflow = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: ./',
      '        with:',
      '          fhir-uri: https://x.fhir.azurehealthcareapis.com',
      '      - uses: OWNER/azure-health-data-services-token@v1',
      '        with:',
      '          client-id: x',
      '          health-checks: true',
      ''
    ].join('\n')
    expect(unknownInputs(workflow)).toEqual(['a: fhir-uri', 'a: health-checks'])
  })
})

describe('YAML blocks in README.md and docs/*.md', () => {
  // Full workflows are validated like the examples; fragments (a step, a with block) must still parse.
  const blocks = markdownPages.flatMap(page =>
    [...read(page).matchAll(/```yaml\n([\s\S]*?)```/g)].map((match, index) => [page, index, match[1] ?? ''] as const)
  )

  it('has YAML examples, in the README and in the docs', () => {
    expect(blocks.filter(([page]) => page === 'README.md').length).toBeGreaterThan(2)
    expect(blocks.some(([page]) => page.startsWith('docs/'))).toBe(true)
  })

  it.each(blocks)('%s: YAML block %i is valid', (_page, _index, block) => {
    const parsed = parseYaml(block)
    if (isRecord(parsed) && 'jobs' in parsed) {
      // A snippet that shows only the job part gets the trigger every copy would add.
      const complete = 'on' in parsed ? block : `on: push\n${block}`
      expect(describeErrors(validateWorkflow(complete).errors)).toEqual([])
      expect(unknownInputs(block)).toEqual([])
    } else {
      const steps = Array.isArray(parsed) ? parsed : [parsed]
      const asJob = { jobs: { snippet: { 'runs-on': 'ubuntu-latest', steps } } }
      expect(unknownInputs(JSON.stringify(asJob))).toEqual([])
    }
  })
})

describe('.github/dependabot.yml', () => {
  it('updates npm packages and the workflows’ actions', () => {
    const config = parseYaml(read('.github/dependabot.yml'))
    expect(isRecord(config) ? config['version'] : undefined).toBe(2)
    const updates = isRecord(config) && Array.isArray(config['updates']) ? config['updates'].filter(isRecord) : []
    expect(updates.map(update => update['package-ecosystem']).sort()).toEqual(['github-actions', 'npm'])
    for (const update of updates) {
      expect(update['directory']).toBe('/')
      expect(isRecord(update['schedule']) ? update['schedule']['interval'] : undefined).toMatch(/^(daily|weekly)$/)
    }
  })
})
