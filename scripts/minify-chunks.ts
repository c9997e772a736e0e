// Minifies the files of dist/ after ncc has written them. ncc's own --minify goes through the entry only, and drops the
// parentheses around each bundled module's function: V8 compiles a parenthesised function as it parses the file, and
// one without them is first skimmed, then parsed again when it runs. Every module of a chunk that loads runs, so those
// parentheses must stay. esbuild removes the comments and white space (half of the identity library's chunk) and
// keeps those parentheses; it changes no syntax and no name, except that a local declaration shadowing another of the
// same name in the file gets a suffix (HttpClient2), which nothing in the action or its libraries reads.
//
// Run (as `npm run build` does): node scripts/minify-chunks.ts dist
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { transformSync } from 'esbuild'

/** One file of the bundle, minified. The same input always gives the same bytes: dist/ must be reproducible. */
export function minifyChunk(code: string): string {
  return transformSync(code, { format: 'esm', minifyWhitespace: true, legalComments: 'inline' }).code
}

/** The bundle's JavaScript files in dir. */
export function bundleFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter(name => name.endsWith('.js'))
    .sort()
    .map(name => join(dir, name))
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir] = process.argv.slice(2)
  if (dir === undefined) {
    process.stderr.write('usage: node scripts/minify-chunks.ts <dist directory>\n')
    process.exit(2)
  }
  for (const file of bundleFiles(dir)) writeFileSync(file, minifyChunk(readFileSync(file, 'utf8')))
}
