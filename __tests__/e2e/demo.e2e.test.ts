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
    // The Azure CLI case: the seed's command gets a fresh FHIR token after the first expired, and az rest reads metadata.
    expect(result.stdout).toContain(
      'The Azure CLI for the whole job (serve-resources: https://management.core.windows.net/)'
    )
    expect(result.stdout).toContain(
      'az login --identity --allow-no-subscriptions: a token for https://management.core.windows.net/, aud https://management.azure.com'
    )
    expect(result.stdout).toMatch(
      /After the first token expired, the same command: \*\*\* \(aud https:\/\/localhost:\d+/
    )
    expect(result.stdout).toMatch(/az rest --method get --url https:\/\/localhost:\d+\/metadata: HTTP 200/)
    // The command in Azure Pipelines and GitLab CI, each signed in with its CI's own federated token.
    expect(result.stdout).toContain('Signed in with azure-pipelines: token for https://localhost:')
    expect(result.stdout).toContain('Signed in with federated-token: token for https://localhost:')
    expect(result.stdout).toMatch(/##vso\[task\.setvariable variable=FHIR_TOKEN;issecret=true\]\*\*\*/)
    // A JWT has three base64url parts, the first two starting with eyJ: none may appear, masked or not.
    expect(result.stdout).not.toMatch(/eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}/)
  })
})
