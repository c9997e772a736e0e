// Every input the action takes, in one table: its size limit, whether it may span lines, and how it is masked when it
// is a secret. Reading, the limits and the masking list all come from this table; a test holds it against action.yml.
// Also the value kinds several inputs share (booleans, durations, https origins). No network, no logging: a bad value
// throws an InputError that names the input.

import { InputError } from './errors.js'
import { formatLimit, parseDuration } from './lib/durations.js'
import { CONTROL_CHARACTERS, isRecord, parseUrl } from './lib/guards.js'
import { isJwtShaped } from './lib/jwt.js'
import { unescapePem } from './lib/pem.js'
import { proxyCredentials } from './lib/proxy.js'
import { show } from './lib/text.js'

/** Reads one input: '' when unset, trimmed (core.getInput semantics). */
export type GetInput = (name: string) => string

interface InputSpec {
  /** Generous for real values; anything larger is a wrong value (a file, a whole secret store). */
  readonly maxLength: number
  /** PEM, JSON and one health check per line; every other input is one line of plain text. */
  readonly multiLine?: true
  /** For a secret: every spelling of the raw value to mask, before anything else runs. */
  readonly mask?: (value: string) => readonly string[]
}

/** Shorter lines are left unmasked: masking two-character fragments would garble every log line. */
const MIN_MASKED_LINE = 8
const PEM_BOUNDARY = /^-----(BEGIN|END) [A-Z0-9 ]+-----$/

/** The lines of a multi-line secret long enough to mask, as the runner may print them one by one. */
function maskedLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line.length >= MIN_MASKED_LINE && !PEM_BOUNDARY.test(line))
}

const wholeValue = (value: string): readonly string[] => [value]

/** The PEM, each line of it, and each line of its one-line `\n`-escaped spelling. */
function pemMasks(pem: string): readonly string[] {
  const unescaped = unescapePem(pem)
  return [pem, ...maskedLines(pem), ...(unescaped === pem ? [] : maskedLines(unescaped))]
}

/** The creds JSON, its lines, and the clientSecret inside it, also from malformed JSON (a typo elsewhere must not
 *  unmask the secret). */
function credsMasks(creds: string): readonly string[] {
  const secret = credsSecret(creds)
  return [creds, ...(creds.includes('\n') ? maskedLines(creds) : []), ...(secret === undefined ? [] : [secret])]
}

function credsSecret(creds: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(creds)
    if (isRecord(parsed) && typeof parsed.clientSecret === 'string') return parsed.clientSecret
  } catch {
    // Malformed: fall back to a pattern below.
  }
  return /"clientSecret"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(creds)?.[1]
}

/** Every input action.yml declares, in its order. */
export const INPUTS = {
  'fhir-url': { maxLength: 2048 },
  'dicom-url': { maxLength: 2048 },
  'dicom-api-version': { maxLength: 32 },
  'deid-url': { maxLength: 2048 },
  resource: { maxLength: 2048 },
  'auth-type': { maxLength: 64 },
  'client-id': { maxLength: 256 },
  'tenant-id': { maxLength: 256 },
  'client-secret': { maxLength: 1024, mask: wholeValue },
  'client-certificate': { maxLength: 65536, multiLine: true, mask: pemMasks },
  creds: { maxLength: 16384, multiLine: true, mask: credsMasks },
  audience: { maxLength: 512 },
  environment: { maxLength: 64 },
  'authority-host': { maxLength: 2048 },
  'export-variable': { maxLength: 1024, multiLine: true },
  'health-check': { maxLength: 16 },
  'health-check-paths': { maxLength: 16384, multiLine: true },
  'wait-for-access': { maxLength: 32 },
  'health-check-timeout': { maxLength: 32 },
  'fail-on-unhealthy': { maxLength: 16 },
  'audit-headers': { maxLength: 16 },
  'serve-tokens': { maxLength: 16 },
  'serve-resources': { maxLength: 16384, multiLine: true }
} as const satisfies Readonly<Record<string, InputSpec>>

export type InputName = keyof typeof INPUTS
export const INPUT_NAMES = Object.keys(INPUTS) as readonly InputName[]

