// The command's sign-in in other CIs, built and run as a process against the emulator: Azure Pipelines through a
// service connection (Azure DevOps' OIDC endpoint asked with the job's access token, then Entra ID), GitLab's
// id_tokens from a variable, and a token file; each refusal explained in its CI's terms, and every output scanned.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { emulatorInfo } from '../../emulator/info.ts'
import { jwtClaims } from '../../emulator/runner.ts'
import { type CliRun, cliEnv, cliLeaks, expectCliExit, runCliProcess } from './cli-run.ts'
import { faultEmulators } from './world.ts'

const emulator = faultEmulators()
const scratch = mkdtemp(join(tmpdir(), 'ahds-cli-ci-'))
afterAll(async () => {
  await rm(await scratch, { recursive: true, force: true })
})

/** The emulated app, service and sign-in host, as a pipeline's AHDS_ variables. */
function ids(em: Emulator): Record<string, string> {
  const info = emulatorInfo(em)
  return {
    AHDS_FHIR_URL: em.fhirUrl,
    AHDS_CLIENT_ID: info.clientId,
    AHDS_TENANT_ID: info.tenantId,
    AHDS_AUTHORITY_HOST: em.authorityHost
  }
}

/** A script step on an Azure Pipelines agent, with the job's access token mapped (unless `mapped` is false). */
function pipelineStep(em: Emulator, extra: Record<string, string> = {}, mapped = true): Record<string, string> {
  return cliEnv(em, {
    ...em.azurePipelinesEnv(),
    ...ids(em),
    AHDS_SERVICE_CONNECTION_ID: em.azurePipelines.serviceConnectionId,
    ...(mapped ? { SYSTEM_ACCESSTOKEN: em.azurePipelines.accessToken } : {}),
    ...extra
  })
}

const isVsoSecretLine = (line: string): boolean =>
  line.startsWith('##vso[task.setsecret]') || /^##vso\[task\.setvariable variable=\w+;issecret=true\]/.test(line)

/** Where a secret of the emulator, the job's access token or a JWT appears outside Azure Pipelines' secret lines. */
const pipelineLeaks = (run: CliRun, em: Emulator): string[] =>
  cliLeaks(run, em, isVsoSecretLine, [em.azurePipelines.accessToken])

const devOpsRequests = (em: Emulator) => em.requests().filter(entry => entry.party === 'azure-devops')

