// `npm run local`, as a developer runs it: @github/local-action runs the action's TypeScript, with its own partial
// @actions/core, against the emulator. An OIDC sign-in passes (local-action's getIDToken is not implemented, so the
// action asks the runner's OIDC endpoint itself), and a failing run ends with its one clear error and exit code 1.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'

const scratch = mkdtempSync(join(tmpdir(), 'local-test-'))
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

/** `npm run local -- ARGS` with the developer's own PATH, HOME and CA setting, nothing else of the test process. */
function local(name: string, args: readonly string[]) {
  const envFile = join(scratch, `${name}.env`)
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }
  if (process.env.NODE_EXTRA_CA_CERTS) env.NODE_EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS
  const result = spawnSync(process.execPath, ['scripts/local.ts', '--dotenv', envFile, ...args], {
    encoding: 'utf8',
    env,
    timeout: 120_000
  })
  const output = `${result.stdout}\n${result.stderr}`
  const action = output.slice(output.indexOf('Running Action'))
  return { status: result.status, output, action, envFile }
}

const errors = (text: string): string[] => text.split('\n').filter(line => line.startsWith('::error'))

describe('npm run local (@github/local-action against the emulator)', () => {
  it('signs in with OIDC, checks the service, and writes the .env it ran with', () => {
    const run = local('oidc', [])
    if (run.status !== 0) throw new Error(run.output)
    expect(run.action).toMatch(/Signed in with oidc: token for https:\/\/localhost:\d+/)
    expect(run.action).toContain('::set-output name=health::healthy')
    expect(run.action).not.toContain('Not implemented')
    expect(errors(run.output)).toEqual([])
    const dotenv = readFileSync(run.envFile, 'utf8')
    expect(dotenv).toMatch(/^ACTIONS_ID_TOKEN_REQUEST_URL="https:\/\/localhost:\d+\/.*"$/m)
    expect(dotenv).toMatch(/^INPUT_CLIENT-ID="[0-9a-f-]{36}"$/m)
  })

  it.each([
    [
      'a refused sign-in',
      ['--input', 'client-id=11111111-2222-4333-8444-555555555555'],
      /^::error title=Sign-in refused \(AADSTS700016\)::/
    ],
    ['a bad input', ['--input', 'fhir-url=http://insecure.example'], /^::error::Input 'fhir-url'/]
  ])('%s ends with one clear error, exit code 1 and no stack trace', (_name, args, error) => {
    const run = local('failing', args)
    expect(run.status).toBe(1)
    const lines = errors(run.output)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(error)
    expect(run.output).not.toMatch(/^\s+at /m)
    expect(run.output).not.toMatch(/TypeError|Cannot read properties/)
  })
})
