// Where a run measures. As root with unshare, the bench re-runs itself inside a private network namespace
// (__tests__/e2e/netns.sh) where Microsoft's host names lead to a second emulator on 127.0.0.1:443: that adds the
// shipped-defaults sign-in (no authority-host) and the Azure CLI, which cannot be pointed at a local port.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EmulatorInfo } from '../../emulator/info.ts'
import { nodeBin, repoRoot } from '../../emulator/runner.ts'
import type { Options } from './options.ts'

/** The hosts-mode emulator that netns.sh started for the command it runs. */
export interface NamespaceEmulator {
  /** Its ready file (EMULATOR_READY). */
  readonly ready: EmulatorInfo
  /** Its JSON-lines request log (EMULATOR_LOG). */
  readonly logFile: string
}

export type Placement =
  /** This process runs inside the namespace. */
  | { readonly kind: 'inside'; readonly emulator: NamespaceEmulator }
  /** Measure here, without the namespace rows, for this reason. */
  | { readonly kind: 'outside'; readonly reason: string }
  /** The whole bench ran inside the namespace and ended with this status: nothing is left to do here. */
  | { readonly kind: 'done'; readonly exitCode: number }

/** netns.sh's own failures (no namespace, emulator not ready), after which the bench measures without it. */
const NETNS_FAILURES: readonly (number | null)[] = [90, 91]

/** The re-run of the bench itself: its entry file and command-line arguments. */
export interface Command {
  readonly entry: string
  readonly argv: readonly string[]
}

/** Finds out where this run measures, running the bench inside the namespace first when it can. */
export function placeRun(options: Options, self: Command, env: NodeJS.ProcessEnv): Placement {
  const readyFile = env.EMULATOR_READY
  if (readyFile !== undefined) {
    const ready = JSON.parse(readFileSync(readyFile, 'utf8')) as EmulatorInfo
    return { kind: 'inside', emulator: { ready, logFile: env.EMULATOR_LOG ?? '' } }
  }
  const reason = namespaceUnavailable(options)
  if (reason !== undefined) return { kind: 'outside', reason }
  const status = runInNamespace(self)
  if (NETNS_FAILURES.includes(status)) return { kind: 'outside', reason: `netns.sh exited ${String(status)}` }
  return { kind: 'done', exitCode: status ?? 1 }
}

function namespaceUnavailable(options: Options): string | undefined {
  if (!options.namespace) return '--no-namespace was given'
  if (process.platform !== 'linux') return 'not Linux'
  if (process.getuid?.() !== 0) return 'not root'
  const probe = spawnSync('unshare', ['--net', '--mount', 'true'], { encoding: 'utf8' })
  if (probe.status !== 0) return `unshare --net --mount failed: ${probe.stderr || String(probe.error)}`
  return undefined
}

function runInNamespace(self: Command): number | null {
  const workdir = mkdtempSync(join(tmpdir(), 'ahds-bench-ns-'))
  try {
    const inner = spawnSync(
      'bash',
      [
        join(repoRoot, '__tests__/e2e/netns.sh'),
        '--workdir',
        workdir,
        // az signs in for Azure Resource Manager first: the emulated tenant must know that resource too.
        '--scenario',
        join(repoRoot, 'bench/namespace.scenario.json'),
        '--',
        nodeBin,
        self.entry,
        ...self.argv
      ],
      { stdio: 'inherit' }
    )
    return inner.status
  } finally {
    rmSync(workdir, { recursive: true, force: true })
  }
}
