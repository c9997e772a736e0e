// The token server's environment: the step's, without its inputs, state, file commands, the runner's tokens and
// anything named as a secret; the runner's tracking variable kept, so the runner ends the server with the job. And its
// hand-over: only what the hand-over type declares.
import { describe, expect, it } from '@jest/globals'
import { buildHandover, serverEnv } from '../../src/serve/start.js'

describe('buildHandover', () => {
  it('holds only the declared fields, even when the sign-in comes with a whole configuration around it', () => {
    const signIn = { type: 'client-secret', clientId: 'c', tenantId: 't', clientSecret: 's3cret' } as const
    const config = {
      signIn,
      authorityHost: 'https://login.microsoftonline.com',
      secrets: ['s3cret'],
      targets: [{ kind: 'fhir', resource: 'https://x.fhir.azurehealthcareapis.com' }],
      health: { services: [], timeoutMs: 1, failOnUnhealthy: true },
      warnings: ['a warning']
    }
    const handover = buildHandover(
      { resources: ['https://x.fhir.azurehealthcareapis.com', 'https://dicom.healthcareapis.azure.com'] },
      config,
      [{ token: { claims: { appId: 'app', oid: 'oid' } } }],
      {
        header: 'h'.repeat(43),
        dir: '/tmp/x',
        env: { ACTIONS_ID_TOKEN_REQUEST_URL: 'u', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'r' },
        now: 0
      }
    )
    expect(Object.keys(handover).sort()).toEqual(
      [
        'authorityHost',
        'clientId',
        'dir',
        'endsAt',
        'header',
        'objectId',
        'oidc',
        'resources',
        'secrets',
        'signIn'
      ].sort()
    )
    expect(handover.signIn).toBe(signIn)
    expect(handover.oidc).toEqual({ url: 'u', token: 'r' })
  })
})

describe('serverEnv', () => {
  it('keeps what the sign-in and the runner need, and drops every secret and step-bound variable', () => {
    const env = serverEnv({
      PATH: '/usr/bin',
      HTTPS_PROXY: 'http://proxy:3128',
      NODE_EXTRA_CA_CERTS: '/ca.pem',
      AZURE_CONFIG_DIR: '/home/runner/.azure',
      RUNNER_TRACKING_ID: 'github_0a1b',
      'INPUT_CLIENT-SECRET': 'secret',
      INPUT_CREDS: '{}',
      STATE_isPost: 'true',
      GITHUB_ENV: '/tmp/env',
      GITHUB_OUTPUT: '/tmp/out',
      GITHUB_STATE: '/tmp/state',
      GITHUB_STEP_SUMMARY: '/tmp/summary',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-token',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://example/idtoken',
      ACTIONS_RUNTIME_TOKEN: 'runtime',
      GITHUB_TOKEN: 'ghs_x',
      AZURE_CLIENT_SECRET: 'x',
      MY_PASSWORD: 'x',
      AZURE_LOG_LEVEL: 'verbose',
      NODE_DEBUG: 'http'
    })
    expect(env).toEqual({
      PATH: '/usr/bin',
      HTTPS_PROXY: 'http://proxy:3128',
      NODE_EXTRA_CA_CERTS: '/ca.pem',
      AZURE_CONFIG_DIR: '/home/runner/.azure',
      RUNNER_TRACKING_ID: 'github_0a1b'
    })
  })
})
