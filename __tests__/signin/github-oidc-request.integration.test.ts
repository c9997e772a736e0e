// The GitHub OIDC token asked of the runner's endpoint directly, over real TLS to the emulator, with core's request and
// retries: the sign-in's one way to ask (core's getIDToken reads any answer whole; local-action's has none).
import { describe, expect, it } from '@jest/globals'
import { OIDC_REQUEST_PATH } from '../../emulator/index.ts'
import { jwtClaims } from '../../emulator/runner.ts'
import { githubIdToken, requestIdToken } from '../../src/signin/github-oidc-request.js'
import { streamedBytes } from '../e2e/world.ts'
import { useEmulator } from '../support/emulator.ts'

const em = await useEmulator({ trust: true })

describe('githubIdToken', () => {
  it('asks the runner endpoint as core does, masking the token first', async () => {
    const masked: string[] = []
    const ask = githubIdToken({ env: em.env(), setSecret: secret => masked.push(secret) })
    const jwt = await ask('api://AzureADTokenExchangeUSGov')
    expect(jwtClaims(jwt).aud).toBe('api://AzureADTokenExchangeUSGov')
    expect(masked).toEqual([jwt])
    const requests = em.requests().filter(r => r.party === 'github')
    expect(requests).toHaveLength(1)
    expect(requests[0]?.path).toBe(
      `${OIDC_REQUEST_PATH}?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchangeUSGov`
    )
    expect(requests[0]?.bearerToken).toBe(em.oidcRequestToken)
  })

  it('stops reading an answer far larger than a token, instead of holding it all', async () => {
    em.setScenario({ faults: [{ party: 'github', status: 200, stream: { bytes: 64 * 1024 * 1024 } }] })
    const ask = githubIdToken({ env: em.env(), setSecret: () => undefined })
    await expect(ask('api://AzureADTokenExchange')).rejects.toThrow('answered more than')
    const sent = await streamedBytes(em, 'github', OIDC_REQUEST_PATH)
    expect(sent).toBeDefined()
    expect(sent).toBeLessThan(64 * 1024 * 1024)
  })
})

describe('requestIdToken', () => {
  it("without the permission's variables, fails in core's own words", async () => {
    await expect(requestIdToken('a', { env: {}, setSecret: () => undefined })).rejects.toThrow(
      'Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable'
    )
  })

  it('retries 503 as core does, and names the status of a refusal without echoing the answer', async () => {
    em.setScenario({ faults: [{ party: 'github', status: 503, times: 1 }] })
    expect(jwtClaims(await requestIdToken('aud-1', { env: em.env(), setSecret: () => undefined })).aud).toBe('aud-1')
    expect(em.requests().map(r => r.status)).toEqual([503, 200])
    const wrong = { ...em.env(), ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-runner-token' }
    const failure = await requestIdToken('aud-2', { env: wrong, setSecret: () => undefined }).catch((e: unknown) => e)
    expect(String(failure)).toContain('Error Code : 401')
    expect(String(failure)).not.toContain('Unauthorized')
  })

  it('does not follow a redirect, so the request token goes nowhere else', async () => {
    em.setScenario({ faults: [{ party: 'github', redirectTo: `${em.fhirUrl}/elsewhere` }] })
    await expect(requestIdToken('a', { env: em.env(), setSecret: () => undefined })).rejects.toThrow('Error Code : 302')
    expect(em.requests().filter(r => r.party === 'fhir')).toEqual([])
  })
})
