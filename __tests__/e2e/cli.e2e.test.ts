// The command line outside GitHub Actions, built and run as a process against the emulator: each way `token` hands a
// token over, `check` and its exit codes, `exec` passing the tokens through the environment only, the refusals that
// keep a token out of a terminal or a GitLab log, explanations, and a leak scan of every output.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { emulatorInfo } from '../../emulator/info.ts'
import { jwtClaims } from '../../emulator/runner.ts'
import { cliEnv, cliLeaks, expectCliExit, runCliProcess, secretSignIn } from './cli-run.ts'
import { faultEmulators, tokenPath } from './world.ts'

const emulator = faultEmulators()
const scratch = mkdtemp(join(tmpdir(), 'ahds-cli-'))
afterAll(async () => {
  await rm(await scratch, { recursive: true, force: true })
})

async function tokenRun(em: Emulator, args: readonly string[], env: Record<string, string> = {}) {
  const signIn = secretSignIn(em)
  const [subcommand = '', ...rest] = args
  return runCliProcess([subcommand, ...signIn.flags, ...rest], cliEnv(em, { ...signIn.env, ...env }))
}

const isVsoSecretLine = (line: string): boolean =>
  line.startsWith('##vso[task.setsecret]') || /^##vso\[task\.setvariable variable=\w+;issecret=true\]/.test(line)

describe('token', () => {
  it.concurrent(
    'to a pipe without an output form: who signed in and until when on stderr, no token anywhere',
    async () => {
      const em = await emulator()
      const run = await tokenRun(em, ['token'])
      expectCliExit(run, 0)
      expect(run.stdout).toBe('')
      expect(run.stderr).toContain(`Signed in with client-secret: token for ${em.fhirUrl}`)
      expect(run.stderr).toMatch(/expires \d{4}-\d\d-\d\dT/)
      expect(cliLeaks(run, em)).toEqual([])
    }
  )

  it.concurrent('--output json: the token for the FHIR service, its expiry, resource and identity', async () => {
    const em = await emulator()
    const run = await tokenRun(em, ['token', '--output', 'json'])
    expectCliExit(run, 0)
    const body = JSON.parse(run.stdout) as Record<string, unknown>
    expect(jwtClaims(String(body.token)).aud).toBe(em.fhirUrl)
    expect(body.resource).toBe(em.fhirUrl)
    expect(Date.parse(String(body.expiresOn))).toBeGreaterThan(Date.now())
    expect(body.identity).toEqual(expect.objectContaining({ appId: emulatorInfo(em).clientId }))
    expect(cliLeaks(run, em, () => true)).toEqual([])
  })

  it.concurrent(
    '--env-file: NAME=value lines in a file of mode 0600, also when the file was there with 0644',
    async () => {
      const em = await emulator()
      const path = join(await scratch, 'tokens.env')
      await writeFile(path, 'old\n', { mode: 0o644 })
      const run = await tokenRun(em, ['token', '--env-file', path])
      expectCliExit(run, 0)
      expect((await stat(path)).mode & 0o777).toBe(0o600)
      const lines = Object.fromEntries(
        (await readFile(path, 'utf8'))
          .trim()
          .split('\n')
          .map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
      )
      expect(Object.keys(lines).sort()).toEqual(['AHDS_TOKEN', 'FHIR_TOKEN', 'FHIR_URL'])
      expect(jwtClaims(lines.FHIR_TOKEN ?? '').aud).toBe(em.fhirUrl)
      expect(lines.FHIR_URL).toBe(em.fhirUrl)
      expect(run.stdout).toBe('')
      expect(cliLeaks(run, em)).toEqual([])
    }
  )

  it.concurrent('--env-file refuses a symbolic link rather than write through it', async () => {
    const em = await emulator()
    const { symlink } = await import('node:fs/promises')
    const target = join(await scratch, 'elsewhere')
    await writeFile(target, 'kept\n')
    const link = join(await scratch, 'link.env')
    await symlink(target, link)
    const run = await tokenRun(em, ['token', '--env-file', link])
    expectCliExit(run, 1)
    expect(await readFile(target, 'utf8')).toBe('kept\n')
    expect(cliLeaks(run, em)).toEqual([])
  })

  it.concurrent(
    '--output azure-pipelines: the token registered as a secret variable before any other line',
    async () => {
      const em = await emulator()
      const run = await tokenRun(em, ['token', '--output', 'azure-pipelines'], { TF_BUILD: 'True' })
      expectCliExit(run, 0)
      const lines = run.stdout.trim().split('\n')
      expect(lines.every(isVsoSecretLine)).toBe(true)
      const variable = lines.find(line => line.includes('variable=FHIR_TOKEN;issecret=true]'))
      expect(jwtClaims(variable?.slice(variable.indexOf(']') + 1) ?? '').aud).toBe(em.fhirUrl)
      // The client secret was registered as a secret too, before the sign-in, on stderr.
      expect(run.stderr.split('\n')).toContain(`##vso[task.setsecret]${emulatorInfo(em).clientSecret}`)
      expect(cliLeaks(run, em, isVsoSecretLine)).toEqual([])
    }
  )

  it.concurrent(
    '--output json on Azure Pipelines: stdout holds the JSON alone, the secrets are registered on stderr',
    async () => {
      const em = await emulator()
      const run = await tokenRun(em, ['token', '--output', 'json'], { TF_BUILD: 'True' })
      expectCliExit(run, 0)
      const body = JSON.parse(run.stdout) as Record<string, unknown>
      expect(jwtClaims(String(body.token)).aud).toBe(em.fhirUrl)
      expect(run.stderr).toContain(`##vso[task.setsecret]${String(body.token)}`)
      expect(cliLeaks({ ...run, stdout: '' }, em, isVsoSecretLine)).toEqual([])
    }
  )

  it.concurrent('on GitLab CI no token is printed: --show-token and JSON to a pipe are refused, exit 2', async () => {
    const em = await emulator()
    for (const args of [['--show-token'], ['--output', 'json']]) {
      const run = await tokenRun(em, ['token', ...args], { GITLAB_CI: 'true' })
      expectCliExit(run, 2)
      expect(run.stderr).toMatch(/GitLab CI.*--env-file PATH/)
      expect(run.stdout).toBe('')
    }
    expect(em.requests()).toEqual([])
  })
})

