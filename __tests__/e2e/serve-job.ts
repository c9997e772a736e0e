// A job as the runner runs one with a token server: the step with serve-tokens, later steps as separate processes
// with the step's GITHUB_ENV applied, and the post step with the state the step saved, all in one RUNNER_TEMP.
import { afterEach } from '@jest/globals'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Emulator } from '../../emulator/index.ts'
import { type ActionRun, type RunOptions, describeRun, nodeBin, repoRoot } from '../../emulator/runner.ts'
import { expectNoLeaks, runAgainst } from './world.ts'

export const CLIENTS = resolve(repoRoot, '__tests__/fixtures/serve-clients')
export const PYTHON = '/usr/bin/python3'

export interface ServingJob {
  readonly main: ActionRun
  readonly endpoint: string
  readonly header: string
  readonly port: number
  readonly pid: number
  readonly dir: string
  /** What a later step's environment gains from the step (its GITHUB_ENV). */
  readonly exported: Readonly<Record<string, string>>
  /** Runs the post step (leak-scanned). */
  post(): Promise<ActionRun>
  /** Ends the server if a test left it running, and removes the job's RUNNER_TEMP. */
  cleanup(): void
}

/**
 * A suite's way to start serving jobs for the emulator's FHIR service with the given inputs added, each cleaned up
 * after its test.
 */
export function servingJobs(
  em: Emulator
): (inputs?: Readonly<Record<string, string>>, env?: RunOptions['env']) => Promise<ServingJob> {
  const jobs: ServingJob[] = []
  afterEach(() => {
    for (const job of jobs.splice(0)) job.cleanup()
  })
  return async (inputs = {}, env = {}) => {
    const job = await startServingJob(em, { 'fhir-url': em.fhirUrl, ...inputs }, { env })
    jobs.push(job)
    return job
  }
}

/** Runs the step with serve-tokens (and the leak scan); fails with its log unless it started a server. */
export async function startServingJob(
  em: Emulator,
  inputs: Readonly<Record<string, string>>,
  options: { env?: RunOptions['env']; extraSecrets?: string[] } = {}
): Promise<ServingJob> {
  const runnerTemp = mkdtempSync(join(tmpdir(), 'ahds-job-'))
  const main = await runAgainst(em, {
    inputs: { 'serve-tokens': 'true', ...inputs },
    runnerTemp,
    ...(options.env ? { env: options.env } : {}),
    ...(options.extraSecrets ? { extraSecrets: options.extraSecrets } : {})
  })
  const exported = main.exportedEnv
  const endpoint = exported.IDENTITY_ENDPOINT
  const header = exported.IDENTITY_HEADER
  const saved = main.state?.['token-server']
  // A server holding the step's stdout or stderr would keep the step from ending until the run's time limit.
  if (main.exitCode !== 0 || main.timedOut || !endpoint || !header || !saved) {
    rmSync(runnerTemp, { recursive: true, force: true })
    throw new Error(`the step started no token server\n${describeRun(main)}`)
  }
  const { pid, dir } = JSON.parse(saved) as { pid: number; dir: string }
  const post = async (): Promise<ActionRun> =>
    runAgainst(em, {
      runnerTemp,
      env: { ...options.env, ...exported },
      ...(main.state ? { state: main.state } : {}),
      extraSecrets: [header, ...(options.extraSecrets ?? [])]
    })
  return {
    main,
    endpoint,
    header,
    port: Number(new URL(endpoint).port),
    pid,
    dir,
    exported,
    post,
    cleanup: () => {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL')
      rmSync(runnerTemp, { recursive: true, force: true })
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** True when a TCP connection to 127.0.0.1:port is refused. */
export function refusesConnections(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise(resolvePromise => {
    const socket = connect({ host, port })
    socket.once('connect', () => {
      socket.destroy()
      resolvePromise(false)
    })
    socket.once('error', () => resolvePromise(true))
  })
}

export interface StepRun {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
}

/** A later step: a separate process with the job's environment and the step's GITHUB_ENV applied. */
export function laterStep(
  command: readonly string[],
  em: Emulator,
  job: ServingJob,
  env: Readonly<Record<string, string>> = {}
): Promise<StepRun> {
  const [file = '', ...args] = command
  const stepEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? tmpdir(),
    GITHUB_ACTIONS: 'true',
    ...job.exported,
    FHIR_URL: em.fhirUrl,
    DICOM_URL: em.dicomUrl,
    NODE_EXTRA_CA_CERTS: em.caFile,
    EMULATOR_CA_FILE: em.caFile,
    ...env
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { env: stepEnv, cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('error', reject)
    child.on('close', exitCode => {
      clearTimeout(timer)
      resolvePromise({
        exitCode,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8')
      })
    })
  })
}

export interface ClientResult {
  readonly status: number
  readonly aud: string
  readonly appid: string
  readonly iat: number
  readonly exp: number
  readonly jti: string
}

/** The JavaScript client (DefaultAzureCredential) calling FHIR in a later step. */
export async function javascriptStep(
  em: Emulator,
  job: ServingJob,
  env: Record<string, string> = {}
): Promise<ClientResult> {
  return clientResult(await laterStep([nodeBin, join(CLIENTS, 'fhir-client.ts')], em, job, env), job)
}

/** The Python client (azure-identity's DefaultAzureCredential) calling DICOM in a later step. */
export async function pythonStep(
  em: Emulator,
  job: ServingJob,
  env: Record<string, string> = {}
): Promise<ClientResult> {
  return clientResult(await laterStep([PYTHON, join(CLIENTS, 'dicom_client.py')], em, job, env), job)
}

function clientResult(run: StepRun, job: ServingJob): ClientResult {
  if (run.exitCode !== 0)
    throw new Error(`the later step failed (${String(run.exitCode)})\n${run.stdout}\n${run.stderr}`)
  // The later step's output is the user's; still, nothing of the server's secrets may show there.
  expectNoLeaks({ ...job.main, stdout: run.stdout, stderr: run.stderr, outputFile: '', envFile: '', summary: '' }, [
    job.header
  ])
  const line = run.stdout.trim().split('\n').at(-1) ?? ''
  return JSON.parse(line) as ClientResult
}

/** The server's log file, while it runs (the post step removes it). */
export function serverLog(job: ServingJob): string {
  const path = join(job.dir, 'server.log')
  return existsSync(path) ? readFileSync(path, 'utf8') : ''
}

export function serverReport(job: ServingJob): Record<string, unknown> {
  return JSON.parse(readFileSync(join(job.dir, 'report.json'), 'utf8')) as Record<string, unknown>
}

/**
 * The server's report once it holds every answer given so far: the server writes it at most once a second, and the
 * last change of a burst at the end of that second.
 */
export async function settledServerReport(job: ServingJob): Promise<Record<string, unknown>> {
  await new Promise(done => setTimeout(done, 1_500))
  return serverReport(job)
}
