import { describe, expect, it, jest } from '@jest/globals'
import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ActionError } from '../../src/errors.js'
import { explainMissingOidcPermission } from '../../src/signin/explain/index.js'
import {
  GITHUB_TOKEN_LIMITS,
  endpointOf,
  githubAssertion,
  requireOidcEnvironment,
  startGitHubAssertion,
  watchRequest
} from '../../src/signin/github-oidc.js'
import { CONTROL_CHARACTERS } from '../../src/lib/guards.js'

const OIDC_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example.test/idtoken?api-version=2.0&secret=query',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
}
const OIDC = { audience: 'api://AzureADTokenExchange' }

function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}.signature`
}

/** Lets every settled promise run its handlers, and Node report what stayed unhandled. */
function settle(): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, 20))
}

/** A GitHub request that fails later, as one over the network does, once the caller has moved on. */
const failingLater = (error: Error): Promise<string> =>
  new Promise((_, reject) => {
    setTimeout(() => {
      reject(error)
    }, 5)
  })

const startFor = (getIDToken: (audience: string) => Promise<string>): ReturnType<typeof startGitHubAssertion> =>
  startGitHubAssertion(OIDC.audience, { getIDToken, info: () => undefined }, OIDC_ENV, GITHUB_TOKEN_LIMITS)

describe('githubAssertion', () => {
  it('asks GitHub for the configured audience and logs the claims Entra ID matches, never the token', async () => {
    const token = jwt({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:octo/app:environment:prod\n::warning::injected',
      aud: 'api://AzureADTokenExchange',
      job_workflow_ref: 'octo/app/.github/workflows/ci.yml@refs/heads/main',
      repository_owner_id: '42'
    })
    const getIDToken = jest.fn((audience: string) => Promise.resolve(audience === 'api://Custom' ? token : 'wrong'))
    const lines: string[] = []
    const state: { githubClaims?: Record<string, unknown> } = {}
    const assertion = githubAssertion(
      'api://Custom',
      { getIDToken, info: line => lines.push(line) },
      'https://token.test/idtoken',
      { timeoutMs: 1000, state }
    )
    await expect(assertion()).resolves.toBe(token)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('iss="https://token.actions.githubusercontent.com"')
    expect(lines[0]).toContain('job_workflow_ref="octo/app/.github/workflows/ci.yml@refs/heads/main"')
    expect(lines[0]).toContain('aud="api://AzureADTokenExchange"')
    // The newline stays escaped and `::` is broken, so the claim cannot start a workflow command of its own.
    expect(lines[0]).toContain('sub="repo:octo/app:environment:prod\\n: :warning: :injected"')
    expect(lines[0]).not.toContain('\n')
    expect(lines[0]).not.toContain('repository_owner_id')
    expect(lines.join('')).not.toContain(token)
    expect(state.githubClaims?.sub).toBe('repo:octo/app:environment:prod\n::warning::injected')
  })

  it('logs the claims on one line without control characters, each bounded', async () => {
    const token = jwt({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:octo/app:ref:refs/heads/main\u2028::warning::a\u2029\u007f\u001b[2J',
      aud: ['api://AzureADTokenExchange', 'x'.repeat(5000)],
      job_workflow_ref: 'w'.repeat(10_000)
    })
    const lines: string[] = []
    const assertion = githubAssertion(
      'api://AzureADTokenExchange',
      { getIDToken: () => Promise.resolve(token), info: line => lines.push(line) },
      'https://token.test/idtoken',
      { timeoutMs: 1000 }
    )
    await assertion()
    expect(lines).toHaveLength(1)
    const line = lines[0] ?? ''
    expect(line).not.toMatch(CONTROL_CHARACTERS)
    expect(line).toContain('sub="repo:octo/app:ref:refs/heads/main : :warning: :a')
    expect(line.length).toBeLessThan(1500)
  })

  it('asks GitHub once while the token is fresh (MSAL asks for the assertion twice), again once it nears expiry', async () => {
    const now = Math.floor(Date.now() / 1000)
    const fresh = jwt({ sub: 's', exp: now + 300 })
    const nearlyExpired = jwt({ sub: 's', exp: now + 30 })
    const answers = [nearlyExpired, fresh, 'unexpected']
    const getIDToken = jest.fn(() => Promise.resolve(answers.shift() ?? 'none'))
    const assertion = githubAssertion('aud', { getIDToken, info: () => undefined }, 'https://t.test', {
      timeoutMs: 1000
    })
    await expect(assertion()).resolves.toBe(nearlyExpired)
    await expect(assertion()).resolves.toBe(fresh)
    await expect(Promise.all([assertion(), assertion()])).resolves.toEqual([fresh, fresh])
    expect(getIDToken).toHaveBeenCalledTimes(2)
  })

  it('gives up on a GitHub OIDC endpoint that does not answer, naming it', async () => {
    const assertion = githubAssertion(
      'api://AzureADTokenExchange',
      { getIDToken: () => new Promise<string>(() => undefined), info: () => undefined },
      endpointOf(OIDC_ENV.ACTIONS_ID_TOKEN_REQUEST_URL),
      { timeoutMs: 50 }
    )
    const started = Date.now()
    await expect(assertion()).rejects.toThrow(
      'No answer from the GitHub OIDC endpoint https://token.example.test/idtoken within'
    )
    expect(Date.now() - started).toBeLessThan(1000)
  })
})

describe('startGitHubAssertion', () => {
  // Jest fails the running test on an unhandled rejection itself (a listener added here with
  // process.on('unhandledRejection') is never called inside its sandbox), so these tests fail if one occurs.

  it('asks GitHub at once, for the configured audience, and hands that answer to the first call', async () => {
    const token = jwt({ sub: 'repo:octo/app:ref:refs/heads/main', exp: Math.floor(Date.now() / 1000) + 300 })
    const getIDToken = jest.fn((audience: string) => Promise.resolve(audience === OIDC.audience ? token : 'wrong'))
    const github = startGitHubAssertion(
      OIDC.audience,
      { getIDToken, info: () => undefined },
      OIDC_ENV,
      GITHUB_TOKEN_LIMITS
    )
    expect(getIDToken).toHaveBeenCalledTimes(1)
    await expect(github.getAssertion()).resolves.toBe(token)
    expect(github.state.githubClaims?.sub).toBe('repo:octo/app:ref:refs/heads/main')
    await expect(github.getAssertion()).resolves.toBe(token)
    expect(getIDToken).toHaveBeenCalledTimes(1)
  })

  it('asks again once the prefetched token nears expiry', async () => {
    const now = Math.floor(Date.now() / 1000)
    const nearlyExpired = jwt({ sub: 's', exp: now + 30 })
    const fresh = jwt({ sub: 's', exp: now + 300 })
    const answers = [nearlyExpired, fresh]
    const getIDToken = jest.fn(() => Promise.resolve(answers.shift() ?? 'none'))
    const github = startGitHubAssertion(
      OIDC.audience,
      { getIDToken, info: () => undefined },
      OIDC_ENV,
      GITHUB_TOKEN_LIMITS
    )
    await expect(github.getAssertion()).resolves.toBe(nearlyExpired)
    await expect(github.getAssertion()).resolves.toBe(fresh)
    await expect(github.getAssertion()).resolves.toBe(fresh)
    expect(getIDToken).toHaveBeenCalledTimes(2)
  })

  it('keeps a failed request handled while nobody asks, and gives the failure to the first call', async () => {
    const failure = new Error('GitHub said no')
    const getIDToken = jest.fn(() => failingLater(failure))
    const github = startFor(getIDToken)
    await settle()
    // Each failure names GitHub's endpoint and keeps what went wrong as its cause.
    await expect(github.getAssertion()).rejects.toMatchObject({ name: 'GitHubTokenError', cause: failure })
    // A later call (MSAL retrying) asks again rather than repeating the old failure.
    await expect(github.getAssertion()).rejects.toMatchObject({ name: 'GitHubTokenError', cause: failure })
    expect(getIDToken).toHaveBeenCalledTimes(2)
    await settle()
  })

  it('keeps a failed request handled when the sign-in never asks for it (the identity code failed to load)', async () => {
    const getIDToken = jest.fn(() => failingLater(new Error('GitHub said no')))
    const github = startFor(getIDToken)
    await settle()
    expect(getIDToken).toHaveBeenCalledTimes(1)
    expect(github.state.githubClaims).toBeUndefined()
  })

  it('gives up on a GitHub OIDC endpoint that does not answer, even before the first call', async () => {
    const github = startGitHubAssertion(
      OIDC.audience,
      { getIDToken: () => new Promise<string>(() => undefined), info: () => undefined },
      OIDC_ENV,
      { oidcTimeoutMs: 20 }
    )
    await settle()
    await expect(github.getAssertion()).rejects.toThrow(
      'No answer from the GitHub OIDC endpoint https://token.example.test/idtoken within'
    )
  })

  it.each([
    {},
    { ACTIONS_ID_TOKEN_REQUEST_URL: OIDC_ENV.ACTIONS_ID_TOKEN_REQUEST_URL },
    { ACTIONS_ID_TOKEN_REQUEST_TOKEN: OIDC_ENV.ACTIONS_ID_TOKEN_REQUEST_TOKEN }
  ])('fails before any request without the id-token permission (env %o)', env => {
    const getIDToken = jest.fn<(audience: string) => Promise<string>>()
    const attempt = (): unknown =>
      startGitHubAssertion(OIDC.audience, { getIDToken, info: () => undefined }, env, GITHUB_TOKEN_LIMITS)
    expect(attempt).toThrow(ActionError)
    expect(attempt).toThrow(explainMissingOidcPermission().message)
    expect(() => {
      requireOidcEnvironment(env)
    }).toThrow(ActionError)
    expect(getIDToken).not.toHaveBeenCalled()
  })
})

describe('endpointOf', () => {
  it('drops the query from an endpoint', () => {
    expect(endpointOf('https://a.test:8443/x/y?resource=z&client_id=c')).toBe('https://a.test:8443/x/y')
    expect(endpointOf('not a url')).toBe('not a url')
  })
})

/** A GET with Node's HTTP client, as @actions/http-client makes it. */
function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, response => {
      let body = ''
      response.on('data', (chunk: Buffer) => (body += chunk.toString()))
      response.on('end', () => {
        resolve(body)
      })
    })
      .on('error', reject)
      .end()
  })
}

describe('watchRequest', () => {
  it('tells when the request has been written out, before the answer, ignoring other requests', async () => {
    const events: string[] = []
    let answer = (): void => undefined
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      events.push(`arrived ${req.url ?? ''}`)
      if (req.url?.startsWith('/other') === true) {
        res.end('other')
        return
      }
      answer = () => res.end('token')
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`
    try {
      const watched = watchRequest(`${base}/idtoken?api-version=2.0`, async () => {
        await get(`${base}/other`)
        return get(`${base}/idtoken?api-version=2.0&audience=a`)
      })
      void watched.answer.then(() => events.push('answered'))
      await watched.written
      events.push('written')
      // Let the server see it, then answer.
      await new Promise(resolve => setTimeout(resolve, 20))
      answer()
      await expect(watched.answer).resolves.toBe('token')
      // The server may see the request just before or just after the client reports it written.
      expect(events.filter(e => !e.startsWith('arrived /idtoken'))).toEqual(['arrived /other', 'written', 'answered'])
      expect(events).toContain('arrived /idtoken?api-version=2.0&audience=a')
    } finally {
      server.close()
    }
  })

  it('settles when the request fails before it is written, or never uses HTTP', async () => {
    const refused = watchRequest('http://127.0.0.1:1/idtoken', () => get('http://127.0.0.1:1/idtoken'))
    await expect(refused.written).resolves.toBeUndefined()
    await expect(refused.answer).rejects.toThrow()
    const offline = watchRequest('http://127.0.0.1:1/idtoken', () => Promise.reject(new Error('no HTTP at all')))
    await expect(offline.written).resolves.toBeUndefined()
    await expect(offline.answer).rejects.toThrow('no HTTP at all')
  })
})