describe('exec', () => {
  it.concurrent(
    'passes the tokens and URLs in the environment only, without the client secret, and its exit code',
    async () => {
      const em = await emulator()
      const script = [
        'const t = process.env.FHIR_TOKEN ?? ""',
        'const aud = JSON.parse(Buffer.from(t.split(".")[1], "base64url")).aud',
        'console.log(JSON.stringify({ aud, url: process.env.FHIR_URL, same: t === process.env.AHDS_TOKEN,',
        '  secret: process.env.AHDS_CLIENT_SECRET ?? null, argv: process.argv.join(" ").includes(t) }))',
        'process.exit(7)'
      ].join('\n')
      const run = await tokenRun(em, ['exec', '--', process.execPath, '-e', script])
      expectCliExit(run, 7)
      expect(JSON.parse(run.stdout)).toEqual({
        aud: em.fhirUrl,
        url: em.fhirUrl,
        same: true,
        secret: null,
        argv: false
      })
      expect(cliLeaks(run, em)).toEqual([])
    }
  )

  it.concurrent('a command that cannot start is one clear error, exit 1', async () => {
    const em = await emulator()
    const run = await tokenRun(em, ['exec', '--', '/nonexistent/command'])
    expectCliExit(run, 1)
    expect(run.stderr).toMatch(/^error: .*ENOENT/m)
    expect(run.stderr).not.toMatch(/^\s+at /m)
  })
})

describe('check', () => {
  it.concurrent('healthy: a table on stdout without colour in a pipe, exit 0', async () => {
    const em = await emulator()
    const run = await tokenRun(em, ['check'])
    expectCliExit(run, 0)
    expect(run.stdout).toMatch(/^SERVICE\s+CHECK\s+STATUS\s+RESULT\s+TIME$/m)
    expect(run.stdout).toMatch(/^FHIR service\s+metadata\s+200\s+pass\s+\d+ ms$/m)
    expect(run.stdout).toContain('Health: healthy')
    expect(run.stdout).not.toContain('\u001b[')
    expect(cliLeaks(run, em)).toEqual([])
  })

  it.concurrent('an identity without a role: each 403 explained, exit 3', async () => {
    const em = await emulator()
    const info = emulatorInfo(em)
    const signIn = secretSignIn(em)
    const flags = signIn.flags.map(flag => (flag === info.clientId ? info.noRolesClientId : flag))
    const run = await runCliProcess(
      ['check', ...flags, '--wait-for-access', '0'],
      cliEnv(em, { AHDS_CLIENT_SECRET: info.noRolesClientSecret })
    )
    expectCliExit(run, 3)
    expect(run.stdout).toMatch(/^FHIR service\s+Patient\?_summary=count\s+403\s+FAIL/m)
    expect(run.stdout).toMatch(/FHIR Data (Reader|Contributor)/)
    expect(run.stdout).toContain('Health: unhealthy')
    expect(cliLeaks(run, em)).toEqual([])
  })
})

describe('failures', () => {
  it.concurrent(
    'a refused sign-in is explained on stderr, exit 1, with ::, ##[ and ##vso[ of server text broken',
    async () => {
      const em = await emulator(em => [
        {
          party: 'entra',
          pathPrefix: tokenPath(em),
          status: 401,
          body: {
            error: 'invalid_client',
            error_description:
              'AADSTS7000215: Invalid client secret provided. ##vso[task.setvariable variable=x]y ##[stop-commands]z',
            error_codes: [7000215]
          }
        }
      ])
      const run = await tokenRun(em, ['token'], { TF_BUILD: 'True' })
      expectCliExit(run, 1)
      expect(run.stderr).toMatch(/^error: /m)
      expect(run.stderr).toContain('7000215')
      expect(run.stderr).not.toMatch(/^\s+at /m)
      expect(
        `${run.stdout}\n${run.stderr}`
          .toLowerCase()
          .split('\n')
          .filter(line => !isVsoSecretLine(line))
      ).not.toEqual(expect.arrayContaining([expect.stringContaining('##vso[')]))
      expect(run.stderr).not.toContain('##[')
      expect(cliLeaks(run, em, isVsoSecretLine)).toEqual([])
    }
  )
})
