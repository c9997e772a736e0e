// Production shape: the action with its shipped defaults (no authority-host) in a private network and mount
// namespace where Microsoft's, GitHub's and the services' host names lead to the emulator on 127.0.0.1:443.
// Also behind a real proxy (tinyproxy) and with the real Azure CLI. Needs root and unshare; without them the tests
// warn loudly and are skipped, except in CI, where they fail.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { DICOM_AUDIENCE } from '../../emulator/index.ts'
import { describeRun, jwtClaims, nodeBin, repoRoot, spawnWithLimit } from '../../emulator/runner.ts'
import type { Step, StepsResult } from './ns-steps.ts'
import type { RequestLogEntry } from '../../emulator/index.ts'
import { expectExit, expectNoLeaks, expectOneClearError } from './world.ts'

function namespaceSupport(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux'
  if (process.getuid?.() !== 0) return 'not root'
  const probe = spawnSync('unshare', ['--net', '--mount', 'true'], { encoding: 'utf8' })
  if (probe.status !== 0) return `unshare --net --mount failed: ${probe.stderr || String(probe.error)}`
  return undefined
}

const unsupported = namespaceSupport()
const required = process.env.CI === 'true' && process.platform === 'linux' && process.getuid?.() === 0
if (unsupported !== undefined) {
  const banner = '!'.repeat(100)
  console.warn(
    `${banner}\nNAMESPACE END-TO-END TESTS NOT RUN: ${unsupported}.\n` +
      `The production-shape, proxy and Azure CLI tests need root and unshare.${required ? ' CI as root: failing.' : ''}\n${banner}`
  )
}
// An unusable namespace skips, loudly; on a root CI machine (.ci/run) it must work, so there the tests run and fail.
// (GitHub's hosted runners are not root: their workflow runs this file again under sudo.)
const nsIt = unsupported === undefined || required ? it.concurrent : it.skip

const workdirs: string[] = []
afterAll(() => {
  for (const dir of workdirs) rmSync(dir, { recursive: true, force: true })
})

/** az login asks a token for the classic management resource (with its trailing slash): the world must know it. */
const scenarios: Record<string, string> = {
  'azure-cli': join(repoRoot, '__tests__/e2e/azure-cli.scenario.json'),
  // The same, with GitHub OIDC tokens that live seconds and no clock skew allowed: a CLI session made from one goes
  // stale within the test.
  'azure-cli-stale': join(repoRoot, '__tests__/e2e/azure-cli-stale.scenario.json')
}

async function inNamespace(plan: string): Promise<StepsResult> {
  if (unsupported !== undefined) throw new Error(`cannot create the namespace: ${unsupported}`)
  const workdir = mkdtempSync(join(tmpdir(), `ahds-ns-${plan}-`))
  workdirs.push(workdir)
  const resultFile = join(workdir, 'result.json')
  const script = join(repoRoot, '__tests__/e2e/netns.sh')
  const steps = join(repoRoot, '__tests__/e2e/ns-steps.ts')
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? workdir }
  if (process.env.ACTION_ENTRY !== undefined) env.ACTION_ENTRY = process.env.ACTION_ENTRY
  const result = await spawnWithLimit(
    [
      'bash',
      script,
      '--workdir',
      workdir,
      ...(scenarios[plan] ? ['--scenario', scenarios[plan]] : []),
      '--',
      nodeBin,
      steps,
      plan,
      resultFile
    ],
    env,
    150_000
  )
  if (result.exitCode !== 0) {
    throw new Error(
      `netns.sh ${plan} exited ${String(result.exitCode)}${result.timedOut ? ' (timed out)' : ''}\n` +
        `${result.stdout}\n${result.stderr}`
    )
  }
  return JSON.parse(readFileSync(resultFile, 'utf8')) as StepsResult
}

