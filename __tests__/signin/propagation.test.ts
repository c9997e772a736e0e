// Waiting for a just-created identity: which refusals wait, one line per retry, one deadline, and no real time spent
// (the clock and the sleep are the test's).
import { describe, expect, it } from '@jest/globals'
import type { AccessToken, TokenCredential } from '@azure/identity'
import { AuthenticationRequiredError } from '@azure/identity'
import { ServerError } from '@azure/msal-node'
import { ActionError } from '../../src/errors.js'
import { RETRY_LEAD_MS } from '../../src/lib/backoff.js'
import { PROPAGATION_CODES, SIGN_IN_ERRORS } from '../../src/signin/explain/sign-in-errors.js'
import { getAccessToken } from '../../src/signin/get-token.js'
import { PROPAGATION_MAX_MS, propagationCode, untilPropagated } from '../../src/signin/propagation.js'
import type { SignIn } from '../../src/signin/registry.js'
import { CLIENT, TENANT } from '../support/ids.ts'

const FHIR = 'https://ws-fhir.fhir.azurehealthcareapis.com'

/** What a credential throws when the token endpoint refuses: MSAL's ServerError inside @azure/identity's error. */
function refusal(code: string): Error {
  const number = code.replace('AADSTS', '')
  const message = `Error(s): ${number} - Description: ${code}: refused for the test. Trace ID: x - Correlation ID: y`
  const server = new ServerError('invalid_client', 'y', message, '', number)
  return new AuthenticationRequiredError({ scopes: [`${FHIR}/.default`], message: server.message, cause: server })
}

/** A clock that only moves when the code under test sleeps. */
function fakeTime(start = 1_000_000) {
  let now = start
  const sleeps: number[] = []
  return {
    now: () => now,
    sleep: (ms: number) => {
      sleeps.push(ms)
      now += ms
      return Promise.resolve()
    },
    sleeps
  }
}

/** Refuses with `code` until the fake clock passes `until`, then answers. */
function refusingUntil(code: string, until: number, time: { now: () => number }) {
  let calls = 0
  const attempt = (): Promise<string> => {
    calls++
    return time.now() < until ? Promise.reject(refusal(code)) : Promise.resolve('passed')
  }
  return { attempt, calls: () => calls }
}

describe('the codes that wait', () => {
  it('are exactly the ones a just-created object is refused with, as the table marks them', () => {
    expect([...PROPAGATION_CODES].sort()).toEqual(
      ['AADSTS700016', 'AADSTS70021', 'AADSTS700211', 'AADSTS700213', 'AADSTS7000215', 'AADSTS500011'].sort()
    )
    // Every entry of a waiting code says so in its fix, so the README and the log tell the user.
    for (const entry of SIGN_IN_ERRORS) {
      expect(entry.fix.includes('wait-for-access')).toBe(PROPAGATION_CODES.has(entry.code))
    }
  })

  it('are read from the error the credential throws; any other code or error is not one', () => {
    expect(propagationCode(refusal('AADSTS700016'))).toBe('AADSTS700016')
    expect(propagationCode(refusal('AADSTS7000222'))).toBeUndefined()
    expect(propagationCode(new Error('connect ECONNREFUSED'))).toBeUndefined()
  })
})

