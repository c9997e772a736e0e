// `npm run bench`: wall time, requests, peak memory and bundle size of the action against the local emulator, next to
// `node -e 0` and the Azure CLI. Writes bench/RESULTS.md and prints the same Markdown.
//
//   node scripts/bench/main.ts [--runs N] [--warmup N] [--no-namespace] [--out FILE] [--against FILE]
//   BENCH_RUNS=N, BENCH_WARMUP=N       the same as the flags
//   ACTION_ENTRY=/tmp/x/index.js       measure a scratch build instead of dist/index.js
//   --against /tmp/y/index.js, BENCH_AGAINST=...   also run that bundle in the same rounds, paired with this one
//
// As root with unshare, the bench runs itself again inside a private network namespace (namespace.ts), which adds
// the shipped-defaults sign-in and the Azure CLI rows.
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, freemem, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator } from '../../emulator/index.ts'
import { actionEntry } from '../../emulator/runner.ts'
import { analyse } from './analysis.ts'
import { distSizes } from './bundle.ts'
import { type LibraryFloor, bundleLibraryFloor } from './library-floor-bundle.ts'
import { azVersion, machine } from './machine.ts'
import { measureAll, probeAll } from './measure.ts'
import { namespaceScenarios } from './namespace-scenarios.ts'
import { placeRun } from './namespace.ts'
import { parseOptions } from './options.ts'
import { writeResults } from './report.ts'
import { inProcessScenarios } from './scenarios.ts'
import { measureServer } from './serve.ts'

const log = (line: string): void => {
  process.stderr.write(`${line}\n`)
}

const argv = process.argv.slice(2)
const options = parseOptions(argv, process.env)
const placement = placeRun(options, { entry: import.meta.filename, argv }, process.env)
if (placement.kind === 'done') process.exit(placement.exitCode)
const inside = placement.kind === 'inside' ? placement.emulator : undefined
const outsideReason = placement.kind === 'outside' ? placement.reason : undefined

log(
  `bench: ${options.runs} runs after ${options.warmup} warm-up rounds; entry ${actionEntry}; ` +
    (outsideReason === undefined ? 'in a private network namespace' : `no namespace (${outsideReason})`)
)
log(`free memory ${(freemem() / 2 ** 30).toFixed(1)} GiB`)

const em = await startEmulator()
const azDir = mkdtempSync(join(tmpdir(), 'ahds-bench-az-'))
let libraryFloor: LibraryFloor | undefined
try {
  libraryFloor = inside === undefined ? undefined : await bundleLibraryFloor()
  const scenarios = [
    ...inProcessScenarios(em, options.against),
    ...(inside === undefined || libraryFloor === undefined
      ? []
      : namespaceScenarios(inside.ready, inside.logFile, { azDir, libraryFloor: libraryFloor.script }, options.against))
  ]
  const started = performance.now()
  const loadBefore = loadavg()[0] ?? NaN
  const samples = await measureAll(scenarios, options, log)
  const probes = await probeAll(scenarios)
  const analysed = analyse(
    { scenarios, samples, probes },
    {
      outsideReason,
      elapsedMs: performance.now() - started,
      loadBefore,
      loadAfter: loadavg()[0] ?? NaN,
      cores: cpus().length,
      ...(options.against === undefined ? {} : { against: options.against })
    }
  )
  const serve = await measureServer(em, options.runs, log)
  const report = {
    machine: machine(inside === undefined ? undefined : azVersion()),
    sizes: distSizes(),
    ...analysed,
    serve
  }
  await writeResults(report, options.out)
} finally {
  await em.stop()
  rmSync(azDir, { recursive: true, force: true })
  libraryFloor?.dispose()
}
