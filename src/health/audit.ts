// The FHIR service's custom audit headers: each probe says which pipeline run sent it, so the service's audit logs tell
// the pipeline's health checks from real access. Only the run's context goes there, never patient data, and values
// stay short: the service takes at most 10 distinct `X-MS-AZUREFHIR-AUDIT-<name>` headers of up to 2048 characters.

export const AUDIT_HEADER_PREFIX = 'X-MS-AZUREFHIR-AUDIT-'

/** Each header sent and where its value comes from: a runner variable, or a fixed value naming the action. */
export const AUDIT_HEADERS: readonly { readonly name: string; readonly from: { env: string } | { value: string } }[] = [
  { name: 'SOURCE', from: { value: 'azure-health-data-services-token' } },
  { name: 'REPOSITORY', from: { env: 'GITHUB_REPOSITORY' } },
  { name: 'WORKFLOW', from: { env: 'GITHUB_WORKFLOW' } },
  { name: 'RUN-ID', from: { env: 'GITHUB_RUN_ID' } },
  { name: 'RUN-ATTEMPT', from: { env: 'GITHUB_RUN_ATTEMPT' } },
  { name: 'JOB', from: { env: 'GITHUB_JOB' } }
]

/** Far below the service's limit: a name, an ID or a number needs no more. */
export const MAX_AUDIT_VALUE_LENGTH = 128

/** A header value: printable ASCII only (anything else percent-encoded, as HTTP allows no more), bounded. */
function headerValue(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/gu, encodeChar)
  return ascii.trim().slice(0, MAX_AUDIT_VALUE_LENGTH)
}

function encodeChar(char: string): string {
  try {
    return encodeURIComponent(char)
  } catch {
    // A lone surrogate cannot be encoded.
    return '?'
  }
}

/** The audit headers for this run; a header whose runner variable is unset is left out. */
export function auditHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const { name, from } of AUDIT_HEADERS) {
    const raw = 'value' in from ? from.value : (env[from.env] ?? '')
    const value = headerValue(raw)
    if (value !== '') headers[`${AUDIT_HEADER_PREFIX}${name}`] = value
  }
  return headers
}
