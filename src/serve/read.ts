// Reads serve-tokens and serve-resources into what the token server may hand out: the step's own resources first, then
// the others the same identity may get. Also refuses a second token server in one job, naming the step that started
// the first. No network, no logging.

import { InputError } from '../errors.js'
import { type RawInputs, readBoolean } from '../inputs.js'
import { CONTROL_CHARACTERS, isRecord } from '../lib/guards.js'
import { itemLines } from '../lib/lines.js'
import { listInWords, oneLine, show } from '../lib/text.js'
import { readResource } from '../target/read.js'
import type { Target } from '../target/read.js'
import { canonicalResource, resourceKey } from '../target/served.js'

export interface ServeConfig {
  /** The resources the server answers for, each once, the step's own (every service's) first; exactly as asked of
   *  Entra ID. */
  readonly resources: readonly string[]
  /** The step's id (GITHUB_ACTION), named when a later step asks for a second server. */
  readonly step: string
}

/** Exported to later steps: which step started the job's token server, and for what. Holds no secret. */
export const SERVER_MARKER_VARIABLE = 'AHDS_TOKEN_SERVER'

const MAX_SERVED_RESOURCES = 20

/** The token server to start, or undefined when serve-tokens is not true. Throws InputError. */
export function readServe(
  raw: RawInputs,
  targets: readonly Target[],
  env: Readonly<Record<string, string | undefined>>,
  warnings: string[]
): ServeConfig | undefined {
  const serve = readBoolean('serve-tokens', raw['serve-tokens'], false)
  const lines = readResourceLines(raw['serve-resources'])
  if (!serve) {
    if (lines.length > 0) {
      throw new InputError(
        'serve-resources',
        'is set but serve-tokens is not true: set serve-tokens: true, or remove it.'
      )
    }
    return undefined
  }
  refuseSecondServer(env)
  if (env.IDENTITY_ENDPOINT !== undefined && env.IDENTITY_ENDPOINT !== '') {
    warnings.push(
      'serve-tokens: IDENTITY_ENDPOINT was already set (a managed identity of this machine?); later steps of this ' +
        'job now get their tokens from this step instead.'
    )
  }
  if (env.IDENTITY_SERVER_THUMBPRINT !== undefined && env.IDENTITY_SERVER_THUMBPRINT !== '') {
    warnings.push(
      'serve-tokens: IDENTITY_SERVER_THUMBPRINT is set, which makes the Azure SDKs use the Service Fabric protocol ' +
        'instead of this endpoint: unset it in the later steps that should get tokens from it.'
    )
  }
  const byKey = new Map<string, string>(targets.map(target => [resourceKey(target.resource), target.resource]))
  for (const line of lines) {
    // The scope suffix is tolerated here, as callers of the endpoint may send it; the rest as for resource.
    const checked = readResource(line.replace(/\/\.default\/?$/i, ''), [], 'serve-resources')
    const resource = canonicalResource(checked) ?? checked
    if (!byKey.has(resourceKey(resource))) byKey.set(resourceKey(resource), resource)
  }
  if (byKey.size > MAX_SERVED_RESOURCES) {
    throw new InputError(
      'serve-resources',
      `lists ${byKey.size} resources, more than the limit of ${MAX_SERVED_RESOURCES}: give only those later steps use.`
    )
  }
  return { resources: [...byKey.values()], step: env.GITHUB_ACTION ?? '' }
}

/**
 * One endpoint per job: later steps' SDKs read one IDENTITY_ENDPOINT, and a second server would silently change the
 * identity behind it for every step after. The first step's serve-resources is where another resource belongs.
 */
function refuseSecondServer(env: Readonly<Record<string, string | undefined>>): void {
  const marker = env[SERVER_MARKER_VARIABLE]
  if (marker === undefined || marker === '') return
  const first = readMarker(marker)
  throw new InputError(
    'serve-tokens',
    `a token server is already running in this job, started by step ${first.step ? `'${oneLine(first.step)}'` : '(unnamed)'}` +
      (first.resources.length > 0 ? ` for ${listInWords(first.resources.map(oneLine), 'and')}` : '') +
      ". One job has one endpoint: add the resources to that step's serve-resources (same identity), or remove " +
      'serve-tokens from this step.'
  )
}

/** One resource per line; blank lines and # comments are ignored, as in health-check-paths. */
function readResourceLines(text: string): string[] {
  return itemLines(text).map(({ number, text: line }) => {
    if (/\s/.test(line) || CONTROL_CHARACTERS.test(line)) {
      throw new InputError(
        'serve-resources',
        `line ${number} (${show(line.replace(new RegExp(CONTROL_CHARACTERS.source, 'g'), ' '))}) is not one ` +
          'resource: put one resource per line, without spaces.'
      )
    }
    return line
  })
}

/** The marker's JSON, read leniently: it is only used to name the first step. */
export function readMarker(text: string): { step: string; resources: string[] } {
  try {
    const parsed: unknown = JSON.parse(text)
    if (isRecord(parsed)) {
      const step = typeof parsed.step === 'string' ? parsed.step : ''
      const resources = Array.isArray(parsed.resources)
        ? parsed.resources.filter((r): r is string => typeof r === 'string').slice(0, MAX_SERVED_RESOURCES)
        : []
      return { step, resources }
    }
  } catch {
    // Not ours, or damaged: name no step.
  }
  return { step: '', resources: [] }
}
