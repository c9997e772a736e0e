// The supply-chain rules every workflow and example is held to (__tests__/repo/workflows.test.ts): how each action is
// pinned, and which job may hold which write permission. Pure functions over the YAML text and its parsed form, so a
// test can show that each rule fires.
import { isRecord } from '../../src/lib/guards.js'

/** How the README and the examples refer to the published action. */
export const PUBLISHED_ACTION = /^[\w.-]+\/azure-health-data-services-token@/

/** A `uses:` line: the reference and the comment after it, if any. */
export interface UsesLine {
  readonly line: number
  readonly ref: string
  readonly comment: string | undefined
}

export function usesLines(text: string): UsesLine[] {
  return text.split('\n').flatMap((source, index) => {
    const match = /^\s*(?:-\s+)?uses:\s*['"]?([^'"\s#]+)['"]?\s*(?:#\s*(.*?))?\s*$/.exec(source)
    return match ? [{ line: index + 1, ref: match[1] ?? '', comment: match[2] }] : []
  })
}

/**
 * Why each reference breaks the pinning rule: a local action or workflow (`./`) is fine; GitHub's own `actions/*` may
 * stay on a major tag (`@v6`) or be pinned; every other action is pinned to a full 40-hex commit SHA, with its
 * version in a comment after it (`# v4.36.2`), so that Dependabot and a reviewer can read what the SHA is.
 * `ownAction` lets the examples refer to this action by its major tag, as its users do.
 */
export function pinningProblems(text: string, options: { readonly ownAction?: RegExp } = {}): string[] {
  return usesLines(text).flatMap(({ line, ref, comment }) => {
    if (ref.startsWith('./')) return []
    if (options.ownAction?.test(ref) === true) return []
    const at = ref.lastIndexOf('@')
    const name = at < 0 ? ref : ref.slice(0, at)
    const version = at < 0 ? '' : ref.slice(at + 1)
    const where = `line ${String(line)}: ${ref}`
    if (/^actions\/[\w.-]+$/.test(name)) {
      return /^(v\d+|[0-9a-f]{40})$/.test(version) ? [] : [`${where} (GitHub's own: a major tag or a commit SHA)`]
    }
    if (!/^[0-9a-f]{40}$/.test(version)) return [`${where} (not pinned to a full commit SHA)`]
    if (!/^v\d+\.\d+\.\d+$/.test(comment ?? '')) return [`${where} (no "# vX.Y.Z" comment naming the version)`]
    return []
  })
}

/** `action@version` → the SHA it is pinned to, per file; the same version must be the same SHA everywhere. */
export function pinnedVersions(text: string): Map<string, string> {
  const pins = new Map<string, string>()
  for (const { ref, comment } of usesLines(text)) {
    const match = /^([^@]+)@([0-9a-f]{40})$/.exec(ref)
    const repository = match?.[1]?.split('/').slice(0, 2).join('/')
    if (match && repository && comment) pins.set(`${repository}@${comment}`, match[2] ?? '')
  }
  return pins
}

interface Step {
  readonly uses?: string
  readonly run?: string
  readonly with?: unknown
}

export function jobsOf(workflow: unknown): [string, Record<string, unknown>][] {
  if (!isRecord(workflow) || !isRecord(workflow['jobs'])) return []
  return Object.entries(workflow['jobs']).filter((entry): entry is [string, Record<string, unknown>] =>
    isRecord(entry[1])
  )
}

export function stepsOf(job: Record<string, unknown>): Step[] {
  const steps = job['steps']
  return Array.isArray(steps) ? steps.filter(isRecord).map(step => step as Step) : []
}

const usesAction = (job: Record<string, unknown>, pattern: RegExp): boolean =>
  stepsOf(job).some(step => pattern.test(step.uses ?? ''))
const runs = (job: Record<string, unknown>, pattern: RegExp): boolean =>
  stepsOf(job).some(step => pattern.test(step.run ?? ''))

/** Each write permission, and the steps that justify it in a job: nothing else may hold it. */
const WRITE_NEEDS: Record<
  string,
  { readonly why: string; readonly needed: (job: Record<string, unknown>) => boolean }
> = {
  'id-token': {
    why: 'an OIDC sign-in (this action, azure/login), a provenance attestation or a published Scorecard',
    needed: job =>
      usesAction(job, PUBLISHED_ACTION) ||
      usesAction(job, /^azure\/login@/i) ||
      usesAction(job, /^actions\/attest-build-provenance@/) ||
      usesAction(job, /^ossf\/scorecard-action@/)
  },
  attestations: {
    why: 'a provenance attestation',
    needed: job => usesAction(job, /^actions\/attest-build-provenance@/)
  },
  'security-events': {
    why: 'an upload to code scanning (CodeQL, SARIF)',
    needed: job => usesAction(job, /^github\/codeql-action\/(analyze|upload-sarif)@/)
  },
  contents: {
    why: 'a release: creating it and moving the major tag',
    needed: job => runs(job, /\bgh release create\b/) && runs(job, /\bmove-major-tag\b/)
  },
  issues: {
    why: 'opening an issue about a failed run',
    needed: job => runs(job, /\bgh issue (create|comment)\b/)
  }
}

/**
 * Why the workflow's permissions are not least privilege: at the top nothing or `contents: read`; in a job, each
 * write only beside the step that needs it (WRITE_NEEDS), never `write-all`; a called workflow gets reads only.
 */
export function permissionProblems(workflow: unknown): string[] {
  const problems: string[] = []
  const top = isRecord(workflow) ? workflow['permissions'] : undefined
  const topIsMinimal =
    isRecord(top) &&
    Object.entries(top).every(([scope, level]) => scope === 'contents' && level === 'read') &&
    Object.keys(top).length <= 1
  if (!topIsMinimal) problems.push(`top level: ${JSON.stringify(top)} (want {} or { contents: read })`)
  for (const [name, job] of jobsOf(workflow)) {
    const permissions = job['permissions'] ?? {}
    if (!isRecord(permissions)) {
      problems.push(`${name}: ${JSON.stringify(permissions)} (list the scopes it needs)`)
      continue
    }
    for (const [scope, level] of Object.entries(permissions)) {
      if (level !== 'write') continue
      const rule = WRITE_NEEDS[scope]
      if (typeof job['uses'] === 'string') problems.push(`${name}: ${scope}: write for a called workflow`)
      else if (!rule) problems.push(`${name}: ${scope}: write, which no step of this project needs`)
      else if (!rule.needed(job)) problems.push(`${name}: ${scope}: write without ${rule.why}`)
    }
  }
  return problems
}
