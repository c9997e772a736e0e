// A sign-in right after a deployment, over dist/: each object Entra ID refuses while it replicates is refused by the
// emulator for its first seconds, and the action waits it out inside wait-for-access, one log line per retry; without
// wait-for-access, or for a refusal that replication does not explain, it fails at once. Each case has its own
// emulator, so the moment a scenario takes effect is the case's own.
import { spawnSync } from 'node:child_process'
import { afterAll, describe, expect, it } from '@jest/globals'
import {
  type AppSpec,
  type Emulator,
  type ScenarioInput,
  defaultScenario,
  startEmulator
} from '../../emulator/index.ts'
import { GITHUB_ISSUER, FEDERATED_AUDIENCE } from '../../emulator/scenario.ts'
import type { ActionRun } from '../../emulator/runner.ts'
import { describeRun } from '../../emulator/runner.ts'
import { expectExit, expectOneClearError, oidcInputs, runAgainst, secretInputs } from './world.ts'

/** Long enough that the first attempt is refused even on a loaded machine, short enough for a quick test. */
const REPLICATION_MS = 4000

const emulators: Emulator[] = []
afterAll(async () => {
  await Promise.all(emulators.map(em => em.stop()))
})

const [defaultApp, ...otherApps] = defaultScenario.apps
if (defaultApp === undefined) throw new Error('the default scenario has no app')

/** The default world with the default app changed: the app the e2e sign-ins use. */
function withApp(change: (app: AppSpec) => AppSpec, extra: ScenarioInput = {}): ScenarioInput {
  return { ...extra, apps: [change(defaultApp as AppSpec), ...otherApps] }
}

/** A fresh emulator whose scenario takes effect now, right before the run. */
async function emulatorWith(scenario: ScenarioInput): Promise<Emulator> {
  const em = await startEmulator()
  emulators.push(em)
  em.setScenario(scenario)
  return em
}

const tokenPosts = (em: Emulator) =>
  em.requests().filter(r => r.party === 'entra' && r.method === 'POST' && r.path.includes('/oauth2/'))
const retryLines = (run: ActionRun): string[] =>
  run.stdout.split('\n').filter(line => line.startsWith('Sign-in refused with'))

interface Case {
  readonly code: string
  readonly signIn: 'oidc' | 'client-secret'
  readonly scenario: ScenarioInput
}

const newCredential = {
  name: 'new',
  issuer: GITHUB_ISSUER,
  subject: defaultApp.federatedCredentials?.[0]?.subject ?? '',
  audiences: [FEDERATED_AUDIENCE],
  effectiveAfterMs: REPLICATION_MS
}

const cases: readonly Case[] = [
  {
    code: 'AADSTS700016',
    signIn: 'client-secret',
    scenario: withApp(app => ({ ...app, effectiveAfterMs: REPLICATION_MS }))
  },
  {
    code: 'AADSTS7000215',
    signIn: 'client-secret',
    scenario: withApp(app => ({
      ...app,
      secrets: (app.secrets ?? []).map(s => ({ ...s, effectiveAfterMs: REPLICATION_MS }))
    }))
  },
  { code: 'AADSTS500011', signIn: 'client-secret', scenario: { fhir: { effectiveAfterMs: REPLICATION_MS } } },
  // The app's only federated credential is new: no credential with GitHub's issuer yet.
  {
    code: 'AADSTS700211',
    signIn: 'oidc',
    scenario: withApp(app => ({ ...app, federatedCredentials: [newCredential] }))
  },
  // Another branch's credential exists; the one for this subject is new.
  {
    code: 'AADSTS700213',
    signIn: 'oidc',
    scenario: withApp(app => ({
      ...app,
      federatedCredentials: [
        {
          ...newCredential,
          name: 'release',
          subject: 'repo:contoso/health-pipeline:ref:refs/heads/release',
          effectiveAfterMs: 0
        },
        newCredential
      ]
    }))
  },
  // Entra ID's older answer for every mismatch.
  {
    code: 'AADSTS70021',
    signIn: 'oidc',
    scenario: withApp(app => ({ ...app, federatedCredentials: [newCredential] }), {
      entra: { federatedErrors: 'legacy' }
    })
  }
]

