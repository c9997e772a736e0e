// The bundle under test: dist/ (or the scratch build ACTION_ENTRY names), its entry and the size of its files.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { actionEntry } from '../../emulator/runner.ts'
import type { FileSize } from './report.ts'

export const distDir = dirname(actionEntry)
export const distUrl = pathToFileURL(distDir).href

/** Every chunk but the entry carries sign-in code: loading one means the identity libraries were asked for. */
export function identityChunk(name: string): boolean {
  return name !== basename(actionEntry)
}

const NOTES: Readonly<Record<string, string>> = {
  [basename(actionEntry)]: 'entry: inputs, @actions/core, @actions/http-client (health checks)',
  'licenses.txt': 'third-party licences (not loaded)',
  'package.json': 'marks the bundle as ES module',
  'xdg-open': "from `open`, which @azure/identity's browser sign-in pulls in (never run)"
}

/** What a lazy chunk holds, told by what its source mentions (webpack names chunks by number). */
function chunkNote(text: string): string {
  if (text.includes('secretOrPrivateKey must have a value')) {
    return 'jsonwebtoken, which MSAL signs a certificate assertion with (lazy, certificate sign-in only)'
  }
  if (text.includes('@azure/msal') || text.includes('msal-node')) return '@azure/identity and MSAL (lazy)'
  if (text.includes('xdg-open')) return "`open`, for @azure/identity's browser sign-in (lazy, never loaded)"
  return 'the door to the identity library, which every sign-in method imports (lazy)'
}

export function distSizes(): FileSize[] {
  return readdirSync(distDir)
    .filter(name => statSync(join(distDir, name)).isFile())
    .sort()
    .map(name => {
      const content = readFileSync(join(distDir, name))
      const note = NOTES[name] ?? chunkNote(content.toString('latin1'))
      return { name, bytes: content.length, gzipBytes: gzipSync(content).length, note }
    })
}
