// The emulated GitHub runner: runs the bundled action the way the runner does, a fresh process, inputs as
// INPUT_<NAME> variables, and the file commands (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STEP_SUMMARY) in a fresh
// RUNNER_TEMP; and reads back what it wrote. Used by the end-to-end tests, the demo and the bench.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decodeJwt } from './jwt.ts'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** The bundle under test: dist/index.js, or a scratch build named by ACTION_ENTRY. */
export const actionEntry = resolve(repoRoot, process.env.ACTION_ENTRY ?? 'dist/index.js')

/** Node 24: jest runs on it through the npm scripts, and the namespace scripts start it explicitly. */
export const nodeBin = process.execPath

/** Windows has no process groups or POSIX signals: a run over its limit ends its own process only. */
const windows = process.platform === 'win32'

/** What every Windows process expects (SystemRoot, for one, for sockets and crypto); POSIX passes none of them. */
const WINDOWS_BASE_ENV: readonly string[] = ['SystemRoot', 'windir', 'ComSpec', 'PATHEXT', 'TEMP', 'TMP', 'USERPROFILE']

export interface RunOptions {
  /** Action inputs by their action.yml names (`client-id`); empty strings are passed like the runner does. */
  readonly inputs?: Readonly<Record<string, string>>
  /** Extra environment, typically the emulator's env() plus sign-in variables. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Hard limit for the whole run: the process group (on Windows, the process) is killed and the run fails. */
  readonly timeoutMs?: number
  /** Command run instead of `node <entry>` (the entry is appended), e.g. a namespace wrapper. */
  readonly prefix?: readonly string[]
  /** The state an earlier run of the same step saved: set, the run is that step's post step (STATE_<name>). */
  readonly state?: Readonly<Record<string, string>>
  /** The job's RUNNER_TEMP, shared by its steps and left for the caller to remove; by default one per run. */
  readonly runnerTemp?: string
}

export interface ActionRun {
  readonly exitCode: number | null
  readonly signal: NodeJS.Signals | null
  readonly timedOut: boolean
  readonly stdout: string
  readonly stderr: string
  readonly outputs: Readonly<Record<string, string>>
  readonly exportedEnv: Readonly<Record<string, string>>
  /** Raw file contents, for the leak scan. */
  readonly outputFile: string
  readonly envFile: string
  readonly summary: string
  /** What the step saved for its post step (GITHUB_STATE). */
  readonly state?: Readonly<Record<string, string>>
  readonly durationMs: number
  /** When the process ended (ms since the Unix epoch), to time it against the emulator's request log. */
  readonly endedAt: number
  /** The names the export-variable input gives (one, or a `service: NAME` line each): their lines in the env file
   *  may carry a token. */
  readonly exportVariables?: readonly string[]
}

export const DEFAULT_RUN_TIMEOUT_MS = 45_000

/** Runs the action once and collects everything it wrote. Rejects only when the run could not start. */
export async function runAction(options: RunOptions = {}): Promise<ActionRun> {
  const runnerTemp = options.runnerTemp ?? (await mkdtemp(join(tmpdir(), 'ahds-e2e-')))
  // The step's own file-command files, as the runner makes them per step.
  const files = await mkdtemp(join(runnerTemp, 'file-commands-'))
  const outputPath = join(files, 'github_output')
  const envPath = join(files, 'github_env')
  const summaryPath = join(files, 'step_summary')
  const statePath = join(files, 'github_state')
  await Promise.all([outputPath, envPath, summaryPath, statePath].map(path => writeFile(path, '')))
  try {
    const env = childEnv(options, { runnerTemp, outputPath, envPath, summaryPath, statePath })
    const command = [...(options.prefix ?? [nodeBin]), actionEntry]
    const started = performance.now()
    const result = await spawnWithLimit(command, env, options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS)
    const durationMs = Math.round(performance.now() - started)
    const endedAt = Date.now()
    const [outputFile, envFile, summary, stateFile] = await Promise.all([
      readFile(outputPath, 'utf8'),
      readFile(envPath, 'utf8'),
      readFile(summaryPath, 'utf8'),
      readFile(statePath, 'utf8')
    ])
    const exportVariables = (options.inputs?.['export-variable'] ?? '')
      .split(/\r?\n/)
      .map(line => line.replace(/^\s*[a-z]+:/i, '').trim())
      .filter(name => name !== '')
    return {
      ...result,
      outputs: parseFileCommand(outputFile),
      exportedEnv: parseFileCommand(envFile),
      outputFile,
      envFile,
      summary,
      state: parseFileCommand(stateFile),
      durationMs,
      endedAt,
      ...(exportVariables.length > 0 ? { exportVariables } : {})
    }
  } finally {
    await rm(options.runnerTemp === undefined ? runnerTemp : files, { recursive: true, force: true })
  }
}

interface RunnerFiles {
  readonly runnerTemp: string
  readonly outputPath: string
  readonly envPath: string
  readonly summaryPath: string
  readonly statePath?: string
}

