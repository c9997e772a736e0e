// The command line on a person's terminal, run under a pseudo-terminal (util-linux's script): the check table in
// colour, the token never printed unless --show-token asks for it, JSON refused where a terminal would show it.
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { emulatorInfo } from '../../emulator/info.ts'
import { nodeBin, repoRoot, spawnWithLimit } from '../../emulator/runner.ts'
import { cliEntry, cliEnv, cliLeaks, expectCliExit, secretSignIn } from './cli-run.ts'
import { JWT_PATTERN } from './leaks.ts'
import { faultEmulators } from './world.ts'

const emulator = faultEmulators()

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`

/** Runs the command with its stdin, stdout and stderr on a pseudo-terminal; what the terminal showed comes back. */
async function onTerminal(em: Emulator, args: readonly string[], env: Record<string, string> = {}) {
  const signIn = secretSignIn(em)
  const [subcommand = '', ...rest] = args
  return onTerminalAs([subcommand, ...signIn.flags, ...rest], cliEnv(em, { ...signIn.env, ...env }))
}

function onTerminalAs(args: readonly string[], env: Record<string, string>) {
  const command = [nodeBin, cliEntry, ...args].map(quote).join(' ')
  // -e: script's exit code is the command's; -q: no banner; the typescript file is thrown away.
  return spawnWithLimit(['script', '-qec', command, '/dev/null'], env, 30_000)
}

it('script from util-linux is here to make the pseudo-terminal', () => {
  expect(spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout).toMatch(/util-linux/)
})

describe('on a terminal', () => {
  it.concurrent('check: a readable table with the result in colour', async () => {
    const em = await emulator()
    const run = await onTerminal(em, ['check'])
    expectCliExit(run, 0)
    expect(run.stdout).toMatch(/SERVICE\s+CHECK\s+STATUS\s+RESULT\s+TIME/)
    const green = '\u001b[32m'
    const reset = '\u001b[0m'
    expect(run.stdout).toMatch(new RegExp(`${green.replace('[', '\\[')}pass *${reset.replace('[', '\\[')}`))
    expect(run.stdout.split(green).join('').split(reset).join('')).toMatch(/FHIR service\s+metadata\s+200\s+pass/)
    expect(run.stdout).toContain('Health: \u001b[32mhealthy\u001b[0m')
    expect(cliLeaks(run, em)).toEqual([])
  })

  it.concurrent('check with NO_COLOR: the same table without colour', async () => {
    const em = await emulator()
    const run = await onTerminal(em, ['check'], { NO_COLOR: '1' })
    expectCliExit(run, 0)
    expect(run.stdout).toMatch(/FHIR service\s+metadata\s+200\s+pass/)
    expect(run.stdout).not.toContain('\u001b[')
  })

  it.concurrent('token: who signed in and until when, never the token', async () => {
    const em = await emulator()
    const run = await onTerminal(em, ['token'])
    expectCliExit(run, 0)
    expect(run.stdout).toContain(`Signed in with client-secret: token for ${em.fhirUrl}`)
    expect(cliLeaks(run, em)).toEqual([])
  })

  it.concurrent('token --output json is refused on a terminal (exit 2), before any sign-in', async () => {
    const em = await emulator()
    const run = await onTerminal(em, ['token', '--output', 'json'])
    expectCliExit(run, 2)
    expect(run.stdout).toMatch(/--output json would print the token on this terminal/)
    expect(em.requests()).toEqual([])
  })

  it.concurrent('token --show-token prints it, as asked', async () => {
    const em = await emulator()
    const run = await onTerminal(em, ['token', '--show-token'])
    expectCliExit(run, 0)
    expect(run.stdout).toMatch(/^FHIR_TOKEN=eyJ/m)
    expect([...run.stdout.matchAll(JWT_PATTERN)].length).toBeGreaterThan(0)
  })
})

describe("on a person's terminal, with no sign-in given", () => {
  it.concurrent('the Azure CLI session signs in (the az stand-in, logged in to the emulator)', async () => {
    const em = await emulator()
    const info = emulatorInfo(em)
    const home = await mkdtemp(join(tmpdir(), 'ahds-cli-az-'))
    try {
      const session = join(home, 'session.json')
      const login = { authorityHost: em.authorityHost, tenantId: info.tenantId, clientId: info.clientId }
      await writeFile(session, JSON.stringify({ ...login, clientSecret: info.clientSecret, caPem: em.caCertPem }))
      const env = cliEnv(em, {
        PATH: [join(repoRoot, '__tests__/fixtures/bin'), dirname(nodeBin), process.env.PATH ?? ''].join(':'),
        STANDIN_AZURE_SESSION: session
      })
      // No CI variable: a person's terminal.
      Reflect.deleteProperty(env, 'CI')
      const run = await onTerminalAs(['token', '--fhir-url', em.fhirUrl], env)
      expectCliExit(run, 0)
      expect(run.stdout).toContain(`Signed in with azure-cli: token for ${em.fhirUrl}`)
      expect(cliLeaks(run, em)).toEqual([])
      // In a CI job the same command asks for a sign-in instead, as the action does.
      const ci = await onTerminalAs(['token', '--fhir-url', em.fhirUrl], { ...env, CI: 'true' })
      expectCliExit(ci, 2)
      expect(ci.stdout).toMatch(/--auth-type \(or AHDS_AUTH_TYPE\): no way to sign in was given/)
    } finally {
      await rm(home, { recursive: true, force: true })
    }
  })
})