function stepOf(result: StepsResult, label: string): Step & { run: NonNullable<Step['run']> } {
  const step = result.steps.find(s => s.label === label)
  if (!step?.run) throw new Error(`no action run "${label}" in ${JSON.stringify(result.steps.map(s => s.label))}`)
  return { ...step, run: step.run }
}

/** Everything secret the namespace run knows: the test credentials, the request token, every bearer seen. */
function secretsOf(result: StepsResult, step: Step): string[] {
  const bearers = result.steps.flatMap(s => s.requests.flatMap(r => (r.bearerToken ? [r.bearerToken] : [])))
  return [
    result.ready.clientSecret,
    result.ready.oidcRequestToken,
    result.ready.certificatePem,
    result.ready.noRolesClientSecret,
    ...bearers,
    ...(step.run?.outputs.token ? [step.run.outputs.token] : [])
  ]
}

const describeRequests = (requests: readonly RequestLogEntry[]): string[] =>
  requests.map(r => `${r.method} ${r.origin}${r.path.split('?')[0] ?? ''} ${r.status}`)

describe('production shape (shipped defaults, real host names)', () => {
  nsIt(
    'OIDC and client secret sign in at login.microsoftonline.com with exactly one token POST, FHIR healthy',
    async () => {
      const result = await inNamespace('production')
      for (const label of ['oidc', 'client-secret']) {
        const step = stepOf(result, label)
        expectNoLeaks(step.run, secretsOf(result, step))
        expectExit(step.run, 0)
        expect(step.run.outputs.health).toBe('healthy')
        const claims = jwtClaims(step.run.outputs.token ?? '')
        expect(claims.aud).toBe(new URL(result.ready.fhirUrl).origin)
        expect(claims.tid).toBe(result.ready.tenantId)

        const signIn = step.requests.filter(r => r.party === 'entra' || r.party === 'github')
        const expected = [
          ...(label === 'oidc' ? ['github GET'] : []),
          `entra POST https://login.microsoftonline.com/${result.ready.tenantId}/oauth2/v2.0/token 200`
        ]
        // Exactly one token POST and, for OIDC, one GitHub request: no discovery, no retries.
        expect(
          signIn.map(r =>
            r.party === 'github'
              ? `github ${r.method}`
              : `entra ${r.method} ${r.origin}${r.path.split('?')[0] ?? ''} ${r.status}`
          )
        ).toEqual(expected)
        expect(step.requests.filter(r => r.party === 'other')).toEqual([])
        const fhir = step.requests.filter(r => r.party === 'fhir')
        expect(fhir.length).toBeGreaterThanOrEqual(2)
        expect(fhir.every(r => r.origin === new URL(result.ready.fhirUrl).origin)).toBe(true)
      }
    },
    160_000
  )
})

describe('production shape, DICOM (shipped defaults, real host names)', () => {
  nsIt(
    'OIDC signs in for the shared DICOM resource with one token POST, and the default DICOM check is healthy',
    async () => {
      const result = await inNamespace('production-dicom')
      const dicomOrigin = new URL(result.ready.dicomUrl).origin
      expect(new URL(dicomOrigin).hostname).toMatch(/^[a-z0-9-]+\.dicom\.azurehealthcareapis\.com$/)
      const step = stepOf(result, 'dicom')
      expectNoLeaks(step.run, secretsOf(result, step))
      expectExit(step.run, 0)
      expect(step.run.outputs.health).toBe('healthy')
      const token = step.run.outputs.token ?? ''
      const claims = jwtClaims(token)
      // The DICOM audience is one resource for every DICOM service, not the service URL.
      expect(claims.aud).toBe(DICOM_AUDIENCE)
      expect(claims.tid).toBe(result.ready.tenantId)

      const signIn = step.requests.filter(r => r.party === 'entra' || r.party === 'github')
      expect(
        signIn.map(r =>
          r.party === 'github' ? 'github GET' : `entra ${r.method} ${r.origin}${r.path.split('?')[0] ?? ''} ${r.status}`
        )
      ).toEqual([
        'github GET',
        `entra POST https://login.microsoftonline.com/${result.ready.tenantId}/oauth2/v2.0/token 200`
      ])
      // The default DICOM check only, on the service's origin, carrying the token issued.
      const dicom = step.requests.filter(r => r.party === 'dicom')
      expect(dicom.map(r => [r.origin, r.path, r.status])).toEqual([
        [dicomOrigin, '/v2/changefeed?limit=1&includemetadata=false', 200]
      ])
      expect(dicom.map(r => r.bearerToken)).toEqual([token])
      expect(step.requests.filter(r => r.party !== 'dicom' && r.party !== 'entra' && r.party !== 'github')).toEqual([])
    },
    160_000
  )
})

