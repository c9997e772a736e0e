// FHIR search as the FHIR service answers it: `_count`, `_summary=count` (a Bundle with `total` and no entries), and
// unknown search parameters ignored by default (an outcome entry warns) or refused with `Prefer: handling=strict`
// (400, an OperationOutcome naming the parameter).
import { randomUUID } from 'node:crypto'
import { type EmuRequest, header } from './http.ts'

/** Parameters every resource type takes, and the search result parameters the emulator honours or tolerates. */
const COMMON_PARAMETERS: readonly string[] = [
  '_id',
  '_lastUpdated',
  '_tag',
  '_profile',
  '_security',
  '_count',
  '_summary',
  '_elements',
  '_sort',
  '_total',
  '_include',
  '_revinclude',
  '_format',
  '_pretty'
]

const TYPE_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  Patient: ['identifier', 'name', 'family', 'given', 'birthdate', 'gender', 'active'],
  Observation: ['code', 'subject', 'patient', 'status', 'date', 'category']
}

/** True when the Prefer header asks for strict handling (`Prefer: handling=strict`, maybe among other preferences). */
export function prefersStrict(req: EmuRequest): boolean {
  const prefer = header(req, 'prefer') ?? ''
  return prefer
    .split(/[,;]/)
    .map(part =>
      part
        .trim()
        .toLowerCase()
        .replace(/\s*=\s*/, '=')
    )
    .includes('handling=strict')
}

/** The search parameters of a query that the service does not know for this type (modifiers stripped). */
export function unknownParameters(type: string, params: URLSearchParams): string[] {
  const known = [...COMMON_PARAMETERS, ...(TYPE_PARAMETERS[type] ?? [])]
  const names = [...new Set([...params.keys()])]
  return names.filter(name => !known.includes(name.split(':')[0] ?? name))
}

/** The service's wording for an unsupported search parameter. */
export function unsupportedDiagnostics(type: string, name: string): string {
  return `The search parameter '${name}' is not supported for resource type '${type}'.`
}

export interface SearchAnswer {
  readonly status: number
  readonly body: Record<string, unknown>
}

function outcome(severity: string, code: string, diagnostics: readonly string[]): Record<string, unknown> {
  return {
    resourceType: 'OperationOutcome',
    id: randomUUID(),
    issue: diagnostics.map(text => ({ severity, code, diagnostics: text }))
  }
}

export function searchType(
  req: EmuRequest,
  type: string,
  resources: readonly Record<string, unknown>[],
  now: number
): SearchAnswer {
  const params = req.url.searchParams
  const unknown = unknownParameters(type, params)
  const warnings = unknown.map(name => unsupportedDiagnostics(type, name))
  if (unknown.length > 0 && prefersStrict(req))
    return { status: 400, body: outcome('error', 'not-supported', warnings) }

  const matches = resources.filter(r => r.resourceType === type && matchesId(r, params.get('_id')))
  const bundle = {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: new Date(now).toISOString() },
    type: 'searchset',
    link: [{ relation: 'self', url: `${req.origin}${req.path}` }]
  }
  if (params.get('_summary') === 'count') return { status: 200, body: { ...bundle, total: matches.length } }

  const count = Number(params.get('_count') ?? '10')
  const page = matches.slice(0, Number.isFinite(count) && count >= 0 ? count : 10)
  const entries: Record<string, unknown>[] = page.map(resource => ({
    fullUrl: `${req.origin}/${type}/${String(resource.id)}`,
    resource,
    search: { mode: 'match' }
  }))
  // Lenient handling: the ignored parameters are reported inside the answer, which still succeeds.
  if (warnings.length > 0) {
    entries.push({ resource: outcome('warning', 'not-supported', warnings), search: { mode: 'outcome' } })
  }
  return { status: 200, body: { ...bundle, entry: entries } }
}

function matchesId(resource: Record<string, unknown>, id: string | null): boolean {
  return id === null || id.split(',').includes(String(resource.id))
}
