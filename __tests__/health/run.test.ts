import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { HealthCheckSpec, HealthConfig } from '../../src/health/read.js'
import type { Target } from '../../src/target/read.js'
import type { Send, SendResult } from '../../src/health/http.js'
import type { IssuedToken } from '../../src/signin/issued-token.js'

import { WITHHELD_NOTE } from '../../src/health/diagnostics.js'
import { explainAccessDenied } from '../../src/health/explain-access.js'
import { MAX_REDIRECTS, acceptHeader, httpSend, isServiceUrl, serviceOrigin } from '../../src/health/http.js'
import {
  ACCESS_MAX_MS,
  MAX_RETRY_AFTER_MS,
  TRANSIENT_RETRIES,
  accessDelayMs,
  transientDelayMs,
  verdict
} from '../../src/health/policy.js'
import { MAX_CONCURRENT_CHECKS, runHealthChecks } from '../../src/health/run.js'
import { RETRY_LEAD_MS } from '../../src/lib/backoff.js'
import { mapBounded } from '../../src/lib/bounded.js'
import { failedCheckAnnotations } from '../../src/report/annotations.js'

const SERVICE = 'https://ws-fhir.fhir.azurehealthcareapis.com'
const TOKEN = 'eyJ0eXAiOiJKV1QifQ.secret-token-value.sig'
const fhir: Target = { kind: 'fhir', resource: SERVICE, serviceUrl: SERVICE }
const token: IssuedToken = {
  token: TOKEN,
  expiresOn: new Date('2030-01-01T00:00:00Z'),
  resource: SERVICE,
  claims: { aud: SERVICE, oid: 'object-1', appId: 'app-1', tenantId: 'tenant-1' },
  signInMethod: 'client-secret'
}

function spec(path: string, expected: number[] = [200], base = SERVICE): HealthCheckSpec {
  return { path, url: `${base}/${path}`, expected }
}

function config(checks: HealthCheckSpec[], waitForAccessMs = 0, timeoutMs = 30_000): HealthConfig {
  return { checks, waitForAccessMs, timeoutMs, failOnUnhealthy: true, requestHeaders: {} }
}

const answer = (status: number, headers: Record<string, string> = {}, body = ''): SendResult => ({
  status,
  headers,
  body
})

/** A clock that only moves when the code under test sleeps, and a transport that plays a script of answers. */
function harness(script: (url: string, call: number) => SendResult) {
  let clock = 1_000_000
  const sleeps: number[] = []
  const lines: string[] = []
  const calls: { url: string; headers: Readonly<Record<string, string>>; timeoutMs: number }[] = []
  const send: Send = (url, headers, timeoutMs) => {
    calls.push({ url, headers, timeoutMs })
    return Promise.resolve(script(url, calls.length))
  }
  const deps = {
    info: (line: string) => lines.push(line),
    now: () => clock,
    sleep: (ms: number) => {
      sleeps.push(ms)
      clock += ms
      return Promise.resolve()
    },
    random: () => 0.5,
    send
  }
  return { deps, sleeps, lines, calls }
}

describe('backoff maths', () => {
  it('honours the server wait, capped', () => {
    expect(transientDelayMs(1, 2500, () => 0.9)).toBe(2500)
    expect(transientDelayMs(1, 3_600_000, () => 0.9)).toBe(MAX_RETRY_AFTER_MS)
  })
  it('jitters a doubling base between half and all of it', () => {
    expect([1, 2, 3].map(n => transientDelayMs(n, undefined, () => 0))).toEqual([500, 1000, 2000])
    expect([1, 2, 3].map(n => transientDelayMs(n, undefined, () => 1))).toEqual([1000, 2000, 4000])
  })
  it('doubles the wait-for-access delay from 2s to a 30s cap, never past the time left', () => {
    expect([1, 2, 3, 4, 5, 6].map(n => accessDelayMs(n, 600_000))).toEqual([
      2000,
      4000,
      8000,
      16000,
      ACCESS_MAX_MS,
      ACCESS_MAX_MS
    ])
    // The last retry is timed to start just before the wait ends, and none when that is no longer possible.
    expect(accessDelayMs(4, 5000)).toBe(5000 - RETRY_LEAD_MS)
    expect(accessDelayMs(1, RETRY_LEAD_MS)).toBeUndefined()
    expect(accessDelayMs(1, -10)).toBeUndefined()
  })
})