describe('Azure Pipelines', () => {
  it.concurrent(
    'a script step signs in through the service connection and checks the service; every secret registered first',
    async () => {
      const em = await emulator()
      const run = await runCliProcess(['check'], pipelineStep(em))
      expectCliExit(run, 0)
      expect(run.stdout).toMatch(/^FHIR service\s+metadata\s+200\s+pass/m)
      expect(run.stderr).toContain(`Signed in with azure-pipelines: token for ${em.fhirUrl}`)
      // Azure DevOps was asked once, with the job's access token, for the connection's token.
      expect(devOpsRequests(em).map(entry => [entry.method, entry.status])).toEqual([['POST', 200]])
      // The job's access token is registered as a secret before anything else is printed; the connection's token
      // before the sign-in is reported.
      const lines = run.stderr.split('\n')
      expect(lines[0]).toBe(`##vso[task.setsecret]${em.azurePipelines.accessToken}`)
      const connectionToken = lines.findIndex(
        line => line.startsWith('##vso[task.setsecret]ey') && jwtClaims(line.slice(21)).sub !== undefined
      )
      const claims = jwtClaims(lines[connectionToken]?.slice(21) ?? '')
      expect(claims.sub).toBe('sc://contoso/hds/hds-fhir')
      expect(connectionToken).toBeLessThan(lines.findIndex(line => line.startsWith('Signed in with')))
      expect(pipelineLeaks(run, em)).toEqual([])
    }
  )

  it.concurrent(
    'inside an Azure task its AZURESUBSCRIPTION_ variables are enough: auto picks the connection',
    async () => {
      const em = await emulator()
      const info = emulatorInfo(em)
      const env = pipelineStep(em, {
        AHDS_SERVICE_CONNECTION_ID: '',
        AHDS_CLIENT_ID: '',
        AHDS_TENANT_ID: '',
        AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: em.azurePipelines.serviceConnectionId,
        AZURESUBSCRIPTION_CLIENT_ID: info.clientId,
        AZURESUBSCRIPTION_TENANT_ID: info.tenantId
      })
      const run = await runCliProcess(['token', '--output', 'azure-pipelines'], env)
      expectCliExit(run, 0)
      const variable = /^##vso\[task\.setvariable variable=FHIR_TOKEN;issecret=true\](.+)$/m.exec(run.stdout)?.[1]
      expect(jwtClaims(variable ?? '').aud).toBe(em.fhirUrl)
      expect(pipelineLeaks(run, em)).toEqual([])
    }
  )

  it.concurrent('a step without SYSTEM_ACCESSTOKEN mapped is told the lines to add, and sends nothing', async () => {
    const em = await emulator()
    const run = await runCliProcess(['check', '--auth-type', 'azure-pipelines'], pipelineStep(em, {}, false))
    expectCliExit(run, 1)
    expect(run.stderr).toContain("error: Azure Pipelines: the job's access token is not mapped to this step")
    expect(run.stderr).toContain('    SYSTEM_ACCESSTOKEN: $(System.AccessToken)')
    expect(em.requests()).toEqual([])
    expect(pipelineLeaks(run, em)).toEqual([])
  })

  it.concurrent(
    'a wrong subject (the connection renamed) is explained in the sc:// form, with the command',
    async () => {
      const em = await emulator()
      const { id } = em.scenario.azurePipelines.serviceConnections[0] ?? { id: '' }
      em.setScenario({ azurePipelines: { serviceConnections: [{ id, name: 'hds-fhir-renamed' }] } })
      const run = await runCliProcess(['check'], pipelineStep(em))
      expectCliExit(run, 1)
      expect(run.stderr).toContain('error: Sign-in refused (AADSTS700213)')
      expect(run.stderr).toContain("subject 'sc://contoso/hds/hds-fhir-renamed'")
      expect(run.stderr).toContain('sc://ORGANIZATION/PROJECT/SERVICE_CONNECTION')
      expect(run.stderr).toContain(
        `az ad app federated-credential create --id '${emulatorInfo(em).clientId}' --parameters ` +
          `'{"name":"azure-devops-contoso-hds-hds-fhir-renamed","issuer":"${em.azurePipelines.issuer}",` +
          `"subject":"sc://contoso/hds/hds-fhir-renamed","audiences":["api://AzureADTokenExchange"]}'`
      )
      expect(pipelineLeaks(run, em)).toEqual([])
    }
  )

  it.concurrent.each([
    [
      'a wrong job access token',
      { SYSTEM_ACCESSTOKEN: 'not-this-jobs-access-token-0123456789' },
      'HTTP 401',
      "did not accept the job's access token"
    ],
    [
      'an unknown service connection',
      { AHDS_SERVICE_CONNECTION_ID: '9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6' },
      'HTTP 404',
      'authorize this pipeline to use it'
    ]
  ])("%s: Azure DevOps' status and error type, the fix, and never its text", async (_name, extra, status, fix) => {
    const em = await emulator()
    const run = await runCliProcess(['check'], pipelineStep(em, extra))
    expectCliExit(run, 1)
    expect(run.stderr).toContain(
      `error: Azure Pipelines: the service connection's token is unavailable: Azure DevOps answered ${status}`
    )
    expect(run.stderr).toContain(fix)
    // Azure DevOps' own message (and whatever a server puts in it) is not quoted; Entra ID was never asked.
    expect(run.stderr).not.toMatch(/TF400813|not found|Complete response/)
    expect(em.requests().filter(entry => entry.party === 'entra')).toEqual([])
    expect(pipelineLeaks(run, em)).toEqual([])
  })

  it.concurrent("##vso[ in Azure DevOps' answer starts no command, and its text is not shown", async () => {
    const em = await emulator(() => [
      {
        party: 'azure-devops',
        status: 400,
        body: {
          message: '##vso[task.setvariable variable=FHIR_TOKEN]stolen ##vso[task.complete result=Succeeded]',
          typeKey: 'InvalidRequestException'
        }
      }
    ])
    const run = await runCliProcess(['check'], pipelineStep(em))
    expectCliExit(run, 1)
    expect(run.stderr).toContain('HTTP 400 (InvalidRequestException)')
    expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/##vso\[task\.(setvariable variable=FHIR|complete)/)
    expect(run.stderr).not.toContain('stolen')
    expect(pipelineLeaks(run, em)).toEqual([])
  })
})