describe('wait-for-access waits for a just-created identity', () => {
  it.concurrent.each(cases.map(c => [c.code, c] as const))(
    '%s for the first seconds: passes inside wait-for-access, one retry line per refused attempt',
    async (code, c) => {
      const em = await emulatorWith(c.scenario)
      const signIn = c.signIn === 'oidc' ? oidcInputs(em) : secretInputs(em)
      const run = await runAgainst(em, { inputs: { ...signIn, 'fhir-url': em.fhirUrl, 'wait-for-access': '2m' } })
      expectExit(run, 0)
      const posts = tokenPosts(em)
      const refused = posts.filter(p => p.status !== 200)
      if (refused.length === 0) throw new Error(`the first attempt was not refused\n${describeRun(run)}`)
      expect(posts.at(-1)?.status).toBe(200)
      const lines = retryLines(run)
      expect(lines).toHaveLength(refused.length)
      for (const line of lines)
        expect(line).toMatch(new RegExp(`^Sign-in refused with ${code}\\b.*, \\d+(\\.\\d)?s left of wait-for-access$`))
      expect(run.stdout).toContain(`Signed in with ${c.signIn}`)
    }
  )

  it.concurrent('with wait-for-access 0, a refusal of a new identity fails at once with its explanation', async () => {
    const em = await emulatorWith(withApp(app => ({ ...app, effectiveAfterMs: 600_000 })))
    const run = await runAgainst(em, {
      inputs: { ...secretInputs(em), 'fhir-url': em.fhirUrl, 'wait-for-access': '0' }
    })
    const message = expectOneClearError(run, /application \(client ID\) was not found/)
    expect(message).toContain('set wait-for-access')
    expect(retryLines(run)).toEqual([])
    expect(tokenPosts(em)).toHaveLength(1)
  })

  it.concurrent('an expired secret (AADSTS7000222) never waits, whatever wait-for-access says', async () => {
    const em = await emulatorWith(
      withApp(app => ({ ...app, secrets: (app.secrets ?? []).map(s => ({ ...s, expiresOn: '2020-01-01T00:00:00Z' })) }))
    )
    const run = await runAgainst(em, {
      inputs: { ...secretInputs(em), 'fhir-url': em.fhirUrl, 'wait-for-access': '2m' }
    })
    expectOneClearError(run, /client secret has expired/)
    expect(retryLines(run)).toEqual([])
    expect(tokenPosts(em)).toHaveLength(1)
    expect(run.durationMs).toBeLessThan(20_000)
  })

  it.concurrent(
    'the sign-in and the health checks share one wait: what the sign-in spent, the checks do not get',
    async () => {
      // The app replicates after a while; its role never does in this run.
      const em = await emulatorWith(
        withApp(app => ({ ...app, effectiveAfterMs: REPLICATION_MS }), {
          roles: {
            [defaultApp.objectId]: [{ role: 'FHIR Data Contributor', service: 'fhir', effectiveAfterMs: 3_600_000 }]
          }
        })
      )
      const run = await runAgainst(em, {
        inputs: { ...secretInputs(em), 'fhir-url': em.fhirUrl, 'health-check': 'true', 'wait-for-access': '12s' }
      })
      expectExit(run, 1)
      expect(run.outputs.health).toBe('unhealthy')
      const checkWaits = run.stdout.split('\n').filter(line => /^Health check .*waiting for access/.test(line))
      expect(checkWaits.length).toBeGreaterThan(0)
      // The sign-in waited at least REPLICATION_MS of the 12 s; the checks start with what is left.
      const firstLeft = Number(/, ([\d.]+)s left of wait-for-access$/.exec(checkWaits[0] ?? '')?.[1])
      expect(firstLeft).toBeLessThanOrEqual(12 - REPLICATION_MS / 1000)
    }
  )
})

describe('a pipeline that creates its identity and FHIR service', () => {
  it('passes with wait-for-access and no sleep step (scripts/fresh-deployment.ts, a short replication delay)', () => {
    const result = spawnSync(process.execPath, ['scripts/fresh-deployment.ts', '--delay', '3s', '--wait', '5m'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      timeout: 90_000
    })
    if (result.status !== 0) throw new Error(`exit ${String(result.status)}\n${result.stdout}\n${result.stderr}`)
    expect(result.stdout).toMatch(/Sign-in refused with AADSTS700016\b/)
    expect(result.stdout).toMatch(/Signed in with oidc/)
    expect(result.stdout).toMatch(/health healthy/)
    expect(result.stdout).not.toMatch(/eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}/)
  })
})
