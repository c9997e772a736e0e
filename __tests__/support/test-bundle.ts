// The bundle the end-to-end tests run (emulator/runner.ts reads ACTION_ENTRY; the command line's cli.js is beside it).
// By default Jest's global setup builds the working tree into a scratch folder once per run, as `npm run build` builds
// dist/, so that a change in src/ is what they test; the global teardown removes it. TEST_BUNDLE=dist runs them over
// the committed dist/ instead (the dist/ check in CI proves that it is the sources' build); an ACTION_ENTRY given by
// the caller is kept.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from '../../scripts/build.ts'

/** The scratch folder this run built into, for the teardown (global setup and teardown share the main process). */
const SCRATCH = Symbol.for('ahds.test-bundle')
const state = globalThis as { [SCRATCH]?: string }

/** Whether this run builds the bundle, from TEST_BUNDLE and ACTION_ENTRY; an unknown TEST_BUNDLE is an error. */
export function buildsBundle(env: Readonly<Record<string, string | undefined>>): boolean {
  const choice = env.TEST_BUNDLE ?? ''
  if (choice !== '' && choice !== 'dist') {
    throw new Error(`TEST_BUNDLE=${choice}: use TEST_BUNDLE=dist for the committed dist/, or leave it unset`)
  }
  return choice === '' && env.ACTION_ENTRY === undefined
}

/** Builds the working tree's bundle and points ACTION_ENTRY at it, for the test workers Jest starts next. */
export function buildTestBundle(): void {
  if (!buildsBundle(process.env)) return
  const scratch = mkdtempSync(join(tmpdir(), 'ahds-test-bundle-'))
  state[SCRATCH] = scratch
  const started = performance.now()
  build(join(scratch, 'dist'), { quiet: true })
  process.env.ACTION_ENTRY = join(scratch, 'dist', 'index.js')
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  process.stderr.write(
    `\nBuilt the working tree's bundle in ${seconds} s (TEST_BUNDLE=dist runs the committed dist/)\n`
  )
}

/** Removes the scratch build, if this run made one. */
export function removeTestBundle(): void {
  const scratch = state[SCRATCH]
  if (scratch === undefined) return
  rmSync(scratch, { recursive: true, force: true })
  state[SCRATCH] = undefined
}