/** A GitLab job on gitlab.com with its id_tokens variable AZURE_ID_TOKEN named. */
function gitlabJob(em: Emulator, token: string, extra: Record<string, string> = {}): Record<string, string> {
  return cliEnv(em, {
    GITLAB_CI: 'true',
    CI_SERVER_URL: em.gitlabIssuer,
    ...ids(em),
    AZURE_ID_TOKEN: token,
    AHDS_FEDERATED_TOKEN_ENV: 'AZURE_ID_TOKEN',
    ...extra
  })
}

describe('GitLab CI', () => {
  it.concurrent(
    "the job's ID token from its variable: check, and exec without the ID token in the command's environment",
    async () => {
      const em = await emulator()
      const token = await em.mintGitLabIdToken()
      const env = gitlabJob(em, token)
      const check = await runCliProcess(['check'], env)
      expectCliExit(check, 0)
      expect(check.stderr).toContain(`Signed in with federated-token: token for ${em.fhirUrl}`)
      expect(cliLeaks(check, em, () => false, [token])).toEqual([])
      const script =
        'console.log(JSON.stringify({ fhir: Boolean(process.env.FHIR_TOKEN), id: process.env.AZURE_ID_TOKEN ?? null }))'
      const exec = await runCliProcess(['exec', '--', process.execPath, '-e', script], env)
      expectCliExit(exec, 0)
      expect(JSON.parse(exec.stdout)).toEqual({ fhir: true, id: null })
      expect(cliLeaks(exec, em, () => false, [token])).toEqual([])
    }
  )

  it.concurrent('a wrong audience is named, with where GitLab sets it', async () => {
    const em = await emulator()
    const token = await em.mintGitLabIdToken({ audience: 'https://gitlab.com' })
    const run = await runCliProcess(['check'], gitlabJob(em, token))
    expectCliExit(run, 1)
    expect(run.stderr).toContain('error: Sign-in refused (AADSTS700212)')
    expect(run.stderr).toContain("What differs: the audience ('https://gitlab.com')")
    expect(run.stderr).toContain("aud under the job's id_tokens")
    expect(run.stderr).toContain('project_path:contoso/hds-pipelines:ref_type:tag:ref:TAG')
    expect(cliLeaks(run, em, () => false, [token])).toEqual([])
  })

  it.concurrent("the job's one ID token is found, named nowhere", async () => {
    const em = await emulator()
    const token = await em.mintGitLabIdToken()
    const run = await runCliProcess(['check'], gitlabJob(em, token, { AHDS_FEDERATED_TOKEN_ENV: '' }))
    expectCliExit(run, 0)
    expect(run.stderr).toContain(`Signed in with federated-token: token for ${em.fhirUrl}`)
    expect(cliLeaks(run, em, () => false, [token])).toEqual([])
  })

  it.concurrent('client-id and tenant-id in a job without id_tokens: the lines to add, nothing sent', async () => {
    const em = await emulator()
    const env = gitlabJob(em, '', { AHDS_FEDERATED_TOKEN_ENV: '' })
    const run = await runCliProcess(['check'], env)
    expectCliExit(run, 2)
    expect(run.stderr).toContain('error: --auth-type (or AHDS_AUTH_TYPE):')
    expect(run.stderr).toContain('add id_tokens to the job')
    expect(em.requests()).toEqual([])
  })
})

