// Jest-side helpers shared by the end-to-end files: sign-in inputs for the emulator's apps, the emulator's secrets,
// the leak assertion every run goes through, and failure messages that show the run's log (never its secrets).
import { afterAll, expect } from '@jest/globals'
import { type AppSpec, type Emulator, startEmulator } from '../../emulator/index.ts'
import type { FaultSpec } from '../../emulator/scenario.ts'
import { emulatorInfo, oidcStepInputs } from '../../emulator/info.ts'
import {
  type ActionRun,
  type RunOptions,
  describeRun,
  runAction,
  unescapeCommand,
  workflowCommands
} from '../../emulator/runner.ts'
import { findLeaks, findPhiLeaks, isTokenOutput, proxySecrets } from './leaks.ts'

/**
 * For a suite of fault cases: each call starts a fresh emulator with the given faults (none: as it starts), so cases
 * can run concurrently; every one is stopped after the suite.
 */
export function faultEmulators(): (faults?: (em: Emulator) => FaultSpec[]) => Promise<Emulator> {
  const emulators: Emulator[] = []
  afterAll(async () => {
    await Promise.all(emulators.map(em => em.stop()))
  })
  return async faults => {
    const em = await startEmulator()
    emulators.push(em)
    if (faults) em.setScenario({ faults: faults(em) })
    return em
  }
}

/** The path of the emulator's token endpoint for its tenant. */
export const tokenPath = (em: Emulator): string => `/${emulatorInfo(em).tenantId}/oauth2/v2.0/token`

/** A bounded wait for the emulator to log what a streamed answer sent: it logs once the client has gone. */
export async function streamedBytes(em: Emulator, party: string, pathPrefix: string): Promise<number | undefined> {
  for (let i = 0; i < 50; i++) {
    const entry = em.requests().find(r => r.party === party && r.path.startsWith(pathPrefix))
    if (entry?.bodyBytesSent !== undefined) return entry.bodyBytesSent
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return undefined
}

/** The emulator's app with this client ID; throws when there is none. */
export function appByClientId(em: Emulator, clientId: string): AppSpec {
  const app = em.scenario.apps.find(a => a.clientId === clientId)
  if (!app) throw new Error(`the emulator has no app ${clientId}`)
  return app
}

/** OIDC sign-in as the emulator's default app, with the runner's token request from em.env(). */
export function oidcInputs(em: Emulator): Record<string, string> {
  return { 'auth-type': 'oidc', ...oidcStepInputs(emulatorInfo(em)) }
}

/** Client-secret sign-in as the app with this client ID (default: the emulator's default app), with its first secret. */
export function secretInputs(em: Emulator, clientId = emulatorInfo(em).clientId): Record<string, string> {
  const app = appByClientId(em, clientId)
  return {
    'auth-type': 'client-secret',
    'client-id': app.clientId,
    'tenant-id': app.tenantId,
    'client-secret': app.secrets?.[0]?.value ?? '',
    'authority-host': em.authorityHost
  }
}

/** Every secret the emulator knows: client secrets, certificate keys, the runner's request token, the pipeline's
 *  System.AccessToken (which the request log does not keep), issued tokens. */
export function emulatorSecrets(em: Emulator): string[] {
  const secrets: string[] = [em.oidcRequestToken, em.azurePipelines.accessToken, ...issuedTokens(em)]
  for (const app of em.scenario.apps) {
    for (const secret of app.secrets ?? []) secrets.push(secret.value)
    if (app.certificatePem !== undefined) secrets.push(app.certificatePem)
  }
  return secrets
}

/**
 * The bearer tokens the request log saw (access tokens presented to the services, the runner's request token).
 * GitHub OIDC tokens never appear in the log; the leak scan finds them, and any other JWT, by their shape.
 */
function issuedTokens(em: Emulator): string[] {
  const tokens = new Set<string>()
  for (const entry of em.requests()) if (entry.bearerToken !== undefined) tokens.add(entry.bearerToken)
  return [...tokens]
}

/**
 * Fails with the run's (masked) log unless no secret appears outside the places the runner expects it, and no
 * patient data of the emulator's services appears anywhere.
 */
export function expectNoLeaks(run: ActionRun, secrets: readonly string[]): void {
  const leaks = findLeaks(run, secrets)
  if (leaks.length > 0) {
    throw new Error(`secrets leaked: ${JSON.stringify(leaks)}\n${describeRun(run)}`)
  }
  expect(leaks).toEqual([])
  const phi = findPhiLeaks(run)
  if (phi.length > 0) throw new Error(`patient data leaked: ${JSON.stringify(phi)}\n${describeRun(run)}`)
  expect(phi).toEqual([])
}

export function expectExit(run: ActionRun, code: number): void {
  if (run.exitCode !== code) throw new Error(`expected exit ${code}\n${describeRun(run)}`)
  expect(run.exitCode).toBe(code)
}

/** Exit 1 with exactly one error line whose (unescaped) text matches, and no stack trace; returns that text. */
export function expectOneClearError(run: ActionRun, pattern: RegExp | string): string {
  expectExit(run, 1)
  const errors = errorLines(run)
  expect(errors).toHaveLength(1)
  const message = unescapeCommand(errors[0] ?? '')
  expect(message).toMatch(pattern)
  expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/^\s+at /m)
  return message
}

/** `::error` lines (with or without properties). */
export function errorLines(run: ActionRun): string[] {
  return workflowCommands(run.stdout)
    .filter(c => c.command === 'error')
    .map(c => c.line)
}

/** Runs the action against the emulator and scans the run for leaks of everything the emulator knows. */
export async function runAgainst(em: Emulator, options: RunOptions & { extraSecrets?: string[] }): Promise<ActionRun> {
  const run = await runAction({ ...options, env: { ...em.env(), ...options.env } })
  expectNoLeaks(run, [
    ...emulatorSecrets(em),
    ...proxySecrets(options.env ?? {}),
    ...(options.extraSecrets ?? []),
    ...tokenOutput(run)
  ])
  return run
}

function tokenOutput(run: ActionRun): string[] {
  return Object.entries(run.outputs).flatMap(([name, value]) => (isTokenOutput(name) && value !== '' ? [value] : []))
}
