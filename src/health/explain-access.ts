// A health check answered 401 or 403: what it means and what to do. 401: the token was refused, so compare its
// audience and tenant with what the service announces. 403: the token was accepted but the identity lacks a role,
// so name the roles and the az command that assigns one.

import { oneLine } from '../lib/text.js'
import { parseUrl } from '../lib/guards.js'
import type { TokenClaims } from '../signin/issued-token.js'
import type { TargetKind } from '../target/read.js'
import { LEGACY_GENERIC_RESOURCE, serviceOf } from '../target/services/registry.js'
import type { Service } from '../target/services/service.js'

const serviceFor = (kind: TargetKind): Service | undefined => (kind === 'resource' ? undefined : serviceOf(kind))

const hostOf = (serviceUrl: string | undefined): string | undefined =>
  serviceUrl ? parseUrl(serviceUrl)?.hostname.toLowerCase() : undefined

/** The role assignment scope for a service URL, with the parts the URL reveals filled in. */
function roleScope(kind: TargetKind, serviceUrl: string | undefined): string {
  return serviceFor(kind)?.roleScope(hostOf(serviceUrl) ?? '') ?? '<resource-id of the service>'
}

function serviceName(kind: TargetKind): string {
  return serviceFor(kind)?.name ?? 'service'
}

function describe403(context: AccessDeniedContext): string {
  const service = serviceFor(context.kind)
  const roles = service?.readRoles ?? []
  const oid = context.claims.oid
  const who = oid ? `object ID ${oid}` : 'the identity (its object ID, the oid claim, was not in the token)'
  const app = context.claims.appId ? ` (application ${context.claims.appId})` : ''
  const lines = [
    `The ${serviceName(context.kind)} accepted the token but denied access (403): ${who}${app} has no data-plane role ` +
      'that allows this request.'
  ]
  if (roles.length > 0) {
    const note = service?.readRolesNote === undefined ? '' : ` (${service.readRolesNote})`
    lines.push(`Roles that grant a read: ${roles.join(', ')}${note}.`)
    lines.push(...(service?.accessNotes?.(hostOf(context.serviceUrl), oid) ?? []))
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
  const service = serviceFor(context.kind)
  const url = context.serviceUrl === undefined ? undefined : parseUrl(context.serviceUrl)
  if (service?.sharedAudience !== undefined) return service.sharedAudience
  return service !== undefined && url !== undefined ? service.resourceFor(url) : context.resource
}

function describe401(context: AccessDeniedContext): string {
  const challenge = parseBearerChallenge(context.wwwAuthenticate)
  const expected = oneLine(expectedAudience(context, challenge))
  const aud = context.claims.aud === undefined ? undefined : oneLine(context.claims.aud)
  const lines = [`The ${serviceName(context.kind)} did not accept the token (401).`]
  const service = serviceFor(context.kind)
  const shared = service?.sharedAudience
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
        `ask for '${expected}' instead (${service?.input ?? 'a service URL input'} does this).`
    )
  } else if (service !== undefined && shared !== undefined) {
    lines.push(
      `The token is for '${aud}', but every ${service.name} accepts only tokens for ${shared}, whatever its URL: ` +
        `use ${service.input} (or resource: ${shared}).`
    )
  } else {
    lines.push(
      `The token was issued for another service: its audience is '${aud}', the service expects '${expected}'. ` +
        `Check that ${service?.input ?? 'the service URL'} or resource names this very service.`
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
  kind: TargetKind
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
