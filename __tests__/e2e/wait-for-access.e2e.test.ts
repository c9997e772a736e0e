// wait-for-access ends when it says, over dist/: against a service that never answers, no check is tried again after
// the wait has run out, and the step ends at most one request's own time limit (health-check-timeout) after it, also
// with more checks than run at once.
import { describe, expect, it } from '@jest/globals'
import { expectExit, faultEmulators, oidcInputs, runAgainst } from './world.ts'

const withFaults = faultEmulators()

const WAIT_MS = 6000
const TIMEOUT_MS = 2000
/** A request is logged when it arrives, a little after the action started it (a new TLS connection each). */
const ARRIVAL_MS = 500
/** After its last answer the step still writes its outputs and summary and exits. */
const EXIT_MS = 1500

describe('a service that hangs', () => {
  it('25 checks (more than run at once): none tried after the wait, the step ends one timeout after it', async () => {
    const em = await withFaults(() => [{ party: 'fhir', hang: true }])
    const paths = Array.from({ length: 25 }, (_, i) => `Patient?_summary=count&_tag=wait-${String(i)}`)
    const run = await runAgainst(em, {
      inputs: {
        ...oidcInputs(em),
        'fhir-url': em.fhirUrl,
        'health-check-paths': paths.join('\n'),
        'wait-for-access': `${String(WAIT_MS)}ms`,
        'health-check-timeout': `${String(TIMEOUT_MS)}ms`
      },
      timeoutMs: 40_000
    })
    expectExit(run, 1)
    // The wait starts before the sign-in, so before the first request the action makes (GitHub's token).
    const requests = em.requests()
    const first = Math.min(...requests.map(r => r.time))
    const waitEndsBy = first + WAIT_MS
    const checks = requests.filter(r => r.party === 'fhir')
    // Every check was tried, and retried while the wait lasted (the first twenty at least once).
    for (const path of paths) expect(checks.filter(r => r.path.endsWith(path)).length).toBeGreaterThanOrEqual(1)
    expect(checks.length).toBeGreaterThanOrEqual(paths.length + 20)
    const late = checks.filter(r => r.time > waitEndsBy + ARRIVAL_MS).map(r => `${r.path} +${r.time - waitEndsBy} ms`)
    expect(late).toEqual([])
    expect(run.endedAt - waitEndsBy).toBeLessThanOrEqual(TIMEOUT_MS + EXIT_MS)
  })
})
