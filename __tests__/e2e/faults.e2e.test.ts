// Faults and hostile servers: transient failures are retried, hangs are bounded and name the endpoint,
// and server text can neither inject a workflow command nor reveal a secret. Each case gets its own emulator,
// so the fault counters of concurrent cases never mix.
import { describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { emulatorInfo } from '../../emulator/info.ts'
import { type ActionRun, OWN_COMMANDS, unescapeCommand, workflowCommands } from '../../emulator/runner.ts'
import {
  errorLines,
  expectExit,
  expectOneClearError,
  faultEmulators,
  oidcInputs,
  runAgainst,
  secretInputs,
  tokenPath
} from './world.ts'

const withFaults = faultEmulators()

// Every case signs in for the FHIR service.
const oidcToFhir = (em: Emulator): Record<string, string> => ({ ...oidcInputs(em), 'fhir-url': em.fhirUrl })
const secretToFhir = (em: Emulator): Record<string, string> => ({ ...secretInputs(em), 'fhir-url': em.fhirUrl })

const tokenPosts = (em: Emulator) => em.requests().filter(r => r.party === 'entra' && r.method === 'POST')

describe('transient failures are retried', () => {
  it.concurrent('OIDC endpoint 503 twice, then success', async () => {
    const em = await withFaults(() => [{ party: 'github', status: 503, times: 2, body: 'Service Unavailable' }])
    const run = await runAgainst(em, { inputs: oidcToFhir(em) })
    expectExit(run, 0)
    const github = em.requests().filter(r => r.party === 'github')
    expect(github.map(r => r.status)).toEqual([503, 503, 200])
    expect(tokenPosts(em).map(r => r.status)).toEqual([200])
  })

  it.concurrent('token endpoint 429 with Retry-After, then success', async () => {
    const em = await withFaults(em => [
      {
        party: 'entra',
        pathPrefix: tokenPath(em),
        status: 429,
        times: 1,
        headers: { 'Retry-After': '1' },
        body: { error: 'temporarily_unavailable', error_description: 'AADSTS50196: throttled' }
      }
    ])
    const run = await runAgainst(em, { inputs: secretToFhir(em) })
    expectExit(run, 0)
    expect(tokenPosts(em).map(r => r.status)).toEqual([429, 200])
  })

  it.concurrent('token endpoint 503 twice, then success', async () => {
    const em = await withFaults(em => [{ party: 'entra', pathPrefix: tokenPath(em), status: 503, times: 2 }])
    const run = await runAgainst(em, { inputs: oidcToFhir(em) })
    expectExit(run, 0)
    expect(tokenPosts(em).map(r => r.status)).toEqual([503, 503, 200])
  })

  it.concurrent('a connection reset once, then success', async () => {
    const em = await withFaults(em => [{ party: 'entra', pathPrefix: tokenPath(em), reset: true, times: 1 }])
    const run = await runAgainst(em, { inputs: secretToFhir(em) })
    expectExit(run, 0)
    const posts = tokenPosts(em)
    expect(posts.map(r => r.status)).toEqual([0, 200])
    // The retry answers at once: nothing (such as the failed attempt's 10 s time limit) may hold the step open after
    // it. Timed from the successful request, so the start of a process on a busy machine does not count.
    expect(run.endedAt - (posts[1]?.time ?? 0)).toBeLessThan(5_000)
  })
})

describe('failures are bounded and name what failed', () => {
  it.concurrent(
    'a hung token endpoint fails in bounded time naming the endpoint',
    async () => {
      const em = await withFaults(em => [{ party: 'entra', pathPrefix: tokenPath(em), hang: true }])
      const run = await runAgainst(em, { inputs: secretToFhir(em), timeoutMs: 90_000 })
      expectOneClearError(run, /oauth2\/v2\.0\/token/)
      // The 10 s limit on a token request (a hang is not retried) and a second of grace, timed from the hung
      // request's arrival so that process start-up under load does not count.
      const [hung, ...more] = tokenPosts(em)
      expect(hung?.status).toBe(0)
      expect(more).toEqual([])
      const sinceHung = run.endedAt - (hung?.time ?? 0)
      expect(sinceHung).toBeGreaterThanOrEqual(9_000)
      expect(sinceHung).toBeLessThan(20_000)
    },
    100_000
  )

  it.concurrent(
    'a hung GitHub OIDC endpoint fails in bounded time naming it, and the open socket does not hold the step',
    async () => {
      const em = await withFaults(() => [{ party: 'github', hang: true }])
      const run = await runAgainst(em, { inputs: oidcToFhir(em), timeoutMs: 60_000 })
      const message = expectOneClearError(run, /GitHub/)
      expect(message).toContain(new URL(em.oidcRequestUrl).host)
      // The 20 s limit on the OIDC request, a second of grace, and no wait for the hung socket to close (the run's
      // own limit is 60 s). Timed from the hung request's arrival, so process start-up under load does not count.
      const hung = em.requests().find(r => r.party === 'github')
      expect(hung?.status).toBe(0)
      const sinceHung = run.endedAt - (hung?.time ?? 0)
      expect(sinceHung).toBeGreaterThanOrEqual(19_000)
      expect(sinceHung).toBeLessThan(30_000)
      expect(tokenPosts(em)).toEqual([])
    },
    70_000
  )

  it.concurrent('a connection reset on every attempt fails with a clear message', async () => {
    const em = await withFaults(em => [{ party: 'entra', pathPrefix: tokenPath(em), reset: true }])
    const run = await runAgainst(em, { inputs: secretToFhir(em) })
    const message = expectOneClearError(run, /connection was reset/i)
    expect(message).toContain(tokenPath(em))
    expect(run.durationMs).toBeLessThan(30_000)
  })

  it.concurrent('malformed JSON from the token endpoint fails with a clear message', async () => {
    const em = await withFaults(em => [{ party: 'entra', pathPrefix: tokenPath(em), status: 200, malformed: true }])
    const run = await runAgainst(em, { inputs: secretToFhir(em) })
    // It answered: the message must say so, not send the user to check a proxy for a connection that worked.
    const message = expectOneClearError(run, /Sign-in answer unreadable/)
    expect(message).toContain('answered HTTP 200')
    expect(message).not.toMatch(/could not reach|proxy or firewall blocks/i)
    expect(run.durationMs).toBeLessThan(30_000)
  })

  it.concurrent('a health endpoint that never answers is bounded by health-check-timeout', async () => {
    const em = await withFaults(() => [{ party: 'fhir', pathPrefix: '/Patient', hang: true }])
    const run = await runAgainst(em, {
      inputs: { ...secretToFhir(em), 'health-check-paths': 'Patient?_count=1 200', 'health-check-timeout': '2s' }
    })
    expectExit(run, 1)
    expect(run.outputs.health).toBe('unhealthy')
    const [check] = JSON.parse(run.outputs['health-report'] ?? '[]') as { ok: boolean; error?: string }[]
    expect(check?.ok).toBe(false)
    expect(check?.error).toMatch(/time|answer|2 ?s/i)
    expect(errorLines(run).map(unescapeCommand).join('\n')).toContain('Patient?_count=1')
    // The 2 s limit, not the default 30 s: timed from the hung request's arrival, so start-up and sign-in under load
    // do not count.
    const first = em.requests().find(r => r.party === 'fhir' && r.path.startsWith('/Patient'))
    expect(first?.status).toBe(0)
    expect(run.endedAt - (first?.time ?? 0)).toBeLessThan(15_000)
  })
})

// Server text that tries to start workflow commands, break lines, smuggle `%` escapes and echo the secret.
function hostileText(secret: string): string {
  return (
    'AADSTS7000215: Invalid client secret provided.\n::add-mask::INJECTED-MASK\n' +
    '::set-output name=x::INJECTED-OUTPUT\r\n::error::INJECTED-ERROR %0A::warning::INJECTED-WARNING %25 ' +
    `you sent ${secret}`
  )
}

/** Only the action's own commands start a line, and nothing the server said became a command. */
function expectNoInjectedCommands(run: ActionRun, secret: string): void {
  const commands = workflowCommands(run.stdout)
  for (const { command, line } of commands) {
    expect(OWN_COMMANDS.has(command)).toBe(true)
    // A command's name and properties (before its second `::`) are the action's own; server text may only be a message.
    expect(line.split('::')[1]).not.toContain('INJECTED')
    expect(line).not.toMatch(/^::(add-mask|set-output|error|warning)::INJECTED/)
  }
  const masked = commands.filter(c => c.command === 'add-mask').map(c => c.line.slice('::add-mask::'.length))
  expect(masked).not.toContain('INJECTED-MASK')
  expect(masked).toContain(secret)
  expect(Object.keys(run.outputs)).not.toContain('x')
  expect(
    run.stdout
      .split(/\r?\n/)
      .filter(l => l.includes('INJECTED'))
      .every(l => l.startsWith('::'))
  ).toBe(true)
}

describe('hostile server text', () => {
  it.concurrent('in the token claims (a hostile sign-in host) cannot inject a command', async () => {
    const em = await withFaults()
    const [app, ...others] = em.scenario.apps
    if (!app) throw new Error('the emulator has no app')
    const hostile = `${app.objectId}\n::warning title=INJECTED::x\n::add-mask::Signed`
    em.setScenario({ apps: [{ ...app, objectId: hostile }, ...others] })
    const run = await runAgainst(em, { inputs: secretToFhir(em) })
    expectExit(run, 0)
    expect(run.stdout).not.toContain('INJECTED')
    expect(workflowCommands(run.stdout).map(c => c.command)).not.toContain('warning')
    expect(run.stdout).toMatch(/object ID unknown/)
    expect(run.outputs['object-id']).toBe('')
    expect(run.outputs['app-id']).toBe(app.clientId)
  })

  it.concurrent('from the token endpoint cannot inject a command or reveal the secret', async () => {
    const em = await withFaults()
    const secret = emulatorInfo(em).clientSecret
    em.setScenario({
      faults: [
        {
          party: 'entra',
          pathPrefix: tokenPath(em),
          status: 401,
          body: {
            error: 'invalid_client',
            error_description: hostileText(secret),
            error_codes: [7000215],
            timestamp: '2025-01-01 00:00:00Z',
            trace_id: '00000000-0000-0000-0000-000000000001',
            correlation_id: '00000000-0000-0000-0000-000000000002'
          }
        }
      ]
    })
    const run = await runAgainst(em, { inputs: secretToFhir(em) })
    expectOneClearError(run, /7000215/)
    expectNoInjectedCommands(run, secret)
  })

  it.concurrent('from a health endpoint cannot inject a command or reveal a secret the step holds', async () => {
    const em = await withFaults()
    const secret = emulatorInfo(em).clientSecret
    em.setScenario({
      faults: [{ party: 'fhir', pathPrefix: '/Patient', status: 400, body: hostileText(secret) }]
    })
    const run = await runAgainst(em, {
      inputs: { ...secretToFhir(em), 'health-check-paths': 'Patient?_count=1 200' }
    })
    expectExit(run, 1)
    expect(run.outputs.health).toBe('unhealthy')
    expectNoInjectedCommands(run, secret)
  })
})
