// The docs' terminal session (docs/command-line.md), Azure Pipelines pipelines (docs/azure-pipelines.md) and GitLab CI
// jobs (docs/gitlab.md), run on the emulator as written: the service URL and IDs swapped for the emulator's,
// `node dist/cli.js` for the bundle under test, the Azure CLI for the az stand-in logged in to the emulator, and the
// CI's own parts (Azure Pipelines' agent variables, secret variables and `$(NAME)` macros, GitLab's variables and
// id_tokens) done as the CI does them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import yaml from 'js-yaml'
import { type Emulator, startEmulator } from '../../emulator/index.ts'
import { emulatorInfo } from '../../emulator/info.ts'
import { nodeBin, repoRoot, spawnWithLimit } from '../../emulator/runner.ts'
import { type CliRun, cliEntry, cliLeaks, expectCliExit } from './cli-run.ts'

const DOC_FHIR_URL = 'https://myws-myfhir.fhir.azurehealthcareapis.com'
const DOC_ID = '00000000-0000-0000-0000-000000000000'

/** The fenced block of a kind under a `###` heading of a page of docs/. */
function blockUnder(page: string, heading: string, kind: 'sh' | 'yaml'): string {
  const doc = readFileSync(join(repoRoot, 'docs', page), 'utf8')
  const section = doc.split(/^### /m).find(part => part.startsWith(`${heading}\n`)) ?? ''
  const block = new RegExp('^```' + kind + '\\n([\\s\\S]*?)```', 'm').exec(section)?.[1]
  if (block === undefined) throw new Error(`no ${kind} block under ### ${heading} in docs/${page}`)
  return block
}

let em: Emulator
let home: string
beforeAll(async () => {
  em = await startEmulator()
  home = await mkdtemp(join(tmpdir(), 'ahds-cli-docs-'))
})
afterAll(async () => {
  await em.stop()
  await rm(home, { recursive: true, force: true })
})

/** A script as the doc wrote it, with the emulator's FHIR URL and the bundle under test. */
const asTested = (script: string): string =>
  script.split(DOC_FHIR_URL).join(em.fhirUrl).split('node dist/cli.js').join(`'${nodeBin}' '${cliEntry}'`)

/** The environment of a job here: the emulator's CA for Node and curl, nothing of the test process's own. */
function jobEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    NODE_EXTRA_CA_CERTS: em.caFile,
    CURL_CA_BUNDLE: em.caFile,
    ...extra
  }
}

/** The az stand-in, logged in to the emulator as its default app: what `az login` or AzureCLI@2 leaves behind. */
async function azLoggedIn(): Promise<Record<string, string>> {
  const info = emulatorInfo(em)
  const session = join(home, 'az-session.json')
  const login = { authorityHost: em.authorityHost, tenantId: info.tenantId, clientId: info.clientId }
  await writeFile(session, JSON.stringify({ ...login, clientSecret: info.clientSecret, caPem: em.caCertPem }))
  return {
    PATH: [join(repoRoot, '__tests__/fixtures/bin'), dirname(nodeBin), process.env.PATH ?? ''].join(':'),
    STANDIN_AZURE_SESSION: session
  }
}

const bash = (script: string, env: Record<string, string>): Promise<CliRun> =>
  spawnWithLimit(['bash', '-e', '-c', script], env, 60_000)

const isVsoSecretLine = (line: string): boolean =>
  /^##vso\[task\.set(secret|variable [^\]]*;issecret=true)\]/.test(line)

interface GitLabJob {
  readonly id_tokens?: Readonly<Record<string, { readonly aud: string }>>
  readonly variables: Record<string, string>
  readonly script: readonly string[]
}

/** The `fhir-check` job of a GitLab CI block of docs/gitlab.md. */
function gitlabJob(heading: string): GitLabJob {
  const job = (yaml.load(blockUnder('gitlab.md', heading, 'yaml')) as Record<string, GitLabJob | undefined>)[
    'fhir-check'
  ]
  if (job === undefined) throw new Error(`no fhir-check job under ### ${heading}`)
  return job
}

/**
 * Runs a GitLab job's script line by line, as GitLab does, with its variables and GitLab's own (`extra`) and the
 * project's values swapped for the emulator's: each line must pass, say what it did, and leak none of `secrets`.
 */
async function runGitLabJob(
  job: GitLabJob,
  extra: Record<string, string>,
  secrets: readonly string[]
): Promise<CliRun[]> {
  const info = emulatorInfo(em)
  const env = jobEnv({
    ...job.variables,
    GITLAB_CI: 'true',
    CI: 'true',
    ...extra,
    // The project's own values, and the emulator's sign-in host instead of Microsoft's.
    AHDS_CLIENT_ID: info.clientId,
    AHDS_TENANT_ID: info.tenantId,
    AHDS_AUTHORITY_HOST: em.authorityHost
  })
  env.AHDS_FHIR_URL = asTested(env.AHDS_FHIR_URL ?? '')
  const runs: CliRun[] = []
  for (const line of job.script) {
    const run = await bash(asTested(line), env)
    expectCliExit(run, 0)
    expect(cliLeaks(run, em, () => false, secrets)).toEqual([])
    if (line.includes('curl')) expect(run.stdout).toContain('"resourceType":"CapabilityStatement"')
    else expect(run.stdout).toContain('Health: healthy')
    runs.push(run)
  }
  return runs
}

