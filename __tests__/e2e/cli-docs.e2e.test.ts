// docs/command-line.md's terminal session, Azure Pipelines steps and GitLab CI job, run on the emulator as written:
// its service URL and IDs swapped for the emulator's, `node dist/cli.js` for the bundle under test, the Azure CLI for
// the az stand-in logged in to the emulator, and the CI's own parts (Azure Pipelines' secret variables and `$(NAME)`
// macros, GitLab's variables) done as the CI does them.
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

const DOC = readFileSync(join(repoRoot, 'docs/command-line.md'), 'utf8')
const DOC_FHIR_URL = 'https://myws-myfhir.fhir.azurehealthcareapis.com'

/** The fenced block of a kind under a `###` heading of the doc. */
function blockUnder(heading: string, kind: 'sh' | 'yaml'): string {
  const section = DOC.split(/^### /m).find(part => part.startsWith(`${heading}\n`)) ?? ''
  const block = new RegExp('```' + kind + '\\n([\\s\\S]*?)```').exec(section)?.[1]
  if (block === undefined) throw new Error(`no ${kind} block under ### ${heading}`)
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

describe('docs/command-line.md, run as written', () => {
  it('the terminal session (az login done by the stand-in)', async () => {
    const lines = blockUnder('On a terminal', 'sh').split('\n')
    expect(lines[0]).toBe('az login')
    const run = await bash(asTested(lines.slice(1).join('\n')), jobEnv(await azLoggedIn()))
    expectCliExit(run, 0)
    expect(run.stdout).toMatch(/^FHIR service\s+metadata\s+200\s+pass/m)
    expect(run.stdout).toContain('"resourceType":"CapabilityStatement"')
    expect(cliLeaks(run, em)).toEqual([])
  })

  it('the Azure Pipelines steps: secret variables from the AzureCLI@2 step reach the next step through env:', async () => {
    const { steps } = yaml.load(blockUnder('Azure Pipelines', 'yaml')) as {
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
    const doc = yaml.load(blockUnder('GitLab CI', 'yaml')) as Record<
      string,
      { variables: Record<string, string>; script: string[] }
    >
    const job = doc['fhir-check']
    if (job === undefined) throw new Error('no fhir-check job')
    const info = emulatorInfo(em)
    const env = jobEnv({
      ...job.variables,
      GITLAB_CI: 'true',
      CI: 'true',
      // The project's own values, and the emulator's sign-in host instead of Microsoft's.
      AHDS_CLIENT_ID: info.clientId,
      AHDS_TENANT_ID: info.tenantId,
      AHDS_CLIENT_SECRET: info.clientSecret,
      AHDS_AUTHORITY_HOST: em.authorityHost
    })
    env.AHDS_FHIR_URL = asTested(env.AHDS_FHIR_URL ?? '')
    for (const line of job.script) {
      const run = await bash(asTested(line), env)
      expectCliExit(run, 0)
      expect(cliLeaks(run, em)).toEqual([])
      if (line.includes('curl')) expect(run.stdout).toContain('"resourceType":"CapabilityStatement"')
      else expect(run.stdout).toContain('Health: healthy')
    }
  })
})