describe('verdict', () => {
  it.each([
    [{ status: 200 }, [200], 'ok'],
    [{ status: 204 }, [200, 204], 'ok'],
    [{ status: 403 }, [403], 'ok'],
    [{ status: 403 }, [200], 'access'],
    [{ status: 401 }, [200], 'access'],
    [{ status: 500 }, [200], 'access'],
    [{ status: 429 }, [200], 'transient'],
    [{ status: 502 }, [200], 'transient'],
    [{ status: 503 }, [200], 'transient'],
    [{ status: 504 }, [200], 'transient'],
    [{ status: 404 }, [200], 'final'],
    [{ failure: 'reset' as const }, [200], 'transient'],
    [{ failure: 'timeout' as const }, [200], 'access'],
    [{ failure: 'connection' as const }, [200], 'access'],
    [{ status: 302, failure: 'redirect' as const }, [200], 'final'],
    [{ failure: 'refused' as const }, [200], 'final']
  ])('%j expecting %j is %s', (attempt, expected, result) => {
    expect(verdict(attempt, expected)).toBe(result)
  })
})

describe('origin guard helpers', () => {
  const origin = serviceOrigin(fhir)
  it('accepts only https on exactly the service origin', () => {
    expect(origin).toBe(SERVICE)
    expect(isServiceUrl(`${SERVICE}/metadata`, origin)).toBe(true)
    expect(isServiceUrl(`${SERVICE}:443/metadata`, origin)).toBe(true)
    expect(isServiceUrl('http://ws-fhir.fhir.azurehealthcareapis.com/metadata', origin)).toBe(false)
    expect(isServiceUrl(`${SERVICE}:8443/metadata`, origin)).toBe(false)
    expect(isServiceUrl('https://evil.example/metadata', origin)).toBe(false)
    expect(isServiceUrl('https://ws-fhir.fhir.azurehealthcareapis.com.evil.example/', origin)).toBe(false)
    expect(isServiceUrl(`https://x@evil.example/${SERVICE}`, origin)).toBe(false)
    expect(isServiceUrl('not a url', origin)).toBe(false)
  })
  it('has no origin for a bare resource or a plain-http service', () => {
    expect(serviceOrigin({ kind: 'resource', resource: 'api://x' })).toBeUndefined()
    expect(serviceOrigin({ kind: 'fhir', resource: 'x', serviceUrl: 'http://localhost:8080' })).toBeUndefined()
    expect(isServiceUrl(`${SERVICE}/metadata`, undefined)).toBe(false)
  })
  it('asks each service for its own media type', () => {
    expect(acceptHeader('fhir')).toBe('application/fhir+json')
    expect(acceptHeader('dicom')).toContain('application/dicom+json')
    expect(acceptHeader('dicom')).toContain('application/json')
  })
})

describe('mapBounded', () => {
  it('never has more than the limit in flight and keeps the order', async () => {
    let inFlight = 0
    let peak = 0
    const results = await mapBounded([5, 1, 4, 2, 3, 6, 1, 2, 9, 1], 3, async (n, index) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise(resolve => setTimeout(resolve, n))
      inFlight--
      return `${String(index)}:${String(n)}`
    })
    expect(peak).toBe(3)
    expect(results).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:6', '6:1', '7:2', '8:9', '9:1'])
  })
})

