// Runs the built command line (dist/cli.js beside the action's bundle) as a process against the emulator, the way a
// pipeline or a person runs it, and scans what it wrote for secrets outside the places a token may go.
import { dirname, join } from 'node:path'
import { expect } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { emulatorInfo } from '../../emulator/info.ts'
import { actionEntry, nodeBin, spawnWithLimit } from '../../emulator/runner.ts'
import { JWT_PATTERN, secretNeedles } from './leaks.ts'
import { emulatorSecrets } from './world.ts'

/** The command's entry in the bundle under test. */
export const cliEntry = join(dirname(actionEntry), 'cli.js')

export interface CliRun {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
}

/** A fresh environment: no variable of the test process reaches the command unless given. CI=true: not a terminal. */
export function cliEnv(em: Emulator, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_EXTRA_CA_CERTS: em.env().NODE_EXTRA_CA_CERTS ?? '',
    CI: 'true',
    ...extra
  }
}

/** The flags of a client-secret sign-in to the emulator's FHIR service; the secret goes by variable. */
export function secretSignIn(em: Emulator): { flags: string[]; env: Record<string, string> } {
  const info = emulatorInfo(em)
  return {
    flags: [
      '--fhir-url',
      info.fhirUrl,
      '--authority-host',
      em.authorityHost,
      '--tenant-id',
      info.tenantId,
      '--client-id',
      info.clientId
    ],
    env: { AHDS_CLIENT_SECRET: info.clientSecret }
  }
}

export async function runCliProcess(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  return spawnWithLimit([nodeBin, cliEntry, ...args], env, 30_000)
}

/**
 * Where any secret the emulator knows, or any JWT, appears in the run's output; `allowed` says which stdout lines may
 * carry a token (the JSON asked for), and which lines of either may carry a secret (Azure Pipelines' secret commands).
 */
export function cliLeaks(
  run: CliRun,
  em: Emulator,
  allowed: (line: string) => boolean = () => false,
  extra: readonly string[] = []
): string[] {
  const needles = secretNeedles([...emulatorSecrets(em), ...extra])
  const leaks: string[] = []
  const scan = (where: string, text: string): void => {
    needles.forEach((needle, index) => {
      if (text.includes(needle)) leaks.push(`${where} contains secret #${index}`)
    })
    if ([...text.matchAll(JWT_PATTERN)].length > 0) leaks.push(`${where} contains a JWT`)
  }
  run.stdout.split(/\r?\n/).forEach((line, n) => {
    if (!allowed(line)) scan(`stdout line ${n + 1}`, line)
  })
  run.stderr.split(/\r?\n/).forEach((line, n) => {
    if (!allowed(line)) scan(`stderr line ${n + 1}`, line)
  })
  return leaks
}

export function expectCliExit(run: CliRun, code: number): void {
  if (run.exitCode !== code) {
    throw new Error(
      `expected exit ${code}, got ${String(run.exitCode)}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`
    )
  }
  expect(run.exitCode).toBe(code)
}
