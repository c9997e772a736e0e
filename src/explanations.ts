// Turns sign-in failures and refused health checks into messages a person can act on: what happened in one plain
// sentence, what to change, and the identifiers a support case needs. Pure functions: the caller decides where the
// text goes (only through @actions/core, since it can hold server text).

import { sanitizeServerText } from './server-text.js'
import { DEFAULT_FEDERATED_AUDIENCE, DICOM_RESOURCE, LEGACY_GENERIC_RESOURCE } from './clouds.js'
import type { ServiceKind, SignIn } from './config.js'
import { ActionError, UnreadableAnswerError } from './errors.js'
import type { TokenClaims } from './token.js'
import { GUID_PATTERN, isRecord, nonEmptyString, parseUrl } from './values.js'

export interface SignInContext {
  signIn: SignIn
  resource: string
  authorityHost: string
  /** The inputs' secrets (Config.secrets): a server may echo any of them, so each is removed from its text. */
  secrets: readonly string[]
  /** The presented GitHub token's claims (OIDC only): what a federated-credential mismatch is about. */
  githubClaims?: Record<string, unknown>
}

export interface SignInErrorInfo {
  /** `AADSTS` and the number, as Microsoft Entra ID prints it. */
  readonly code: string
  /** The token endpoint's HTTP status for this error. */
  readonly http: number
  readonly summary: string
  readonly fix: string
}

/** The AADSTS codes a user of this action meets, each with its cause and fix: the README's Troubleshooting table. */
export const SIGN_IN_ERRORS: readonly SignInErrorInfo[] = [
  {
    code: 'AADSTS70021',
    http: 400,
    summary:
      'No federated credential on the app registration matches the GitHub token the workflow presented: issuer, ' +
      'subject and audience must all match exactly.',
    fix:
      'Add a federated credential with the subject the error quotes (branch, tag, environment or pull_request form); ' +
      'the action prints the az ad app federated-credential create command that makes the run succeed.'
  },
  {
    code: 'AADSTS700211',
    http: 400,
    summary: "No federated credential on the app registration has the GitHub token's issuer.",
    fix:
      "Set the federated credential's issuer to the one the error quotes, normally https://token.actions.githubusercontent.com " +
      '(an enterprise with a customized issuer adds its slug).'
  },
  {
    code: 'AADSTS700213',
    http: 400,
    summary: "No federated credential on the app registration has the GitHub token's subject.",
    fix:
      'Add a federated credential with the subject the error quotes: a job with an environment presents the ' +
      'environment form, a pull request the pull_request form, a tag the tag form.'
  },
  {
    code: 'AADSTS7002138',
    http: 400,
    summary:
      'A federated credential matched the GitHub token only when letter case is ignored, and matching is case-sensitive.',
    fix: 'Recreate the federated credential with issuer, subject and audience spelled exactly as presented, same case.'
  },
  {
    code: 'AADSTS700024',
    http: 400,
    summary:
      "The client assertion is outside its valid time range: the GitHub token expired before the exchange, or the runner's clock is off.",
    fix: 'Re-run the job and sign in early in it (a GitHub token lives 5 to 10 minutes); on a self-hosted runner, sync the clock (NTP).'
  },
  {
    code: 'AADSTS7000215',
    http: 401,
    summary: "Invalid client secret: usually the secret's ID was used instead of its value.",
    fix: "Store the secret's Value (shown once, when the secret is created), not its Secret ID, in the repository secret passed to client-secret."
  },
  {
    code: 'AADSTS7000222',
    http: 401,
    summary: 'The client secret has expired.',
    fix:
      'Create a new client secret on the app registration (Certificates & secrets) and update the repository secret; ' +
      'OIDC sign-in (auth-type: oidc) has no secret to expire.'
  },
  {
    code: 'AADSTS700016',
    http: 400,
    summary: 'The application (client ID) was not found in the tenant: client-id or tenant-id is wrong.',
    fix: "Copy the Application (client) ID and Directory (tenant) ID from the app registration's Overview page; both must come from the same tenant."
  },
  {
    code: 'AADSTS700027',
    http: 401,
    summary: 'The certificate that signed the client assertion is not registered on the application.',
    fix: "Upload the certificate's public part to the app registration (Certificates & secrets > Certificates), or pass the certificate whose thumbprint is listed there."
  },
  {
    code: 'AADSTS500011',
    http: 400,
    summary:
      'The resource (the service the token is for) was not found in the tenant: the service URL is wrong, or the service belongs to another tenant.',
    fix: "Check fhir-url, dicom-url or resource (exact service name, no trailing slash), and that tenant-id is the service's tenant."
  },
  {
    code: 'AADSTS650057',
    http: 400,
    summary:
      'Invalid resource: the token was asked for an audience the services do not use, such as the retired https://azurehealthcareapis.com.',
    fix: 'Ask for the FHIR service URL, or https://dicom.healthcareapis.azure.com for DICOM (fhir-url and dicom-url do this).'
  },
  {
    code: 'AADSTS90002',
    http: 400,
    summary: 'Tenant not found: tenant-id names no tenant in this cloud.',
    fix: "Use the tenant's Directory (tenant) ID, and the environment of its cloud (AzureCloud, AzureUSGovernment, AzureChinaCloud)."
  },
  {
    code: 'AADSTS900023',
    http: 400,
    summary: 'The tenant identifier is not valid: it is neither a GUID nor a verified domain of a tenant.',
    fix: "Set tenant-id to the tenant's Directory (tenant) ID, a GUID."
  }
]