describe('runHealthChecks', () => {
  it('is healthy when every check gets an expected status, sending the token and Accept header', async () => {
    const h = harness(url => answer(url.endsWith('metadata') ? 200 : 204))
    const report = await runHealthChecks(
      config([spec('metadata'), spec('Patient?_count=1', [200, 204])]),
      fhir,
      token,
      h.deps
    )
    expect(report.health).toBe('healthy')
    expect(report.checks.map(c => [c.path, c.status, c.ok, c.attempts])).toEqual([
      ['metadata', 200, true, 1],
      ['Patient?_count=1', 204, true, 1]
    ])
    expect(h.calls[0]?.headers).toEqual({ Authorization: `Bearer ${TOKEN}`, Accept: 'application/fhir+json' })
    expect(h.calls[0]?.timeoutMs).toBe(30_000)
    expect(h.sleeps).toEqual([])
  })

  it('is skipped with no checks', async () => {
    const h = harness(() => answer(200))
    expect(await runHealthChecks(config([]), fhir, token, h.deps)).toEqual({ health: 'skipped', checks: [] })
    expect(h.calls).toHaveLength(0)
  })

  it('fails a 403 at once without wait-for-access, with the explanation', async () => {
    const h = harness(() =>
      answer(
        403,
        { 'www-authenticate': 'Bearer realm="x"' },
        '{"resourceType":"OperationOutcome","issue":[{"diagnostics":"Authorization failed."}]}'
      )
    )
    const report = await runHealthChecks(config([spec('Patient?_count=1')]), fhir, token, h.deps)
    expect(report.health).toBe('unhealthy')
    const [check] = report.checks
    expect(check).toMatchObject({ status: 403, ok: false, attempts: 1 })
    expect(check?.error).toContain('Expected 200, got 403: Authorization failed.')
    expect(check?.error).toContain(
      explainAccessDenied({
        status: 403,
        kind: 'fhir',
        resource: SERVICE,
        serviceUrl: SERVICE,
        claims: token.claims,
        wwwAuthenticate: 'Bearer realm="x"'
      })
    )
    expect(h.sleeps).toEqual([])
  })

  it('passes a 403 that is expected, without retrying or explaining', async () => {
    const h = harness(() => answer(403))
    const report = await runHealthChecks(config([spec('Observation?_count=1', [403])], 60_000), fhir, token, h.deps)
    expect(report.checks[0]).toMatchObject({ ok: true, status: 403, attempts: 1 })
    expect(report.checks[0]?.error).toBeUndefined()
  })

  it('retries 401/403 with doubling backoff until access propagates', async () => {
    const h = harness((_url, call) => answer(call < 4 ? 403 : 200))
    const report = await runHealthChecks(config([spec('Patient?_count=1')], 120_000), fhir, token, h.deps)
    expect(report.checks[0]).toMatchObject({ ok: true, status: 200, attempts: 4, durationMs: 14_000 })
    expect(h.sleeps).toEqual([2000, 4000, 8000])
    expect(h.lines).toHaveLength(3)
    expect(h.lines[0]).toContain('403')
    expect(h.lines[0]).toContain('120s left')
    expect(h.lines[2]).toContain('114s left')
  })

  it('stops at the wait-for-access deadline, the last wait cut to start just before it', async () => {
    const h = harness(() => answer(401))
    const report = await runHealthChecks(config([spec('metadata')], 10_000), fhir, token, h.deps)
    expect(h.sleeps).toEqual([2000, 4000, 4000 - RETRY_LEAD_MS])
    expect(report.checks[0]).toMatchObject({
      ok: false,
      status: 401,
      attempts: 4,
      durationMs: 10_000 - RETRY_LEAD_MS
    })
    expect(report.checks[0]?.error).toContain('did not accept the token (401)')
  })

  it('retries 429 as the service asks even with wait-for-access 0', async () => {
    const h = harness((_url, call) => (call === 1 ? answer(429, { 'retry-after': '2' }) : answer(200)))
    const report = await runHealthChecks(config([spec('metadata')]), fhir, token, h.deps)
    expect(report.checks[0]).toMatchObject({ ok: true, attempts: 2 })
    expect(h.sleeps).toEqual([2000])
    expect(h.lines[0]).toMatch(/429.*retry 1 of 3 in 2s/)
  })

  it('prefers x-ms-retry-after-ms and caps a long Retry-After', async () => {
    const h = harness((_url, call) =>
      call === 1
        ? answer(429, { 'x-ms-retry-after-ms': '1500', 'retry-after': '2' })
        : call === 2
          ? answer(429, { 'retry-after': '3600' })
          : answer(200)
    )
    await runHealthChecks(config([spec('metadata')]), fhir, token, h.deps)
    expect(h.sleeps).toEqual([1500, MAX_RETRY_AFTER_MS])
  })

  it('gives up on transient answers after a few jittered retries', async () => {
    const h = harness(() => answer(503, {}, 'busy'))
    const report = await runHealthChecks(config([spec('metadata')]), fhir, token, h.deps)
    expect(report.checks[0]).toMatchObject({ ok: false, status: 503, attempts: TRANSIENT_RETRIES + 1 })
    // Plain text that is not a known fixed text: its length, never quoted.
    expect(report.checks[0]?.error).toBe(
      `Expected 200, got 503: the plain-text body withheld (4 characters). ${WITHHELD_NOTE}`
    )
    expect(h.sleeps).toEqual([750, 1500, 3000])
  })

  it('retries a reset as transient but a timeout only within wait-for-access', async () => {
    const reset = harness((_url, call) => (call === 1 ? { failure: 'reset', message: 'ECONNRESET' } : answer(200)))
    expect((await runHealthChecks(config([spec('metadata')]), fhir, token, reset.deps)).health).toBe('healthy')

    const timeout = harness(() => ({ failure: 'timeout', message: 'no answer within 1s' }))
    const report = await runHealthChecks(config([spec('metadata')], 0, 1000), fhir, token, timeout.deps)
    expect(report.checks[0]).toMatchObject({ ok: false, attempts: 1 })
    expect(report.checks[0]?.status).toBeUndefined()
    expect(report.checks[0]?.error).toContain('health-check-timeout')
    expect(timeout.calls[0]?.timeoutMs).toBe(1000)
  })

  it('keeps retrying 503 under wait-for-access once the transient retries are spent', async () => {
    const h = harness((_url, call) => answer(call <= 5 ? 503 : 200))
    const report = await runHealthChecks(config([spec('metadata')], 60_000), fhir, token, h.deps)
    expect(report.checks[0]).toMatchObject({ ok: true, attempts: 6 })
    expect(h.sleeps).toEqual([750, 1500, 3000, 2000, 4000])
  })

  it('refuses a check on another origin, or over http, without a request', async () => {
    const h = harness(() => answer(200))
    const report = await runHealthChecks(
      config([
        spec('metadata', [200], 'https://evil.example'),
        spec('metadata', [200], 'http://ws-fhir.fhir.azurehealthcareapis.com')
      ]),
      fhir,
      token,
      h.deps
    )
    expect(h.calls).toHaveLength(0)
    expect(report.health).toBe('unhealthy')
    for (const check of report.checks) expect(check).toMatchObject({ ok: false, attempts: 1 })
    expect(report.checks[0]?.error).toMatch(/^Not sent: https:\/\/evil\.example\/metadata is not on/)
  })

  it('reports a cross-origin redirect, naming the origin, without following it', async () => {
    const h = harness(() => answer(302, { location: 'https://elsewhere.example:8443/steal?x=1' }))
    const report = await runHealthChecks(config([spec('metadata')], 60_000), fhir, token, h.deps)
    expect(h.calls.map(c => c.url)).toEqual([`${SERVICE}/metadata`])
    expect(report.checks[0]).toMatchObject({ ok: false, status: 302, attempts: 1 })
    expect(report.checks[0]?.error).toContain('https://elsewhere.example:8443')
    expect(report.checks[0]?.error).not.toContain('steal')
  })

  it('does not follow a redirect to plain http on the same host', async () => {
    const h = harness(() => answer(301, { location: 'http://ws-fhir.fhir.azurehealthcareapis.com/metadata' }))
    const report = await runHealthChecks(config([spec('metadata')]), fhir, token, h.deps)
    expect(h.calls).toHaveLength(1)
    expect(report.checks[0]?.error).toContain('http://ws-fhir.fhir.azurehealthcareapis.com')
  })

  it('follows a same-origin redirect, a bounded number of hops', async () => {
    const once = harness(url => (url.endsWith('/metadata/') ? answer(308, { location: '../metadata' }) : answer(200)))
    const report = await runHealthChecks(config([spec('fhir/metadata/')]), fhir, token, once.deps)
    expect(once.calls.map(c => c.url)).toEqual([`${SERVICE}/fhir/metadata/`, `${SERVICE}/fhir/metadata`])
    expect(once.calls[1]?.headers.Authorization).toBe(`Bearer ${TOKEN}`)
    expect(report.checks[0]).toMatchObject({ ok: true, status: 200, attempts: 1 })

    const loop = harness((_url, call) => answer(307, { location: `/loop/${String(call)}` }))
    const looped = await runHealthChecks(config([spec('metadata')]), fhir, token, loop.deps)
    expect(loop.calls).toHaveLength(MAX_REDIRECTS + 1)
    expect(looped.checks[0]?.error).toContain('redirects')
  })

  it('takes an expected 3xx as the answer', async () => {
    const h = harness(() => answer(302, { location: 'https://elsewhere.example/' }))
    const report = await runHealthChecks(config([spec('login', [302])]), fhir, token, h.deps)
    expect(report.checks[0]).toMatchObject({ ok: true, status: 302 })
    expect(h.calls).toHaveLength(1)
  })

  it(`runs checks concurrently, at most ${String(MAX_CONCURRENT_CHECKS)} at once, results in order`, async () => {
    let inFlight = 0
    let peak = 0
    const send: Send = async url => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise(resolve => setTimeout(resolve, 20))
      inFlight--
      return answer(url.endsWith('7') ? 404 : 200)
    }
    const checks = Array.from({ length: MAX_CONCURRENT_CHECKS + 5 }, (_, i) => spec(`Patient/${String(i)}`))
    const report = await runHealthChecks(config(checks), fhir, token, { info: () => undefined, send })
    // Counted in flight rather than timed: exactly the limit at once, whatever the machine's load.
    expect(peak).toBe(MAX_CONCURRENT_CHECKS)
    expect(report.checks.map(c => c.path)).toEqual(checks.map(c => c.path))
    expect(report.checks.filter(c => !c.ok).map(c => c.path)).toEqual(['Patient/7', 'Patient/17'])
  })

  it('never puts the token in a report or a log line', async () => {
    const h = harness((_url, call) => (call === 1 ? answer(403) : answer(500, {}, `echo ${TOKEN}`)))
    const report = await runHealthChecks(config([spec('metadata')], 3000), fhir, token, h.deps)
    // The last answer echoed the token back; only the service's own words could carry it, never ours.
    const ours = JSON.stringify({ ...report.checks[0], error: undefined }) + h.lines.join('\n')
    expect(ours).not.toContain(TOKEN)
    expect(h.lines.length).toBeGreaterThan(0)
  })
})

