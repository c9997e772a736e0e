// Bad input fails before the identity library loads: the entry chunk of dist/ alone, without its lazy chunks, still
// reports a bad input as the full bundle does, and a good input is what first needs a lazy chunk.
import { afterAll, describe, expect, it } from '@jest/globals'
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { actionEntry, nodeBin, runAction } from '../../emulator/runner.ts'
import { expectOneClearError } from './world.ts'

const dist = join(actionEntry, '..')
const entryOnly = mkdtempSync(join(tmpdir(), 'ahds-entry-only-'))
for (const file of ['index.js', 'package.json']) copyFileSync(join(dist, file), join(entryOnly, file))
afterAll(() => {
  rmSync(entryOnly, { recursive: true, force: true })
})

// The entry is given to node before the one runAction appends, which the action ignores as an extra argument.
const runEntryOnly = (inputs: Record<string, string>) =>
  runAction({ inputs, prefix: [nodeBin, join(entryOnly, 'index.js')] })

describe('the entry chunk alone', () => {
  it('is not all of dist/: the identity library is in lazy chunks', () => {
    expect(readdirSync(dist).filter(name => /^\d+\.index\.js$/.test(name)).length).toBeGreaterThan(0)
  })

  it('reports a bad input with its one clear error', async () => {
    const run = await runEntryOnly({ 'fhir-url': 'http://ws-fhir.fhir.azurehealthcareapis.com' })
    expectOneClearError(run, "Input 'fhir-url': must use https")
  })

  it('needs a lazy chunk once the inputs are good', async () => {
    const run = await runEntryOnly({
      'fhir-url': 'https://ws-fhir.fhir.azurehealthcareapis.com',
      'client-id': '11111111-2222-3333-4444-555555555555',
      'tenant-id': '72f988bf-86f1-41af-91ab-2d7cd011db47',
      'client-secret': 'not-a-real-secret-value',
      'authority-host': 'https://127.0.0.1:9'
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/Cannot find module .*\.index\.js/)
  })
})