/** Built from scratch: the jest process's own environment (NODE_OPTIONS, CI, ...) must not leak into the action. */
export function childEnv(options: RunOptions, files: RunnerFiles): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? files.runnerTemp,
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: files.runnerTemp,
    GITHUB_OUTPUT: files.outputPath,
    GITHUB_ENV: files.envPath,
    GITHUB_STEP_SUMMARY: files.summaryPath,
    ...(files.statePath === undefined ? {} : { GITHUB_STATE: files.statePath })
  }
  if (windows) {
    for (const name of WINDOWS_BASE_ENV) {
      const value = process.env[name]
      if (value !== undefined) env[name] = value
    }
  }
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    // The runner upper-cases the name and keeps hyphens (INPUT_CLIENT-ID); spaces would become underscores.
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) Reflect.deleteProperty(env, name)
    else env[name] = value
  }
  return env
}

interface ProcessResult {
  readonly exitCode: number | null
  readonly signal: NodeJS.Signals | null
  readonly timedOut: boolean
  readonly stdout: string
  readonly stderr: string
}

export function spawnWithLimit(
  command: readonly string[],
  env: Record<string, string>,
  timeoutMs: number
): Promise<ProcessResult> {
  const [file, ...args] = command
  if (file === undefined) return Promise.reject(new Error('empty command'))
  return new Promise((resolvePromise, reject) => {
    // Its own process group, so a timeout also ends whatever the action started (az, a wrapper's children). On
    // Windows, detached would open a console window instead, and there is no group to kill.
    const child = spawn(file, args, { env, detached: !windows, stdio: ['ignore', 'pipe', 'pipe'] })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    let timedOut = false
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    const timer = setTimeout(() => {
      timedOut = true
      if (windows) child.kill('SIGKILL')
      else killGroup(child.pid)
    }, timeoutMs)
    child.on('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer)
      resolvePromise({
        exitCode,
        signal,
        timedOut,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8')
      })
    })
  })
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

/**
 * Parses the file-command format @actions/core writes: `name<<DELIMITER\nvalue\nDELIMITER\n` (and the legacy
 * `name=value` line). Throws on a malformed file: a broken file is a finding, not something to skip.
 */
export function parseFileCommand(text: string): Record<string, string> {
  const result: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (line === '') continue
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name = '', delimiter] = heredoc
      const end = lines.indexOf(delimiter ?? '', i + 1)
      if (end < 0) throw new Error(`file command ${name}: delimiter never closed`)
      result[name] = lines.slice(i + 1, end).join('\n')
      i = end
      continue
    }
    const eq = line.indexOf('=')
    if (eq <= 0) throw new Error(`file command: cannot parse line ${JSON.stringify(line)}`)
    result[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return result
}

/** Workflow commands (`::name ...::message`) on stdout, in order. */
export function workflowCommands(stdout: string): { command: string; line: string }[] {
  return stdout
    .split(/\r?\n/)
    .filter(line => line.startsWith('::'))
    .map(line => ({ command: /^::([^\s:]+)/.exec(line)?.[1] ?? '', line }))
}

export interface DecodedCommand {
  /** The command's name: error, warning, add-mask, ... */
  readonly kind: string
  readonly title?: string
  readonly message: string
}

const COMMAND_ESCAPES: Readonly<Record<string, string>> = {
  '%0D': '\r',
  '%0A': '\n',
  '%3A': ':',
  '%2C': ',',
  '%25': '%'
}

// One pass, so that an escaped percent sign ("%250A") is not decoded twice.
/** A workflow command's text as the runner shows it: @actions/core's escapes decoded, in one pass. */
export const unescapeCommand = (text: string): string =>
  text.replace(/%(?:0D|0A|3A|2C|25)/g, e => COMMAND_ESCAPES[e] ?? e)

/**
 * A workflow command line as the runner reads it (`::kind key=value,...::message`), with its title property and
 * message unescaped; undefined for any other line.
 */
export function decodeCommand(line: string): DecodedCommand | undefined {
  const match = /^::([^\s:]+)(?: ([^:]*))?::(.*)$/.exec(line)
  if (!match) return undefined
  const [, kind = '', properties = '', message = ''] = match
  const title = properties
    .split(',')
    .find(property => property.startsWith('title='))
    ?.slice('title='.length)
  return { kind, ...(title === undefined ? {} : { title: unescapeCommand(title) }), message: unescapeCommand(message) }
}

/** The commands the action itself issues; anything else starting with `::` would be an injected command. */
export const OWN_COMMANDS: ReadonlySet<string> = new Set([
  'add-mask',
  'error',
  'warning',
  'notice',
  'debug',
  'group',
  'endgroup'
])

/** A short, secret-free description of a run for failure messages. */
export function describeRun(run: ActionRun): string {
  return [
    `exit ${String(run.exitCode)}${run.signal ? ` (${run.signal})` : ''}${run.timedOut ? ' TIMED OUT' : ''} ` +
      `in ${run.durationMs} ms`,
    '--- stdout',
    run.stdout.replace(/^::add-mask::.*$/gm, '::add-mask::***'),
    '--- stderr',
    run.stderr,
    '--- outputs',
    JSON.stringify({ ...run.outputs, token: run.outputs.token === undefined ? undefined : '***' })
  ].join('\n')
}

/** A JWT's payload, not verified: the e2e tests check claims, the emulator checks signatures. Throws on a non-JWT. */
export function jwtClaims(token: string): Record<string, unknown> {
  const decoded = decodeJwt(token)
  if (decoded === undefined) throw new Error('not a JWT')
  return decoded.payload
}
