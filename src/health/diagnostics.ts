// What of a service's answer a failed check may show. Patient data can be in any answer body, so a 1xx/2xx/3xx body
// is never quoted, and of a 4xx/5xx body only its structure: an OperationOutcome issue's severity, code,
// details.coding codes and expression/location (FHIRPath, which names fields, never values), or a JSON error's code.
// Free text (diagnostics, details.text, a JSON error's message, a plain-text body) is where FHIR servers quote
// resource content and the DICOM service tag values, so it is quoted only when it is one of the services' known fixed
// texts (known-texts.ts); otherwise only its length is said. Any other body is summed up by its content type and size.

import { isRecord } from '../lib/guards.js'
import { sanitizeServerText } from '../lib/text.js'
import { knownText } from './known-texts.js'

/** Longest structure and known text shown of one answer; the note on withheld text comes after it. */
const MAX_DIAGNOSTICS_LENGTH = 300
/** Issues of one OperationOutcome shown; the rest are counted. */
const MAX_ISSUES = 5

/** A code (`not-supported`, `MSG_PARAM_INVALID`, `ValidationFailed`): one token of a fixed vocabulary. */
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/
/** A FHIRPath that only names fields: `Patient.name[0].given[1]`, `Observation.value.ofType(Quantity)`. */
const FIELD_PATH =
  /^[A-Za-z_][A-Za-z0-9_]*(?:\([A-Za-z]*\))?(?:\[\d{1,6}\])?(?:\.[A-Za-z_][A-Za-z0-9_]*(?:\([A-Za-z]*\))?(?:\[\d{1,6}\])?){0,30}$/
const SEVERITIES: readonly string[] = ['fatal', 'error', 'warning', 'information']

/** Where withheld free text can be read, said once after the diagnostics that withheld some. */
export const WITHHELD_NOTE =
  "Free text of the service's error is shown only when it is one of the services' known fixed texts, since it may " +
  "quote patient data; the withheld text can be read in the service's own diagnostic logs."

export interface ErrorAnswer {
  readonly status: number
  readonly body: string
  readonly contentType?: string | undefined
  /** Bytes the answer's body has (its Content-Length, or what was read). */
  readonly length: number
}

export type Diagnostics =
  | {
      readonly kind: 'structured'
      /** The structure and known texts, then WITHHELD_NOTE when any free text was withheld. */
      readonly text: string
      /** The check's own search parameters a known text says the service does not support. */
      readonly unsupportedParameters: readonly string[]
    }
  | { readonly kind: 'withheld'; readonly text: string }
  | { readonly kind: 'none' }

/**
 * What of an error answer may be shown, made safe: its structure and known fixed texts, or why its body is not shown.
 * `checkUrl` is the check's own URL, the only source of a placeholder in a known text.
 */
export function errorDiagnostics(answer: ErrorAnswer, checkUrl: string, secrets: readonly string[]): Diagnostics {
  if (answer.status < 400) return { kind: 'none' }
  const said = structure(answer, checkUrl)
  if (said !== undefined && said.parts.length > 0) {
    const shown = sanitizeServerText(said.parts.join('; '), secrets, MAX_DIAGNOSTICS_LENGTH)
    return {
      kind: 'structured',
      text: said.withheld ? `${shown.replace(/\.$/, '')}. ${WITHHELD_NOTE}` : shown,
      unsupportedParameters: said.parameters
    }
  }
  if (answer.length === 0) return { kind: 'none' }
  return { kind: 'withheld', text: withheldBody(answer.contentType, answer.length) }
}

/** How a body that is not shown is described: its type and size only. */
export function withheldBody(contentType: string | undefined, length: number): string {
  const type = contentType ? sanitizeServerText(contentType.split(';')[0] ?? '', [], 80) : 'no content type'
  return `the body (${type || 'no content type'}, ${String(length)} bytes) is not shown: it is not the service's structured error and may hold patient data`
}

/** What one answer's structure says: a part per issue (or the error, or a known plain text). */
interface Said {
  readonly parts: readonly string[]
  /** Whether any free text was left out. */
  readonly withheld: boolean
  readonly parameters: readonly string[]
}

/** One piece of a part: shown as it is, or the note that something was withheld. */
interface Piece {
  readonly text: string
  readonly withheld?: boolean
  readonly parameter?: string
}

