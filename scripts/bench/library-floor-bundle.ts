// Bundles library-floor.js for the bench the way the action's code reaches Node: one file, minified, CommonJS so that
// the libraries' imports of Node's modules are require calls (an ESM import of node:http loads Node's own undici, which
// the action's bundle never does), and jsonwebtoken and undici replaced by the action's own stand-ins.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Plugin, build } from 'esbuild'
import { repoRoot } from '../../emulator/runner.ts'

const SOURCE = fileURLToPath(new URL('./library-floor.js', import.meta.url))

/** The bundled floor, and a way to remove it. */
export interface LibraryFloor {
  readonly script: string
  dispose(): void
}

/**
 * The action's stand-ins, from the one place that declares them (tsconfig.json "paths", which ncc follows): each
 * package name leads to its stand-in, and a subpath of it (the stand-in's own import of the real package, which only a
 * certificate sign-in makes) stays outside the bundle.
 */
function standIns(): Plugin {
  const { compilerOptions } = JSON.parse(readFileSync(join(repoRoot, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, readonly string[]> }
  }
  return {
    name: 'stand-ins',
    setup(builder) {
      for (const [name, [target]] of Object.entries(compilerOptions.paths)) {
        if (target === undefined) continue
        builder.onResolve({ filter: new RegExp(`^${name}$`) }, () => ({ path: join(repoRoot, target) }))
        builder.onResolve({ filter: new RegExp(`^${name}/`) }, args => ({ path: args.path, external: true }))
      }
    }
  }
}

export async function bundleLibraryFloor(): Promise<LibraryFloor> {
  const dir = mkdtempSync(join(tmpdir(), 'ahds-bench-library-floor-'))
  const script = join(dir, 'library-floor.cjs')
  await build({
    entryPoints: [SOURCE],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    minifyWhitespace: true,
    logLevel: 'error',
    plugins: [standIns()]
  })
  return { script, dispose: () => rmSync(dir, { recursive: true, force: true }) }
}
