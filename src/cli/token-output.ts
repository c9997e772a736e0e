// What `token` and `exec` hand over, in forms that cannot leak by accident: the variables a command or an env file
// gets, the JSON a pipe gets, Azure Pipelines' secret variables, and the identity line a person reads. Pure, except
// the env file, written with mode 0600 and never through a link.

import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import type { ServiceToken } from '../health/run.js'
import type { IssuedToken } from '../signin/issued-token.js'

/** The variables that carry the tokens and the services' URLs: `FHIR_TOKEN`, `FHIR_URL`, …, and `AHDS_TOKEN` when
 *  the command has exactly one token (as the action's `token` output). */
export function tokenVariables(tokens: readonly ServiceToken[]): Record<string, string> {
  const variables: Record<string, string> = {}
  const [only] = tokens
  if (tokens.length === 1 && only !== undefined) variables.AHDS_TOKEN = only.token.token
  for (const { target, token } of tokens) {
    if (target.kind === 'resource') continue
    const prefix = target.kind.toUpperCase()
    variables[`${prefix}_TOKEN`] = token.token
    if (target.serviceUrl !== undefined) variables[`${prefix}_URL`] = target.serviceUrl
  }
  return variables
}

interface TokenJson {
  readonly token: string
  readonly expiresOn: string
  readonly resource: string
}

const tokenJson = (token: IssuedToken): TokenJson => ({
  token: token.token,
  expiresOn: token.expiresOn.toISOString(),
  resource: token.resource
})

/**
 * `--output json`: one token's fields at the top (`jq -r .token`), or with several services one object per service
 * under `services`; and the identity the tokens name.
 */
export function renderJson(tokens: readonly ServiceToken[]): string {
  const [only] = tokens
  const claims = only?.token.claims ?? {}
  const identity = { appId: claims.appId ?? null, objectId: claims.oid ?? null, tenantId: claims.tenantId ?? null }
  const body =
    tokens.length === 1 && only !== undefined
      ? { ...tokenJson(only.token), identity }
      : { services: Object.fromEntries(tokens.map(({ target, token }) => [target.kind, tokenJson(token)])), identity }
  return `${JSON.stringify(body, null, 2)}\n`
}

/**
 * Azure Pipelines' secret variables: the agent masks each value from here on and hands it to later steps as a secret
 * (a script step reads it only when it maps it into its env). One line per variable, the value on the line's end.
 */
export function renderAzurePipelines(tokens: readonly ServiceToken[]): string {
  return Object.entries(tokenVariables(tokens))
    .filter(([name]) => name.endsWith('_TOKEN'))
    .map(([name, value]) => `##vso[task.setvariable variable=${name};issecret=true]${value}\n`)
    .join('')
}

/** The env file's lines: `NAME=value`, as `set -a; . file` and docker's --env-file read them (values have no spaces). */
export function renderEnvFile(tokens: readonly ServiceToken[]): string {
  return Object.entries(tokenVariables(tokens))
    .map(([name, value]) => `${name}=${value}\n`)
    .join('')
}

/**
 * Writes the env file readable by its owner only: created with mode 0600, or an existing file truncated and set to
 * 0600 before anything is written; a symbolic link is refused rather than followed, a FIFO without a reader too.
 */
export async function writeEnvFile(path: string, text: string): Promise<void> {
  const handle = await open(
    path,
    constants.O_WRONLY |
      constants.O_CREAT |
      constants.O_TRUNC |
      constants.O_NOFOLLOW |
      constants.O_NOCTTY |
      constants.O_NONBLOCK,
    0o600
  )
  try {
    const stat = await handle.stat()
    if (!stat.isFile()) throw new Error(`${path} is not a regular file`)
    await handle.chmod(0o600)
    await handle.writeFile(text, 'utf8')
  } finally {
    await handle.close()
  }
}
