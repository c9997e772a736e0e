import { describe, expect, it } from '@jest/globals'
import {
  createHttpHeaders,
  createPipelineRequest,
  type PipelineRequest,
  type PipelineResponse
} from '@azure/core-rest-pipeline'
import { DeadlineError } from '../../src/lib/deadline.js'
import {
  type CredentialLimits,
  type SignInState,
  DEFAULT_LIMITS,
  attemptPolicy,
  entraOptions,
  httpOptions
} from '../../src/signin/pipeline.js'
import { MICROSOFT } from '../support/ids.ts'

const OTHER_HOST = 'https://127.0.0.1:8443'

describe('entraOptions', () => {
  it.each([MICROSOFT, 'https://login.microsoftonline.us', 'https://login.chinacloudapi.cn'])(
    'keeps instance discovery for the Microsoft host %s',
    host => {
      const options = entraOptions(host, DEFAULT_LIMITS)
      expect(options.disableInstanceDiscovery).toBe(false)
      expect(options.authorityHost).toBe(host)
    }
  )

  it.each([OTHER_HOST, 'https://login.contoso.example', 'https://login.microsoftonline.com.evil.example'])(
    'turns instance discovery off for the other host %s',
    host => {
      expect(entraOptions(host, DEFAULT_LIMITS).disableInstanceDiscovery).toBe(true)
    }
  )
})

describe('httpOptions', () => {
  it('retries from the limits given and bounds each attempt', () => {
    const limits: CredentialLimits = { ...DEFAULT_LIMITS, maxRetries: 1, retryDelayMs: 7, maxRetryDelayMs: 70 }
    const options = httpOptions(limits)
    expect(options.retryOptions).toEqual({ maxRetries: 1, retryDelayInMs: 7, maxRetryDelayInMs: 70 })
    // Every request through the bounded client: also the managed identity credential's, which replaces any
    // additional policies by its own.
    expect(options.httpClient).toBeDefined()
    expect(options.additionalPolicies).toBeUndefined()
  })

  it('retries fewer times and sooner than the library default (3 retries, 1 s growing to 64 s)', () => {
    expect(DEFAULT_LIMITS.maxRetries).toBeLessThan(3)
    expect(DEFAULT_LIMITS.maxRetries).toBeGreaterThan(0)
    expect(DEFAULT_LIMITS.retryDelayMs).toBeLessThan(1000)
  })
})

describe('attemptPolicy', () => {
  const response = (headers: Record<string, string>): PipelineResponse => ({
    status: 429,
    headers: createHttpHeaders(headers),
    request: createPipelineRequest({ url: 'https://x.test/' })
  })

  /** A server that never answers: the attempt ends only when its signal aborts. */
  const hang = (request: PipelineRequest): Promise<PipelineResponse> =>
    new Promise((_, reject) => {
      request.abortSignal?.addEventListener('abort', () => {
        reject(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }))
      })
    })

  it('gives each attempt the time limit and names the endpoint, without its query, when it runs out', async () => {
    const state: SignInState = {}
    const policy = attemptPolicy({ requestTimeoutMs: 30, maxRetryDelayMs: 1000 }, state)
    const request = createPipelineRequest({
      url: 'https://login.test/tenant/oauth2/v2.0/token?resource=r',
      method: 'POST'
    })
    const started = Date.now()
    const error = await policy.sendRequest(request, hang).catch((e: unknown) => e)
    expect(Date.now() - started).toBeGreaterThanOrEqual(25)
    expect(error).toBeInstanceOf(DeadlineError)
    expect((error as Error).message).toBe('No answer from https://login.test/tenant/oauth2/v2.0/token within 0s')
    // The caller's own signal is given back once the attempt is over.
    expect(request.abortSignal).toBeUndefined()
    expect(state.last).toEqual({ transportError: error })
  })

  it("records the failure for the explanation, and does not call a caller's abort a timeout", async () => {
    const state: SignInState = {}
    const policy = attemptPolicy({ requestTimeoutMs: 10_000, maxRetryDelayMs: 1000 }, state)
    const caller = new AbortController()
    const request = createPipelineRequest({ url: 'https://login.test/t', abortSignal: caller.signal })
    setTimeout(() => {
      caller.abort()
    }, 10)
    const error = await policy.sendRequest(request, hang).catch((e: unknown) => e)
    expect(error).not.toBeInstanceOf(DeadlineError)
    expect((error as Error).name).toBe('AbortError')
    expect(state.last).toEqual({ transportError: error })
    expect(request.abortSignal).toBe(caller.signal)
  })

  it('lets other failures through unchanged', async () => {
    const policy = attemptPolicy({ requestTimeoutMs: 10_000, maxRetryDelayMs: 1000 })
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    const request = createPipelineRequest({ url: 'https://login.test/t' })
    await expect(policy.sendRequest(request, () => Promise.reject(reset))).rejects.toBe(reset)
  })

  it('caps a long Retry-After at the longest retry delay and keeps a short one', async () => {
    const policy = attemptPolicy({ requestTimeoutMs: 10_000, maxRetryDelayMs: 2000 })
    const request = createPipelineRequest({ url: 'https://login.test/t' })
    const long = await policy.sendRequest(request, () =>
      Promise.resolve(response({ 'retry-after': '120', 'x-ms-retry-after-ms': '120000' }))
    )
    expect(long.headers.get('retry-after')).toBe('2')
    expect(long.headers.get('x-ms-retry-after-ms')).toBe('2000')
    const short = await policy.sendRequest(request, () => Promise.resolve(response({ 'retry-after': '1' })))
    expect(short.headers.get('retry-after')).toBe('1')
  })
})

describe('attemptPolicy records how the last attempt ended', () => {
  it('an answer, so that an unreadable one is not mistaken for a network failure', async () => {
    const state: SignInState = { last: { transportError: new Error('an earlier reset') } }
    const policy = attemptPolicy({ requestTimeoutMs: 10_000, maxRetryDelayMs: 1000 }, state)
    const request = createPipelineRequest({ url: 'https://login.test/tenant/oauth2/v2.0/token?x=1', method: 'POST' })
    const answered = (): Promise<PipelineResponse> =>
      Promise.resolve({ request, status: 200, headers: createHttpHeaders(), bodyAsText: 'not json' })
    await policy.sendRequest(request, answered)
    expect(state.last).toEqual({
      answer: { endpoint: 'https://login.test/tenant/oauth2/v2.0/token', status: 200, json: false }
    })
  })
})