const FEDERATED_MISMATCH_CODES: ReadonlySet<string> = new Set([
  'AADSTS70021',
  'AADSTS700211',
  'AADSTS700213',
  'AADSTS7002138'
])
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

// ---------------------------------------------------------------------------------------------------------------
// Server text hygiene

function sanitize(text: string, secrets: readonly string[]): string {
  return sanitizeServerText(text, secrets)
}

/** A value quoted on one line of our own text (claims, quoted assertion fields): no line breaks, bounded. */
function oneLine(value: string): string {
  return sanitize(value, [])
}

// ---------------------------------------------------------------------------------------------------------------
// Reading errors as @azure/identity and MSAL produce them

/** The error, its causes, and an aggregate's members: the library wraps the informative error more than once. */
function errorChain(error: unknown): Record<string, unknown>[] {
  const seen = new Set<unknown>()
  const out: Record<string, unknown>[] = []
  const visit = (value: unknown, depth: number): void => {
    if (!isRecord(value) || seen.has(value) || depth > 8) return
    seen.add(value)
    out.push(value)
    visit(value.cause, depth + 1)
    if (Array.isArray(value.errors)) for (const inner of value.errors as unknown[]) visit(inner, depth + 1)
  }
  visit(error, 0)
  return out
}

function messageOf(error: unknown): string {
  if (isRecord(error) && typeof error.message === 'string') return error.message
  if (typeof error === 'string') return error
  return String(error)
}

interface EntraFailure {
  /** Like `AADSTS70021`; absent when the failure names none. */
  readonly code?: string
  /** The OAuth error (`invalid_client`, `invalid_request`, ...). */
  readonly oauthError?: string
  /** Microsoft Entra ID's description (raw server text: sanitize before showing). */
  readonly description?: string
  readonly traceId?: string
  readonly correlationId?: string
  readonly timestamp?: string
}

function firstMatch(texts: readonly string[], pattern: RegExp): string | undefined {
  for (const text of texts) {
    const found = pattern.exec(text)?.[1]
    if (found) return found
  }
  return undefined
}

/**
 * What the token endpoint said, from wherever the library put it: MSAL's ServerError (errorCode, errorNo,
 * correlationId and a message `error: Error(s): codes - Timestamp - Description - Correlation ID - Trace ID`),
 * @azure/identity's AuthenticationError (`errorResponse`), or the text of an AuthenticationRequiredError wrapping them.
 */
function readEntraFailure(error: unknown): EntraFailure {
  const chain = errorChain(error)
  const texts: string[] = []
  let code: string | undefined
  let oauthError: string | undefined
  let description: string | undefined
  let traceId: string | undefined
  let correlationId: string | undefined
  let timestamp: string | undefined
  for (const link of chain) {
    const response = isRecord(link.errorResponse) ? link.errorResponse : undefined
    if (response) {
      const codes = response.errorCodes
      if (!code && Array.isArray(codes) && typeof codes[0] === 'number') code = `AADSTS${String(codes[0])}`
      oauthError ??= nonEmptyString(response.error)
      description ??= nonEmptyString(response.errorDescription)
      traceId ??= nonEmptyString(response.traceId)
      correlationId ??= nonEmptyString(response.correlationId)
      timestamp ??= nonEmptyString(response.timestamp)
    }
    if (!code && typeof link.errorNo === 'number') code = `AADSTS${String(link.errorNo)}`
    if (!code && typeof link.errorNo === 'string' && /^\d+$/.test(link.errorNo)) code = `AADSTS${link.errorNo}`
    const message = nonEmptyString(link.message)
    if (message) texts.push(message)
    const errorMessage = nonEmptyString(link.errorMessage)
    if (errorMessage) texts.push(errorMessage)
  }
  if (description) texts.unshift(description)
  code ??= firstMatch(texts, /\b(AADSTS\d{5,8})\b/)
  const listed = firstMatch(texts, /Error\(s\):\s*(\d{5,8})/)
  if (!code && listed) code = `AADSTS${listed}`
  oauthError ??= firstMatch(texts, /^([a-z]+(?:_[a-z]+)+):\s/)
  description ??=
    firstMatch(texts, /Description:\s*([\s\S]*?)(?:\s+-\s+Correlation ID:|$)/) ??
    firstMatch(texts, /(AADSTS\d+:[\s\S]*)/)
  traceId ??= firstMatch(texts, new RegExp(`Trace ID:\\s*(${GUID_PATTERN})`, 'i'))
  correlationId ??= firstMatch(texts, new RegExp(`Correlation ID:\\s*(${GUID_PATTERN})`, 'i'))
  // MSAL's own correlationId field can hold its request's ID rather than the server's: a last resort only.
  correlationId ??= chain.map(link => nonEmptyString(link.correlationId)).find(id => id !== undefined)
  timestamp ??= firstMatch(texts, /Timestamp:\s*(\d{4}-\d\d-\d\d[ T][\d:.]+Z?)/)
  return { code, oauthError, description, traceId, correlationId, timestamp }
}

