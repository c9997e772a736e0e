// `npm run demo`, the README's first command: it must end as expected and show a pipeline's view without ever
// printing a token (only its length and claims).
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from '@jest/globals'

describe('npm run demo', () => {
  it('runs the bundle on the emulator for FHIR and DICOM, exits 0, and prints no token', () => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }
    // The bundle under test (a scratch build of the working tree, or dist/), as for every end-to-end test.
    if (process.env.ACTION_ENTRY !== undefined) env.ACTION_ENTRY = process.env.ACTION_ENTRY
    const result = spawnSync(process.execPath, ['scripts/demo.ts'], { encoding: 'utf8', env, timeout: 60_000 })
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('Every run ended as expected.')
    for (const title of ['FHIR service, GitHub OIDC', 'DICOM service, GitHub OIDC', 'holds no role']) {
      expect(result.stdout).toContain(title)
    }
    expect(result.stdout).toMatch(/token: \*\*\* \(\d+ characters; aud https:\/\/dicom\.healthcareapis\.azure\.com/)
    // The serve-tokens case: a later step gets a fresh token once the first has expired, and the post step reports.
    expect(result.stdout).toContain('Fresh tokens for later steps (serve-tokens)')
    expect(result.stdout).toMatch(/After it expired, a later step asks again: HTTP 200, token \*\*\*/)
    expect(result.stdout).toMatch(/Token server: 2 answers for https:\/\/localhost:\d+ \(2 renewals, 0 failures\)/)
    // A JWT has three base64url parts, the first two starting with eyJ: none may appear, masked or not.
    expect(result.stdout).not.toMatch(/eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}/)
  })
})
