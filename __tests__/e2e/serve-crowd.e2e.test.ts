// The token server in a crowd, over dist/ as the runner runs it: a local process that holds connections without ever
// sending a request, more clients at once than it lets in (raw requests, and real Python ManagedIdentityCredential
// threads), and a flood of refused requests against its log.
import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { type Agent, request } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { nodeBin } from '../../emulator/runner.ts'
import { useEmulator } from '../support/emulator.ts'
import { CLIENTS, PYTHON, type ServingJob, laterStep, serverLog, servingJobs } from './serve-job.ts'
import { expectExit, oidcInputs } from './world.ts'

const em = await useEmulator()
const startJob = servingJobs(em)
const serve = (): Promise<ServingJob> => startJob(oidcInputs(em))

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

interface Outcome {
  /** The HTTP status, or the socket error's code when there was no answer. */
  readonly status: number | string
  readonly retryAfter?: string
  readonly token: boolean
}

/** One token request on a connection of its own (or the agent's), with the header unless told otherwise. */
function ask(job: ServingJob, options: { agent?: Agent; header?: boolean } = {}): Promise<Outcome> {
  const url = new URL(job.endpoint)
  url.searchParams.set('api-version', '2019-08-01')
  url.searchParams.set('resource', em.fhirUrl)
  return new Promise(resolve => {
    const req = request(
      url,
      {
        agent: options.agent ?? false,
        headers: options.header === false ? {} : { 'X-IDENTITY-HEADER': job.header },
        timeout: 10_000
      },
      res => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const retryAfter = res.headers['retry-after']
          resolve({
            status: res.statusCode ?? 0,
            ...(retryAfter === undefined ? {} : { retryAfter }),
            token: Buffer.concat(chunks).toString('utf8').includes('"access_token"')
          })
        })
        res.on('error', error => resolve({ status: (error as NodeJS.ErrnoException).code ?? 'error', token: false }))
      }
    )
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer'), { code: 'NO_ANSWER' })))
    req.on('error', error => resolve({ status: (error as NodeJS.ErrnoException).code ?? 'error', token: false }))
    req.end()
  })
}

const tally = (outcomes: readonly Outcome[]): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const o of outcomes) counts[String(o.status)] = (counts[String(o.status)] ?? 0) + 1
  return counts
}

describe('no lock-out', () => {
  it('16 connections that send half a request line and reconnect when cut, from another process, lock no client out', async () => {
    const job = await serve()
    const jam = spawn(nodeBin, [join(CLIENTS, 'slow-sockets.ts'), String(job.port), '16'], {
      stdio: ['ignore', 'pipe', 'ignore']
    })
    const said: Buffer[] = []
    jam.stdout.on('data', (chunk: Buffer) => said.push(chunk))
    const ended = new Promise(resolve => jam.once('close', resolve))
    const outcomes: Outcome[] = []
    try {
      await sleep(500)
      // 20 requests over longer than the time a connection has to send its headers: the jam is cut and comes back.
      for (let i = 0; i < 20; i++) {
        outcomes.push(await ask(job))
        await sleep(250)
      }
    } finally {
      jam.kill('SIGTERM')
      await ended
    }
    expect(tally(outcomes)).toEqual({ 200: 20 })
    expect(outcomes.every(o => o.token)).toBe(true)
    const { opened } = JSON.parse(Buffer.concat(said).toString('utf8')) as { opened: number }
    expect(opened).toBeGreaterThan(16)
    // Each cut connection is counted once, as what it was: no request in time.
    const post = await job.post()
    expectExit(post, 0)
    const cut = /refused (\d+) requests? with 408 \(no request in time\)/.exec(post.stdout)
    expect(Number(cut?.[1])).toBeGreaterThanOrEqual(opened - 16)
    expect(post.stdout).not.toContain('malformed request')
  }, 60_000)

  it('idle connections past the limit get 503 with Retry-After at once, the rest 408 in time, none a reset', async () => {
    const job = await serve()
    const started = Date.now()
    const results = await Promise.all(
      Array.from(
        { length: 100 },
        () =>
          new Promise<{ line: string; retryAfter: boolean; error?: string; ms: number }>(resolve => {
            const socket = connect({ host: '127.0.0.1', port: job.port })
            let text = ''
            socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
            socket.on('error', error =>
              resolve({ line: '', retryAfter: false, error: (error as NodeJS.ErrnoException).code ?? 'error', ms: 0 })
            )
            // The answer's arrival, not the close: a refused connection lingers a moment so that it is read.
            const done = (): void =>
              resolve({
                line: text.split('\r\n', 1)[0] ?? '',
                retryAfter: /\r\nRetry-After: \d+\r\n/i.test(text),
                ms: Date.now() - started
              })
            socket.on('end', done)
            socket.on('close', done)
          })
      )
    )
    expect(results.filter(r => r.error !== undefined)).toEqual([])
    const busy = results.filter(r => r.line === 'HTTP/1.1 503 Service Unavailable')
    const slow = results.filter(r => r.line === 'HTTP/1.1 408 Request Timeout')
    expect([busy.length, slow.length]).toEqual([36, 64])
    expect(busy.every(r => r.retryAfter)).toBe(true)
    // Cut within the time limit for headers (3 s) and its check, not left open.
    expect(Math.max(...slow.map(r => r.ms))).toBeLessThan(10_000)
    expect((await ask(job)).status).toBe(200)
  }, 60_000)
})