function supportLine(failure: EntraFailure): string | undefined {
  const parts = [
    failure.code ? `code ${failure.code}` : undefined,
    failure.oauthError ? `error ${failure.oauthError}` : undefined,
    failure.traceId ? `trace ID ${failure.traceId}` : undefined,
    failure.correlationId ? `correlation ID ${failure.correlationId}` : undefined,
    failure.timestamp ? `timestamp ${failure.timestamp}` : undefined
  ].filter((part): part is string => part !== undefined)
  return parts.length > 0 ? `For a support case: ${parts.join(', ')}.` : undefined
}

function tenantOf(signIn: SignIn): string | undefined {
  return 'tenantId' in signIn ? signIn.tenantId : undefined
}

function clientIdOf(signIn: SignIn): string | undefined {
  return 'clientId' in signIn ? signIn.clientId : undefined
}

// ---------------------------------------------------------------------------------------------------------------
// Federated credentials (OIDC)

interface PresentedAssertion {
  readonly issuer?: string
  readonly subject?: string
  readonly audience?: string
}

function claimString(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0]
  return undefined
}

/** The assertion's issuer, subject and audience as the description quotes them (`Assertion Subject: '...'`). */
function quotedAssertion(description: string | undefined): PresentedAssertion {
  if (!description) return {}
  const quoted = (label: string): string | undefined =>
    new RegExp(`(?:Assertion\\s+)?${label}\\s*:?\\s*'([^']*)'`, 'i').exec(description)?.[1] ??
    new RegExp(`presented assertion ${label}\\s*'([^']*)'`, 'i').exec(description)?.[1]
  return { issuer: quoted('Issuer'), subject: quoted('Subject'), audience: quoted('Audience') }
}

/** `repo:OWNER/REPO` from the claims or the subject, for the subject forms. */
function repoPrefix(claims: Record<string, unknown> | undefined, subject: string | undefined): string {
  const repository = claims ? claimString(claims.repository) : undefined
  if (repository) return `repo:${repository}`
  const fromSubject = subject ? /^(repo:[^:]+)/.exec(subject)?.[1] : undefined
  return fromSubject ?? 'repo:OWNER/REPO'
}

