// Starts the job's token server: the same bundle in a detached process with its own stdio (a log file), so the step
// can end while it runs; the secrets through its stdin, an anonymous pipe closed once written; its port back on a
// second pipe. Then exports IDENTITY_ENDPOINT and IDENTITY_HEADER (masked) to later steps, and saves what the post
// step needs to stop it.

import * as core from '@actions/core'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { ActionError } from '../errors.js'
import { neutralizeCommands, sanitizeServerText } from '../lib/text.js'
import type { IssuedToken } from '../signin/issued-token.js'
import type { SignIn } from '../signin/registry.js'
import { type Handover, LOG_FILE, SERVER_STATE } from './handover.js'
import { processStartTime } from './process-start.js'
import { ENDPOINT_PATH } from './protocol.js'
import { SERVER_MARKER_VARIABLE, type ServeConfig } from './read.js'
import { SERVER_ARGUMENT } from './role.js'

type Env = Readonly<Record<string, string | undefined>>

/** The runner's OIDC request token lives about 6 h 10 min, a hosted job at most 6 h: nothing is left to serve after. */
export const SERVER_LIFETIME_MS = (6 * 60 + 15) * 60 * 1000
const START_TIMEOUT_MS = 15_000

export interface ServedSignIn {
  readonly signIn: SignIn
  readonly authorityHost: string
  readonly secrets: readonly string[]
}

/** `tokens`: the step's own, which name the identity the server serves. */
export async function serveTokens(
  serve: ServeConfig,
  signIn: ServedSignIn,
  tokens: readonly { readonly token: IssuedToken }[]
): Promise<void> {
  // 256 bits, masked before it is written anywhere.
  const header = randomBytes(32).toString('base64url')
  core.setSecret(header)
  const dir = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'ahds-token-server-'))
  const handover = buildHandover(serve, signIn, tokens, { header, dir, env: process.env, now: Date.now() })
  const { pid, port } = await startServerProcess(handover)

  const endpoint = `http://127.0.0.1:${port}${ENDPOINT_PATH}`
  core.exportVariable('IDENTITY_ENDPOINT', endpoint)
  core.exportVariable('IDENTITY_HEADER', header)
  core.exportVariable(SERVER_MARKER_VARIABLE, JSON.stringify({ step: serve.step, resources: serve.resources }))
  // With the process's start time, the post step can tell the server from a later process given the same pid.
  const startTime = processStartTime(pid)
  core.saveState(SERVER_STATE, JSON.stringify({ pid, dir, ...(startTime === undefined ? {} : { startTime }) }))
  core.info(
    neutralizeCommands(
      `Serving fresh tokens to later steps of this job at IDENTITY_ENDPOINT ${endpoint} for ${serve.resources.join(', ')}` +
        ' (until the post step, at most 6 h 15 min)'
    )
  )
}

/**
 * The hand-over, field by field: only what its type declares goes down the pipe, whatever else the caller's objects
 * hold (a whole configuration passed as the sign-in, say).
 */
export function buildHandover(
  serve: Pick<ServeConfig, 'resources'>,
  signIn: ServedSignIn,
  tokens: readonly { readonly token: Pick<IssuedToken, 'claims'> }[],
  made: { readonly header: string; readonly dir: string; readonly env: Env; readonly now: number }
): Handover {
  const claims = tokens[0]?.token.claims ?? {}
  const oidcUrl = made.env.ACTIONS_ID_TOKEN_REQUEST_URL
  const oidcToken = made.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  return {
    signIn: signIn.signIn,
    authorityHost: signIn.authorityHost,
    secrets: signIn.secrets,
    resources: serve.resources,
    ...(claims.appId === undefined ? {} : { clientId: claims.appId }),
    ...(claims.oid === undefined ? {} : { objectId: claims.oid }),
    header: made.header,
    ...(oidcUrl && oidcToken ? { oidc: { url: oidcUrl, token: oidcToken } } : {}),
    endsAt: made.now + SERVER_LIFETIME_MS,
    dir: made.dir
  }
}

async function startServerProcess(handover: Handover): Promise<{ pid: number; port: number }> {
  const logPath = join(handover.dir, LOG_FILE)
  const logFd = openSync(logPath, 'a', 0o600)
  // process.argv[1] is the bundle the runner started: the server is the same code, in its own role.
  const child = spawn(process.execPath, [process.argv[1] ?? '', SERVER_ARGUMENT], {
    detached: true,
    stdio: ['pipe', logFd, logFd, 'pipe'],
    env: serverEnv(process.env),
    windowsHide: true
  })
  closeSync(logFd)
  // A server that dies at once breaks the pipe: that is reported below, from its exit.
  child.stdin?.on('error', () => undefined)
  child.stdin?.end(JSON.stringify(handover))
  const ended = new Promise<unknown>(resolve => {
    child.once('exit', code => resolve(`it exited with ${String(code)}`))
    child.once('error', error => resolve(error.message))
  })
  try {
    const port = await readPort(child.stdio[3] as Readable, ended)
    if (child.pid === undefined) throw new Error('no process id')
    return { pid: child.pid, port }
  } catch (error) {
    child.kill()
    const said = error instanceof Error ? error.message : String(error)
    throw new ActionError(
      'Token server did not start',
      [
        `serve-tokens: the token server did not start (${said}).`,
        `Its log: ${sanitizeServerText(readLog(logPath), handover.secrets, 2000) || '(empty)'}`
      ].join('\n')
    )
  } finally {
    // The step must not wait for the server: no pipe, no reference keeps this process alive.
    ;(child.stdio[3] as Readable | null)?.destroy()
    child.unref()
  }
}

function readPort(ready: Readable, exited: Promise<unknown>): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = ''
    const timer = setTimeout(() => reject(new Error(`no answer within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS)
    ready.setEncoding('utf8')
    ready.on('data', (chunk: string) => {
      text += chunk
      const line = text.split('\n', 1)[0]
      if (!text.includes('\n') || line === undefined) return
      clearTimeout(timer)
      const port = (JSON.parse(line) as { port?: unknown }).port
      if (typeof port === 'number' && Number.isInteger(port) && port > 0) resolve(port)
      else reject(new Error('it announced no port'))
    })
    ready.on('error', () => undefined)
    void exited.then(why => {
      clearTimeout(timer)
      reject(new Error(String(why)))
    })
  })
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(-2000)
  } catch {
    return ''
  }
}

/**
 * The server's environment: the step's, without anything secret or step-bound. The secrets it needs come through the
 * pipe. RUNNER_TRACKING_ID stays: the runner ends the job's leftover processes by it.
 */
export function serverEnv(env: Env): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !keep(name)) continue
    kept[name] = value
  }
  return kept
}

/** The step's inputs and state, its file commands, anything named as a secret, and switches that log too much. */
const DROPPED =
  /^(INPUT_|STATE_)|^GITHUB_(ENV|OUTPUT|STATE|PATH|STEP_SUMMARY)$|SECRET|PASSWORD|TOKEN|CREDENTIAL|^ACTIONS_|^(AZURE_LOG_LEVEL|DEBUG|NODE_DEBUG)$/i

function keep(name: string): boolean {
  return name === 'RUNNER_TRACKING_ID' || !DROPPED.test(name)
}