function structure(answer: ErrorAnswer, checkUrl: string): Said | undefined {
  const parsed = parseJson(answer.body)
  if (isRecord(parsed) && parsed.resourceType === 'OperationOutcome' && Array.isArray(parsed.issue)) {
    const issues = (parsed.issue as unknown[]).filter(isRecord)
    if (issues.length === 0) return undefined
    const shown = issues.slice(0, MAX_ISSUES).map(issue => outcomeIssue(issue, checkUrl))
    const more = issues.length - shown.length
    return combine(more > 0 ? [...shown, [[{ text: `and ${String(more)} more` }], []]] : shown)
  }
  if (isRecord(parsed) && isRecord(parsed.error)) {
    const { code, message } = parsed.error
    if (code === undefined && message === undefined) return undefined
    return combine([[[shape(code, CODE, 'code')], [freeText('message', message, checkUrl)]]])
  }
  if (parsed === undefined && isPlainText(answer.contentType) && answer.body.trim() !== '') {
    const cut = Buffer.byteLength(answer.body) < answer.length
    const text = cut
      ? { text: `the plain-text body withheld (${String(answer.length)} bytes)`, withheld: true }
      : undefined
    return combine([[[], [text ?? freeText('the plain-text body', answer.body, checkUrl)]]])
  }
  return undefined
}

/** An OperationOutcome issue: `code (severity) [coding codes] at FHIRPath: free text or its length`. */
function outcomeIssue(issue: Record<string, unknown>, checkUrl: string): Part {
  const details = isRecord(issue.details) ? issue.details : {}
  const codings = Array.isArray(details.coding) ? (details.coding as unknown[]).filter(isRecord) : []
  const codes = codings.map(coding => shape(coding.code, CODE, 'code'))
  const paths = [issue.expression, issue.location]
    .flatMap(value => (Array.isArray(value) ? (value as unknown[]) : []))
    .map(path => shape(path, FIELD_PATH, 'path'))
  const severity = typeof issue.severity === 'string' && SEVERITIES.includes(issue.severity) ? issue.severity : ''
  const head = [
    shape(issue.code, CODE, 'code'),
    { text: severity && `(${severity})` },
    ...listed(codes, list => `[${list}]`),
    ...listed(paths, list => `at ${list}`)
  ]
  return [
    head,
    [freeText('diagnostics', issue.diagnostics, checkUrl), freeText('details.text', details.text, checkUrl)]
  ]
}

/** The pieces with something to show, joined into one (`[a, b]`), or none. */
function listed(pieces: readonly Piece[], wrap: (list: string) => string): Piece[] {
  const shown = pieces.filter(piece => piece.text !== '')
  if (shown.length === 0) return []
  const text = wrap([...new Set(shown.map(piece => piece.text))].join(', '))
  return [{ text, withheld: shown.some(piece => piece.withheld) }]
}

/** Free text quoted when it is a known fixed text, else named with its length; nothing when absent. */
function freeText(name: string, value: unknown, checkUrl: string): Piece {
  if (typeof value !== 'string' || value.trim() === '') return { text: '' }
  const known = knownText(value, checkUrl)
  if (known === undefined) return { text: `${name} withheld (${characters(value)} characters)`, withheld: true }
  return known.searchParameter === undefined
    ? { text: known.text }
    : { text: known.text, parameter: known.searchParameter }
}

/** A structured value shown as it is when it has the expected shape; otherwise withheld (it may be free text). */
function shape(value: unknown, pattern: RegExp, name: string): Piece {
  if (typeof value !== 'string' || value === '') return { text: '' }
  if (value.length <= 200 && pattern.test(value)) return { text: value }
  return { text: `(a ${name} withheld, ${characters(value)} characters)`, withheld: true }
}

/** An issue or error: the pieces of structure, then the free texts. */
type Part = readonly [head: readonly Piece[], texts: readonly Piece[]]

/** Each part as `head: free text; free text`, and what the parts withheld and named. */
function combine(parts: readonly Part[]): Said {
  const pieces = parts.flatMap(([head, texts]) => [...head, ...texts])
  const shown = (some: readonly Piece[]): string[] => some.map(piece => piece.text).filter(Boolean)
  return {
    parts: parts
      .map(([head, texts]) => [shown(head).join(' '), shown(texts).join('; ')].filter(Boolean).join(': '))
      .filter(Boolean),
    withheld: pieces.some(piece => piece.withheld),
    parameters: [...new Set(pieces.flatMap(piece => (piece.parameter === undefined ? [] : [piece.parameter])))]
  }
}

/** A text's length as a reader counts it: code points, not UTF-16 units. */
function characters(text: string): string {
  return String(Array.from(text).length)
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown
  } catch {
    return undefined
  }
}

function isPlainText(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase()
  return type === undefined || type === '' || type === 'text/plain'
}
