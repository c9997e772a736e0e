// The bad-input table through the command line: each case fails with exit 2 and one error naming the flag (and its
// AHDS_ variable) instead of the action's input, no stack trace, no secret, and before any request.
import { describe, expect, it } from '@jest/globals'
import { untouchedEmulator } from '../support/emulator.ts'
import { SECRET_INPUT_NAMES } from '../../src/inputs.js'
import { CLI_INPUTS } from '../../src/cli/args.js'
import { badInputs } from '../fixtures/bad-inputs.ts'
import { cliEnv, cliLeaks, expectCliExit, runCliProcess } from './cli-run.ts'

const emulatorReady = untouchedEmulator()

/** The action's inputs the command line does not take (its token server, its GITHUB_ENV variables) are left out. */
const takes = (name: string): boolean => CLI_INPUTS.some(input => input === name)
/** Secrets are given by variable, as the command's help asks. */
const secret = (name: string): boolean => SECRET_INPUT_NAMES.some(input => input === name)
const variableOf = (input: string): string => `AHDS_${input.toUpperCase().replace(/-/g, '_')}`

const cases = badInputs.filter(c => takes(c.input) && Object.keys(c.inputs).every(takes))

describe('bad inputs through the command line', () => {
  it('covers the table but for the token server and export-variable cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60)
  })

  it.concurrent.each(cases.map(c => [c.name, c] as const))('%s', async (_name, badInput) => {
    const em = await emulatorReady
    const inputs: Record<string, string> = { 'authority-host': em.authorityHost, ...badInput.inputs }
    const flags = Object.entries(inputs).flatMap(([name, value]) =>
      // --name=value: a value may begin with a dash (wait-for-access -5s).
      secret(name) ? [] : [`--${name}=${value}`]
    )
    const variables = Object.fromEntries(
      Object.entries(inputs).flatMap(([name, value]) => (secret(name) ? [[variableOf(name), value]] : []))
    )
    const run = await runCliProcess(['token', ...flags], cliEnv(em, variables))
    expectCliExit(run, 2)
    const errors = run.stderr.split('\n').filter(line => line.startsWith('error: '))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(new RegExp(`^error: --${badInput.input} \\(or ${variableOf(badInput.input)}\\): `))
    expect(run.stderr).not.toMatch(/Input '/)
    expect(run.stderr).not.toMatch(/^\s+at /m)
    expect(run.stdout).toBe('')
    expect(cliLeaks(run, em, () => false, badInput.secrets ?? [])).toEqual([])
  })
})
