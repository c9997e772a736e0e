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

export type BearerCheck =
  | { readonly outcome: 'valid'; readonly claims: Readonly<Record<string, unknown>> }
  | { readonly outcome: 'missing' | 'invalid' | 'wrong-audience' }

/** The request's bearer token, checked as a resource server does: signature, issuer, lifetime, one of the audiences. */
export async function checkBearer(req: EmuRequest, world: World, accepted: readonly string[]): Promise<BearerCheck> {
  const token = bearerToken(req)
  if (token === undefined) return { outcome: 'missing' }
  const decoded = decodeJwt(token)
  if (decoded === undefined) return { outcome: 'invalid' }
  if (!(await hasValidSignature(token, world.tenantKey.publicKey)) || !knownIssuer(world, decoded.payload.iss)) {
    return { outcome: 'invalid' }
  }
  const now = world.now() / 1000
  const { exp, nbf } = decoded.payload
  if (exp === undefined || exp + CLOCK_SKEW_SECONDS <= now || (nbf !== undefined && nbf - CLOCK_SKEW_SECONDS > now)) {
    return { outcome: 'invalid' }
  }
  const audiences = [decoded.payload.aud ?? []].flat()
  if (!audiences.some(aud => accepted.includes(aud))) return { outcome: 'wrong-audience' }
  return { outcome: 'valid', claims: decoded.payload }
}

export async function checkAccess(
  req: EmuRequest,
  world: World,
  audience: string,
  service: Service
): Promise<AccessResult> {
  const bearer = await checkBearer(req, world, [audience])
  if (bearer.outcome !== 'valid') {
    return { outcome: 'unauthenticated', wrongAudience: bearer.outcome === 'wrong-audience' }
  }
  const { claims } = bearer
  const oid = typeof claims.oid === 'string' ? claims.oid : ''
  // FHIR SMART User grants access only to a token with a fhirUser claim (and SMART scopes), never a pipeline's token.
  const smart = service === 'fhir' && typeof claims.fhirUser === 'string' ? [SMART_USER] : []
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