describe('untilPropagated', () => {
  it.each([...PROPAGATION_CODES])('%s: retried with backoff until it passes, one line per retry', async code => {
    const time = fakeTime()
    const lines: string[] = []
    const endpoint = refusingUntil(code, time.now() + 5_000, time)
    const result = await untilPropagated(endpoint.attempt, {
      waitUntil: time.now() + 300_000,
      ...time,
      info: line => lines.push(line)
    })
    expect(result).toBe('passed')
    // 2 s, then 4 s: the second retry is past the 5 s the object took.
    expect(time.sleeps).toEqual([2000, 4000])
    expect(endpoint.calls()).toBe(3)
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^Sign-in refused with ${code}\\b.*retry 1 in 2s, 300s left of wait-for-access$`)
      ),
      expect.stringMatching(
        new RegExp(`^Sign-in refused with ${code}\\b.*retry 2 in 4s, 298s left of wait-for-access$`)
      )
    ])
  })

  it('fails at once without wait-for-access (the deadline already past)', async () => {
    const time = fakeTime()
    const lines: string[] = []
    const endpoint = refusingUntil('AADSTS700016', time.now() + 5_000, time)
    await expect(
      untilPropagated(endpoint.attempt, { waitUntil: time.now(), ...time, info: line => lines.push(line) })
    ).rejects.toThrow(/AADSTS700016/)
    expect(endpoint.calls()).toBe(1)
    expect(time.sleeps).toEqual([])
    expect(lines).toEqual([])
  })

  it('never waits for a refusal that replication does not explain (an expired secret)', async () => {
    const time = fakeTime()
    const endpoint = refusingUntil('AADSTS7000222', time.now() + 5_000, time)
    await expect(
      untilPropagated(endpoint.attempt, { waitUntil: time.now() + 300_000, ...time, info: () => undefined })
    ).rejects.toThrow(/AADSTS7000222/)
    expect(endpoint.calls()).toBe(1)
    expect(time.sleeps).toEqual([])
  })

  it('backs off to at most 30 s, times the last retry just before the deadline, then throws the last refusal', async () => {
    const time = fakeTime()
    const endpoint = refusingUntil('AADSTS500011', Number.POSITIVE_INFINITY, time)
    const start = time.now()
    await expect(
      untilPropagated(endpoint.attempt, { waitUntil: start + 100_000, ...time, info: () => undefined })
    ).rejects.toThrow(/AADSTS500011/)
    const last = 10_000 - RETRY_LEAD_MS
    expect(time.sleeps).toEqual([2000, 4000, 8000, 16_000, PROPAGATION_MAX_MS, PROPAGATION_MAX_MS, last])
    expect(time.now()).toBe(start + 100_000 - RETRY_LEAD_MS)
    expect(endpoint.calls()).toBe(8)
  })

  it('starts no retry after the deadline, even when the timer before it fires late', async () => {
    const time = fakeTime()
    const late = { ...time, sleep: (ms: number) => time.sleep(ms + 500) }
    const endpoint = refusingUntil('AADSTS500011', Number.POSITIVE_INFINITY, time)
    const start = time.now()
    await expect(
      untilPropagated(endpoint.attempt, { waitUntil: start + 3_000, ...late, info: () => undefined })
    ).rejects.toThrow(/AADSTS500011/)
    // Refused at 0, retried at 2.5 s; the next retry, timed for 2.9 s, would come at 3.4 s: not made.
    expect(endpoint.calls()).toBe(2)
    expect(time.now()).toBeGreaterThan(start + 3_000)
  })
})

describe('getAccessToken with wait-for-access', () => {
  const signIn: SignIn = { type: 'client-secret', clientId: CLIENT, tenantId: TENANT, clientSecret: 'x' }
  const token = (): AccessToken => ({
    token: `e30.${Buffer.from(JSON.stringify({ aud: FHIR, exp: 4_000_000_000 })).toString('base64url')}.c2ln`,
    expiresOnTimestamp: 4_000_000_000_000
  })

  function credential(failures: readonly Error[]): { credential: TokenCredential; calls: () => number } {
    let calls = 0
    return {
      credential: {
        getToken: () => {
          const failure = failures[calls++]
          return failure === undefined ? Promise.resolve(token()) : Promise.reject(failure)
        }
      },
      calls: () => calls
    }
  }

  /** A client-secret sign-in for the FHIR service through `credential`, waiting up to `waitMs` of fake time. */
  function signInWaiting(
    credential: TokenCredential,
    time: ReturnType<typeof fakeTime>,
    waitMs: number,
    info: (line: string) => void = () => undefined
  ) {
    return getAccessToken(
      {
        signIn,
        authorityHost: 'https://login.microsoftonline.com',
        resource: FHIR,
        secrets: [],
        waitUntil: time.now() + waitMs
      },
      { getIDToken: () => Promise.reject(new Error('not expected')), info, env: {}, credential, ...time }
    )
  }

  it('retries a refusal of a new identity inside the one deadline, then returns the token', async () => {
    const time = fakeTime()
    const lines: string[] = []
    const fake = credential([refusal('AADSTS700016'), refusal('AADSTS7000215')])
    const issued = await signInWaiting(fake.credential, time, 60_000, line => lines.push(line))
    expect(issued.resource).toBe(FHIR)
    expect(fake.calls()).toBe(3)
    expect(lines.map(line => /refused with (AADSTS\d+)/.exec(line)?.[1])).toEqual(['AADSTS700016', 'AADSTS7000215'])
    expect(lines[1]).toContain('58s left of wait-for-access')
  })

  it('explains the refusal as usual once the wait runs out', async () => {
    const time = fakeTime()
    const fake = credential(Array.from({ length: 50 }, () => refusal('AADSTS700016')))
    const failure = await signInWaiting(fake.credential, time, 10_000).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ActionError)
    expect((failure as ActionError).title).toBe('Sign-in refused (AADSTS700016)')
    expect(fake.calls()).toBe(4)
  })
})