describe('no silent drops', () => {
  it('150 simultaneous requests each get 200 or 503 with Retry-After, none a reset', async () => {
    const job = await serve()
    const outcomes = await Promise.all(Array.from({ length: 150 }, () => ask(job)))
    const counts = tally(outcomes)
    expect(Object.keys(counts).sort()).toEqual(counts['503'] === undefined ? ['200'] : ['200', '503'])
    expect(
      outcomes.filter(o => o.status === 503).every(o => o.retryAfter !== undefined && /^\d+$/.test(o.retryAfter))
    ).toBe(true)
    expect(outcomes.filter(o => o.status === 200).every(o => o.token)).toBe(true)
  }, 60_000)

  it('150 Python ManagedIdentityCredential threads at once all get their token', async () => {
    const job = await serve()
    const run = await laterStep([PYTHON, join(CLIENTS, 'many_threads.py'), '150', `${em.fhirUrl}/.default`], em, job)
    expect(run.stderr).toBe('')
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>
    expect(result).toEqual({ tokens: 150, failures: 0, first: [] })
  }, 60_000)
})

describe('a flood of refused requests', () => {
  it('20,000 requests without the header: the log stays small and under its cap, the post step counts them all', async () => {
    const job = await serve()
    const { Agent: HttpAgent } = await import('node:http')
    const agent = new HttpAgent({ keepAlive: true, maxSockets: 8 })
    const statuses: Record<string, number> = {}
    try {
      for (let sent = 0; sent < 20_000; sent += 200) {
        const batch = await Promise.all(Array.from({ length: 200 }, () => ask(job, { agent, header: false })))
        for (const [status, n] of Object.entries(tally(batch))) statuses[status] = (statuses[status] ?? 0) + n
      }
    } finally {
      agent.destroy()
    }
    expect(statuses).toEqual({ 401: 20_000 })
    const log = serverLog(job)
    // The log's cap is 1 MiB; a flood costs a few lines of its kind, then a line a minute.
    expect(Buffer.byteLength(log)).toBeLessThan(1024 * 1024)
    expect(log.split('\n').filter(line => line.includes('401')).length).toBeLessThanOrEqual(10)
    const post = await job.post()
    expectExit(post, 0)
    expect(post.stdout).toContain('refused 20000 requests with 401 (no or wrong X-IDENTITY-HEADER)')
  }, 120_000)
})
