// Edges of the sign-in, tried as an attacker or an unlucky user would: workflow commands in the GitHub token's claims,
// huge, slow, cut and HTML answers, a server that echoes the request, an authenticating proxy, unusable tokens,
// certificates Entra ID refuses, a GitHub OIDC endpoint that answers nonsense, NODE_DEBUG. Each case gets its own
// emulator, so the fault counters of concurrent cases never mix.
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { type Server as HttpsServer, createServer as createHttpsServer } from 'node:https'
import { createCertificateAuthority, createClientCertificate } from '../../emulator/ca.ts'
import type { Emulator } from '../../emulator/index.ts'
import { emulatorInfo } from '../../emulator/info.ts'
import { type ActionRun, OWN_COMMANDS, workflowCommands } from '../../emulator/runner.ts'
import {
  errorLines,
  expectExit,
  expectOneClearError,
  faultEmulators,
  oidcInputs,
  runAgainst,
  secretInputs,
  streamedBytes,
  tokenPath
} from './world.ts'

const errorsOf = (run: ActionRun): string => errorLines(run).join('\n')

const withFaults = faultEmulators()

const tenantOf = (em: Emulator): string => emulatorInfo(em).tenantId
const openidPath = (em: Emulator): string => `/${tenantOf(em)}/v2.0/.well-known/openid-configuration`
const oidcToFhir = (em: Emulator): Record<string, string> => ({ ...oidcInputs(em), 'fhir-url': em.fhirUrl })
const secretToFhir = (em: Emulator): Record<string, string> => ({ ...secretInputs(em), 'fhir-url': em.fhirUrl })
const miEnv = (em: Emulator): Record<string, string> => ({
  IDENTITY_ENDPOINT: em.managedIdentityEndpoint,
  IDENTITY_HEADER: em.managedIdentityHeader
})
const miToFhir = (em: Emulator): Record<string, string> => ({ 'auth-type': 'managed-identity', 'fhir-url': em.fhirUrl })

/** The lines the runner would read a workflow command in that the action did not write as one of its own. */
function foreignCommands(run: ActionRun): string[] {
  const lines = run.stdout.split(/\r?\n/)
  const legacy = lines.filter(line => line.includes('##['))
  const own = new Set(workflowCommands(run.stdout).map(c => c.line))
  // Outside its own commands, the action's output holds no `::` at all (and inside them, none in the message).
  const v2 = lines.filter(line => (own.has(line) ? /::.*::.*::/.test(line) : line.includes('::')))
  return [...legacy, ...v2]
}

const GiB = 1024 ** 3

const untrusted: HttpsServer[] = []
afterAll(async () => {
  await Promise.all(untrusted.map(server => new Promise(resolve => server.close(resolve))))
})