/** The subject form this run presented, in words, so the reader sees why a branch credential did not match. */
function describeSubject(subject: string): string {
  if (/:environment:/.test(subject)) {
    return 'This job runs in an environment, so GitHub presents the environment form, not the branch form.'
  }
  if (/:pull_request$/.test(subject)) return 'This run is for a pull request, so GitHub presents the pull_request form.'
  if (/:ref:refs\/tags\//.test(subject)) return 'This run is for a tag, so GitHub presents the tag form.'
  if (/:ref:refs\/heads\//.test(subject)) return 'This run is for a branch, so GitHub presents the branch form.'
  if (!subject.startsWith('repo:')) {
    return 'This subject is customized (the repository or organization changed its OIDC subject template).'
  }
  return ''
}

function credentialName(subject: string): string {
  const slug = subject
    .replace(/^repo:/, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '')
  return `github-${slug}`.slice(0, 120).replace(/-$/, '')
}

/** Single-quotes a value for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

/**
 * The command that adds the federated credential this very run presented. Values come from the GitHub token's
 * claims (what was sent), falling back to what Entra ID quoted.
 */
function federatedCredentialCommand(
  clientId: string,
  presented: { issuer: string; subject: string; audience: string }
): string {
  const parameters = JSON.stringify({
    name: credentialName(presented.subject),
    issuer: presented.issuer,
    subject: presented.subject,
    audiences: [presented.audience]
  })
  return `az ad app federated-credential create --id ${shellQuote(clientId)} --parameters ${shellQuote(parameters)}`
}

function federatedLines(code: string, failure: EntraFailure, context: SignInContext): string[] {
  const quoted = quotedAssertion(failure.description)
  const claims = context.githubClaims
  const configuredAudience = context.signIn.type === 'oidc' ? context.signIn.audience : undefined
  const issuer = (claims ? claimString(claims.iss) : undefined) ?? quoted.issuer
  const subject = (claims ? claimString(claims.sub) : undefined) ?? quoted.subject
  const audience =
    (claims ? claimString(claims.aud) : undefined) ??
    quoted.audience ??
    configuredAudience ??
    DEFAULT_FEDERATED_AUDIENCE
  const lines: string[] = []

  // Which of the three differs: the newer codes say it; 70021 quotes all three, so flag what looks unusual.
  const differs: string[] = []
  if (code === 'AADSTS700211') differs.push(`the issuer ('${oneLine(quoted.issuer ?? issuer ?? '?')}')`)
  if (code === 'AADSTS700213') differs.push(`the subject ('${oneLine(quoted.subject ?? subject ?? '?')}')`)
  if (code === 'AADSTS70021') {
    const presentedIssuer = quoted.issuer ?? issuer
    const presentedAudience = quoted.audience ?? audience
    if (presentedIssuer && presentedIssuer !== GITHUB_ISSUER && !presentedIssuer.startsWith(`${GITHUB_ISSUER}/`)) {
      differs.push(`the issuer ('${oneLine(presentedIssuer)}' is not GitHub's)`)
    }
    if (presentedAudience && presentedAudience !== DEFAULT_FEDERATED_AUDIENCE) {
      differs.push(
        `the audience ('${oneLine(presentedAudience)}' is not the default ${DEFAULT_FEDERATED_AUDIENCE}; the credential must list it)`
      )
    }
    if (differs.length === 0) differs.push('the subject (issuer and audience are the standard ones)')
  }
  if (code === 'AADSTS7002138') {
    lines.push('The credential differs from the presented values only in letter case; matching is case-sensitive.')
  } else if (differs.length > 0) {
    lines.push(`What differs: ${differs.join('; ')}.`)
  }

  if (subject) {
    lines.push(`The workflow presented the subject '${oneLine(subject)}'. ${describeSubject(subject)}`.trim())
  } else {
    lines.push('The presented subject is unknown (the GitHub token was not read).')
  }
  const repo = repoPrefix(claims, subject)
  lines.push(
    'Subject forms (exact, case-sensitive):',
    `  branch:       ${oneLine(repo)}:ref:refs/heads/BRANCH`,
    `  tag:          ${oneLine(repo)}:ref:refs/tags/TAG`,
    `  environment:  ${oneLine(repo)}:environment:NAME`,
    `  pull request: ${oneLine(repo)}:pull_request`
  )
  const clientId = clientIdOf(context.signIn)
  if (subject && issuer) {
    lines.push(
      'This command adds the federated credential that makes this run succeed:',
      `  ${federatedCredentialCommand(clientId ?? '<client-id>', {
        issuer: oneLine(issuer),
        subject: oneLine(subject),
        audience: oneLine(audience)
      })}`
    )
  }
  return lines
}

// ---------------------------------------------------------------------------------------------------------------
// Sign-in failures

/** What a sign-in talks to, for a message when it does not answer; `env` holds the managed identity endpoint. */
export function signInEndpoint(
  signIn: SignIn,
  authorityHost: string,
  env: Readonly<Record<string, string | undefined>>
): string {
  switch (signIn.type) {
    case 'oidc':
    case 'client-secret':
    case 'client-certificate':
      return `the token endpoint ${authorityHost}/${signIn.tenantId}/oauth2/v2.0/token`
    case 'managed-identity':
      return `the managed identity endpoint ${env.IDENTITY_ENDPOINT ?? env.MSI_ENDPOINT ?? 'http://169.254.169.254/metadata/identity/oauth2/token'}`
    case 'azure-cli':
      return 'the Azure CLI (az account get-access-token)'
    case 'azure-powershell':
      return 'Azure PowerShell (Get-AzAccessToken)'
  }
}

function entraExplanation(failure: EntraFailure, context: SignInContext): ActionError {
  const code = failure.code ?? 'AADSTS'
  const known = SIGN_IN_ERRORS.find(entry => entry.code === code)
  const lines: string[] = []
  let title: string
  if (known) {
    title = `Sign-in refused (${code})`
    lines.push(`Microsoft Entra ID refused the sign-in: ${known.summary}`, `Fix: ${known.fix}`)
  } else {
    title = `Sign-in refused (${code})`
    const number = code.replace(/^AADSTS/, '')
    lines.push(
      `Microsoft Entra ID refused the sign-in with ${code}, a code this action has no specific advice for.`,
      `Fix: read the description below; Microsoft explains each code at https://login.microsoftonline.com/error?code=${number}.`
    )
  }
  const clientId = clientIdOf(context.signIn)
  const tenant = tenantOf(context.signIn)
  if (code === 'AADSTS700016' || code === 'AADSTS90002' || code === 'AADSTS900023') {
    lines.push(
      `Used: client-id ${clientId ?? '(none)'}, tenant-id ${tenant ?? '(none)'}, sign-in host ${context.authorityHost}.`
    )
  }
  if (code === 'AADSTS500011' || code === 'AADSTS650057') {
    lines.push(
      `The token was asked for the resource '${oneLine(context.resource)}' in tenant ${tenant ?? '(default)'}.`
    )
  }
  if (FEDERATED_MISMATCH_CODES.has(code)) lines.push(...federatedLines(code, failure, context))
  if (failure.description) lines.push(`Microsoft Entra ID said: ${sanitize(failure.description, context.secrets)}`)
  const support = supportLine(failure)
  if (support) lines.push(support)
  return new ActionError(title, lines.join('\n'))
}

const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the host name could not be resolved',
  EAI_AGAIN: 'the host name could not be resolved (DNS lookup failed)',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPIPE: 'the connection was closed',
  network_error: 'the request could not be sent (no connection)'
}

const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ABORT_ERR'
])

