export interface CheckResult {
  readonly path: string
  readonly url: string
  readonly expected: readonly number[]
  /** The last status seen; absent when no answer came (timeout, reset, refused). */
  readonly status?: number
  readonly ok: boolean
  readonly attempts: number
  readonly durationMs: number
  /** What went wrong, for a failed check (plain text, may hold server text: pass only through @actions/core). */
  readonly error?: string
}

export type Health = 'healthy' | 'unhealthy' | 'skipped'

export interface HealthReport {
  readonly health: Health
  readonly checks: readonly CheckResult[]
}
