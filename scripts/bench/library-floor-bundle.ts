// Bundles library-floor.js for the bench the way the action's code reaches Node: one file, minified, CommonJS so that
// the libraries' imports of Node's modules are require calls (an ESM import of node:http loads Node's own undici, which
// the action's bundle never does), and jsonwebtoken replaced by the action's own stand-in, as tsconfig.json "paths"
// replace it in the action's bundle.
import { mkdtempSync, rmSync } from 'node:fs'
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

/** jsonwebtoken itself is the stand-in; the stand-in's own import of the real package, which only a certificate
 *  sign-in makes, stays outside the bundle. */
const jsonWebTokenStandIn: Plugin = {
  name: 'jsonwebtoken-stand-in',
  setup(builder) {
    builder.onResolve({ filter: /^jsonwebtoken$/ }, () => ({
      path: join(repoRoot, 'src/signin/jsonwebtoken-on-demand.ts')
    }))
    builder.onResolve({ filter: /^jsonwebtoken\// }, args => ({ path: args.path, external: true }))
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
    plugins: [jsonWebTokenStandIn]
  })
  return { script, dispose: () => rmSync(dir, { recursive: true, force: true }) }
}
