// The Azure CLI and Azure PowerShell sessions over dist/: with Azure Resource Manager in serve-resources (under the
// classic name they ask for), later steps' real managed-identity clients (MSAL's, as the CLI and PowerShell use it;
// @azure/identity's; Python azure-identity's) get ARM under both names and the FHIR service's token, before and after
// the first token expired. Without ARM served, its request is refused naming the serve-resources line to add.
import { describe, expect, it } from '@jest/globals'
import { join } from 'node:path'
import { ARM_AUDIENCE } from '../../emulator/scenario.ts'
import { nodeBin } from '../../emulator/runner.ts'
import { useEmulator } from '../support/emulator.ts'
import {
  CLIENTS,
  PYTHON,
  type ServingJob,
  type StepRun,
  laterStep,
  settledServerReport,
  servingJobs
} from './serve-job.ts'
import { expectNoLeaks, oidcInputs } from './world.ts'

const em = await useEmulator()
const startJob = servingJobs(em)

const CLASSIC_ARM = 'https://management.core.windows.net/'

const serve = (inputs: Record<string, string>): Promise<ServingJob> => startJob({ ...oidcInputs(em), ...inputs })

interface Got {
  readonly asked: string
  readonly aud: string
  readonly iat: number
  readonly exp: number
  readonly jti: string
}

const CLIENTS_RUN: Record<string, readonly string[]> = {
  'MSAL ManagedIdentityApplication': [nodeBin, join(CLIENTS, 'arm-tokens.ts'), 'msal'],
  '@azure/identity ManagedIdentityCredential': [nodeBin, join(CLIENTS, 'arm-tokens.ts'), 'identity'],
  'Python azure-identity ManagedIdentityCredential': [PYTHON, join(CLIENTS, 'arm_tokens.py')]
}

function tokensOf(run: StepRun, job: ServingJob): Got[] {
  if (run.exitCode !== 0)
    throw new Error(`the later step failed (${String(run.exitCode)})\n${run.stdout}\n${run.stderr}`)
  expectNoLeaks({ ...job.main, stdout: run.stdout, stderr: run.stderr, outputFile: '', envFile: '', summary: '' }, [
    job.header
  ])
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as Got[]
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

describe('the CLI and PowerShell sessions', () => {
  it('each managed-identity client gets ARM under both names and FHIR, before and after the first token expired', async () => {
    em.setScenario({ entra: { tokenLifetimeSeconds: 4 } })
    const job = await serve({ 'serve-resources': CLASSIC_ARM })
    const rounds: Record<string, Got[]>[] = []
    for (const round of [0, 1]) {
      const got: Record<string, Got[]> = {}
      for (const [name, command] of Object.entries(CLIENTS_RUN))
        got[name] = tokensOf(await laterStep(command, em, job), job)
      rounds.push(got)
      if (round === 0) {
        const lastExpiry = Math.max(...Object.values(got).flatMap(tokens => tokens.map(t => t.exp)))
        await sleep(Math.max(0, lastExpiry * 1000 - Date.now()) + 300)
      }
    }
    const [before = {}, after = {}] = rounds
    for (const name of Object.keys(CLIENTS_RUN)) {
      const first = before[name] ?? []
      const second = after[name] ?? []
      // Both of ARM's names are one resource asked of Entra ID; the FHIR service is its own.
      const asked = (tokens: Got[], resource: string): Got[] => tokens.filter(t => t.asked === resource)
      for (const tokens of [first, second]) {
        expect(asked(tokens, CLASSIC_ARM)[0]?.aud).toBe(ARM_AUDIENCE)
        expect(asked(tokens, ARM_AUDIENCE)[0]?.aud).toBe(ARM_AUDIENCE)
        expect(asked(tokens, em.fhirUrl)[0]?.aud).toBe(em.fhirUrl)
      }
      for (const [index, token] of second.entries()) {
        const earlier = first[index]
        expect(token.jti).not.toBe(earlier?.jti)
        expect(token.iat).toBeGreaterThanOrEqual(earlier?.exp ?? Infinity)
      }
    }
    const post = await job.post()
    expect(post.stdout).toMatch(new RegExp(`answers for ${ARM_AUDIENCE} \\(\\d+ renewals, 0 failures\\)`))
    expect(post.stdout).not.toMatch(/refused \d+ request/)
  })

  it('answers with the resource as the client spelled it: Python azure-identity caches the classic name by it', async () => {
    const job = await serve({ 'serve-resources': ARM_AUDIENCE })
    tokensOf(await laterStep(CLIENTS_RUN['Python azure-identity ManagedIdentityCredential'] ?? [], em, job), job)
    // The current name once, the classic name once: its second ask is answered from the client's own cache.
    const resources = (await settledServerReport(job)).resources as Record<string, { answers: number }>
    expect(resources[ARM_AUDIENCE]?.answers).toBe(2)
  })

  it('without ARM served, refuses the classic name naming serve-resources and the line to add, and the post step lists it', async () => {
    const job = await serve({})
    // As the documentation shows it: the header from stdin, never on the command line.
    const curl = await laterStep(
      [
        'bash',
        '-c',
        'curl -sS -H @- "$IDENTITY_ENDPOINT?api-version=2019-08-01&resource=https://management.core.windows.net/" ' +
          '<<<"X-IDENTITY-HEADER: $IDENTITY_HEADER"'
      ],
      em,
      job
    )
    const answer = JSON.parse(curl.stdout) as Record<string, string>
    expect(answer.error).toBe('invalid_resource')
    expect(answer.error_description).toContain('serve-resources')
    expect(answer.error_description).toContain(`add that line to serve-resources`)
    expect(answer.error_description).toContain(`'${CLASSIC_ARM}'`)
    const post = await job.post()
    expect(post.stdout).toContain('refused 1 request with 400')
    expect(post.stdout).toContain("does not serve 'https://management.core.windows.net/'")
    expect(post.stdout).toContain('az login --identity')
  })
})