const TLS_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID'
])

type Transport =
  | { kind: 'timeout'; endpoint?: string }
  | { kind: 'tls'; code: string }
  | { kind: 'network'; code: string; what: string }
  | { kind: 'discovery' }

/** A failure to reach the sign-in endpoint at all, by the codes Node, undici, MSAL and the caller's deadline use. */
function readTransportFailure(error: unknown): Transport | undefined {
  const chain = errorChain(error)
  const codes = chain
    .flatMap(link => [nonEmptyString(link.code), nonEmptyString(link.errorCode)])
    .filter((c): c is string => c !== undefined)
  const names = chain.map(link => nonEmptyString(link.name))
  const text = chain.map(link => nonEmptyString(link.message) ?? '').join('\n')
  const inText = (code: string): boolean => new RegExp(`\\b${code}\\b`).test(text)
  const tls = [...TLS_CODES].find(code => codes.includes(code) || inText(code))
  if (tls) return { kind: 'tls', code: tls }
  const deadline = chain.find(link => link.name === 'DeadlineError')
  if (deadline) return { kind: 'timeout', endpoint: nonEmptyString(deadline.endpoint) }
  if (
    names.includes('AbortError') ||
    names.includes('TimeoutError') ||
    codes.some(code => TIMEOUT_CODES.has(code)) ||
    inText('ETIMEDOUT') ||
    /\b(timed out|timeout|no answer from)\b/i.test(text)
  ) {
    return { kind: 'timeout' }
  }
  const network = Object.keys(NETWORK_CODES).find(code => codes.includes(code) || inText(code))
  if (network) return { kind: 'network', code: network, what: NETWORK_CODES[network] ?? network }
  if (codes.includes('endpoints_resolution_error') || inText('endpoints_resolution_error')) return { kind: 'discovery' }
  return undefined
}

function transportExplanation(transport: Transport, error: unknown, context: SignInContext): ActionError {
  // The environment is not read here (pure); an endpoint named by the deadline that fired wins anyway.
  const endpoint =
    transport.kind === 'timeout' && transport.endpoint
      ? oneLine(transport.endpoint)
      : signInEndpoint(context.signIn, context.authorityHost, {})
  const host = hostOf(context.authorityHost)
  const said = sanitize(messageOf(error), context.secrets)
  const proxyAdvice =
    'If the runner reaches the internet only through a proxy, set HTTPS_PROXY (and NO_PROXY) for the step; ' +
    `check that a firewall allows ${host}; on a sovereign cloud, check the environment input (it picks the sign-in host).`
  const lines: string[] = []
  let title: string
  switch (transport.kind) {
    case 'timeout':
      title = `Sign-in timed out: ${host}`
      lines.push(`No answer in time from ${endpoint}.`, `Fix: ${proxyAdvice}`)
      break
    case 'tls':
      title = `Sign-in failed: TLS error with ${host}`
      lines.push(
        `The TLS connection for ${endpoint} failed (${transport.code}): the certificate presented is not trusted.`,
        'Fix: a proxy that inspects TLS presents its own certificate authority: give its CA file to Node with ' +
          'NODE_EXTRA_CA_CERTS. Never turn certificate checks off.'
      )
      break
    case 'network':
      title = `Sign-in failed: cannot reach ${host}`
      lines.push(`Could not reach ${endpoint}: ${transport.what} (${transport.code}).`)
      lines.push(`Fix: ${proxyAdvice}`)
      break
    case 'discovery':
      title = `Sign-in failed: cannot read ${host}'s configuration`
      lines.push(
        `The sign-in host's configuration (${context.authorityHost}/${tenantOf(context.signIn) ?? 'organizations'}/v2.0/.well-known/openid-configuration) ` +
          'could not be read: the host is unreachable, tenant-id names no tenant there, or the host announces an issuer ' +
          'on another host.',
        `Fix: check tenant-id (the Directory (tenant) ID). ${proxyAdvice}`
      )
      break
  }
  lines.push(`Details: ${said}`)
  return new ActionError(title, lines.join('\n'))
}

function hostOf(url: string): string {
  return parseUrl(url)?.host ?? oneLine(url)
}

