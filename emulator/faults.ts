// Scripted faults: which request a fault applies to, how many times, and the answer it produces instead.
import type { EmuResponse } from './http.ts'
import { PHI_BIRTH_DATE, PHI_MARKER } from './patients.ts'
import type { FaultSpec, Party } from './scenario.ts'

export type FaultAction =
  | { readonly kind: 'respond'; readonly delayMs: number; readonly response: EmuResponse }
  | { readonly kind: 'delay'; readonly delayMs: number }
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset'; readonly delayMs: number }
  | { readonly kind: 'stream'; readonly delayMs: number; readonly response: EmuResponse; readonly stream: BodyStream }

export type BodyStream = NonNullable<FaultSpec['stream']>

export function faultMatches(fault: FaultSpec, party: Party, method: string, path: string): boolean {
  if (fault.party !== undefined && fault.party !== party) return false
  if (fault.method !== undefined && fault.method.toUpperCase() !== method.toUpperCase()) return false
  if (fault.pathPrefix !== undefined && !path.startsWith(fault.pathPrefix)) return false
  return true
}

/**
 * The first fault that applies, counting its use: a fault with `times` applies to the first N matching requests only.
 * `counts` is the caller's mutable tally, one entry per fault index.
 */
export function takeFault(
  faults: readonly FaultSpec[],
  counts: number[],
  party: Party,
  method: string,
  path: string
): FaultSpec | undefined {
  for (const [i, fault] of faults.entries()) {
    if (!faultMatches(fault, party, method, path)) continue
    const used = counts[i] ?? 0
    if (fault.times !== undefined && used >= fault.times) continue
    counts[i] = used + 1
    return fault
  }
  return undefined
}

function throttledBody(party: Party, retryAfterSeconds: number): string {
  if (party === 'fhir') {
    return JSON.stringify({
      resourceType: 'OperationOutcome',
      id: crypto.randomUUID(),
      issue: [
        { severity: 'error', code: 'throttled', diagnostics: 'The request rate exceeded the limit. Retry later.' }
      ]
    })
  }
  return JSON.stringify({
    error: { code: 'TooManyRequests', message: `Rate limit exceeded. Retry after ${retryAfterSeconds} seconds.` }
  })
}

/** A service's error quoting patient data in its free text (the emulator's patients' marker and birth date). */
function patientDataErrorBody(
  party: Party,
  kind: 'parse' | 'validation'
): { status: number; contentType: string; value: Record<string, unknown> } {
  if (party === 'dicom') {
    return {
      status: 400,
      contentType: 'application/json; charset=utf-8',
      value: {
        error: {
          code: 'ValidationFailed',
          message: `DICOM100: (0010,0010) PatientName 'Chalmers-${PHI_MARKER}^Peter' is invalid`
        }
      }
    }
  }
  const issue =
    kind === 'parse'
      ? {
          severity: 'error',
          code: 'exception',
          diagnostics:
            `Failed to parse database resource [Patient/pat-1]: Invalid attribute value "${PHI_BIRTH_DATE}" for ` +
            `Patient.name[0] "Peter-${PHI_MARKER}"`
        }
      : {
          severity: 'error',
          code: 'processing',
          details: {
            coding: [{ system: 'http://hl7.org/fhir/dotnet-api-operation-outcome', code: '5003' }],
            text: `Patient.name[0].family: "Chalmers-${PHI_MARKER}" does not match the pattern`
          },
          diagnostics: `Invalid attribute value "${PHI_BIRTH_DATE}" for Patient.birthDate of Chalmers-${PHI_MARKER}`,
          expression: ['Patient.birthDate']
        }
  return {
    status: kind === 'parse' ? 500 : 422,
    contentType: 'application/fhir+json; charset=utf-8',
    value: { resourceType: 'OperationOutcome', id: crypto.randomUUID(), issue: [issue] }
  }
}

/** What the server does for a fault; `requestBody` is what the client sent (for an echo). */
export function faultAction(fault: FaultSpec, party: Party, requestBody = ''): FaultAction {
  const delayMs = fault.delayMs ?? 0
  if (fault.hang) return { kind: 'hang' }
  if (fault.reset) return { kind: 'reset', delayMs }
  if (fault.stream) {
    return {
      kind: 'stream',
      delayMs,
      stream: fault.stream,
      response: {
        status: fault.status ?? 200,
        headers: { 'content-type': 'application/json; charset=utf-8', ...fault.headers }
      }
    }
  }
  if (fault.echoBody) {
    const body = JSON.stringify({
      error: 'invalid_client',
      error_description: `AADSTS7000215: Invalid client secret provided. Values received: ${echoedValues(requestBody)}`,
      error_codes: [7000215],
      timestamp: new Date().toISOString(),
      trace_id: crypto.randomUUID(),
      correlation_id: crypto.randomUUID()
    })
    return {
      kind: 'respond',
      delayMs,
      response: {
        status: fault.status ?? 401,
        headers: { 'content-type': 'application/json; charset=utf-8', ...fault.headers },
        body
      }
    }
  }
  if (fault.redirectTo !== undefined) {
    return {
      kind: 'respond',
      delayMs,
      response: { status: fault.status ?? 302, headers: { location: fault.redirectTo, ...fault.headers }, body: '' }
    }
  }
  if (fault.patientDataError !== undefined) {
    const body = patientDataErrorBody(party, fault.patientDataError)
    return {
      kind: 'respond',
      delayMs,
      response: {
        status: fault.status ?? body.status,
        headers: { 'content-type': body.contentType, ...fault.headers },
        body: JSON.stringify(body.value)
      }
    }
  }
  if (fault.throttle) {
    const retryAfterSeconds = Math.max(1, Math.ceil(fault.throttle.retryAfterMs / 1000))
    return {
      kind: 'respond',
      delayMs,
      response: {
        status: fault.status ?? 429,
        headers: {
          'content-type': party === 'fhir' ? 'application/fhir+json; charset=utf-8' : 'application/json; charset=utf-8',
          'retry-after': String(retryAfterSeconds),
          'x-ms-retry-after-ms': String(fault.throttle.retryAfterMs),
          ...fault.headers
        },
        body: fault.body === undefined ? throttledBody(party, retryAfterSeconds) : bodyText(fault.body)
      }
    }
  }
  if (fault.status === undefined) return { kind: 'delay', delayMs }
  const body = fault.malformed ? '{"error": "server_error", "error_description": "trunc' : bodyText(fault.body ?? '')
  const contentType =
    fault.malformed || (fault.body !== undefined && typeof fault.body !== 'string')
      ? 'application/json; charset=utf-8'
      : 'text/plain; charset=utf-8'
  return {
    kind: 'respond',
    delayMs,
    response: { status: fault.status, headers: { 'content-type': contentType, ...fault.headers }, body }
  }
}

function bodyText(body: NonNullable<FaultSpec['body']>): string {
  return typeof body === 'string' ? body : JSON.stringify(body)
}

/** Each submitted form value, without its name, form-encoded again as a server that re-serialises it writes it. */
function echoedValues(requestBody: string): string {
  return [...new URLSearchParams(requestBody).values()]
    .map(value => new URLSearchParams({ v: value }).toString().slice(2))
    .join(' ')
}