describe('a token file', () => {
  it.concurrent('--federated-token-file presents the token in the file', async () => {
    const em = await emulator()
    const token = await em.mintGitLabIdToken()
    const path = join(await scratch, 'id-token')
    await writeFile(path, `${token}\n`, { mode: 0o600 })
    const run = await runCliProcess(['token', '--federated-token-file', path], cliEnv(em, ids(em)))
    expectCliExit(run, 0)
    expect(run.stderr).toContain(`Signed in with federated-token: token for ${em.fhirUrl}`)
    expect(cliLeaks(run, em, () => false, [token])).toEqual([])
  })

  it.concurrent('on Azure Pipelines the file is read and its token registered once per sign-in', async () => {
    const em = await emulator()
    const token = await em.mintGitLabIdToken()
    const path = join(await scratch, 'id-token-once')
    await writeFile(path, `${token}\n`, { mode: 0o600 })
    const env = cliEnv(em, { ...ids(em), TF_BUILD: 'True' })
    const run = await runCliProcess(['token', '--federated-token-file', path], env)
    expectCliExit(run, 0)
    const registered = run.stderr.split('\n').filter(line => line.startsWith('##vso[task.setsecret]'))
    expect(registered).toContain(`##vso[task.setsecret]${token}`)
    expect(registered.length).toBe(new Set(registered).size)
    expect(cliLeaks(run, em, isVsoSecretLine, [token])).toEqual([])
  })

  it.concurrent('a FIFO is refused at once, naming what it is', async () => {
    const em = await emulator()
    const path = join(await scratch, 'id-token-fifo')
    execFileSync('mkfifo', [path])
    const run = await runCliProcess(['token', '--federated-token-file', path], cliEnv(em, ids(em)))
    expectCliExit(run, 1)
    expect(run.stderr).toContain('error: Sign-in failed: the federated token file cannot be read')
    expect(run.stderr).toContain('is a FIFO (named pipe)')
    expect(em.requests()).toEqual([])
  })
})

describe('a hung or flooding Azure DevOps', () => {
  it.concurrent('an answer past 1 MiB is not read, and said to be too large', async () => {
    const em = await emulator(() => [{ party: 'azure-devops', stream: { bytes: 4 * 1024 * 1024 } }])
    const run = await runCliProcess(['check'], pipelineStep(em))
    expectCliExit(run, 1)
    expect(run.stderr).toContain(
      "error: Azure Pipelines: the service connection's token is unavailable: the answer is too large"
    )
    expect(run.stderr).toContain('more than 1024 KiB')
    expect(em.requests().filter(entry => entry.party === 'entra')).toEqual([])
    expect(pipelineLeaks(run, em)).toEqual([])
  })

  it.concurrent("the request for the connection's token is bounded and named, not waited on", async () => {
    const em = await emulator(() => [{ party: 'azure-devops', hang: true }])
    const run = await runCliProcess(['check'], pipelineStep(em))
    // Within the process's own limit: the request's time limit ended it, with the endpoint named.
    expectCliExit(run, 1)
    expect(run.stderr).toContain(
      "error: Azure Pipelines: the service connection's token is unavailable: Sign-in timed out"
    )
    expect(run.stderr).toContain(`No answer in time from ${em.azurePipelines.oidcRequestUri}`)
    expect(em.requests().filter(entry => entry.party === 'entra')).toEqual([])
    expect(pipelineLeaks(run, em)).toEqual([])
  })
})