describe('behind a proxy (tinyproxy)', () => {
  nsIt(
    'the OIDC request, the sign-in and the health checks tunnel through the proxy; NO_PROXY goes direct',
    async () => {
      const result = await inNamespace('proxy')
      const fhirHost = new URL(result.ready.fhirUrl).hostname
      const loginHost = new URL(result.ready.authorityHost).hostname
      const githubHost = new URL(result.ready.oidcRequestUrl).hostname
      const connects = (log: string | undefined): string[] =>
        [...(log ?? '').matchAll(/CONNECT ([\w.-]+):443/g)].map(m => m[1] ?? '')

      const all = stepOf(result, 'all through the proxy')
      expectNoLeaks(all.run, secretsOf(result, all))
      if (all.run.exitCode !== 0) throw new Error(`${describeRun(all.run)}\n${all.proxyLog ?? ''}`)
      expect(all.run.outputs.health).toBe('healthy')
      expect(new Set(connects(all.proxyLog))).toEqual(new Set([githubHost, loginHost, fhirHost]))
      expect(describeRequests(all.requests).length).toBeGreaterThanOrEqual(4)

      const direct = stepOf(result, 'NO_PROXY for the FHIR service')
      expectNoLeaks(direct.run, secretsOf(result, direct))
      expectExit(direct.run, 0)
      expect(direct.run.outputs.health).toBe('healthy')
      expect(new Set(connects(direct.proxyLog))).toEqual(new Set([githubHost, loginHost]))
      expect(direct.requests.filter(r => r.party === 'fhir').length).toBeGreaterThanOrEqual(2)
    },
    160_000
  )
})

describe('the real Azure CLI', () => {
  nsIt(
    'az login --service-principal against the emulator, then auth-type azure-cli',
    async () => {
      const result = await inNamespace('azure-cli')
      const login = result.steps.find(s => s.label === 'az login')
      if (login?.tool?.exitCode !== 0) {
        throw new Error(
          `az login failed (${String(login?.tool?.exitCode)}): ${login?.tool?.stderr ?? ''}\n` +
            `az asked for:\n${describeRequests(login?.requests ?? []).join('\n')}`
        )
      }
      const step = stepOf(result, 'azure-cli')
      expectNoLeaks(step.run, secretsOf(result, step))
      expectExit(step.run, 0)
      expect(step.run.outputs.health).toBe('healthy')
      const claims = jwtClaims(step.run.outputs.token ?? '')
      expect(claims.aud).toBe(new URL(result.ready.fhirUrl).origin)
      expect(claims.appid).toBe(result.ready.clientId)
    },
    160_000
  )
})

