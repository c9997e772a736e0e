// The leak scan every end-to-end run goes through: where a secret, or any signed JWT, shows up in what the action
// wrote outside the places it may; and where the emulator's patient data shows up anywhere at all.
import { PHI_NEEDLES } from '../../emulator/patients.ts'
import { type ActionRun, jwtClaims, parseFileCommand, unescapeCommand } from '../../emulator/runner.ts'

/**
 * Every string that counts as a leak of one secret. A PEM is split into its base64 lines (a single line of a key
 * is already a leak); a JWT also counts by its signature alone.
 */
export function secretNeedles(secrets: readonly string[]): string[] {
  const needles = new Set<string>()
  for (const secret of secrets) {
    if (secret.includes('-----BEGIN')) {
      for (const line of secret.split(/\r?\n/)) {
        const trimmed = line.trim()
        if (trimmed.length >= 16 && !trimmed.startsWith('-----')) needles.add(trimmed)
      }
      continue
    }
    if (secret.length < 8) continue
    for (const spelling of spellingsOf(secret)) needles.add(spelling)
    const parts = secret.split('.')
    const signature = parts[2]
    if (parts.length === 3 && signature !== undefined && signature.length >= 16) needles.add(signature)
  }
  return [...needles]
}

/**
 * The spellings a secret can be shown in besides its own: URL-encoded, form-encoded as a request body is
 * (URLSearchParams writes `~` as `%7E`, a space as `+`), either with lower-case hex, and JSON-escaped. The runner masks
 * only the value it was given, so each of these is a leak of its own.
 */
export function spellingsOf(secret: string): string[] {
  const encoded = [
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    new URLSearchParams({ v: secret }).toString().slice(2)
  ]
  return [
    ...new Set([
      secret,
      JSON.stringify(secret).slice(1, -1),
      ...encoded,
      ...encoded.map(spelling => spelling.replace(/%[0-9A-F]{2}/g, hex => hex.toLowerCase()))
    ])
  ]
}

/** The secret parts of a proxy URL (`http://user:password@host`), which count as secrets of the run. */
export function proxySecrets(env: Readonly<Record<string, string | undefined>>): string[] {
  const found: string[] = []
  for (const [name, value] of Object.entries(env)) {
    if (!/^(https?|all)_proxy$/i.test(name) || value === undefined) continue
    const userinfo = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/?#@\s]*)@/i.exec(value)?.[1]
    const password = userinfo?.split(':').slice(1).join(':')
    if (password) found.push(password, decodeURIComponent(password))
  }
  return found
}

interface Leak {
  readonly where: 'stdout' | 'stderr' | 'outputs' | 'env' | 'summary' | 'server log'
  readonly detail: string
}

/**
 * Where any secret appears outside the allowed places: `::add-mask::` lines, the token outputs, and the lines of the
 * names export-variable gives. Reports where, never the secret itself.
 */
export function findLeaks(run: ActionRun, secrets: readonly string[]): Leak[] {
  const needles = secretNeedles(secrets)
  const leaks: Leak[] = []
  const scan = (where: Leak['where'], label: string, text: string): void => {
    needles.forEach((needle, index) => {
      if (text.includes(needle)) leaks.push({ where, detail: `${label} contains secret #${index}` })
    })
    // Any signed JWT is a bearer credential (access token, GitHub OIDC token), known to the test or not.
    for (const match of text.matchAll(JWT_PATTERN)) {
      leaks.push({ where, detail: `${label} contains a JWT (${jwtIssuer(match[0])})` })
    }
  }
  run.stdout.split(/\r?\n/).forEach((line, n) => {
    if (!line.startsWith('::add-mask::')) scan('stdout', `line ${n + 1}`, line)
  })
  scan('stderr', 'stderr', run.stderr)
  for (const [name, value] of Object.entries(parseFileCommand(run.outputFile))) {
    scan('outputs', `output name ${name}`, name)
    if (!isTokenOutput(name)) scan('outputs', `output ${name}`, value)
  }
  for (const [name, value] of Object.entries(parseFileCommand(run.envFile))) {
    scan('env', `env name ${name}`, name)
    if (!(run.exportVariables ?? []).includes(name)) scan('env', `env ${name}`, value)
  }
  scan('summary', 'job summary', run.summary)
  return leaks
}

/** The outputs that hold a token: `token`, and each service's own (`fhir-token`, ...). */
export const isTokenOutput = (name: string): boolean => /^([a-z]+-)?token$/.test(name)

export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g

function jwtIssuer(token: string): string {
  try {
    const iss = jwtClaims(token).iss
    return typeof iss === 'string' ? `iss ${iss}` : 'no iss'
  } catch {
    return 'undecodable'
  }
}

/**
 * Where the emulator's patient data (its marker, or a patient's birth date) appears in anything a user can read:
 * every line of the log (as the runner shows it, workflow-command escapes decoded), stderr, every output and exported
 * variable, the job summary, and the token server's log when the job ran one. No place is allowed. Reports where, and
 * which needle, never the text around it.
 */
export function findPhiLeaks(
  run: ActionRun,
  also: { readonly serverLog?: string } = {},
  needles: readonly string[] = PHI_NEEDLES
): Leak[] {
  const leaks: Leak[] = []
  const scan = (where: Leak['where'], label: string, text: string): void => {
    const lower = text.toLowerCase()
    needles.forEach((needle, index) => {
      if (lower.includes(needle.toLowerCase()))
        leaks.push({ where, detail: `${label} contains patient data #${index}` })
    })
  }
  run.stdout.split(/\r?\n/).forEach((line, n) => scan('stdout', `line ${n + 1}`, unescapeCommand(line)))
  scan('stderr', 'stderr', run.stderr)
  for (const [name, value] of Object.entries(parseFileCommand(run.outputFile))) scan('outputs', `output ${name}`, value)
  for (const [name, value] of Object.entries(parseFileCommand(run.envFile))) scan('env', `env ${name}`, value)
  scan('summary', 'job summary', run.summary)
  if (also.serverLog !== undefined) {
    also.serverLog.split(/\r?\n/).forEach((line, n) => scan('server log', `server log line ${n + 1}`, line))
  }
  return leaks
}
