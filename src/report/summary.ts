// The job summary: who signed in, for what, and how each health check went, grouped by service. Never a token.
// core.summary writes HTML and does not escape text, and check errors hold server text, so every value is escaped
// here, and each table stays on one line: a blank line inside would end the HTML block and let Markdown in.

import * as core from '@actions/core'
import type { CheckResult, HealthReport, ServiceToken } from '../health/run.js'
import { escapeHtml } from '../lib/html.js'
import type { TargetKind } from '../target/read.js'
import { serviceOf } from '../target/services/registry.js'

const nameOf = (kind: TargetKind | undefined): string =>
  kind === undefined || kind === 'resource' ? 'resource' : serviceOf(kind).name

export function renderSummary(tokens: readonly ServiceToken[], report: HealthReport): string {
  const [first] = tokens
  const { appId, oid, tenantId } = first?.token.claims ?? {}
  const identity: [string, string][] = [
    ['Sign-in method', first?.token.signInMethod ?? 'unknown'],
    ['Application (client) ID', appId ?? 'unknown'],
    ['Object ID', oid ?? 'unknown'],
    ['Tenant', tenantId ?? 'unknown']
  ]
  // One service: its token in the same table; several: a table of tokens, one row each.
  if (tokens.length === 1 && first !== undefined) {
    identity.push(
      ['Resource', first.token.resource],
      ...(first.target.serviceUrl !== undefined ? [['Service URL', first.target.serviceUrl] as [string, string]] : []),
      ['Token expires', first.token.expiresOn.toISOString()]
    )
  }
  const lines = [
    '<h2>Azure Health Data Services access</h2>',
    table(
      ['', ''],
      identity.map(([name, value]) => [`<strong>${escapeHtml(name)}</strong>`, escapeHtml(value)])
    )
  ]
  if (tokens.length > 1) {
    lines.push(
      table(
        ['Service', 'Resource', 'Service URL', 'Token expires'],
        tokens.map(({ target, token }) =>
          [nameOf(target.kind), token.resource, target.serviceUrl ?? '', token.expiresOn.toISOString()].map(escapeHtml)
        )
      )
    )
  }
  lines.push(`<h3>Health: ${escapeHtml(report.health)}</h3>`)
  if (report.health === 'skipped') {
    lines.push('<p>No health checks were asked for.</p>')
    return lines.join('\n') + '\n'
  }
  const groups = groupByService(report.checks)
  for (const [kind, checks] of groups) {
    if (groups.size > 1) lines.push(`<h4>${escapeHtml(nameOf(kind))}</h4>`)
    lines.push(table(['Check', 'Expected', 'Status', 'Result', 'Attempts', 'Time', 'Details'], checks.map(checkRow)))
  }
  return lines.join('\n') + '\n'
}

/** The checks of each service together, services in the order their first check comes. */
function groupByService(checks: readonly CheckResult[]): Map<CheckResult['service'], CheckResult[]> {
  const groups = new Map<CheckResult['service'], CheckResult[]>()
  for (const check of checks) groups.set(check.service, [...(groups.get(check.service) ?? []), check])
  return groups
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
