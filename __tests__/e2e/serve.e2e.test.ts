// serve-tokens over dist/, as the runner runs it: the step starts the token server, later steps (separate processes
// with the step's GITHUB_ENV applied) use the real JavaScript and Python DefaultAzureCredential against FHIR and
// DICOM, tokens are renewed once expired, and the post step stops the server and reports what it served.
import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { DICOM_AUDIENCE } from '../../emulator/scenario.ts'
import { emulatorInfo } from '../../emulator/info.ts'
import { actionEntry, jwtClaims, nodeBin } from '../../emulator/runner.ts'
import { useEmulator } from '../support/emulator.ts'
import {
  type ServingJob,
  isAlive,
  javascriptStep,
  pythonStep,
  refusesConnections,
  serverLog,
  serverReport,
  servingJobs
} from './serve-job.ts'
import { expectExit, expectNoLeaks, expectOneClearError, oidcInputs, runAgainst, secretInputs } from './world.ts'

const em = await useEmulator()
const serve = servingJobs(em)

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

describe('later steps get tokens from the endpoint', () => {
  it('JavaScript DefaultAzureCredential calls FHIR and Python DefaultAzureCredential calls DICOM', async () => {
    const job = await serve({ ...oidcInputs(em), 'serve-resources': DICOM_AUDIENCE })
    // Workflows often set AZURE_CLIENT_ID: both SDKs then name it in the request, and it is the served identity's.
    const clientId = emulatorInfo(em).clientId
    const fhir = await javascriptStep(em, job, { AZURE_CLIENT_ID: clientId })
    expect(fhir).toMatchObject({ status: 200, aud: em.fhirUrl, appid: clientId })
    const dicom = await pythonStep(em, job, { AZURE_CLIENT_ID: clientId.toUpperCase() })
    expect(dicom).toMatchObject({ status: 200, aud: DICOM_AUDIENCE, appid: clientId })
    expect(job.main.stdout).toContain(
      `Serving fresh tokens to later steps of this job at IDENTITY_ENDPOINT ${job.endpoint}`
    )
    expect(job.main.stdout).toMatch(/^::add-mask::/m)
    expect(job.main.stdout.split('\n')).toContain(`::add-mask::${job.header}`)
    expect(job.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/msi\/token$/)
    // At least 128 bits.
    expect(Buffer.from(job.header, 'base64url').length).toBeGreaterThanOrEqual(16)
  })

  it('works with a client secret too, and with a later step of this action using auth-type managed-identity', async () => {
    const job = await serve(secretInputs(em))
    const fhir = await javascriptStep(em, job)
    expect(fhir.status).toBe(200)
    const again = await runAgainst(em, {
      inputs: { 'fhir-url': em.fhirUrl, 'auth-type': 'managed-identity', 'health-check': 'true' },
      env: job.exported,
      extraSecrets: [job.header]
    })
    expectExit(again, 0)
    expect(again.outputs.health).toBe('healthy')
  })
})