describe('failedCheckAnnotations', () => {
  it('gives one titled annotation per failed check', () => {
    const annotations = failedCheckAnnotations({
      health: 'unhealthy',
      checks: [
        {
          path: 'metadata',
          url: `${SERVICE}/metadata`,
          expected: [200],
          status: 200,
          ok: true,
          attempts: 1,
          durationMs: 5
        },
        {
          path: 'Patient?_count=1',
          url: `${SERVICE}/Patient?_count=1`,
          expected: [200],
          status: 403,
          ok: false,
          attempts: 2,
          durationMs: 9,
          error: 'Expected 200, got 403'
        }
      ]
    })
    expect(annotations).toEqual([
      {
        title: 'Health check failed: Patient?_count=1',
        message: `GET ${SERVICE}/Patient?_count=1: Expected 200, got 403`
      }
    ])
  })
})

describe('httpSend (the transport, over loopback)', () => {
  const sockets = new Set<Socket>()
  let server: Server
  let base: string
  const seen: { path: string; authorization?: string }[] = []

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization })
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://127.0.0.2:1/elsewhere' }).end()
      } else if (req.url === '/silent') {
        // Never answers.
      } else if (req.url === '/trickle') {
        res.writeHead(500)
        const timer = setInterval(() => res.write('.'), 50)
        res.on('close', () => clearInterval(timer))
      } else if (req.url === '/reset') {
        req.socket.destroy()
      } else if (req.url === '/big') {
        res.writeHead(403, { 'content-type': 'text/plain' }).end('A'.repeat(200_000))
      } else {
        res.writeHead(200, { 'x-ms-retry-after-ms': '10' }).end('ok')
      }
    })
    server.on('connection', socket => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`
  })
  afterAll(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise(resolve => server.close(resolve))
  })

  it('returns status and headers, with the headers it was given, and never reads a successful body', async () => {
    const result = await httpSend(`${base}/ok`, { Authorization: 'Bearer abc' }, 5000)
    // The server sent 'ok': a 2xx body may hold patient data, so it is not read.
    expect(result).toMatchObject({ status: 200, body: '', headers: { 'x-ms-retry-after-ms': '10' } })
    expect('bodyLength' in result ? result.bodyLength : undefined).toBeUndefined()
    expect(seen.at(-1)).toEqual({ path: '/ok', authorization: 'Bearer abc' })
  })

  it('does not follow a redirect', async () => {
    const before = seen.length
    const result = await httpSend(`${base}/redirect`, { Authorization: 'Bearer abc' }, 5000)
    expect(result).toMatchObject({ status: 302, headers: { location: 'http://127.0.0.2:1/elsewhere' } })
    expect(seen.length).toBe(before + 1)
  })

  it('ends a never-answering request and a never-ending error answer at the timeout', async () => {
    for (const path of ['/silent', '/trickle']) {
      const started = Date.now()
      const result = await httpSend(`${base}${path}`, {}, 400)
      const took = Date.now() - started
      expect(result).toEqual({ failure: 'timeout', message: 'no answer within 0.4s' })
      expect(took).toBeGreaterThanOrEqual(350)
      // Both would otherwise never end; the margin absorbs a loaded machine.
      expect(took).toBeLessThan(5000)
    }
  })

  it('tells a reset from a refused connection', async () => {
    expect(await httpSend(`${base}/reset`, {}, 5000)).toMatchObject({ failure: 'reset' })
    expect(await httpSend('http://127.0.0.1:1/', {}, 5000)).toMatchObject({ failure: 'connection' })
  })

  it('reads only the start of a large body', async () => {
    const result = await httpSend(`${base}/big`, {}, 5000)
    expect('body' in result && result.body.length).toBe(16 * 1024)
    // Its size is still known, for a withheld body's summary.
    expect('bodyLength' in result && (result.bodyLength ?? 0) >= 16 * 1024).toBe(true)
  })
})
