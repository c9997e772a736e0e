// Every workflow, example and action.yml must pass GitHub's schemas (through @action-validator/core) and every workflow
// and example GitHub's own workflow parser (@actions/workflow-parser, which also checks expressions, contexts, cron
// lines and job graphs); every use of this action must pass only inputs that action.yml declares, and so must the
// YAML in the README and docs/*.md. The workflows also follow the supply-chain rules of support/workflow-policy.ts:
// actions pinned, and write permissions only where a step needs them.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { validateAction, validateWorkflow, type ValidationError } from '@action-validator/core'
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { parseYaml, readActionSpec } from '../../scripts/readme-tables.ts'
import { isRecord } from '../../src/lib/guards.js'
import {
  jobsOf,
  permissionProblems,
  pinnedVersions,
  pinningProblems,
  PUBLISHED_ACTION,
  stepsOf,
  usesLines
} from '../support/workflow-policy.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
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

/** One line per error, leaves first, so a failure says what to fix. */
function describeErrors(errors: readonly ValidationError[]): string[] {
  return errors.flatMap(error => {
    const nested = 'states' in error && error.states ? error.states.flatMap(state => describeErrors(state.errors)) : []
    const where = 'path' in error ? error.path : `line ${String(error.location?.line ?? '?')}`
    return nested.length > 0 ? nested : [`${where}: ${error.title}${error.detail ? ` (${error.detail})` : ''}`]
  })
}

/**
 * The workflow as @action-validator/core can check it: its schema predates the `attestations` permission scope, and
 * rejects a job that has it; GitHub's own parser checks the file as it is.
 */
function forSchemaValidator(text: string): string {
  return text.replace(/^(\s+)attestations: write\b.*$/gm, '$1# attestations: write (checked by the GitHub parser)')
}

/** The errors GitHub's own workflow parser reports: the schema, then expressions, contexts, cron lines, job graph. */
async function githubParserErrors(name: string, text: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content: text }, new NoOperationTraceWriter())
  const errors = parsed.context.errors.getErrors().map(error => error.message)
  if (parsed.value !== undefined) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value)
    errors.push(...(template.errors ?? []).map(error => error.Message))
  }
  return [...new Set(errors)]
}

/** Inputs passed to this action (`uses: ./` or the published path) that action.yml does not declare. */
function unknownInputs(workflowYaml: string): string[] {
  return jobsOf(parseYaml(workflowYaml)).flatMap(([jobName, job]) =>
    stepsOf(job)
      .filter(step => step.uses === './' || PUBLISHED_ACTION.test(step.uses ?? ''))
      .flatMap(step => Object.keys(isRecord(step.with) ? step.with : {}).filter(name => !actionInputs.has(name)))
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
    expect(describeErrors(validateWorkflow(forSchemaValidator(text)).errors)).toEqual([])
  })

  it('passes GitHub’s own workflow parser', async () => {
    expect(await githubParserErrors(path, text)).toEqual([])
  })

  it('grants nothing or contents: read by default, and writes only to the jobs whose steps need them', () => {
    expect(permissionProblems(workflow)).toEqual([])
  })

  it('pins every third-party action to a commit SHA with its version; GitHub’s own to a major tag or a SHA', () => {
    // The rule reads `uses:` lines, for their comments: it must see every action the parsed workflow uses.
    const parsed = jobsOf(workflow).flatMap(([, job]) => [
      ...(typeof job['uses'] === 'string' ? [job['uses']] : []),
      ...stepsOf(job).flatMap(step => (step.uses === undefined ? [] : [step.uses]))
    ])
    expect(parsed.length).toBeGreaterThan(0)
    expect(usesLines(text).map(({ ref }) => ref)).toEqual(parsed)
    expect(pinningProblems(text, { ownAction: PUBLISHED_ACTION })).toEqual([])
  })

  it('passes this action only inputs that action.yml declares', () => {
    expect(unknownInputs(text)).toEqual([])
  })
})

describe('pinned actions across the workflows and examples', () => {
  const texts = [...workflows, ...examples].map(path => [path, read(path)] as const)

  it('pin one version of an action to the same commit everywhere', () => {
    const seen = new Map<string, Set<string>>()
    for (const [, text] of texts) {
      for (const [version, sha] of pinnedVersions(text)) seen.set(version, (seen.get(version) ?? new Set()).add(sha))
    }
    expect(seen.size).toBeGreaterThan(2)
    const conflicting = [...seen].filter(([, shas]) => shas.size > 1).map(([version]) => version)
    expect(conflicting).toEqual([])
  })

  it('say why GitHub’s own actions stay on major tags, in every workflow that has one', () => {
    const reason = /^# Actions: GitHub's own \(actions\/\*\) stay on major tags, since/m
    const onMajorTags = workflows.filter(path => /uses: actions\/[\w.-]+@v\d+\s*$/m.test(read(path)))
    expect(onMajorTags.length).toBeGreaterThan(3)
    expect(onMajorTags.filter(path => !reason.test(read(path)))).toEqual([])
  })
})

