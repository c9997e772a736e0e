// The bad-input table, run as the runner runs the action: each case fails with one error naming the input, no
// stack trace, no secret, and before any request (the emulator, which could have answered, saw nothing).
import { describe, expect, it } from '@jest/globals'
import { untouchedEmulator } from '../support/emulator.ts'
import { badInputs } from '../fixtures/bad-inputs.ts'
import { workflowCommands } from '../../emulator/runner.ts'
import { expectOneClearError, runAgainst } from './world.ts'

const emulatorReady = untouchedEmulator()

describe('bad inputs', () => {
  it('the table is large enough to matter', () => {
    expect(badInputs.length).toBeGreaterThanOrEqual(30)
    expect(new Set(badInputs.map(c => c.name)).size).toBe(badInputs.length)
  })

  it.concurrent.each(badInputs.map(c => [c.name, c] as const))('%s', async (_name, badInput) => {
    const em = await emulatorReady
    const requestsBefore = em.requests().length
    const run = await runAgainst(em, {
      // The emulator's sign-in host first, so a case that sets its own still wins, and a case that wrongly
      // passed validation would sign in at the emulator, where the request log shows it.
      inputs: { 'authority-host': em.authorityHost, ...badInput.inputs },
      extraSecrets: [...(badInput.secrets ?? [])],
      timeoutMs: 20_000
    })
    expectOneClearError(run, badInput.input)
    expect(workflowCommands(run.stdout).some(c => c.command === 'warning' && c.line.includes('Unexpected'))).toBe(false)
    expect(run.outputs).toEqual({})
    expect(run.exportedEnv).toEqual({})
    // Concurrent cases share the emulator, so this only catches a case that is still talking; afterAll checks all.
    expect(em.requests().length).toBe(requestsBefore)
  })
})
