// The build of the bundle: ncc bundles src/index.ts, scripts/minify-chunks.ts minifies every file it wrote, and
// scripts/notices.ts writes licenses.txt from the same build's module statistics (failing the build on a licence
// outside the allow-list); the same again for the command line (src/cli.ts) into dist/cli/, started by dist/cli.js.
// `npm run build` builds dist/, which is committed; the end-to-end tests build the working tree into a scratch folder
// the same way (__tests__/support/test-bundle.ts), so that they run what was just changed.
//
// Run: node scripts/build.ts <out directory>   (npm run build: dist)
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const ncc = join(repoRoot, 'node_modules/@vercel/ncc/dist/ncc/cli.js')

/** Builds the bundle into out (emptied first); throws with the failing step's name if a step fails. */
export function build(out: string, options: { readonly quiet?: boolean } = {}): void {
  const target = resolve(repoRoot, out)
  // The statistics are tens of megabytes, read once by the notices step (which removes them); their own folder keeps
  // two builds at once (a test run beside `npm run build`) from sharing one file.
  const scratch = mkdtempSync(join(tmpdir(), 'ahds-build-'))
  const stats = join(scratch, 'stats.json')
  try {
    rmSync(target, { recursive: true, force: true })
    const quiet = options.quiet ? ['--quiet'] : []
    // The command line's bundle in its own folder: ncc names every output index.js and numbers the chunks, so two
    // entries in one folder would overwrite each other's.
    const cli = join(target, 'cli')
    const steps: readonly (readonly string[])[] = [
      [ncc, 'build', 'src/index.ts', '-o', target, '--stats-out', stats, ...quiet],
      ['scripts/minify-chunks.ts', target],
      ['scripts/notices.ts', stats, join(target, 'licenses.txt')],
      [ncc, 'build', 'src/cli.ts', '-o', cli, '--stats-out', stats, ...quiet],
      ['scripts/minify-chunks.ts', cli],
      ['scripts/notices.ts', stats, join(cli, 'licenses.txt')]
    ]
    for (const args of steps) {
      const step = spawnSync(process.execPath, args, {
        cwd: repoRoot,
        stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', 'inherit']
      })
      if (step.error !== undefined || step.status !== 0) {
        throw new Error(`build step failed (${String(step.error ?? `exit ${String(step.status)}`)}): ${args.join(' ')}`)
      }
    }
    // dist/cli.js, the package's bin: the folder's package.json (from ncc) makes it a module.
    writeFileSync(join(target, 'cli.js'), "#!/usr/bin/env node\nimport './cli/index.js'\n", { mode: 0o755 })
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [out] = process.argv.slice(2)
  if (out === undefined) {
    process.stderr.write('usage: node scripts/build.ts <out directory>\n')
    process.exit(2)
  }
  try {
    build(out)
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  }
}