function isCredentialUnavailable(error: unknown): boolean {
  return errorChain(error).some(link => link.name === 'CredentialUnavailableError')
}

function toolExplanation(context: SignInContext, error: unknown): ActionError | undefined {
  const { signIn } = context
  if (signIn.type !== 'azure-cli' && signIn.type !== 'azure-powershell') return undefined
  const text = errorChain(error)
    .map(link => nonEmptyString(link.message) ?? '')
    .join('\n')
  const said = sanitize(messageOf(error), context.secrets)
  const cli = signIn.type === 'azure-cli'
  const tool = cli ? 'Azure CLI (az)' : 'Azure PowerShell (Az module)'
  const loginStep = cli
    ? 'run azure/login before this step (with enable-AzPSSession only for PowerShell)'
    : 'run azure/login with enable-AzPSSession: true before this step'
  const notInstalled = cli
    ? /could not be found|not found|not recognized|ENOENT/i.test(text)
    : /not installed|not recognized|ENOENT|PowerShell is not/i.test(text)
  const notLoggedIn = cli ? /az login/i.test(text) : /Connect-AzAccount/i.test(text)
  if (notInstalled) {
    return new ActionError(
      `Sign-in failed: ${tool} not found`,
      [
        `auth-type ${signIn.type} signs in through ${tool}, but it is not installed on this runner (or not on PATH).`,
        `Fix: install it on the runner (GitHub-hosted Ubuntu and Windows runners have it), or pick another auth-type such as oidc.`,
        `Details: ${said}`
      ].join('\n')
    )
  }
  if (notLoggedIn || isCredentialUnavailable(error)) {
    return new ActionError(
      `Sign-in failed: ${tool} is not logged in`,
      [
        `auth-type ${signIn.type} reuses the session of ${tool}, and there is none (or it expired).`,
        `Fix: ${loginStep}, or pick another auth-type (oidc, client-secret, client-certificate).`,
        `Details: ${said}`
      ].join('\n')
    )
  }
  return undefined
}

function managedIdentityExplanation(context: SignInContext, error: unknown): ActionError | undefined {
  const { signIn } = context
  if (signIn.type !== 'managed-identity') return undefined
  const text = errorChain(error)
    .map(link => nonEmptyString(link.message) ?? '')
    .join('\n')
  const said = sanitize(messageOf(error), context.secrets)
  if (signIn.clientId && /identity not found|not found|No managed identity|does not exist/i.test(text)) {
    return new ActionError(
      'Sign-in failed: managed identity not assigned',
      [
        `This machine offers managed identities, but not the user-assigned one with client ID ${signIn.clientId}.`,
        'Fix: assign that identity to the runner VM or scale set, or set client-id to one that is assigned (leave it empty for the system-assigned identity).',
        `Details: ${said}`
      ].join('\n')
    )
  }
  if (isCredentialUnavailable(error) || /IMDS|Network unreachable|ManagedIdentityCredential/i.test(text)) {
    return new ActionError(
      'Sign-in failed: no managed identity on this runner',
      [
        'auth-type managed-identity needs a runner on Azure (a VM or scale set with a managed identity); this one offers none. GitHub-hosted runners never do.',
        'Fix: use a self-hosted runner on Azure with an assigned identity, or pick another auth-type (oidc is the usual choice on GitHub-hosted runners).',
        `Details: ${said}`
      ].join('\n')
    )
  }
  return undefined
}

/** The sign-in host answered, but with something other than a token response: not a network problem. */
function unreadableAnswerExplanation(error: UnreadableAnswerError, context: SignInContext): ActionError {
  return new ActionError(
    'Sign-in answer unreadable',
    [
      `${oneLine(error.endpoint)} answered HTTP ${error.status}, but not with a token response that could be read ` +
        '(not JSON, or not the fields Microsoft Entra ID sends).',
      `Fix: check that authority-host (now ${oneLine(context.authorityHost)}) is the sign-in host of your cloud, and ` +
        'that no proxy or firewall on the way answers in its place (a login or block page).'
    ].join('\n')
  )
}

/** One ActionError with a plain sentence, the fix, and the AADSTS code, trace ID and correlation ID kept for support. */
export function explainSignInFailure(error: unknown, context: SignInContext): ActionError {
  const failure = readEntraFailure(error)
  if (failure.code) return entraExplanation(failure, context)
  // @actions/core's own words for a job without the OIDC permission, should its check be reached first.
  if (/ACTIONS_ID_TOKEN_REQUEST_(URL|TOKEN)/.test(messageOf(error))) return explainMissingOidcPermission()
  const specific = managedIdentityExplanation(context, error) ?? toolExplanation(context, error)
  if (specific) return specific
  if (error instanceof UnreadableAnswerError) return unreadableAnswerExplanation(error, context)
  const transport = readTransportFailure(error)
  if (transport) return transportExplanation(transport, error, context)
  const lines = [
    `Signing in (${context.signIn.type}) for the resource '${oneLine(context.resource)}' failed.`,
    `Details: ${sanitize(messageOf(error), context.secrets)}`
  ]
  const support = supportLine(failure)
  if (support) lines.push(support)
  return new ActionError('Sign-in failed', lines.join('\n'))
}

