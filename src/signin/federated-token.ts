// A federated token the sign-in presents from where the runner or job put it (a file the environment names, or an
// environment variable): read bounded, checked to be a JWT, and explained in words when it is not there. Its issuer,
// subject and audience are kept for the explanation of a federated-credential mismatch, never the token itself.

import { ActionError } from '../errors.js'
import { formatSeconds } from '../lib/durations.js'
import { decodeJwtPayload, isJwtShaped } from '../lib/jwt.js'
import { type FileRefusal, readRegularFileAtMost } from '../lib/read-file.js'
import { oneLine, show } from '../lib/text.js'

/** A federated token (a projected service-account token, a CI's ID token) is about a kilobyte: far more is not one. */
export const MAX_TOKEN_FILE_BYTES = 64 * 1024

/** A federated token is presented again while it has this long left: MSAL asks for the assertion twice per sign-in. */
export const ASSERTION_REUSE_MARGIN_MS = 60_000

/** Where a token comes from, in the words of its own messages. */
export interface TokenSource {
  /** The title of every failure to read it. */
  readonly title: string
  /** What names the file, as a sentence starts: `AZURE_FEDERATED_TOKEN_FILE`, `federated-token-file`. */
  readonly namedBy: string
  /** What the token is, in words: `service-account token`. */
  readonly what: string
  /** Why a missing file is missing, in words. */
  readonly missing: string
  /** The fix, a sentence without its full stop. */
  readonly fix: string
}

/** The token in the regular file at `path`, read at most MAX_TOKEN_FILE_BYTES within `timeoutMs`. */
export async function readTokenFile(path: string, timeoutMs: number, source: TokenSource): Promise<string> {
  const read = await readRegularFileAtMost(path, MAX_TOKEN_FILE_BYTES, timeoutMs)
  if ('refused' in read) {
    throw new ActionError(
      source.title,
      [
        `${source.namedBy} names ${show(path)}, which ${refusalText(read.refused, source)}.`,
        `Fix: ${source.fix}.`
      ].join('\n')
    )
  }
  const token = read.text.trim()
  if (token === '' || !isJwtShaped(token)) {
    throw new ActionError(
      source.title,
      [
        `${source.namedBy} names ${show(path)}, which ${token === '' ? 'is empty' : `does not hold a ${source.what} (a JWT)`}.`,
        `Fix: ${source.fix}.`
      ].join('\n')
    )
  }
  return token
}

/** The claims a federated credential is matched against: issuer, subject and audience (never the token itself). */
export function presentedClaims(token: string): Record<string, unknown> {
  const { iss, sub, aud } = decodeJwtPayload(token)
  return { iss, sub, aud }
}

/** What the path is instead of a token file, in words. */
function refusalText(refused: FileRefusal, source: TokenSource): string {
  const notTheFile = 'not the token file, so it is not read'
  switch (refused.kind) {
    case 'too large':
      return (
        `holds ${formatBytes(refused.bytes)}, far more than a ${source.what} (about a kilobyte; ` +
        `at most ${formatBytes(MAX_TOKEN_FILE_BYTES)} is read), so it is not the token file`
      )
    case 'timeout':
      return `could not be read within ${formatSeconds(refused.ms)} (a file system that does not answer)`
    case 'error': {
      const why: Readonly<Record<string, string>> = {
        ENOENT: `does not exist: ${source.missing}`,
        ENOTDIR: `does not exist: ${source.missing}`,
        EACCES: 'is not readable by the user this process runs as',
        EPERM: 'is not readable by the user this process runs as'
      }
      return why[refused.code] ?? `could not be read (${oneLine(refused.code)})`
    }
    case 'fifo':
      return `is a FIFO (named pipe), ${notTheFile}: reading one waits for a writer`
    case 'directory':
      return `is a directory, ${notTheFile}`
    case 'character device':
    case 'block device':
    case 'socket':
    case 'special file':
      return `is a ${refused.kind}, ${notTheFile}`
  }
}

/** A size in the unit a person reads at a glance. */
function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} bytes` : `${Number(value.toFixed(1))} ${units[unit] ?? ''} (${bytes} bytes)`
}
