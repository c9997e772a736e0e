// The post step: stops the job's token server, if this step started one, and reports what it served to the log and
// the job summary, each distinct renewal failure once as a warning. Never fails the job: the work is done by now.

import * as core from '@actions/core'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { isRecord } from '../lib/guards.js'
import { neutralizeCommands, oneLine } from '../lib/text.js'
import { processStartTime } from './process-start.js'
import { parseReport, renderServeSummary, reportLines } from './report.js'
import { LOG_FILE, REPORT_FILE, SERVER_STATE } from './handover.js'

const STOP_WAIT_MS = 5_000
const POLL_MS = 50

/** What the step saved: the server's pid and folder, and (on Linux) the start time that tells it from a later process
 *  given the same pid. */
interface ServerState {
  readonly pid: number
  readonly dir: string
  readonly startTime?: string
}

export async function runPost(): Promise<void> {
  const state = readState(core.getState(SERVER_STATE))
  if (state === undefined) return
  try {
    await stopAndReport(state)
  } catch (error) {
    core.warning(neutralizeCommands(`Stopping the token server failed: ${describe(error)}`))
  }
  try {
    rmSync(state.dir, { recursive: true, force: true })
  } catch (error) {
    // A mount inside it, or a virus scanner holding a file on Windows: the job's work is done all the same.
    core.warning(
      neutralizeCommands(
        `The token server's folder ${state.dir} could not be removed (${describe(error)}). It holds the server's log ` +
          'and report, no secret; remove it by hand on a runner that keeps its files between jobs.'
      )
    )
  }
}

async function stopAndReport(state: ServerState): Promise<void> {
  const before = parseReport(readText(join(state.dir, REPORT_FILE)))
  // The report says whether the process is still ours: a server that ended itself leaves its pid to others. One that
  // was ended without recording it (killed) may have left its pid to another process, which is never signalled.
  if (before !== undefined && before.pid === state.pid && before.endedAt === undefined) {
    if (isServer(state)) await stop(state)
    else core.info(`The token server (pid ${String(state.pid)}) had already ended; its pid is not signalled.`)
  }
  const report = parseReport(readText(join(state.dir, REPORT_FILE)))
  if (report === undefined) {
    core.warning('The token server left no report: it may have failed to start or been ended early.')
    return
  }
  for (const line of reportLines(report)) core.info(neutralizeCommands(line))
  for (const failure of report.failures) {
    core.warning(neutralizeCommands(`${failure.message}\n(${failure.count} × for ${failure.resource})`), {
      title: neutralizeCommands(`Token server: ${failure.title}`)
    })
  }
  showLog(join(state.dir, LOG_FILE))
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderServeSummary(report), true).write()
}

function describe(error: unknown): string {
  // Node 24 words some file system errors without their code (", Unknown error: Device or resource busy …").
  return error instanceof Error ? oneLine(error.message).replace(/^[\s,]+/, '') : 'unknown'
}

function readState(text: string): ServerState | undefined {
  if (text === '') return undefined
  try {
    const parsed: unknown = JSON.parse(text)
    if (isRecord(parsed) && typeof parsed.pid === 'number' && typeof parsed.dir === 'string') {
      return {
        pid: parsed.pid,
        dir: parsed.dir,
        ...(typeof parsed.startTime === 'string' ? { startTime: parsed.startTime } : {})
      }
    }
  } catch {
    // Not ours.
  }
  return undefined
}

/** Whether the pid still names the server: its start time where the step recorded one, else that it exists. */
function isServer(state: ServerState): boolean {
  if (state.startTime === undefined) return signal(state.pid, 0)
  return processStartTime(state.pid) === state.startTime
}

/** SIGTERM (the server writes its last report and closes its port), then SIGKILL if it has not gone in time; each
 *  signal only while the pid is still the server's. */
async function stop(state: ServerState): Promise<void> {
  if (!signal(state.pid, 'SIGTERM')) return
  const until = Date.now() + STOP_WAIT_MS
  while (Date.now() < until) {
    if (!isServer(state)) return
    await new Promise(resolve => setTimeout(resolve, POLL_MS))
  }
  if (isServer(state)) signal(state.pid, 'SIGKILL')
}

/** Sends the signal (0 only asks whether the process exists); false when there is no such process. */
function signal(pid: number, name: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, name)
    return true
  } catch {
    return false
  }
}

/** The server's own log, folded: what it renewed and refused, one plain line each. */
function showLog(path: string): void {
  const lines = readText(path)
    .split('\n')
    .filter(line => line.trim() !== '')
  if (lines.length === 0) return
  core.startGroup('Token server log')
  // One plain line each, with no workflow command of either syntax anywhere in it (a caller's text can reach the log).
  for (const line of lines.slice(-500)) core.info(neutralizeCommands(oneLine(line)))
  core.endGroup()
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}