describe('renewal', () => {
  it('a later step after the first token and GitHub token expired gets new ones, asked of GitHub and Entra ID anew', async () => {
    em.setScenario({ entra: { tokenLifetimeSeconds: 3 }, github: { lifetimeSeconds: 3 } })
    const job = await serve({ ...oidcInputs(em), 'serve-resources': DICOM_AUDIENCE })
    const first = await javascriptStep(em, job)
    expect(first.status).toBe(200)
    // Wait until the first token has expired (a few seconds, by the scenario).
    await sleep(Math.max(0, first.exp * 1000 - Date.now()) + 200)
    const expiredAt = Date.now()
    const second = await javascriptStep(em, job)
    const python = await pythonStep(em, job)
    expect(second.status).toBe(200)
    expect(python.status).toBe(200)
    expect(second.jti).not.toBe(first.jti)
    expect(second.iat).toBeGreaterThanOrEqual(first.exp)
    const after = em.requests().filter(r => r.time >= expiredAt)
    expect(after.filter(r => r.party === 'github' && r.path.includes('/idtoken')).length).toBeGreaterThanOrEqual(2)
    expect(
      after.filter(r => r.party === 'entra' && r.method === 'POST' && r.status === 200).length
    ).toBeGreaterThanOrEqual(2)
    const post = await job.post()
    expect(post.stdout).toMatch(new RegExp(`2 answers for ${em.fhirUrl} \\(2 renewals, 0 failures\\)`))
    expect(post.stdout).toContain(`1 answer for ${DICOM_AUDIENCE} (1 renewal, 0 failures)`)
  })

  it('answers from the credential cache while the token is fresh: no new request to GitHub or Entra ID', async () => {
    const job = await serve(oidcInputs(em))
    const first = await javascriptStep(em, job)
    const before = em.requests().length
    const second = await javascriptStep(em, job)
    expect(second.jti).toBe(first.jti)
    expect(
      em
        .requests()
        .slice(before)
        .filter(r => r.party === 'entra' || r.party === 'github')
    ).toEqual([])
    const post = await job.post()
    expect(post.stdout).toContain(`2 answers for ${em.fhirUrl} (1 renewal, 0 failures)`)
  })

  it('a renewal that fails answers with the explanation, and the post step warns once per kind of failure', async () => {
    em.setScenario({ entra: { tokenLifetimeSeconds: 3 } })
    const job = await serve(oidcInputs(em))
    // The federated credential is deleted mid-job.
    em.setScenario({
      entra: { tokenLifetimeSeconds: 3 },
      apps: em.scenario.apps.map(app => ({ ...app, federatedCredentials: [] }))
    })
    const answers = await Promise.all([1, 2].map(() => get(job, { resource: em.fhirUrl })))
    for (const answer of answers) {
      expect(answer.status).toBe(400)
      expect(answer.json.error_description).toMatch(/AADSTS7002\d+/)
      expect(answer.json.access_token).toBeUndefined()
    }
    const again = await get(job, { resource: em.fhirUrl })
    expect(again.status).toBe(400)
    const post = await job.post()
    const warnings = post.stdout.split('\n').filter(line => line.startsWith('::warning'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/AADSTS7002\d+/)
    expect(post.stdout).toContain(`0 answers for ${em.fhirUrl} (0 renewals, 3 failures)`)
  })
})

interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly json: Record<string, unknown>
}

/** One request with node:http, which lets a test send any Host, method and header. */
async function get(
  job: ServingJob,
  query: Record<string, string>,
  options: { method?: string; headers?: Record<string, string>; body?: string; noHeader?: boolean } = {}
): Promise<Answer> {
  const { request } = await import('node:http')
  const url = new URL(job.endpoint)
  url.searchParams.set('api-version', '2019-08-01')
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: { ...(options.noHeader ? {} : { 'X-IDENTITY-HEADER': job.header }), ...options.headers }
      },
      res => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let json: Record<string, unknown> = {}
          try {
            json = JSON.parse(text) as Record<string, unknown>
          } catch {
            // Not JSON: left empty for the test to notice.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json })
        })
      }
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

