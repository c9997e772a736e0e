// The job summary: who signed in, for what, and how each health check went. Never the token.
// core.summary writes HTML and does not escape text, and check errors hold server text, so every value is escaped
// here, and each table stays on one line: a blank line inside would end the HTML block and let Markdown in.

import * as core from '@actions/core'
import type { CheckResult, HealthReport } from '../health/run.js'
import type { IssuedToken } from '../signin/issued-token.js'
import type { Target } from '../target/read.js'

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '`': '&#96;'
}

/** Text as inert HTML: markup characters, Markdown table pipes and backticks escaped; line breaks kept as <br>. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'|`]/g, char => ENTITIES[char] ?? char).replace(/\r\n|\r|\n/g, '<br>')
}

export function renderSummary(token: IssuedToken, target: Target, report: HealthReport): string {
  const { appId, oid, tenantId } = token.claims
  const identity: [string, string][] = [
    ['Sign-in method', token.signInMethod],
    ['Application (client) ID', appId ?? 'unknown'],
    ['Object ID', oid ?? 'unknown'],
    ['Tenant', tenantId ?? 'unknown'],
    ['Resource', token.resource],
    ...(target.serviceUrl !== undefined ? [['Service URL', target.serviceUrl] as [string, string]] : []),
    ['Token expires', token.expiresOn.toISOString()]
  ]
  const lines = [
    '<h2>Azure Health Data Services access</h2>',
    table(
      ['', ''],
      identity.map(([name, value]) => [`<strong>${escapeHtml(name)}</strong>`, escapeHtml(value)])
    ),
    `<h3>Health: ${escapeHtml(report.health)}</h3>`
  ]
  if (report.health === 'skipped') {
    lines.push('<p>No health checks were asked for.</p>')
  } else {
    lines.push(
      table(['Check', 'Expected', 'Status', 'Result', 'Attempts', 'Time', 'Details'], report.checks.map(checkRow))
    )
  }
  return lines.join('\n') + '\n'
}

function checkRow(check: CheckResult): string[] {
  return [
    `<code>${escapeHtml(check.path)}</code><br>${escapeHtml(check.url)}`,
    escapeHtml(check.expected.join(', ')),
    escapeHtml(check.status !== undefined ? String(check.status) : 'no answer'),
    check.ok ? '✅ pass' : '❌ fail',
    escapeHtml(String(check.attempts)),
    escapeHtml(`${String(check.durationMs)} ms`),
    escapeHtml(check.error ?? '')
  ]
}

/** Cells are HTML already escaped by the caller; headers are plain text. */
function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = headers.some(header => header !== '')
    ? `<tr>${headers.map(header => `<th>${escapeHtml(header)}</th>`).join('')}</tr>`
    : ''
  const body = rows.map(row => `<tr>${row.map(cell => `<td>${cell}</td>`).join('')}</tr>`).join('')
  return `<table>${head}${body}</table>`
}

/** Appends to the job summary; outside a runner (no GITHUB_STEP_SUMMARY) there is nowhere to write. */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(markdown, true).write()
}