/** OIDC without ACTIONS_ID_TOKEN_REQUEST_*: needs `permissions: id-token: write` (show the YAML); forks/Dependabot get none. */
export function explainMissingOidcPermission(): ActionError {
  return new ActionError(
    'OIDC token unavailable: add permissions id-token: write',
    [
      'auth-type oidc signs in with a GitHub OIDC token, but ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN ' +
        'are not set: the job is not allowed to request one.',
      'Fix: grant the permission to the job (or the whole workflow). Setting permissions replaces the defaults, so keep ' +
        'what the job needs, such as contents: read:',
      '  permissions:',
      '    id-token: write',
      '    contents: read',
      'Pull requests from forks never get an OIDC token, and Dependabot runs do not by default: skip this step for them ' +
        "(for example, if: github.event.pull_request.head.repo.fork != true && github.actor != 'dependabot[bot]') " +
        'or use another auth-type.'
    ].join('\n')
  )
}

// ---------------------------------------------------------------------------------------------------------------
// Health checks answered 401 or 403

const READ_ROLES: Readonly<Record<ServiceKind, readonly string[]>> = {
  fhir: [
    'FHIR Data Reader',
    'FHIR Data Writer',
    'FHIR Data Contributor',
    'FHIR Data Exporter',
    'FHIR Data Importer',
    'FHIR SMART User'
  ],
  dicom: ['DICOM Data Reader', 'DICOM Data Owner'],
  resource: []
}

/** The role assignment scope for a service URL, with the parts the URL reveals filled in. */
function roleScope(kind: ServiceKind, serviceUrl: string | undefined): string {
  const base = '/subscriptions/<subscription-id>/resourceGroups/<resource-group>/providers/Microsoft.HealthcareApis'
  const host = (serviceUrl ? parseUrl(serviceUrl)?.hostname.toLowerCase() : undefined) ?? ''
  // Health Data Services hosts are `<workspace>-<service>.<kind>.azurehealthcareapis.*`; workspace names have no hyphen.
  const workspaceService = /^([a-z0-9]+)-([a-z0-9-]+)\.(fhir|dicom)\.azurehealthcareapis\.[a-z]+$/.exec(host)
  if (workspaceService) {
    const [, workspace = '', service = '', type = ''] = workspaceService
    return `${base}/workspaces/${workspace}/${type}services/${service}`
  }
  // Azure API for FHIR: `<name>.azurehealthcareapis.com`.
  const apiForFhir = /^([a-z0-9-]+)\.azurehealthcareapis\.[a-z]+$/.exec(host)
  if (kind === 'fhir' && apiForFhir) return `${base}/services/${apiForFhir[1] ?? ''}`
  if (kind === 'dicom') return `${base}/workspaces/<workspace>/dicomservices/<dicom-service>`
  if (kind === 'fhir') return `${base}/workspaces/<workspace>/fhirservices/<fhir-service>`
  return '<resource-id of the service>'
}

function serviceName(kind: ServiceKind): string {
  if (kind === 'fhir') return 'FHIR service'
  if (kind === 'dicom') return 'DICOM service'
  return 'service'
}

function describe403(context: AccessDeniedContext): string {
  const roles = READ_ROLES[context.kind]
  const oid = context.claims.oid
  const who = oid ? `object ID ${oid}` : 'the identity (its object ID, the oid claim, was not in the token)'
  const app = context.claims.appId ? ` (application ${context.claims.appId})` : ''
  const lines = [
    `The ${serviceName(context.kind)} accepted the token but denied access (403): ${who}${app} has no data-plane role ` +
      'that allows this request.'
  ]
  if (roles.length > 0) {
    const converter =
      context.kind === 'fhir' ? ' (FHIR Data Converter is not enough: it only allows $convert-data)' : ''
    lines.push(`Roles that grant a read: ${roles.join(', ')}${converter}.`)
  } else {
    lines.push("Assign the service's data-plane role that allows this request.")
  }
  const role = roles[0] ?? '<role>'
  lines.push(
    'Assign one (Owner or User Access Administrator on the scope is needed to assign it; use --assignee-principal-type User for a person):',
    `  az role assignment create --assignee-object-id ${oid ?? '<object-id>'} --assignee-principal-type ServicePrincipal ` +
      `--role "${role}" --scope ${roleScope(context.kind, context.serviceUrl)}`,
    'A new role assignment takes several minutes to take effect: the service caches access decisions for up to 5 ' +
      'minutes, and Azure role assignments can take up to 30. Right after a deployment, set wait-for-access (e.g. 10m) ' +
      'to retry until it does.'
  )
  return lines.join('\n')
}