describe('a stale Azure CLI session', () => {
  nsIt(
    'az login --federated-token whose GitHub token then expires: auth-type azure-cli explains AADSTS700024 and the fix',
    async () => {
      const result = await inNamespace('azure-cli-stale')
      const login = result.steps.find(s => s.label === 'az login --federated-token')
      if (login?.tool?.exitCode !== 0) {
        throw new Error(
          `az login failed (${String(login?.tool?.exitCode)}): ${login?.tool?.stderr ?? ''}\n` +
            `az asked for:\n${describeRequests(login?.requests ?? []).join('\n')}`
        )
      }
      const step = stepOf(result, 'azure-cli after the GitHub token expired')
      expectNoLeaks(step.run, secretsOf(result, step))
      const message = expectOneClearError(step.run, /made from a GitHub OIDC token/)
      expect(message).toContain('::error title=Sign-in refused (AADSTS700024)::')
      expect(message).toContain("Sign in with this action's own OIDC instead")
      expect(message).toContain('client-id and tenant-id')
      // The refusal came from the real token endpoint, to the CLI's own request.
      expect(step.requests.some(r => r.party === 'entra' && r.method === 'POST' && r.status === 400)).toBe(true)
    },
    160_000
  )
})

describe('the token server and another user of the machine', () => {
  nsIt(
    "a request with the correct header from another user gets no token; the job's own user still does",
    async () => {
      const result = await inNamespace('serve-users')
      const serve = stepOf(result, 'serve')
      expectExit(serve.run, 0)
      const answer = (label: string): unknown => {
        const step = result.steps.find(s => s.label === label)
        if (step?.tool === undefined) throw new Error(`no step "${label}"`)
        return JSON.parse(step.tool.stdout)
      }
      // Both send exactly the header the step exported, as curl -H @- does from a later step.
      expect(answer('another user')).toEqual({ status: 403, token: false, error: 'unauthorized_client' })
      expect(answer("the job's user")).toEqual({ status: 200, token: true, error: '' })
      const post = stepOf(result, 'post')
      expectExit(post.run, 0)
      expect(post.run.stdout).toContain('refused 1 request with 403 (another user)')
      expect(post.run.stdout).toContain(`1 answer for ${result.ready.fhirUrl} (1 renewal, 0 failures)`)
      for (const step of [serve, post]) expectNoLeaks(step.run, secretsOf(result, step))
    },
    160_000
  )
})

describe("the CLI and PowerShell sessions served, and the runner's Azure CLI", () => {
  nsIt(
    'a CLI older than 2.73 gets one warning with its version and the fix, a supported one none; ARM lists tenants',
    async () => {
      const result = await inNamespace('azure-sessions')
      const warnings = (label: string): string[] => {
        const step = stepOf(result, label)
        expectNoLeaks(step.run, secretsOf(result, step))
        expectExit(step.run, 0)
        return step.run.stdout.split('\n').filter(line => line.includes('Azure CLI on this runner'))
      }
      const debian = warnings("the runner's az")
      expect(debian).toHaveLength(1)
      expect(debian[0]).toMatch(
        /^::warning::serve-tokens: the Azure CLI on this runner is 2\.\d+\.\d+, older than 2\.73\.0/
      )
      expect(debian[0]).toContain('update the CLI')
      expect(warnings('a stand-in az 2.72.0')).toEqual([
        expect.stringContaining('the Azure CLI on this runner is 2.72.0, older than 2.73.0')
      ])
      expect(warnings('a stand-in az 2.73.0')).toEqual([])
      // Through the endpoint, ARM at its production host lists what the CLI reads after its sign-in.
      const signIn = result.steps.find(s => s.label === 'a managed-identity sign-in as az login --identity')
      if (signIn?.tool?.exitCode !== 0) {
        throw new Error(`the sign-in failed: ${signIn?.tool?.stdout ?? ''}\n${signIn?.tool?.stderr ?? ''}`)
      }
      expect(JSON.parse(signIn.tool.stdout)).toEqual({
        subscriptions: { status: 200, count: 0 },
        tenants: { status: 200, tenantIds: [result.ready.tenantId] }
      })
      expect(describeRequests(signIn.requests.filter(r => r.party === 'other'))).toEqual([
        'GET https://management.azure.com/subscriptions 200',
        'GET https://management.azure.com/tenants 200'
      ])
    },
    160_000
  )
})