/** An https server on localhost whose certificate comes from a CA nobody trusts; answers 404 to anything. */
async function untrustedServer(): Promise<number> {
  const ca = await createCertificateAuthority('Untrusted Test CA')
  const leaf = await ca.issueServerCertificate(['localhost'], ['127.0.0.1'])
  const server = createHttpsServer({ cert: leaf.certPem, key: leaf.keyPem }, (_req, res) => res.writeHead(404).end())
  untrusted.push(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return typeof address === 'object' && address ? address.port : 0
}

describe('workflow commands in the GitHub token', () => {
  it.concurrent('a subject and workflow ref carrying ##[stop-commands] and :: cannot stop the token mask', async () => {
    const em = await withFaults()
    const subject = 'repo:contoso/health-pipeline:environment:prod ##[stop-commands]x1'
    const [app, ...others] = em.scenario.apps
    if (!app) throw new Error('the emulator has no app')
    const federated = app.federatedCredentials?.[0]
    if (!federated) throw new Error('the default app has no federated credential')
    em.setScenario({
      github: {
        claims: {
          sub: subject,
          environment: 'prod ##[stop-commands]x1',
          job_workflow_ref: 'contoso/x/.github/workflows/a.yml@refs/heads/main ::add-mask::x ##[add-mask]y'
        }
      },
      apps: [{ ...app, federatedCredentials: [{ ...federated, subject }] }, ...others]
    })
    const run = await runAgainst(em, { inputs: oidcToFhir(em) })
    expectExit(run, 0)
    expect(run.stdout).toContain('GitHub OIDC token:')
    expect(foreignCommands(run)).toEqual([])
    // The mask of the access token is still read as a command.
    const masks = workflowCommands(run.stdout).filter(c => c.command === 'add-mask')
    expect(masks.map(c => c.line)).toContain(`::add-mask::${run.outputs.token ?? 'none'}`)
  })

  it.concurrent(
    'a hostile subject that matches no federated credential is quoted safely in the explanation',
    async () => {
      const em = await withFaults()
      em.setScenario({
        github: { claims: { sub: 'repo:contoso/x:environment:prod ##[stop-commands]x3 ::warning::y' } }
      })
      const run = await runAgainst(em, { inputs: oidcToFhir(em) })
      const message = expectOneClearError(run, /federated/i)
      expect(message).toContain('## [stop-commands]x3')
      expect(foreignCommands(run)).toEqual([])
    }
  )

  it.concurrent('an error description with ##[ cannot reach the log as a legacy command', async () => {
    const em = await withFaults(em => [
      {
        party: 'entra',
        pathPrefix: tokenPath(em),
        status: 401,
        body: {
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided. ##[stop-commands]x2 ::add-mask::y',
          error_codes: [7000215]
        }
      }
    ])
    const run = await runAgainst(em, { inputs: secretToFhir(em) })
    expectOneClearError(run, /7000215/)
    expect(foreignCommands(run)).toEqual([])
    for (const command of workflowCommands(run.stdout)) expect(OWN_COMMANDS.has(command.command)).toBe(true)
  })
})

describe('a secret echoed in the spelling the request used', () => {
  it.concurrent('a token endpoint that quotes the form-encoded request body reveals no secret', async () => {
    const em = await withFaults(em => [{ party: 'entra', pathPrefix: tokenPath(em), echoBody: true }])
    const secret = emulatorInfo(em).clientSecret
    expect(secret).toContain('~')
    const run = await runAgainst(em, { inputs: secretToFhir(em) })
    // The leak scan (runAgainst) looks for every spelling, %7E among them; the explanation is still the real one.
    expectOneClearError(run, /7000215/)
    expect(run.stdout).toContain('[redacted]')
  })
})

describe('sign-in answers are bounded', () => {
  it.concurrent.each([
    ['the token endpoint', 'client-secret'],
    ['the openid-configuration document', 'client-secret'],
    ['the managed identity endpoint', 'managed-identity']
  ] as const)('a 1 GiB answer from %s fails with one clear error, read only in part', async (what, method) => {
    const em = await withFaults(em => [
      what === 'the managed identity endpoint'
        ? { party: 'managed-identity', stream: { bytes: GiB } }
        : {
            party: 'entra',
            pathPrefix: what === 'the token endpoint' ? tokenPath(em) : openidPath(em),
            stream: { bytes: GiB }
          }
    ])
    const inputs = method === 'managed-identity' ? miToFhir(em) : secretToFhir(em)
    const env = method === 'managed-identity' ? miEnv(em) : {}
    const run = await runAgainst(em, { inputs, env, timeoutMs: 60_000 })
    expectOneClearError(run, /answered with more than 1024 KiB/)
    expect(run.outputs.token).toBeUndefined()
    const party = method === 'managed-identity' ? 'managed-identity' : 'entra'
    const prefix =
      what === 'the token endpoint'
        ? tokenPath(em)
        : what === 'the openid-configuration document'
          ? openidPath(em)
          : '/'
    const sent = await streamedBytes(em, party, prefix)
    expect(sent).toBeLessThan(64 * 1024 * 1024)
  })

  it.concurrent.each(['the token endpoint', 'the managed identity endpoint'] as const)(
    'an answer from %s that trickles is cut at the per-request limit, naming the endpoint',
    async what => {
      const mi = what === 'the managed identity endpoint'
      // 512 KiB in 64 KiB chunks, 2 s apart: 16 s for the whole answer, within the size limit.
      const stream = { bytes: 512 * 1024, chunkDelayMs: 2_000 }
      const em = await withFaults(em => [
        mi ? { party: 'managed-identity', stream } : { party: 'entra', pathPrefix: tokenPath(em), stream }
      ])
      const run = await runAgainst(em, {
        inputs: mi ? miToFhir(em) : secretToFhir(em),
        env: mi ? miEnv(em) : {},
        timeoutMs: 90_000
      })
      const endpoint = mi ? new URL(em.managedIdentityEndpoint).pathname : tokenPath(em)
      expectOneClearError(run, new RegExp(`timed out[\\s\\S]*${endpoint}`))
      const party = mi ? 'managed-identity' : 'entra'
      expect(await streamedBytes(em, party, mi ? '/' : tokenPath(em))).toBeLessThan(512 * 1024)
      const [slow] = em.requests().filter(r => r.party === party)
      // The 10 s limit on one request, not the 60 s of the whole sign-in.
      expect(run.endedAt - (slow?.time ?? Number.NaN)).toBeLessThan(25_000)
    },
    100_000
  )

  it.concurrent('a connection reset in the middle of the token answer is retried like any reset', async () => {
    const em = await withFaults(em => [
      {
        party: 'entra',
        pathPrefix: tokenPath(em),
        times: 1,
        stream: { bytes: 4096, text: '{"token_type":"Bearer",', resetAfterBytes: 100 }
      }
    ])
    const run = await runAgainst(em, { inputs: secretToFhir(em) })
    expectExit(run, 0)
    const posts = em.requests().filter(r => r.party === 'entra' && r.method === 'POST')
    expect(posts.map(r => r.status)).toEqual([200, 200])
  })
})

describe('a hung managed identity endpoint', () => {
  it.concurrent(
    'is bounded by the per-request limit and named, with advice for a local endpoint',
    async () => {
      const em = await withFaults(() => [{ party: 'managed-identity', hang: true }])
      const run = await runAgainst(em, { inputs: miToFhir(em), env: miEnv(em), timeoutMs: 90_000 })
      const message = expectOneClearError(run, new RegExp(new URL(em.managedIdentityEndpoint).host))
      expect(message).not.toContain('login.microsoftonline.com')
      expect(message).toMatch(/NO_PROXY/)
      const [hung] = em.requests().filter(r => r.party === 'managed-identity')
      expect(run.endedAt - (hung?.time ?? 0)).toBeLessThan(25_000)
    },
    100_000
  )
})

describe('an answer that is not a token response', () => {
  const page = '<!DOCTYPE html><html><head><title>Access denied</title></head><body>Blocked by policy</body></html>'
  it.concurrent.each([
    [200, 'keep-alive'],
    [400, 'keep-alive'],
    [502, 'keep-alive'],
    [200, 'close'],
    [502, 'close']
  ] as const)(
    'an HTML page (HTTP %i, Connection: %s) is explained as such, with its status and type',
    async (status, connection) => {
      const em = await withFaults(em => [
        {
          party: 'entra',
          pathPrefix: tokenPath(em),
          status,
          body: page,
          headers: {
            'content-type': 'text/html; charset=utf-8',
            ...(connection === 'close' ? { connection: 'close' } : {})
          }
        }
      ])
      const run = await runAgainst(em, { inputs: secretToFhir(em) })
      const message = expectOneClearError(run, /answered HTTP \d+ \(text\/html\), but not with a token response/)
      expect(message).toContain(`HTTP ${String(status)}`)
      expect(message).not.toMatch(/timed out|No answer in time/i)
    }
  )
})

describe('a configuration that announces an issuer on another host', () => {
  it.concurrent('is still explained as the configuration problem, not as an unreadable answer', async () => {
    const em = await withFaults(em => {
      const base = `${em.authorityHost}/${tenantOf(em)}`
      return [
        {
          party: 'entra',
          pathPrefix: openidPath(em),
          status: 200,
          body: {
            issuer: `https://login.elsewhere.example/${tenantOf(em)}/v2.0`,
            token_endpoint: `${base}/oauth2/v2.0/token`,
            authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
            jwks_uri: `${base}/discovery/v2.0/keys`,
            response_types_supported: ['code'],
            subject_types_supported: ['pairwise'],
            id_token_signing_alg_values_supported: ['RS256']
          }
        }
      ]
    })
    const run = await runAgainst(em, { inputs: secretToFhir(em) })
    expectOneClearError(run, /configuration/)
    expect(errorsOf(run)).not.toMatch(/Sign-in answer unreadable/)
  })
})

describe('an unusable token is never handed over', () => {
  const jwtShaped = (claims: Record<string, unknown>): string =>
    ['{"alg":"none"}', JSON.stringify(claims), 'sig'].map(part => Buffer.from(part).toString('base64url')).join('.')
  it.concurrent.each([
    ['already expired', { token_type: 'Bearer', expires_in: -3600, access_token: jwtShaped({ aud: 'x' }) }],
    ['without expires_in', { token_type: 'Bearer', access_token: jwtShaped({ aud: 'x' }) }],
    ['a number for the token', { token_type: 'Bearer', expires_in: 3599, access_token: 12 }],
    ['an empty token', { token_type: 'Bearer', expires_in: 3599, access_token: '' }]
  ] as const)('a token answer %s fails the step', async (_name, body) => {
    const em = await withFaults(em => [{ party: 'entra', pathPrefix: tokenPath(em), status: 200, body }])
    const run = await runAgainst(em, { inputs: secretToFhir(em) })
    expectOneClearError(run, /token/i)
    expect(run.outputs.token).toBeUndefined()
    expect(run.outputs['expires-on']).toBeUndefined()
  })
})

describe('certificates Microsoft Entra ID refuses', () => {
  it.concurrent.each([
    ['an EC key', 'ec' as const, /RSA/],
    ['a 1024-bit RSA key', { rsaBits: 1024 }, /2048/]
  ])('%s is refused as an input error before any request', async (_name, key, pattern) => {
    const em = await withFaults()
    const certificate = await createClientCertificate('refused', key)
    const pem = `${certificate.keyPem}\n${certificate.certPem}`
    const inputs = {
      ...secretToFhir(em),
      'client-secret': '',
      'auth-type': 'client-certificate',
      'client-certificate': pem
    }
    const run = await runAgainst(em, { inputs, extraSecrets: [pem] })
    const message = expectOneClearError(run, /Input 'client-certificate'/)
    expect(message).toMatch(pattern)
    expect(em.requests()).toEqual([])
  })
})

describe('the GitHub OIDC endpoint answers, but not with a token', () => {
  it.concurrent.each([
    ['garbage', { status: 200, body: 'Bad gateway, try later' }],
    ['an empty object', { status: 200, body: {} }],
    ['a number', { status: 200, body: 42 as unknown as string }],
    ['a value that is not a JWT', { status: 200, body: { value: 42 } }],
    ['500 every time', { status: 500, body: 'Internal Server Error' }],
    ['503 every time', { status: 503, body: 'Service Unavailable' }]
  ] as const)('%s: one clear error naming GitHub and its endpoint', async (_name, fault) => {
    const em = await withFaults(() => [{ party: 'github', ...fault }])
    const run = await runAgainst(em, { inputs: oidcToFhir(em), timeoutMs: 60_000 })
    const message = expectOneClearError(run, /GitHub/)
    expect(message).toContain(new URL(em.oidcRequestUrl).host)
    expect(message).not.toMatch(/is not a function|do not have ID Token field/)
    expect(em.requests().filter(r => r.party === 'entra' && r.method === 'POST')).toEqual([])
  })

  it.concurrent('an untrusted certificate: a TLS error naming GitHub and NODE_EXTRA_CA_CERTS', async () => {
    const em = await withFaults()
    const url = new URL(em.oidcRequestUrl)
    url.port = String(await untrustedServer())
    const run = await runAgainst(em, { inputs: oidcToFhir(em), env: { ACTIONS_ID_TOKEN_REQUEST_URL: url.href } })
    const message = expectOneClearError(run, /GitHub/)
    expect(message).toMatch(/TLS|certificate/)
    expect(message).toContain('NODE_EXTRA_CA_CERTS')
  })
})

describe('a TLS failure against a custom authority-host', () => {
  it.concurrent('is explained as a certificate problem, not a wrong tenant-id', async () => {
    const em = await withFaults()
    const host = new URL(em.authorityHost)
    host.port = String(await untrustedServer())
    const run = await runAgainst(em, { inputs: { ...secretToFhir(em), 'authority-host': host.origin } })
    const message = expectOneClearError(run, /TLS/)
    expect(message).toContain('NODE_EXTRA_CA_CERTS')
    expect(message).not.toMatch(/check tenant-id/)
  })
})

describe('an Azure CLI that misbehaves', () => {
  it.concurrent.each([
    ['hangs', 'exec sleep 600', /Azure CLI \(az\) did not answer in time/],
    [
      'prints something unexpected',
      'echo "WARNING: this extension is deprecated"; echo "<html>not json</html>"',
      /unexpected answer from Azure CLI/
    ]
  ])(
    'an az that %s is explained as that, not as "not logged in"',
    async (_name, script, pattern) => {
      const em = await withFaults()
      const bin = mkdtempSync(join(tmpdir(), 'ahds-az-'))
      writeFileSync(join(bin, 'az'), `#!/usr/bin/env bash\n${script}\n`, { mode: 0o755 })
      const run = await runAgainst(em, {
        inputs: { 'auth-type': 'azure-cli', 'fhir-url': em.fhirUrl },
        env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` },
        timeoutMs: 60_000
      })
      const message = expectOneClearError(run, pattern)
      expect(message).not.toMatch(/not logged in/)
    },
    70_000
  )
})

describe('NODE_DEBUG naming a network module', () => {
  it.concurrent.each(['http', 'tls,net', 'HTTPS', 'fs,http*'])(
    'NODE_DEBUG=%s stops the step before any request',
    async value => {
      const em = await withFaults()
      const run = await runAgainst(em, { inputs: oidcToFhir(em), env: { NODE_DEBUG: value } })
      expectOneClearError(run, /NODE_DEBUG/)
      expect(em.requests()).toEqual([])
      expect(run.stderr).not.toMatch(/Authorization|Bearer/i)
    }
  )

  it.concurrent('NODE_DEBUG for other modules is left alone', async () => {
    const em = await withFaults()
    const run = await runAgainst(em, { inputs: oidcToFhir(em), env: { NODE_DEBUG: 'fs,module' } })
    expectExit(run, 0)
  })
})

/** A free TCP port on the loopback interface. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

async function waitForPort(port: number): Promise<void> {
  const { connect } = await import('node:net')
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>(resolve => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`nothing listens on ${String(port)}`)
}

const hasTinyproxy = await new Promise<boolean>(resolve => {
  const probe = spawn('tinyproxy', ['-v'], { stdio: 'ignore' })
  probe.once('error', () => resolve(false))
  probe.once('exit', code => resolve(code === 0))
})

describe('an authenticating proxy', () => {
  const proxyIt = hasTinyproxy || process.env.CI === 'true' ? it : it.skip
  proxyIt(
    'its password, in HTTPS_PROXY, is masked before the identity library logs the proxy URL',
    async () => {
      const em = await withFaults()
      const port = await freePort()
      const dir = mkdtempSync(join(tmpdir(), 'ahds-proxy-'))
      // tinyproxy's BasicAuth takes letters, digits and - . _ only.
      const password = 'Pr0xy.pass-word_0123'
      writeFileSync(
        join(dir, 'tinyproxy.conf'),
        [
          `Port ${String(port)}`,
          'Listen 127.0.0.1',
          'Timeout 30',
          'Allow 127.0.0.1',
          `BasicAuth builder ${password}`,
          'LogLevel Critical',
          ''
        ].join('\n')
      )
      const proxy = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: 'ignore' })
      try {
        await waitForPort(port)
        const run = await runAgainst(em, {
          inputs: secretToFhir(em),
          env: {
            HTTPS_PROXY: `http://builder:${password}@127.0.0.1:${String(port)}`,
            AZURE_LOG_LEVEL: 'info'
          }
        })
        expectExit(run, 0)
        const masks = workflowCommands(run.stdout)
          .filter(c => c.command === 'add-mask')
          .map(c => c.line.slice('::add-mask::'.length))
        expect(masks).toContain(password)
      } finally {
        proxy.kill()
      }
    },
    60_000
  )
})
