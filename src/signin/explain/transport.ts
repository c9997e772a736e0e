// Sign-in requests that got no usable answer: no connection, no answer in time, an untrusted certificate, a sign-in
// host whose configuration cannot be read, or an answer that is not a token response.

import { ActionError, type AnswerTooLargeError, type UnreadableAnswerError } from '../../errors.js'
import { nonEmptyString, parseUrl } from '../../lib/guards.js'
import { oneLine, sanitizeServerText } from '../../lib/text.js'
import type { SignInContext } from './context.js'
import { errorChain, messageOf } from './chain.js'

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

/** Node's words for the TLS failures, for a caller (@actions/core) that keeps an error's message but not its code. */
const TLS_MESSAGES: readonly (readonly [RegExp, string])[] = [
  [/self[- ]signed certificate in certificate chain/i, 'SELF_SIGNED_CERT_IN_CHAIN'],
  [/self[- ]signed certificate/i, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  [/unable to verify the first certificate/i, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  [/unable to get local issuer certificate/i, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
  [/certificate has expired/i, 'CERT_HAS_EXPIRED'],
  [/does not match certificate's altnames/i, 'ERR_TLS_CERT_ALTNAME_INVALID']
]

function tlsByText(text: string): string | undefined {
  return TLS_MESSAGES.find(([pattern]) => pattern.test(text))?.[1]
}

type Transport =
  | { kind: 'timeout'; endpoint?: string }
  | { kind: 'tls'; code: string }
  | { kind: 'network'; code: string; what: string }
  | { kind: 'discovery' }

/** A failure to reach the sign-in endpoint at all, by the codes Node, undici, MSAL and the caller's deadline use. */
export function readTransportFailure(error: unknown): Transport | undefined {
  const chain = errorChain(error)
  const codes = chain
    .flatMap(link => [nonEmptyString(link.code), nonEmptyString(link.errorCode)])
    .filter((c): c is string => c !== undefined)
  const names = chain.map(link => nonEmptyString(link.name))
  const text = chain.map(link => nonEmptyString(link.message) ?? '').join('\n')
  const inText = (code: string): boolean => new RegExp(`\\b${code}\\b`).test(text)
  const tls = [...TLS_CODES].find(code => codes.includes(code) || inText(code)) ?? tlsByText(text)
  if (tls) return { kind: 'tls', code: tls }
  const deadline = chain.find(link => link.name === 'DeadlineError')
  if (deadline) return { kind: 'timeout', endpoint: nonEmptyString(deadline.endpoint) }
  if (
    names.includes('AbortError') ||
    names.includes('TimeoutError') ||
    codes.some(code => TIMEOUT_CODES.has(code)) ||
    inText('ETIMEDOUT') ||
    // Not `timeout=`: MSAL's error text can quote an answer's headers, `keep-alive: timeout=5` among them.
    /\b(timed out|timeout|no answer from)\b(?!=)/i.test(text)
  ) {
    return { kind: 'timeout' }
  }
  const network = Object.keys(NETWORK_CODES).find(code => codes.includes(code) || inText(code))
  if (network) return { kind: 'network', code: network, what: NETWORK_CODES[network] ?? network }
  if (codes.includes('endpoints_resolution_error') || inText('endpoints_resolution_error')) return { kind: 'discovery' }
  return undefined
}

export function transportExplanation(transport: Transport, error: unknown, context: SignInContext): ActionError {
  // An endpoint named by the deadline that fired wins over the sign-in's usual one.
  const endpoint = transport.kind === 'timeout' && transport.endpoint ? oneLine(transport.endpoint) : context.endpoint
  // The host of what failed: the managed identity endpoint is not the sign-in host.
  const host = hostOf(/https?:\/\/[^\s/?#]+/.exec(endpoint)?.[0] ?? context.authorityHost)
  const said = sanitizeServerText(messageOf(error), context.secrets)
  const proxyAdvice =
    context.signIn.type === 'managed-identity'
      ? `The managed identity endpoint ${host} is on this machine (or its host): if HTTPS_PROXY is set, add ` +
        `${parseUrl(`http://${host}`)?.hostname ?? host} to NO_PROXY; check the runner VM or scale set has a managed identity and its ` +
        'endpoint is up.'
      : 'If the runner reaches the internet only through a proxy, set HTTPS_PROXY (and NO_PROXY) for the step; ' +
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
        `The sign-in host's configuration (${context.authorityHost}/${context.signIn.tenantId ?? 'organizations'}/v2.0/.well-known/openid-configuration) ` +
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

/** The sign-in host answered, but with something other than a token response: not a network problem. */
export function unreadableAnswerExplanation(error: UnreadableAnswerError, context: SignInContext): ActionError {
  return new ActionError(
    'Sign-in answer unreadable',
    [
      `${oneLine(error.endpoint)} answered HTTP ${error.status}` +
        (error.contentType ? ` (${oneLine(error.contentType)})` : '') +
        ', but not with a token response that could be read (not JSON, or not the fields Microsoft Entra ID sends).',
      context.signIn.type === 'managed-identity'
        ? 'Fix: check that IDENTITY_ENDPOINT (when set) is the managed identity endpoint of this machine, and that no ' +
          'proxy answers in its place (add its host, or 169.254.169.254, to NO_PROXY).'
        : `Fix: check that authority-host (now ${oneLine(context.authorityHost)}) is the sign-in host of your cloud, and ` +
          'that no proxy or firewall on the way answers in its place (a login or block page).'
    ].join('\n')
  )
}

/** The host answered with more than any sign-in answer holds: it was cut off unread, not a network problem. */
export function tooLargeExplanation(error: AnswerTooLargeError, context: SignInContext): ActionError {
  return new ActionError(
    'Sign-in answer too large',
    [
      `${oneLine(error.endpoint)} answered with more than ${String(error.limitBytes / 1024)} KiB (a token answer is a ` +
        'few KiB), so it was not read.',
      `Fix: check that authority-host (now ${oneLine(context.authorityHost)}) is the sign-in host of your cloud, and ` +
        'that no proxy or firewall on the way answers in its place.'
    ].join('\n')
  )
}
