// What the step hands the token server through its stdin, an anonymous pipe: the sign-in (with its secret, if any),
// the runner's OIDC request token, the header, the resources. Never argv, the environment or a file. One JSON text.
// Also the names the step, the server and the post step share: the server's files and the post step's state key.

import { isRecord } from '../lib/guards.js'
import type { SignIn } from '../signin/registry.js'
import type { OidcRequest } from './github-token.js'

/** In the server's own folder: its log (its stdout and stderr) and its report, which the post step reads. */
export const LOG_FILE = 'server.log'
export const REPORT_FILE = 'report.json'
/** The post step's state: where the server's pid and folder are kept. */
export const SERVER_STATE = 'token-server'

export interface Handover {
  readonly signIn: SignIn
  readonly authorityHost: string
  /** The inputs' secrets, removed from every explanation the server gives. */
  readonly secrets: readonly string[]
  readonly resources: readonly string[]
  readonly clientId?: string
  readonly objectId?: string
  /** IDENTITY_HEADER. */
  readonly header: string
  readonly oidc?: OidcRequest
  /** When the server ends at the latest (ms since the epoch). */
  readonly endsAt: number
  /** Its own folder: the log and the report. */
  readonly dir: string
}

/** Our own parent wrote it: the checks only catch a broken pipe or a mismatched bundle. */
export function readHandover(text: string): Handover {
  const parsed: unknown = JSON.parse(text)
  if (
    !isRecord(parsed) ||
    !isRecord(parsed.signIn) ||
    typeof parsed.authorityHost !== 'string' ||
    !Array.isArray(parsed.secrets) ||
    !Array.isArray(parsed.resources) ||
    typeof parsed.header !== 'string' ||
    parsed.header.length < 32 ||
    typeof parsed.endsAt !== 'number' ||
    typeof parsed.dir !== 'string'
  ) {
    throw new Error('The token server was started without a valid hand-over.')
  }
  return parsed as unknown as Handover
}
