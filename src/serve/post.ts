// The post step: stops the job's token server, if this step started one, and reports what it served to the log and
// the job summary, each distinct renewal failure once as a warning. Never fails the job: the work is done by now.

import * as core from '@actions/core'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { isRecord } from '../lib/guards.js'
import { neutralizeCommands, oneLine } from '../lib/text.js'
import { parseReport, renderServeSummary, reportLines } from './report.js'
import { LOG_FILE, REPORT_FILE, SERVER_STATE } from './handover.js'

const STOP_WAIT_MS = 5_000
const POLL_MS = 50

export async function runPost(): Promise<void> {
  const state = readState(core.getState(SERVER_STATE))
  if (state === undefined) return
  try {
    const before = parseReport(readText(join(state.dir, REPORT_FILE)))
    // The report says whether the process is still ours: a server that ended itself leaves its pid to others.
    if (before !== undefined && before.pid === state.pid && before.endedAt === undefined) await stop(state.pid)
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
  } catch (error) {
    core.warning(`Stopping the token server failed: ${error instanceof Error ? oneLine(error.message) : 'unknown'}`)
  } finally {
    rmSync(state.dir, { recursive: true, force: true })
  }
}

function readState(text: string): { pid: number; dir: string } | undefined {
  if (text === '') return undefined
  try {
    const parsed: unknown = JSON.parse(text)
    if (isRecord(parsed) && typeof parsed.pid === 'number' && typeof parsed.dir === 'string') {
      return { pid: parsed.pid, dir: parsed.dir }
    }
  } catch {
    // Not ours.
  }
  return undefined
}

/** SIGTERM (the server writes its last report and closes its port), then SIGKILL if it has not gone in time. */
async function stop(pid: number): Promise<void> {
  if (!signal(pid, 'SIGTERM')) return
  const until = Date.now() + STOP_WAIT_MS
  while (Date.now() < until) {
    if (!alive(pid)) return
    await new Promise(resolve => setTimeout(resolve, POLL_MS))
  }
  signal(pid, 'SIGKILL')
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

const alive = (pid: number): boolean => signal(pid, 0)

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