describe('the endpoint refuses what it must', () => {
  let job: ServingJob
  const own = (): Record<string, string> => ({ resource: em.fhirUrl })

  it('answers a good request as App Service does: whole-second expires_on, the resource, no CORS, not cached', async () => {
    job = await serve(oidcInputs(em))
    const answer = await get(job, own())
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({
      resource: em.fhirUrl,
      token_type: 'Bearer',
      client_id: emulatorInfo(em).clientId
    })
    expect(String(answer.json.expires_on)).toMatch(/^\d+$/)
    expect(answer.headers['cache-control']).toBe('no-store')
    expect(Object.keys(answer.headers).filter(name => name.startsWith('access-control-'))).toEqual([])
  })

  it.each([
    ['no header', {}, { noHeader: true }, 401],
    ['a wrong header', {}, { headers: { 'X-IDENTITY-HEADER': 'x'.repeat(43) } }, 401],
    ['another Host (DNS rebinding)', {}, { headers: { Host: 'attacker.example' } }, 403],
    ['POST', {}, { method: 'POST' }, 405],
    ['a CORS preflight', {}, { method: 'OPTIONS', headers: { Origin: 'https://attacker.example' } }, 405],
    ['a body', {}, { headers: { 'Content-Length': '5' }, body: 'hello' }, 413],
    ['another resource', { resource: 'https://management.azure.com' }, {}, 400],
    ['another identity', { client_id: '11111111-2222-4333-8444-555555555555' }, {}, 400],
    ['another api-version', { 'api-version': '2017-09-01' }, {}, 400]
  ] as const)('refuses %s', async (_name, query, options, status) => {
    job = await serve(oidcInputs(em))
    const answer = await get(
      job,
      { ...own(), ...query },
      { ...options, headers: { ...('headers' in options ? options.headers : {}) } }
    )
    expect(answer.status).toBe(status)
    expect(answer.json.access_token).toBeUndefined()
    expect(typeof answer.json.error_description).toBe('string')
    expect(Object.keys(answer.headers).filter(name => name.startsWith('access-control-'))).toEqual([])
    if (status === 405) expect(answer.headers.allow).toBe('GET')
    if ('resource' in query) expect(String(answer.json.error_description)).toContain(em.fhirUrl)
  })

  it('refuses an oversized request without reading it', async () => {
    job = await serve(oidcInputs(em))
    const answer = await get(job, own(), { headers: { 'X-Padding': 'x'.repeat(20_000) } })
    expect([400, 431]).toContain(answer.status)
    expect(answer.json.access_token).toBeUndefined()
  })

  it('accepts the resource with /.default, a trailing slash or another case, and asks for one spelling', async () => {
    job = await serve({ ...oidcInputs(em), 'serve-resources': `${DICOM_AUDIENCE}/` })
    for (const spelling of [
      `${em.fhirUrl}/.default`,
      `${em.fhirUrl}/`,
      em.fhirUrl.toUpperCase(),
      `${DICOM_AUDIENCE}/.default`
    ]) {
      const answer = await get(job, { resource: spelling })
      expect(answer.status).toBe(200)
      // Asked of Entra ID in one spelling; answered in the caller's, which Python's azure-identity caches it by.
      expect([em.fhirUrl, DICOM_AUDIENCE]).toContain(jwtClaims(String(answer.json.access_token)).aud)
      expect(answer.json.resource).toBe(spelling)
    }
  })

  it('listens on 127.0.0.1 only', async () => {
    job = await serve(oidcInputs(em))
    const { networkInterfaces } = await import('node:os')
    const others = Object.values(networkInterfaces())
      .flat()
      .filter(address => address !== undefined && !address.internal)
      .map(address => address?.address ?? '')
    for (const host of ['::1', ...others]) expect(await refusesConnections(job.port, host)).toBe(true)
    expect(await refusesConnections(job.port)).toBe(false)
  })
})

describe('the post step', () => {
  it('stops the server (port refuses, process gone), prints the counts and the summary, and leaks nothing', async () => {
    const job = await serve({ ...oidcInputs(em), 'serve-resources': DICOM_AUDIENCE })
    expect(isAlive(job.pid)).toBe(true)
    await javascriptStep(em, job)
    await get(job, { resource: em.fhirUrl }, { noHeader: true })
    const log = serverLog(job)
    expect(log).toContain('listening on 127.0.0.1')
    expect(log).toContain(`new token for ${em.fhirUrl}`)
    // The server's own output, scanned as a step's log is: no secret, header or token of any kind in it.
    expectNoLeaks({ ...job.main, stdout: log, stderr: '', outputFile: '', envFile: '', summary: '' }, [
      job.header,
      em.oidcRequestToken
    ])
    const post = await job.post()
    expectExit(post, 0)
    expect(isAlive(job.pid)).toBe(false)
    expect(await refusesConnections(job.port)).toBe(true)
    expect(post.stdout).toContain(`1 answer for ${em.fhirUrl} (1 renewal, 0 failures)`)
    expect(post.stdout).toContain(`0 answers for ${DICOM_AUDIENCE} (0 renewals, 0 failures)`)
    expect(post.stdout).toContain('refused 1 request with 401')
    expect(post.stdout).toContain('::group::Token server log')
    expect(post.summary).toContain('<h3>Token server</h3>')
    expect(post.summary).toMatch(/<td>1<\/td><td>1<\/td><td>0<\/td>/)
    expect(post.stdout).not.toMatch(/^::error/m)
  })

  it('does nothing in a job that served no tokens', async () => {
    const main = await runAgainst(em, { inputs: { 'fhir-url': em.fhirUrl, ...oidcInputs(em) } })
    expectExit(main, 0)
    expect(main.state).toEqual({ isPost: 'true' })
    const post = await runAgainst(em, { state: main.state ?? {} })
    expectExit(post, 0)
    expect(post.stdout.trim()).toBe('')
    // The post step signed nothing in: no request at all after the step.
    expect(em.requests().filter(r => r.time >= main.endedAt)).toEqual([])
  })
})

