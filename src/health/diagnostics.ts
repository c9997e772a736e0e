// What of a service's answer a failed check may quote. Patient data can be in any answer body, so a 1xx/2xx/3xx body
// is never quoted, and of a 4xx/5xx body only the service's structured diagnostics: a FHIR OperationOutcome's issue
// codes and diagnostics (they describe the request, not records), or the JSON error's code and message the DICOM
// service's API layer answers with. Any other body (HTML, plain text, other JSON) is summed up by its content type and
// length, never quoted.

import { isRecord } from '../lib/guards.js'
import { sanitizeServerText } from '../lib/text.js'

/** Longest server text quoted in a check's error. */
const MAX_DIAGNOSTICS_LENGTH = 300

export interface ErrorAnswer {
  readonly status: number
  readonly body: string
  readonly contentType?: string | undefined
  /** Bytes the answer's body has (its Content-Length, or what was read). */
  readonly length: number
}

export type Diagnostics =
  | { readonly kind: 'quoted'; readonly text: string; readonly issues: readonly string[] }
  | { readonly kind: 'withheld'; readonly text: string }
  | { readonly kind: 'none' }

/** The diagnostics of an error answer, made safe to show, or why its body is not shown. */
export function errorDiagnostics(answer: ErrorAnswer, secrets: readonly string[]): Diagnostics {
  if (answer.status < 400) return { kind: 'none' }
  const structured = structuredDiagnostics(answer.body)
  if (structured !== undefined && structured.length > 0) {
    const issues = structured.map(item => sanitizeServerText(item, secrets, MAX_DIAGNOSTICS_LENGTH))
    return { kind: 'quoted', text: sanitizeServerText(structured.join('; '), secrets, MAX_DIAGNOSTICS_LENGTH), issues }
  }
  if (answer.length === 0) return { kind: 'none' }
  return { kind: 'withheld', text: withheldBody(answer.contentType, answer.length) }
}

/** How a body that is not shown is described: its type and size only. */
export function withheldBody(contentType: string | undefined, length: number): string {
  const type = contentType ? sanitizeServerText(contentType.split(';')[0] ?? '', [], 80) : 'no content type'
  return `the body (${type || 'no content type'}, ${String(length)} bytes) is not shown: it is not the service's structured error and may hold patient data`
}

/** An OperationOutcome's `code: diagnostics` per issue, or a JSON error's `code: message`; undefined for anything else. */
function structuredDiagnostics(body: string): string[] | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return undefined
  }
  if (!isRecord(parsed)) return undefined
  if (parsed.resourceType === 'OperationOutcome' && Array.isArray(parsed.issue)) {
    return (parsed.issue as unknown[]).flatMap(issue => {
      const said = isRecord(issue) ? codeAndText(issue.code, issue.diagnostics) : undefined
      return said === undefined ? [] : [said]
    })
  }
  const said = isRecord(parsed.error) ? codeAndText(parsed.error.code, parsed.error.message) : undefined
  return said === undefined ? undefined : [said]
}

/** `code: text` of whichever of the two is a string; undefined when neither is. */
function codeAndText(code: unknown, text: unknown): string | undefined {
  const said = [code, text].filter((value): value is string => typeof value === 'string')
  return said.length > 0 ? said.join(': ') : undefined
}