interface BearerChallenge {
  readonly authorizationUri?: string
  readonly resourceId?: string
  readonly realm?: string
  readonly error?: string
  readonly errorDescription?: string
}

/** The parameters of a `WWW-Authenticate: Bearer k="v", ...` header. */
export function parseBearerChallenge(header: string | undefined): BearerChallenge {
  if (!header) return {}
  const params = new Map<string, string>()
  for (const match of header.matchAll(/([A-Za-z_]+)\s*=\s*(?:"([^"]*)"|([^\s,]+))/g)) {
    const key = match[1]?.toLowerCase()
    if (key) params.set(key, match[2] ?? match[3] ?? '')
  }
  return {
    authorizationUri: params.get('authorization_uri'),
    resourceId: params.get('resource_id'),
    realm: params.get('realm'),
    error: params.get('error'),
    errorDescription: params.get('error_description')
  }
}

function withoutSlash(value: string): string {
  return value.replace(/\/+$/, '')
}

/** The tenant in an authority URL (`https://login.microsoftonline.com/<tenant>`), if any. */
function tenantInAuthority(uri: string | undefined): string | undefined {
  if (!uri) return undefined
  return parseUrl(uri)
    ?.pathname.split('/')
    .find(part => part !== '')
}

function expectedAudience(context: AccessDeniedContext, challenge: BearerChallenge): string {
  const announced = challenge.resourceId ?? challenge.realm
  if (announced) return announced
  if (context.kind === 'dicom') return DICOM_RESOURCE
  if (context.kind === 'fhir' && context.serviceUrl) return parseUrl(context.serviceUrl)?.origin ?? context.resource
  return context.resource
}

function describe401(context: AccessDeniedContext): string {
  const challenge = parseBearerChallenge(context.wwwAuthenticate)
  const expected = oneLine(expectedAudience(context, challenge))
  const aud = context.claims.aud === undefined ? undefined : oneLine(context.claims.aud)
  const lines = [`The ${serviceName(context.kind)} did not accept the token (401).`]
  if (challenge.error || challenge.errorDescription) {
    lines.push(`It said: ${oneLine([challenge.error, challenge.errorDescription].filter(Boolean).join(': '))}.`)
  }
  const expectedTenant = tenantInAuthority(challenge.authorizationUri)
  const tokenTenant = context.claims.tenantId
  const wrongTenant =
    expectedTenant !== undefined &&
    tokenTenant !== undefined &&
    expectedTenant.toLowerCase() !== tokenTenant.toLowerCase() &&
    /^[0-9a-f-]{36}$/i.test(expectedTenant)

  if (aud === undefined) {
    lines.push(`The token's audience (aud) could not be read; the service expects '${expected}'.`)
  } else if (aud === expected) {
    lines.push(`The token's audience (aud) '${aud}' is the one the service expects.`)
  } else if (withoutSlash(aud) === withoutSlash(expected)) {
    lines.push(
      `The token's audience '${aud}' differs from the expected '${expected}' only by a trailing slash, and the ` +
        'service compares it exactly: ask for the resource without the trailing slash.'
    )
  } else if (withoutSlash(aud) === LEGACY_GENERIC_RESOURCE) {
    lines.push(
      `The token is for the retired generic audience ${LEGACY_GENERIC_RESOURCE}, which the services reject: ` +
        `ask for '${expected}' instead (fhir-url and dicom-url do this).`
    )
  } else if (context.kind === 'dicom') {
    lines.push(
      `The token is for '${aud}', but every DICOM service accepts only tokens for ${DICOM_RESOURCE}, whatever its ` +
        'URL: use dicom-url (or resource: ' +
        `${DICOM_RESOURCE}).`
    )
  } else {
    lines.push(
      `The token was issued for another service: its audience is '${aud}', the service expects '${expected}'. ` +
        'Check that fhir-url or resource names this very service.'
    )
  }
  if (wrongTenant) {
    lines.push(
      `The service trusts tenant ${oneLine(expectedTenant)} (authorization_uri), but the token comes from tenant ` +
        `${oneLine(tokenTenant)}: set tenant-id to ${oneLine(expectedTenant)} and use an identity of that tenant.`
    )
  } else if (aud === expected) {
    lines.push(
      'So the token was refused for another reason: it may have expired, or come from a tenant the service does not ' +
        'trust (the service must be in the same tenant as the identity).'
    )
  }
  return lines.join('\n')
}

interface AccessDeniedContext {
  status: 401 | 403
  kind: ServiceKind
  resource: string
  /** Absent for a bare resource; the role scope then stays a placeholder. */
  serviceUrl?: string | undefined
  claims: TokenClaims
  wwwAuthenticate?: string | undefined
}

/** A health check answered 401 or 403: what it means and what to do. */
export function explainAccessDenied(context: AccessDeniedContext): string {
  return context.status === 403 ? describe403(context) : describe401(context)
}
