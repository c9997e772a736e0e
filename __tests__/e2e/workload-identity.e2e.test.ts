// auth-type workload-identity over dist/, as on a self-hosted runner pod on AKS: the emulator's cluster issuer
// projects a service-account token into a file, Entra ID trusts its subject through a federated credential, and the
// webhook's variables tell the action where the file and the IDs are.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { AKS_CLIENT_ID, AKS_SUBJECT, type Emulator, startEmulator } from '../../emulator/index.ts'
import { jwtClaims } from '../../emulator/runner.ts'
import { startServingJob } from './serve-job.ts'
import { errorLines, expectExit, expectOneClearError, runAgainst } from './world.ts'

let em: Emulator

beforeAll(async () => {
  em = await startEmulator()
})

afterAll(async () => {
  await em.stop()
})

/** A pod's environment: no GitHub OIDC request variables (a job without id-token: write). */
function podEnv(webhook: Record<string, string>): Record<string, string | undefined> {
  return { ...webhook, ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }
}

const aksObjectId = (): string => em.scenario.apps.find(app => app.clientId === AKS_CLIENT_ID)?.objectId ?? 'missing'

describe('workload identity', () => {
  it('signs in with the projected token, picked by auto, and the checks pass', async () => {
    const webhook = await em.projectServiceAccountToken()
    const run = await runAgainst(em, {
      inputs: { 'fhir-url': em.fhirUrl, 'health-check': 'true' },
      env: podEnv(webhook),
      extraSecrets: [readFileSync(webhook.AZURE_FEDERATED_TOKEN_FILE ?? '', 'utf8')]
    })
    expectExit(run, 0)
    // The service-account token is masked before it is sent anywhere.
    const masks = run.stdout.split('\n').filter(line => line.startsWith('::add-mask::'))
    const signedIn = run.stdout.split('\n').findIndex(line => line.startsWith('Signed in'))
    expect(masks[0]).toBe(`::add-mask::${readFileSync(webhook.AZURE_FEDERATED_TOKEN_FILE ?? '', 'utf8')}`)
    expect(run.stdout.split('\n').indexOf(masks[0] ?? '')).toBeLessThan(signedIn)
    expect(run.stdout).toContain('Signed in with workload-identity')
    const claims = jwtClaims(run.outputs.token ?? '')
    expect(claims.appid).toBe(AKS_CLIENT_ID)
    expect(claims.oid).toBe(aksObjectId())
    expect(run.outputs.health).toBe('healthy')
    // The sign-in host came from AZURE_AUTHORITY_HOST (the emulator's), with its trailing slash dropped.
    expect(em.requests().filter(r => r.party === 'entra' && r.method === 'POST')).toHaveLength(1)
  })

  it('reads the file anew: a token rotated between two runs is the one presented', async () => {
    const first = await em.projectServiceAccountToken()
    const tokenFile = first.AZURE_FEDERATED_TOKEN_FILE ?? ''
    const before = readFileSync(tokenFile, 'utf8')
    const one = await runAgainst(em, {
      inputs: { 'auth-type': 'workload-identity', 'fhir-url': em.fhirUrl },
      env: podEnv(first),
      extraSecrets: [before]
    })
    expectExit(one, 0)
    // The kubelet rotates the token; this one is for another service account, which no credential trusts.
    await em.projectServiceAccountToken({ serviceAccount: 'rotated-elsewhere' })
    const after = readFileSync(tokenFile, 'utf8')
    expect(after).not.toBe(before)
    const two = await runAgainst(em, {
      inputs: { 'auth-type': 'workload-identity', 'fhir-url': em.fhirUrl },
      env: podEnv(first),
      extraSecrets: [before, after]
    })
    expectOneClearError(two, /system:serviceaccount:ci:rotated-elsewhere/)
    // Rotated back to the trusted service account: the next run passes again.
    const third = await em.projectServiceAccountToken()
    const three = await runAgainst(em, {
      inputs: { 'auth-type': 'workload-identity', 'fhir-url': em.fhirUrl },
      env: podEnv(third),
      extraSecrets: [before, after, readFileSync(tokenFile, 'utf8')]
    })
    expectExit(three, 0)
  })

  it('a wrong subject is explained with the Kubernetes subject form and the command for this pod', async () => {
    const webhook = await em.projectServiceAccountToken({ namespace: 'build' })
    const run = await runAgainst(em, {
      inputs: { 'auth-type': 'workload-identity', 'fhir-url': em.fhirUrl },
      env: podEnv(webhook),
      extraSecrets: [readFileSync(webhook.AZURE_FEDERATED_TOKEN_FILE ?? '', 'utf8')]
    })
    const message = expectOneClearError(
      run,
      /::Microsoft Entra ID refused the sign-in: No federated credential on the app registration has the service account's subject\./
    )
    expect(message).toContain("subject 'system:serviceaccount:build:github-runner'")
    expect(message).toContain('system:serviceaccount:NAMESPACE:NAME')
    expect(message).toContain(`az ad app federated-credential create --id '${AKS_CLIENT_ID}'`)
    expect(message).toContain(`"subject":"system:serviceaccount:build:github-runner"`)
    expect(message).not.toContain(AKS_SUBJECT)
  })

  it('a missing token file fails with one clear error before any request', async () => {
    const webhook = await em.projectServiceAccountToken()
    const missing = `${webhook.AZURE_FEDERATED_TOKEN_FILE ?? ''}.missing`
    rmSync(missing, { force: true })
    em.clearRequests()
    const run = await runAgainst(em, {
      inputs: { 'auth-type': 'workload-identity', 'fhir-url': em.fhirUrl },
      env: podEnv({ ...webhook, AZURE_FEDERATED_TOKEN_FILE: missing })
    })
    const message = expectOneClearError(run, /AZURE_FEDERATED_TOKEN_FILE names ".*\.missing", which does not exist/)
    expect(message).toContain('azure.workload.identity/use')
    expect(em.requests()).toEqual([])
  })

  // Each would hang the step or read gigabytes if the file were read as it is named: only a regular file of at most
  // 64 KiB is read, and the run's own limit (far below a job's) ends a hang as a failure of the test.
  const notATokenFile: (readonly [string, (dir: string) => string, RegExp])[] = [
    ['a directory', dir => dir, /, which is a directory, not the token file/],
    [
      'a 2 GiB sparse file',
      dir => {
        const big = join(dir, 'token-sparse')
        writeFileSync(big, '')
        truncateSync(big, 2 * 1024 ** 3)
        return big
      },
      /, which holds 2 GiB \(2147483648 bytes\), far more than a service-account token/
    ]
  ]
  // FIFOs and /dev/zero are POSIX's (Windows' named pipes live elsewhere, under \\.\pipe\).
  if (process.platform !== 'win32') {
    notATokenFile.push(
      [
        'a FIFO without a writer',
        dir => {
          const fifo = join(dir, 'token-fifo')
          execFileSync('mkfifo', [fifo])
          return fifo
        },
        /, which is a FIFO \(named pipe\), not the token file/
      ],
      ['/dev/zero', () => '/dev/zero', /"\/dev\/zero", which is a character device, not the token file/]
    )
  }
  it.each(notATokenFile)('a token file that is %s fails at once with one clear error', async (_, make, pattern) => {
    const webhook = await em.projectServiceAccountToken()
    const dir = mkdtempSync(join(tmpdir(), 'ahds-token-file-'))
    try {
      em.clearRequests()
      const run = await runAgainst(em, {
        inputs: { 'auth-type': 'workload-identity', 'fhir-url': em.fhirUrl },
        env: podEnv({ ...webhook, AZURE_FEDERATED_TOKEN_FILE: make(dir) }),
        timeoutMs: 20_000
      })
      const message = expectOneClearError(run, pattern)
      expect(message).toContain('Fix: label the runner pod azure.workload.identity/use')
      expect(em.requests()).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  if (process.platform !== 'win32') {
    it("the token server's renewal reads the file through the same bounded reader: a FIFO fails it at once", async () => {
      em.setScenario({ entra: { tokenLifetimeSeconds: 3 } })
      const webhook = await em.projectServiceAccountToken()
      const tokenFile = webhook.AZURE_FEDERATED_TOKEN_FILE ?? ''
      const job = await startServingJob(
        em,
        { 'auth-type': 'workload-identity', 'fhir-url': em.fhirUrl },
        { env: podEnv(webhook), extraSecrets: [readFileSync(tokenFile, 'utf8')] }
      )
      try {
        // The file is replaced by a FIFO that no one writes, and the first token is left to expire.
        rmSync(tokenFile)
        execFileSync('mkfifo', [tokenFile])
        const expiresOn = Date.parse(job.main.outputs['expires-on'] ?? '')
        await new Promise(resolve => setTimeout(resolve, Math.max(0, expiresOn - Date.now()) + 500))
        const url = new URL(job.endpoint)
        url.searchParams.set('api-version', '2019-08-01')
        url.searchParams.set('resource', em.fhirUrl)
        const answer = await fetch(url, {
          headers: { 'X-IDENTITY-HEADER': job.header },
          signal: AbortSignal.timeout(15_000)
        })
        const body = (await answer.json()) as Record<string, unknown>
        expect(answer.status).toBeGreaterThanOrEqual(400)
        expect(body.access_token).toBeUndefined()
        expect(String(body.error_description)).toContain('which is a FIFO (named pipe), not the token file')
      } finally {
        rmSync(tokenFile, { force: true })
        job.cleanup()
        em.setScenario({})
      }
    })
  }

  it('without the webhook variables, auth-type workload-identity is a bad input naming the fix', async () => {
    const run = await runAgainst(em, {
      inputs: { 'auth-type': 'workload-identity', 'fhir-url': em.fhirUrl },
      env: podEnv({})
    })
    expectOneClearError(run, /AZURE_FEDERATED_TOKEN_FILE is not set/)
    expect(errorLines(run)).toHaveLength(1)
  })
})
