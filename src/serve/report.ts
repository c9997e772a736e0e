// What the token server served, counted per resource: answers, renewals (new tokens it signed in for, its first
// included) and failures, the refused requests and connections by status and reason, and each distinct renewal
// failure once. Kept by the
// server, read by the post step, shown in the log and the job summary. Never a token or the header.

import { isRecord } from '../lib/guards.js'
import { escapeHtml } from '../lib/html.js'

export interface ResourceCounts {
  answers: number
  renewals: number
  failures: number
}

export interface RenewalFailure {
  readonly resource: string
  readonly title: string
  readonly message: string
  count: number
}

export interface ServeReport {
  readonly pid: number
  readonly startedAt: string
  /** When it ends at the latest. */
  readonly endsAt: string
  /** Set when the server has ended, and why (stopped by the post step, its time limit). */
  endedAt?: string
  endReason?: string
  readonly resources: Record<string, ResourceCounts>
  /** Refused requests and connections: by HTTP status, then by reason (a fixed phrase, never a caller's text). */
  readonly refused: Record<string, Record<string, number>>
  readonly failures: RenewalFailure[]
}

/** Bounds the failures kept: each distinct one is shown, a flood of different ones is not. */
const MAX_DISTINCT_FAILURES = 10

export function newReport(resources: readonly string[], pid: number, now: Date, endsAt: Date): ServeReport {
  return {
    pid,
    startedAt: now.toISOString(),
    endsAt: endsAt.toISOString(),
    resources: Object.fromEntries(resources.map(r => [r, { answers: 0, renewals: 0, failures: 0 }])),
    refused: {},
    failures: []
  }
}

export function countAnswer(report: ServeReport, resource: string, renewed: boolean): void {
  const counts = report.resources[resource]
  if (counts === undefined) return
  counts.answers++
  if (renewed) counts.renewals++
}

export function countRefusal(report: ServeReport, status: number, reason: string): void {
  const byReason = (report.refused[String(status)] ??= {})
  byReason[reason] = (byReason[reason] ?? 0) + 1
}

/** Each status and reason with its count, most frequent first. */
function refusals(report: ServeReport): { status: string; reason: string; count: number }[] {
  return Object.entries(report.refused)
    .flatMap(([status, byReason]) => Object.entries(byReason).map(([reason, count]) => ({ status, reason, count })))
    .sort((a, b) => b.count - a.count)
}

/** Counts a failed renewal; true when it is a new kind of failure (worth a line in the server's log). */
export function countFailure(report: ServeReport, resource: string, title: string, message: string): boolean {
  const counts = report.resources[resource]
  if (counts !== undefined) counts.failures++
  // Trace and correlation IDs and times differ on every attempt: the kind of failure is its title and first line.
  const kind = (text: string): string => text.split('\n', 1)[0] ?? ''
  const seen = report.failures.find(
    f => f.resource === resource && f.title === title && kind(f.message) === kind(message)
  )
  if (seen !== undefined) {
    seen.count++
    return false
  }
  if (report.failures.length < MAX_DISTINCT_FAILURES) report.failures.push({ resource, title, message, count: 1 })
  return true
}

/** One line per resource for the log. */
export function reportLines(report: ServeReport): string[] {
  const lines = Object.entries(report.resources).map(
    ([resource, c]) =>
      `Token server: ${plural(c.answers, 'answer')} for ${resource} (${plural(c.renewals, 'renewal')}, ` +
      `${plural(c.failures, 'failure')})`
  )
  const refused = refusals(report)
  if (refused.length > 0) {
    lines.push(
      `Token server: refused ${refused.map(r => `${plural(r.count, 'request')} with ${r.status} (${r.reason})`).join(', ')}`
    )
  }
  return lines
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** The job summary's section: a table of the counts per resource, and the refusals. */
export function renderServeSummary(report: ServeReport): string {
  const rows = Object.entries(report.resources)
    .map(
      ([resource, c]) =>
        `<tr><td>${escapeHtml(resource)}</td><td>${c.answers}</td><td>${c.renewals}</td><td>${c.failures}</td></tr>`
    )
    .join('')
  const refused = refusals(report)
    .map(r => `${r.count} × ${escapeHtml(r.status)} (${escapeHtml(r.reason)})`)
    .join(', ')
  return (
    [
      '<h3>Token server</h3>',
      `<p>Served later steps from ${escapeHtml(report.startedAt)} to ${escapeHtml(report.endedAt ?? 'the end of the job')}` +
        `${report.endReason ? ` (${escapeHtml(report.endReason)})` : ''}.</p>`,
      `<table><tr><th>Resource</th><th>Answers</th><th>Renewals</th><th>Failures</th></tr>${rows}</table>`,
      refused === '' ? '<p>No request was refused.</p>' : `<p>Refused requests: ${refused}.</p>`
    ].join('\n') + '\n'
  )
}

/** The report file as the server wrote it; undefined when it is missing or not one. */
export function parseReport(text: string): ServeReport | undefined {
  try {
    const parsed: unknown = JSON.parse(text)
    if (!isRecord(parsed) || typeof parsed.pid !== 'number' || !isRecord(parsed.resources)) return undefined
    if (!isRecord(parsed.refused) || !Object.values(parsed.refused).every(isRecord)) return undefined
    if (!Array.isArray(parsed.failures)) return undefined
    return parsed as unknown as ServeReport
  } catch {
    return undefined
  }
}