describe('the checks can fail', () => {
  const job = (lines: string[]): string =>
    ['on: push', 'permissions: {}', 'jobs:', '  a:', '    runs-on: ubuntu-latest', ...lines, ''].join('\n')

  it('the pinning rule reports a tag, a short SHA, a SHA without its version, and a first-party branch', () => {
    const text = job([
      '    steps:',
      '      - uses: actions/checkout@v6',
      '      - uses: github/codeql-action/init@v4',
      '      - uses: ossf/scorecard-action@2d11466',
      '      - uses: ossf/scorecard-action@2d1146689b8cda280b9bc96326124645441f03bc',
      '      - uses: ossf/scorecard-action@2d1146689b8cda280b9bc96326124645441f03bc # latest',
      '      - uses: actions/setup-node@main',
      '      - uses: azure/login@f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca # v3.0.1',
      '      - uses: ./'
    ])
    expect(pinningProblems(text).map(problem => problem.replace(/ \(.*/, ''))).toEqual([
      'line 8: github/codeql-action/init@v4',
      'line 9: ossf/scorecard-action@2d11466',
      'line 10: ossf/scorecard-action@2d1146689b8cda280b9bc96326124645441f03bc',
      'line 11: ossf/scorecard-action@2d1146689b8cda280b9bc96326124645441f03bc',
      'line 12: actions/setup-node@main'
    ])
    const own = job(['    steps:', '      - uses: OWNER/azure-health-data-services-token@v1'])
    expect(pinningProblems(own)).toHaveLength(1)
    expect(pinningProblems(own, { ownAction: PUBLISHED_ACTION })).toEqual([])
  })

  it('the same version pinned to two commits is seen', () => {
    const a = job(['    steps:', '      - uses: github/codeql-action/init@' + 'a'.repeat(40) + ' # v4.1.0'])
    const b = job(['    steps:', '      - uses: github/codeql-action/analyze@' + 'b'.repeat(40) + ' # v4.1.0'])
    expect(pinnedVersions(a).get('github/codeql-action@v4.1.0')).not.toBe(
      pinnedVersions(b).get('github/codeql-action@v4.1.0')
    )
  })

  it('the permission rule reports writes at the top, writes no step needs, and writes for a called workflow', () => {
    const problems = permissionProblems(
      parseYaml(
        [
          'on: push',
          'permissions:',
          '  contents: write',
          'jobs:',
          '  build:',
          '    runs-on: ubuntu-latest',
          '    permissions:',
          '      id-token: write',
          '      attestations: write',
          '      packages: write',
          '    steps:',
          '      - run: npm test',
          '  release:',
          '    runs-on: ubuntu-latest',
          '    permissions:',
          '      contents: write',
          '    steps:',
          '      - run: gh release create v1.2.3',
          '  everything:',
          '    runs-on: ubuntu-latest',
          '    permissions: write-all',
          '    steps:',
          '      - run: echo',
          '  called:',
          '    permissions:',
          '      contents: write',
          '    uses: ./.github/workflows/ci.yml',
          ''
        ].join('\n')
      )
    )
    expect(problems.map(problem => problem.replace(/ \(.*| without .*|, which .*/, ''))).toEqual([
      'top level: {"contents":"write"}',
      'build: id-token: write',
      'build: attestations: write',
      'build: packages: write',
      'release: contents: write',
      'everything: "write-all"',
      'called: contents: write for a called workflow'
    ])
  })

  it('the permission rule lets each write through beside the step that needs it', () => {
    const attest = job([
      '    permissions:',
      '      contents: read',
      '      id-token: write',
      '      attestations: write',
      '    steps:',
      '      - uses: actions/attest-build-provenance@v4'
    ])
    expect(permissionProblems(parseYaml(attest))).toEqual([])
  })

  it('GitHub’s parser catches what the schema validator lets through, and accepts the attestations scope', async () => {
    const broken = {
      expression: job(['    steps:', '      - run: echo ${{ github.sha }']),
      context: job(['    steps:', '      - run: echo ${{ foo.bar }}']),
      function: job(['    steps:', "      - if: startwith(github.ref, 'refs/tags/')", '        run: echo']),
      cron: 'on:\n  schedule:\n    - cron: "61 * * * *"\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n',
      duplicateId: job(['    steps:', '      - id: x', '        run: echo', '      - id: x', '        run: echo'])
    }
    for (const [what, text] of Object.entries(broken)) {
      expect({ what, schema: describeErrors(validateWorkflow(text).errors) }).toEqual({ what, schema: [] })
      const caught = (await githubParserErrors(what, text)).length > 0
      expect({ what, caught }).toEqual({ what, caught: true })
    }
    const attest = job([
      '    permissions:',
      '      contents: read',
      '      attestations: write',
      '    steps:',
      '      - run: echo'
    ])
    expect(await githubParserErrors('attest', attest)).toEqual([])
    expect(describeErrors(validateWorkflow(attest).errors).length).toBeGreaterThan(0)
    expect(describeErrors(validateWorkflow(forSchemaValidator(attest)).errors)).toEqual([])
  })

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