/**
 * What only the command takes (as flags and AHDS_ variables): where another CI's federated token comes from. A GitHub
 * job has none of these, so action.yml declares none and the action reads them as unset.
 */
export const COMMAND_INPUTS = {
  'service-connection-id': { maxLength: 64 },
  'federated-token-env': { maxLength: 256 },
  'federated-token-file': { maxLength: 4096 }
} as const satisfies Readonly<Record<string, InputSpec>>

export type CommandInputName = keyof typeof COMMAND_INPUTS
export const COMMAND_INPUT_NAMES = Object.keys(COMMAND_INPUTS) as readonly CommandInputName[]
/** An input of the action, or one only the command takes. */
export type AnyInputName = InputName | CommandInputName

/** Who reads the inputs: the action in a GitHub job, or the command (a terminal, another CI). */
export type Surface = 'action' | 'command'

/** Each input as read: trimmed, '' when unset (a command-only input is always unset for the action). */
export type RawInputs = Readonly<Record<AnyInputName, string>>

const spec = (name: AnyInputName): InputSpec =>
  name in INPUTS ? INPUTS[name as InputName] : COMMAND_INPUTS[name as CommandInputName]

/** The inputs that hold a secret: those the table masks. */
export const SECRET_INPUT_NAMES: readonly InputName[] = INPUT_NAMES.filter(name => spec(name).mask !== undefined)

/** Every raw secret among the inputs, to mask before anything else runs, even before validation. Never throws. */
export function secretInputValues(getInput: GetInput): string[] {
  const values = new Set<string>()
  for (const name of INPUT_NAMES) {
    const { mask } = spec(name)
    if (mask === undefined) continue
    const value = safeGet(getInput, name)
    for (const spelling of mask(value)) if (spelling.trim() !== '') values.add(spelling)
  }
  return [...values]
}

/**
 * Every secret of the step: the inputs' secrets, the credentials of a proxy URL in the environment (which the identity
 * library logs with the URL), and the federated tokens the command may read from the environment (Azure DevOps' job
 * access token, the variable federated-token-env names). The one list that is masked first and removed from whatever
 * is shown.
 */
export function stepSecrets(getInput: GetInput, env: Readonly<Record<string, string | undefined>>): string[] {
  const tokenVariable = safeGet(getInput, 'federated-token-env')
  // A variable named by mistake (PATH) is not a token: only a JWT there is hidden everywhere.
  const federatedToken = tokenVariable === '' ? undefined : env[tokenVariable]?.trim()
  const fromEnvironment = [
    env.SYSTEM_ACCESSTOKEN,
    federatedToken !== undefined && isJwtShaped(federatedToken) ? federatedToken : undefined
  ]
  return [
    ...secretInputValues(getInput),
    ...proxyCredentials(env),
    ...fromEnvironment.flatMap(value => (value === undefined || value.trim() === '' ? [] : [value.trim()]))
  ]
}

function safeGet(getInput: GetInput, name: string): string {
  try {
    return getInput(name)
  } catch {
    return ''
  }
}

/** Every input, trimmed, within its size limit, and on one line unless it may span lines. Throws InputError. */
export function readRawInputs(getInput: GetInput, surface: Surface = 'action'): RawInputs {
  const raw = {} as Record<AnyInputName, string>
  for (const name of [...INPUT_NAMES, ...COMMAND_INPUT_NAMES]) {
    const value = surface === 'command' || name in INPUTS ? getInput(name).trim() : ''
    const { maxLength, multiLine, mask } = spec(name)
    if (value.length > maxLength) {
      throw new InputError(
        name,
        `is ${value.length} characters long, more than the limit of ${maxLength}. ` +
          'Check that the right value is passed (not a file or a whole secret store).'
      )
    }
    // A line break or control character in a one-line input can only be a mistake, or an attempt to start a workflow
    // command wherever the value is shown.
    if (multiLine !== true && CONTROL_CHARACTERS.test(value)) {
      throw new InputError(
        name,
        'has a line break or control character: give it on one line, as plain text' +
          (mask !== undefined ? '.' : ` (${show(value.replace(new RegExp(CONTROL_CHARACTERS.source, 'g'), ' '))}).`)
      )
    }
    raw[name] = value
  }
  return raw
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
