// The bench's command line: flags first, then BENCH_RUNS / BENCH_WARMUP from the environment, then the defaults.
import { join, resolve } from 'node:path'
import { repoRoot } from '../../emulator/runner.ts'

export interface Options {
  /** Timed rounds per scenario. */
  readonly runs: number
  /** Untimed rounds before them, so that caches and the emulator are warm. */
  readonly warmup: number
  /** false: never enter the private network namespace (--no-namespace). */
  readonly namespace: boolean
  /** Where the report goes; bench/RESULTS.md by default. */
  readonly out: string
  /** Another bundle's entry (--against FILE), run in the same rounds for a paired comparison. */
  readonly against?: string
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  const count = (flag: string, envName: string, fallback: number): number => {
    const i = argv.indexOf(flag)
    const text = i >= 0 ? argv[i + 1] : env[envName]
    if (text === undefined || text === '') return fallback
    const n = Number(text)
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} / ${envName}: not a whole number: ${text}`)
    return n
  }
  const runs = count('--runs', 'BENCH_RUNS', 15)
  if (runs < 1) throw new Error('--runs must be at least 1')
  const outAt = argv.indexOf('--out')
  const out = outAt >= 0 ? argv[outAt + 1] : undefined
  if (outAt >= 0 && (out === undefined || out === '')) throw new Error('--out needs a file name')
  const againstAt = argv.indexOf('--against')
  const against = againstAt >= 0 ? argv[againstAt + 1] : env.BENCH_AGAINST
  if (againstAt >= 0 && (against === undefined || against === '')) throw new Error('--against needs a bundle entry')
  return {
    ...(against === undefined || against === '' ? {} : { against: resolve(against) }),
    runs,
    warmup: count('--warmup', 'BENCH_WARMUP', 2),
    namespace: !argv.includes('--no-namespace'),
    out: out === undefined ? join(repoRoot, 'bench/RESULTS.md') : resolve(out)
  }
}
