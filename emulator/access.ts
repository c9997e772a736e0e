// Data-plane access control shared by the FHIR, DICOM and de-identification services: bearer token validation (signature, issuer,
// lifetime, audience) and role assignments with propagation delay.
import { bearerToken, type EmuRequest, type EmuResponse } from './http.ts'
import { decodeJwt, hasValidSignature } from './jwt.ts'
import type { RoleAssignment } from './scenario.ts'
import type { World } from './world.ts'

export type Service = 'fhir' | 'dicom' | 'deid'

export const READ_ROLES: Readonly<Record<Service, readonly string[]>> = {
  fhir: ['FHIR Data Reader', 'FHIR Data Writer', 'FHIR Data Contributor', 'FHIR Data Exporter', 'FHIR Data Importer'],
  dicom: ['DICOM Data Reader', 'DICOM Data Owner'],
  // Listing jobs needs a batch role or Data Owner; DeID Realtime Data User allows only the real-time endpoint.
  deid: ['DeID Data Owner', 'DeID Batch Data Owner', 'DeID Batch Data Reader']
}

const SMART_USER = 'FHIR SMART User'

export type AccessResult =
  | { readonly outcome: 'allowed'; readonly oid: string }
  | { readonly outcome: 'unauthenticated'; readonly wrongAudience: boolean }
  | { readonly outcome: 'forbidden'; readonly oid: string }

/** ASP.NET's JWT bearer handler tolerates five minutes of clock skew; the services use it. */
const CLOCK_SKEW_SECONDS = 300

function knownIssuer(world: World, iss: unknown): boolean {
  if (typeof iss !== 'string') return false
  return world.scenario.tenants.some(
    t => iss === `https://sts.windows.net/${t.id}/` || iss === `${world.authorityHost}/${t.id}/v2.0`
  )
}

export function effectiveRoles(world: World, oid: string, service: Service): readonly RoleAssignment[] {
  const elapsed = world.now() - world.scenarioSince
  return (world.scenario.roles[oid] ?? []).filter(r => r.service === service && (r.effectiveAfterMs ?? 0) <= elapsed)
}

export async function checkAccess(
  req: EmuRequest,
  world: World,
  audience: string,
  service: Service
): Promise<AccessResult> {
  const token = bearerToken(req)
  const decoded = token === undefined ? undefined : decodeJwt(token)
  if (token === undefined || decoded === undefined) return { outcome: 'unauthenticated', wrongAudience: false }
  if (!(await hasValidSignature(token, world.tenantKey.publicKey)) || !knownIssuer(world, decoded.payload.iss)) {
    return { outcome: 'unauthenticated', wrongAudience: false }
  }
  const now = world.now() / 1000
  const { exp, nbf } = decoded.payload
  if (exp === undefined || exp + CLOCK_SKEW_SECONDS <= now || (nbf !== undefined && nbf - CLOCK_SKEW_SECONDS > now)) {
    return { outcome: 'unauthenticated', wrongAudience: false }
  }
  const audiences = [decoded.payload.aud ?? []].flat()
  if (!audiences.includes(audience)) return { outcome: 'unauthenticated', wrongAudience: true }
  const oid = typeof decoded.payload.oid === 'string' ? decoded.payload.oid : ''
  // FHIR SMART User grants access only to a token with a fhirUser claim (and SMART scopes), never a pipeline's token.
  const smart = service === 'fhir' && typeof decoded.payload.fhirUser === 'string' ? [SMART_USER] : []
  const allowed = effectiveRoles(world, oid, service).some(r => [...READ_ROLES[service], ...smart].includes(r.role))
  return allowed ? { outcome: 'allowed', oid } : { outcome: 'forbidden', oid }
}

/** The challenge both services send with a 401. */
export function wwwAuthenticate(world: World, audience: string, wrongAudience: boolean): string {
  const tenant = world.scenario.tenants[0]?.id ?? 'common'
  const base = `Bearer authorization_uri="${world.authorityHost}/${tenant}", resource_id="${audience}", realm="${audience}"`
  return wrongAudience ? `${base}, error="invalid_token", error_description="The audience is invalid"` : base
}

/** A 401 with the challenge and no body, as the DICOM and de-identification services answer. */
export function challenged(world: World, audience: string, wrongAudience: boolean): EmuResponse {
  return { status: 401, headers: { 'www-authenticate': wwwAuthenticate(world, audience, wrongAudience) }, body: '' }
}
