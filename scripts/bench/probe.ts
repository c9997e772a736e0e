// The module-load probe: loaded with --import in the memory runs only (it must not weigh on the timed runs). It
// records every module the process loads, with the wall-clock time, and the peak RSS at exit.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { type RunOptions, nodeBin } from '../../emulator/runner.ts'
import { distUrl } from './bundle.ts'

/** Probed runs per scenario, after the timed ones. */
export const PROBE_RUNS = 5

const PROBE_SOURCE = `
import { registerHooks } from 'node:module'
import { writeFileSync } from 'node:fs'
const loaded = []
registerHooks({ load(url, context, next) { loaded.push({ url, at: performance.timeOrigin + performance.now() }); return next(url, context) } })
process.on('exit', () => writeFileSync(process.env.BENCH_PROBE_OUT, JSON.stringify({
  start: performance.timeOrigin, exit: performance.timeOrigin + performance.now(), maxRssKb: process.resourceUsage().maxRSS, loaded
})))
`
const PROBE_URL = `data:text/javascript,${encodeURIComponent(PROBE_SOURCE)}`

export interface ProbeResult {
  readonly start: number
  readonly exit: number
  readonly maxRssKb: number
  readonly loaded: readonly { url: string; at: number }[]
}

/** A run with the probe loaded: the options to run it with, then what it found, then its scratch files removed. */
export interface Probing {
  readonly runOptions: RunOptions
  read(): ProbeResult
  dispose(): void
}

export function probing(runOptions: RunOptions): Probing {
  const dir = mkdtempSync(join(tmpdir(), 'ahds-bench-probe-'))
  const out = join(dir, 'probe.json')
  return {
    runOptions: {
      ...runOptions,
      env: { ...runOptions.env, BENCH_PROBE_OUT: out },
      prefix: [...(runOptions.prefix ?? [nodeBin]), '--import', PROBE_URL]
    },
    read: () => JSON.parse(readFileSync(out, 'utf8')) as ProbeResult,
    dispose: () => rmSync(dir, { recursive: true, force: true })
  }
}

/** The dist/ files a probed run loaded, in order. */
export function chunksOf(probe: ProbeResult): string[] {
  return probe.loaded.filter(m => m.url.startsWith(`${distUrl}/`)).map(m => basename(new URL(m.url).pathname))
}