describe('the server process', () => {
  it('holds no secret in its command line or environment, and keeps the runner tracking variable', async () => {
    const secret = secretInputs(em)['client-secret'] ?? ''
    const job = await serve(secretInputs(em), { RUNNER_TRACKING_ID: 'github_0a1b2c3d-serve-test' })
    const cmdline = readFileSync(`/proc/${job.pid}/cmdline`, 'utf8')
    const environ = readFileSync(`/proc/${job.pid}/environ`, 'utf8')
    for (const needle of [secret, job.header, em.oidcRequestToken]) {
      expect(cmdline).not.toContain(needle)
      expect(environ).not.toContain(needle)
    }
    expect(cmdline.split('\0')).toContain('token-server')
    expect(environ.split('\0')).toContain('RUNNER_TRACKING_ID=github_0a1b2c3d-serve-test')
    expect(environ).not.toMatch(/(^|\0)INPUT_/)
    // The sign-in still works from what came through the pipe.
    expect((await get(job, { resource: em.fhirUrl })).status).toBe(200)
  })

  it('an OIDC server holds neither the runner request token nor the header, and renews with them', async () => {
    em.setScenario({ entra: { tokenLifetimeSeconds: 3 } })
    const job = await serve(oidcInputs(em))
    const environ = readFileSync(`/proc/${job.pid}/environ`, 'utf8')
    expect(environ).not.toContain(em.oidcRequestToken)
    expect(environ).not.toContain('ACTIONS_ID_TOKEN_REQUEST')
    expect((await get(job, { resource: em.fhirUrl })).status).toBe(200)
  })

  it('ends itself at its time limit, 6 h 15 min after the step', async () => {
    const job = await serve(oidcInputs(em))
    const report = serverReport(job)
    const limit = Date.parse(String(report.endsAt)) - Date.parse(String(report.startedAt))
    expect(limit).toBeGreaterThan((6 * 60 + 14) * 60_000)
    expect(limit).toBeLessThanOrEqual((6 * 60 + 15) * 60_000)
  })
})

describe('a second serve-tokens step in the same job', () => {
  it('is refused with one clear error naming the first step and its resources, before any sign-in', async () => {
    const job = await serve(oidcInputs(em), { GITHUB_ACTION: 'fhir-token' })
    const before = em.requests().length
    const second = await runAgainst(em, {
      inputs: { 'dicom-url': em.dicomUrl, 'serve-tokens': 'true', ...oidcInputs(em) },
      env: { ...job.exported, GITHUB_ACTION: 'dicom-token' },
      extraSecrets: [job.header]
    })
    expectOneClearError(second, /serve-tokens.*already running in this job, started by step 'fhir-token'/)
    expect(em.requests().slice(before)).toEqual([])
    // The first server is untouched.
    expect((await get(job, { resource: em.fhirUrl })).status).toBe(200)
  })
})

describe('the server on its own', () => {
  it('ends itself at the time limit it was handed, closing its port and saying why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ahds-server-'))
    try {
      const child = spawn(nodeBin, [actionEntry, 'token-server'], { stdio: ['pipe', 'ignore', 'ignore', 'pipe'] })
      const exited = new Promise<number | null>(resolve => child.once('exit', resolve))
      child.stdin?.end(
        JSON.stringify({
          signIn: { type: 'client-secret', ...secretInputs(em), clientSecret: secretInputs(em)['client-secret'] },
          authorityHost: em.authorityHost,
          secrets: [],
          resources: [em.fhirUrl],
          header: 'h'.repeat(43),
          endsAt: Date.now() + 1500,
          dir
        })
      )
      const ready = child.stdio[3] as Readable
      const line = await new Promise<string>(resolve =>
        ready.once('data', (chunk: Buffer) => resolve(chunk.toString()))
      )
      const { port } = JSON.parse(line) as { port: number }
      expect(await refusesConnections(port)).toBe(false)
      expect(await exited).toBe(0)
      expect(await refusesConnections(port)).toBe(true)
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, unknown>
      expect(report.endReason).toBe('its time limit')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
