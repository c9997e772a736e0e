// Text made safe to show. A token endpoint or a service may answer with anything: text that echoes the submitted
// secret, carries a token, or tries to start a workflow command on a line of its own; and an input quoted in a message
// must not leak a password or flood the log.

import { CONTROL_CHARACTERS } from './guards.js'

const REDACTED = '[redacted]'
/** Server text is cut here: enough for any real description, bounded for a hostile one. */
const MAX_SERVER_TEXT = 1000

/**
 * Every spelling a server could echo a secret back in, longest first: raw; URL-encoded (encodeURIComponent, which
 * leaves `~ ! ' ( ) *` as they are); form-encoded as a request body really is (URLSearchParams: `~` is `%7E`, a space
 * `+`); each encoding with lower-case hex too; and JSON-escaped.
 */
export function spellingsOf(secrets: readonly string[]): string[] {
  const all = secrets.flatMap(value => {
    const encoded = [
      encodeURIComponent(value),
      encodeURIComponent(value).replace(/%20/g, '+'),
      new URLSearchParams({ v: value }).toString().slice(2)
    ]
    return [
      value,
      JSON.stringify(value).slice(1, -1),
      ...encoded,
      ...encoded.map(spelling => spelling.replace(/%[0-9A-F]{2}/g, hex => hex.toLowerCase()))
    ]
  })
  // Longest first, so a secret is replaced whole before any part of it that is listed on its own.
  return [...new Set(all.filter(value => value.length > 0))].sort((a, b) => b.length - a.length)
}

/**
 * Text that can start no log command wherever it is printed: GitHub's runner reads `::name::` at the start of a line
 * and the legacy `##[name]` anywhere in one (`##[stop-commands]` would stop it reading `::add-mask::`); Azure
 * Pipelines' agent reads `##vso[…]` anywhere in a line, in any letter case (`##vso[task.setvariable]` would set a
 * variable of the pipeline). Each is broken by a space, anywhere in the text, so the text stays readable.
 */
export function neutralizeCommands(text: string): string {
  return text
    .replace(/:(?=:)/g, ': ')
    .replace(/##\[/g, '## [')
    .replace(/(##vso)\[/gi, '$1 [')
}

/**
 * Server or library text made safe to show: the given secrets, anything shaped like a JWT (assertions, tokens) and
 * PEM blocks removed; one line, with every log-command syntax neutralised (neutralizeCommands); bounded in length.
 */
export function sanitizeServerText(text: string, secrets: readonly string[], maxLength = MAX_SERVER_TEXT): string {
  let out = text
  for (const secret of spellingsOf(secrets)) out = out.split(secret).join(REDACTED)
  out = out
    .replace(/-----BEGIN [^-]*-----[\s\S]*?(-----END [^-]*-----|$)/g, REDACTED)
    .replace(/\beyJ[\w-]*\.[\w-]*(\.[\w-]*)?/g, REDACTED)
    .replace(
      /\b(client_secret|client_assertion|assertion|password|access_token)(["']?\s*[=:]\s*["']?)[^\s&"',;]+/gi,
      `$1$2${REDACTED}`
    )
    .replace(new RegExp(`${CONTROL_CHARACTERS.source}+`, 'g'), ' ')
    .replace(/\s{2,}/g, ' ')
    .trim()
  out = neutralizeCommands(out)
  return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out
}

/**
 * A value quoted for a message: any `//user:password@` part hidden, no workflow command left in it, and cut short so
 * that one bad input cannot flood the log.
 */
export function show(value: string): string {
  const redacted = value.replace(/\/\/[^/?#\s]*@/g, '//***@')
  return neutralizeCommands(JSON.stringify(redacted.length > 100 ? `${redacted.slice(0, 100)}...` : redacted))
}

/** The text with its first letter in upper case, to start a sentence with server or library text. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** A value quoted on one line of the action's own text (claims, quoted fields): no line breaks, bounded. */
export function oneLine(value: string): string {
  return sanitizeServerText(value, [])
}

/** `a, b or c`: a list in a sentence. */
export function listInWords(items: readonly string[], last: 'or' | 'and'): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1) ?? ''}`
}
