// `npm run bench`: wall time, requests, peak memory and bundle size of the action against the local emulator, next to
// `node -e 0` and the Azure CLI. Writes bench/RESULTS.md and prints the same Markdown.
//
//   node scripts/bench/main.ts [--runs N] [--warmup N] [--no-namespace] [--out FILE] [--against FILE]
//   BENCH_RUNS=N, BENCH_WARMUP=N       the same as the flags
//   ACTION_ENTRY=/tmp/x/index.js       measure a scratch build instead of dist/index.js
//   --against /tmp/y/index.js, BENCH_AGAINST=...   also run that bundle in the same rounds, paired with this one
//
// As root with unshare, the bench runs itself again inside a private network namespace (namespace.ts), which adds
// the shipped-defaults sign-in and the Azure CLI rows, and, with iptables and Python 3 there, the same sign-in and its
// floors under per-host network latency (latency.ts, profiles 0, P and 2P).
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, freemem, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator } from '../../emulator/index.ts'
import { actionEntry } from '../../emulator/runner.ts'
import { analyse } from './analysis.ts'
import { distSizes } from './bundle.ts'
import { type Latency, connectTimes, startLatency } from './latency.ts'
import { type LibraryFloor, bundleLibraryFloor } from './library-floor-bundle.ts'
import { azVersion, machine } from './machine.ts'
import { measureAll, probeAll } from './measure.ts'
import { namespaceScenarios } from './namespace-scenarios.ts'
import { placeRun } from './namespace.ts'
import { PROFILES, latencyHosts } from './network.ts'
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
let latency: Latency | string = outsideReason ?? 'not in the namespace'
try {
  libraryFloor = inside === undefined ? undefined : await bundleLibraryFloor()
  if (inside !== undefined) latency = await startLatency(latencyHosts(new URL(inside.ready.fhirUrl).hostname))
  if (typeof latency === 'string') log(`no rows under latency: ${latency}`)
  const scenarios = [
    ...inProcessScenarios(em, options.against),
    ...(inside === undefined || libraryFloor === undefined
      ? []
      : namespaceScenarios(
          inside.ready,
          inside.logFile,
          { azDir, libraryFloor: libraryFloor.script },
          options.against,
          typeof latency === 'string' ? undefined : latency
        ))
  ]
  const latencyCheck = typeof latency === 'string' ? latency : await checkLatency(latency)
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
      ...(options.against === undefined ? {} : { against: options.against }),
      latency: latencyCheck
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
  if (typeof latency !== 'string') latency.stop()
}

/** The TCP connect time to each host under P: one round trip each, logged and reported as the delays' check. */
async function checkLatency(on: Latency): Promise<{ hosts: Latency['hosts']; connectMs: Map<string, number> }> {
  const [none, p] = PROFILES
  if (none === undefined || p === undefined) throw new Error('no profile P')
  await on.use(p)
  const connectMs = await connectTimes(on.hosts)
  await on.use(none)
  for (const host of on.hosts) {
    const took = connectMs.get(host.label) ?? NaN
    log(`${host.label}: TCP connect ${took.toFixed(1)} ms under P (round trip ${host.rttMs} ms)`)
    // A delay that did not hold would make every figure under latency a figure without it.
    if (!(took >= host.rttMs * 0.9)) throw new Error(`the latency to ${host.label} did not hold: ${took.toFixed(1)} ms`)
  }
  return { hosts: on.hosts, connectMs }
}