describe("the docs' terminal session, pipelines and jobs, run as written", () => {
  it('the terminal session (az login done by the stand-in)', async () => {
    const lines = blockUnder('command-line.md', 'On a terminal', 'sh').split('\n')
    expect(lines[0]).toBe('az login')
    const run = await bash(asTested(lines.slice(1).join('\n')), jobEnv(await azLoggedIn()))
    expectCliExit(run, 0)
    expect(run.stdout).toMatch(/^FHIR service\s+metadata\s+200\s+pass/m)
    expect(run.stdout).toContain('"resourceType":"CapabilityStatement"')
    expect(cliLeaks(run, em)).toEqual([])
  })

  it('the Azure Pipelines steps: secret variables from the AzureCLI@2 step reach the next step through env:', async () => {
    const { steps } = yaml.load(blockUnder('azure-pipelines.md', 'The Azure CLI session of an Azure task', 'yaml')) as {
      steps: [{ inputs: { inlineScript: string } }, { script: string; env: Record<string, string> }]
    }
    const first = await bash(
      asTested(steps[0].inputs.inlineScript),
      jobEnv({ ...(await azLoggedIn()), TF_BUILD: 'True' })
    )
    expectCliExit(first, 0)
    expect(cliLeaks(first, em, isVsoSecretLine)).toEqual([])
    // The agent reads the secret variables from the step's output, and replaces $(NAME) in the next step's env.
    const variables = new Map(
      [...first.stdout.matchAll(/^##vso\[task\.setvariable variable=(\w+);issecret=true\](.*)$/gm)].map(m => [
        m[1],
        m[2]
      ])
    )
    expect([...variables.keys()]).toEqual(['AHDS_TOKEN', 'FHIR_TOKEN'])
    const env = Object.fromEntries(
      Object.entries(steps[1].env).map(([name, value]) => [
        name,
        value.replace(/\$\((\w+)\)/g, (_m, v: string) => variables.get(v) ?? '')
      ])
    )
    const second = await bash(asTested(steps[1].script), jobEnv({ ...env, TF_BUILD: 'True' }))
    expectCliExit(second, 0)
    expect(second.stdout).toContain('"resourceType":"CapabilityStatement"')
  })

  it('the GitLab CI job, with the client secret as a masked CI/CD variable', async () => {
    const { clientSecret } = emulatorInfo(em)
    await runGitLabJob(gitlabJob('A client secret instead'), { AHDS_CLIENT_SECRET: clientSecret }, [])
  })
  it('the Azure Pipelines pipeline: the service connection signs in, its token a secret variable for the next step', async () => {
    const pipeline = yaml.load(blockUnder('azure-pipelines.md', 'The pipeline', 'yaml')) as {
      variables: Record<string, string>
      steps: { script: string; env?: Record<string, string> }[]
    }
    const info = emulatorInfo(em)
    // The project's own values, and the emulator's sign-in host instead of Microsoft's.
    const ownValues: Record<string, string> = {
      AHDS_FHIR_URL: em.fhirUrl,
      AHDS_SERVICE_CONNECTION_ID: em.azurePipelines.serviceConnectionId,
      AHDS_CLIENT_ID: info.clientId,
      AHDS_TENANT_ID: info.tenantId
    }
    for (const [name, value] of Object.entries(pipeline.variables)) {
      expect({ name, documented: value === DOC_FHIR_URL || value === DOC_ID }).toEqual({ name, documented: true })
    }
    const variables = new Map<string, string>([['System.AccessToken', em.azurePipelines.accessToken]])
    const outputs: string[] = []
    for (const step of pipeline.steps) {
      // The agent replaces $(NAME) in a step's env: with the variable, a secret one included.
      const stepEnv = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([name, value]) => [
          name,
          value.replace(/\$\(([\w.]+)\)/g, (_m, v: string) => variables.get(v) ?? '')
        ])
      )
      const env = jobEnv({
        ...em.azurePipelinesEnv(),
        ...ownValues,
        AHDS_AUTHORITY_HOST: em.authorityHost,
        ...stepEnv
      })
      const run = await bash(asTested(step.script), env)
      expectCliExit(run, 0)
      expect(cliLeaks(run, em, isVsoSecretLine, [em.azurePipelines.accessToken])).toEqual([])
      for (const [, name = '', value = ''] of run.stdout.matchAll(
        /^##vso\[task\.setvariable variable=(\w+);issecret=true\](.*)$/gm
      )) {
        variables.set(name, value)
      }
      outputs.push(run.stdout)
    }
    expect(outputs[0]).toMatch(/^FHIR service\s+metadata\s+200\s+pass/m)
    expect([...variables.keys()]).toEqual(['System.AccessToken', 'AHDS_TOKEN', 'FHIR_TOKEN'])
    expect(outputs[2]).toContain('"resourceType":"CapabilityStatement"')
    // Each sign-in asked Azure DevOps for the connection's token.
    expect(em.requests().filter(entry => entry.party === 'azure-devops').length).toBeGreaterThanOrEqual(2)
  })

  it("the GitLab CI job: the job's id_tokens sign in, nothing prints a token", async () => {
    const job = gitlabJob('The job')
    // GitLab puts each id_tokens entry in its variable, for the audience the job asks, and says where it runs.
    const idTokens: Record<string, string> = {}
    for (const [name, { aud }] of Object.entries(job.id_tokens ?? {})) {
      idTokens[name] = await em.mintGitLabIdToken({ audience: aud })
    }
    expect(Object.keys(idTokens)).toEqual(['AZURE_ID_TOKEN'])
    const runs = await runGitLabJob(job, { ...idTokens, CI_SERVER_URL: em.gitlabIssuer }, Object.values(idTokens))
    for (const run of runs) expect(run.stderr).toContain('Signed in with federated-token')
  })
})
