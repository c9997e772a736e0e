// The bad-input table through the command line: each case fails with exit 2 and one error naming the flag (and its
// AHDS_ variable) instead of the action's input, no stack trace, no secret, and before any request.
import { describe, expect, it } from '@jest/globals'
import { untouchedEmulator } from '../support/emulator.ts'
import { SECRET_INPUT_NAMES } from '../../src/inputs.js'
import { CLI_INPUTS } from '../../src/cli/args.js'
import { type BadInputCase, badInputs } from '../fixtures/bad-inputs.ts'
import { cliEnv, cliLeaks, expectCliExit, runCliProcess } from './cli-run.ts'

const emulatorReady = untouchedEmulator()

/** The action's inputs the command line does not take (its token server, its GITHUB_ENV variables) are left out. */
const takes = (name: string): boolean => CLI_INPUTS.some(input => input === name)
/** Secrets are given by variable, as the command's help asks. */
const secret = (name: string): boolean => SECRET_INPUT_NAMES.some(input => input === name)
const variableOf = (input: string): string => `AHDS_${input.toUpperCase().replace(/-/g, '_')}`

const cases = badInputs.filter(c => takes(c.input) && Object.keys(c.inputs).every(takes))

const FHIR = { 'fhir-url': 'https://myws-myfhir.fhir.azurehealthcareapis.com' }
const IDS = { ...FHIR, 'client-id': '0b1d5c1e-6f4a-4c1b-9a0e-2f3d4c5b6a79', 'tenant-id': 'contoso.onmicrosoft.com' }
const SECRET = 'Xy8Q~fake.client-secret_value.0123456789ab'

/** The command's own inputs, which the action does not have. */
const commandCases: readonly BadInputCase[] = [
  {
    name: 'service-connection-id a name, not the ID',
    inputs: { ...IDS, 'service-connection-id': 'my-service-connection' },
    input: 'service-connection-id'
  },
  {
    name: 'service-connection-id with a client secret',
    inputs: { ...IDS, 'client-secret': SECRET, 'service-connection-id': '5f3c2b1a-0d9e-4c8b-a7f6-e5d4c3b2a190' },
    input: 'service-connection-id',
    secrets: [SECRET]
  },
  {
    name: 'auth-type azure-pipelines without a service connection',
    inputs: { ...IDS, 'auth-type': 'azure-pipelines' },
    input: 'service-connection-id'
  },
  {
    name: 'federated-token-env a $reference, not the name',
    inputs: { ...IDS, 'federated-token-env': '$AZURE_ID_TOKEN' },
    input: 'federated-token-env'
  },
  {
    name: 'federated-token-env and federated-token-file both',
    inputs: { ...IDS, 'federated-token-env': 'AZURE_ID_TOKEN', 'federated-token-file': '/run/id-token' },
    input: 'federated-token-env'
  },
  {
    name: 'federated-token-file without tenant-id',
    inputs: { ...FHIR, 'client-id': IDS['client-id'], 'federated-token-file': '/run/id-token' },
    input: 'tenant-id'
  },
  {
    name: 'auth-type gitlab without a token named',
    inputs: { ...IDS, 'auth-type': 'gitlab' },
    input: 'federated-token-env'
  }
]

describe('bad inputs through the command line', () => {
  it('covers the table but for the token server and export-variable cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60)
  })

  it.concurrent.each([...cases, ...commandCases].map(c => [c.name, c] as const))('%s', async (_name, badInput) => {
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
