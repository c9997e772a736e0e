// The value kinds several inputs share (booleans, durations, https origins). Pure: a bad value throws an InputError
// that names the input.

import { InputError } from '../errors.js'
import { formatLimit, parseDuration } from './durations.js'
import { parseUrl } from './guards.js'
import { show } from './text.js'

/** Adds a warning when there is one. */
export function pushDefined(list: string[], item: string | undefined): void {
  if (item !== undefined) list.push(item)
}

export function readBoolean(input: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  const lower = value.toLowerCase()
  if (lower === 'true') return true
  if (lower === 'false') return false
  throw new InputError(input, `${show(value)} is not a boolean: use true or false.`)
}

/** A duration input: see parseDuration for the forms it takes. */
export function readDuration(input: string, value: string, maxMs: number, allowZero: boolean): number {
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
export function readHttpsOrigin(input: string, value: string, label: string): string {
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
