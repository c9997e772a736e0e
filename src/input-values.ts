// Reading single input values: the inputs' names, quoting a value in a message without leaking it, and the value
// kinds several inputs share (booleans, durations, https origins). Pure: bad values throw an InputError.

import { formatLimit, parseDuration } from './durations.js'
import { InputError } from './errors.js'
import { parseUrl } from './values.js'

/** Every input action.yml declares. */
export const INPUT_NAMES = [
  'fhir-url',
  'dicom-url',
  'dicom-api-version',
  'resource',
  'auth-type',
  'client-id',
  'tenant-id',
  'client-secret',
  'client-certificate',
  'creds',
  'audience',
  'environment',
  'authority-host',
  'export-variable',
  'health-check',
  'health-check-paths',
  'wait-for-access',
  'health-check-timeout',
  'fail-on-unhealthy'
] as const
export type InputName = (typeof INPUT_NAMES)[number]
/** Each input as read: trimmed, '' when unset. */
export type RawInputs = Readonly<Record<InputName, string>>

/**
 * A value quoted for a message: any `//user:password@` part hidden, and cut short so that one bad input cannot flood
 * the log.
 */
export function show(value: string): string {
  const redacted = value.replace(/\/\/[^/?#\s]*@/g, '//***@')
  return JSON.stringify(redacted.length > 100 ? `${redacted.slice(0, 100)}...` : redacted)
}

/** Adds a warning when there is one. */
export function pushDefined(list: string[], item: string | undefined): void {
  if (item !== undefined) list.push(item)
}

export function readBoolean(input: InputName, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  const lower = value.toLowerCase()
  if (lower === 'true') return true
  if (lower === 'false') return false
  throw new InputError(input, `${show(value)} is not a boolean: use true or false.`)
}

/** A duration input: see parseDuration for the forms it takes. */
export function readDuration(input: InputName, value: string, maxMs: number, allowZero: boolean): number {
  const ms = parseDuration(value)
  if (ms === undefined) {
    throw new InputError(
      input,
      `${show(value)} is not a duration: write e.g. 0, 500ms, 90s, 5m or 1h (a number needs a unit).`
    )
  }
  if (!allowZero && ms === 0) throw new InputError(input, 'must be longer than 0: use e.g. 30s.')
  if (!(ms <= maxMs)) {
    throw new InputError(input, `${show(value)} is longer than the limit of ${formatLimit(maxMs)}: use less.`)
  }
  return ms
}

/** An https origin (a trailing slash is tolerated); `label` is what the message calls it. */
export function readHttpsOrigin(input: InputName, value: string, label: string): string {
  const url = parseUrl(value)
  const example = 'https://login.microsoftonline.com'
  if (url === undefined) throw new InputError(input, `${label} is not a URL: give an https origin such as ${example}.`)
  if (url.username !== '' || url.password !== '') {
    throw new InputError(input, `${label} must not hold a user name or password: remove them.`)
  }
  if (url.protocol !== 'https:') throw new InputError(input, `${label} must use https: use e.g. ${example}.`)
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new InputError(
      input,
      `${label} must be an origin only (no path, tenant, query or fragment): use ${url.origin}.`
    )
  }
  return url.origin
}
