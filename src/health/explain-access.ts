// A health check answered 401 or 403: what it means and what to do. 401: the token was refused, so compare its
// audience and tenant with what the service announces. 403: the token was accepted but the identity lacks a role,
// so name the roles and the az command that assigns one.

import { oneLine } from '../lib/text.js'
import { parseUrl } from '../lib/guards.js'
import type { TokenClaims } from '../signin/issued-token.js'
import type { ServiceKind } from '../target/read.js'
import { isAzureApiForFhirHost } from '../target/api-for-fhir.js'
import { DICOM_RESOURCE, LEGACY_GENERIC_RESOURCE } from '../target/services.js'

const READ_ROLES: Readonly<Record<ServiceKind, readonly string[]>> = {
  fhir: ['FHIR Data Reader', 'FHIR Data Writer', 'FHIR Data Contributor', 'FHIR Data Exporter', 'FHIR Data Importer'],
  dicom: ['DICOM Data Reader', 'DICOM Data Owner'],
  resource: []
}

/** The role assignment scope for a service URL, with the parts the URL reveals filled in. */
function roleScope(kind: ServiceKind, serviceUrl: string | undefined): string {
  const base = '/subscriptions/<subscription-id>/resourceGroups/<resource-group>/providers/Microsoft.HealthcareApis'
  const host = (serviceUrl ? parseUrl(serviceUrl)?.hostname.toLowerCase() : undefined) ?? ''
  // Health Data Services hosts are `<workspace>-<service>.<kind>.azurehealthcareapis.*`; workspace names have no hyphen.
  const workspaceService = /^([a-z0-9]+)-([a-z0-9-]+)\.(fhir|dicom)\.azurehealthcareapis\.[a-z]+$/.exec(host)
  if (workspaceService) {
    const [, workspace = '', service = '', type = ''] = workspaceService
    return `${base}/workspaces/${workspace}/${type}services/${service}`
  }
  // Azure API for FHIR: `<name>.azurehealthcareapis.com`.
  const apiForFhir = /^([a-z0-9-]+)\.azurehealthcareapis\.[a-z]+$/.exec(host)
  if (kind === 'fhir' && apiForFhir) return `${base}/services/${apiForFhir[1] ?? ''}`
  if (kind === 'dicom') return `${base}/workspaces/<workspace>/dicomservices/<dicom-service>`
  if (kind === 'fhir') return `${base}/workspaces/<workspace>/fhirservices/<fhir-service>`
  return '<resource-id of the service>'
}

function serviceName(kind: ServiceKind): string {
  if (kind === 'fhir') return 'FHIR service'
  if (kind === 'dicom') return 'DICOM service'
  return 'service'
}

function describe403(context: AccessDeniedContext): string {
  const roles = READ_ROLES[context.kind]
  const oid = context.claims.oid
  const who = oid ? `object ID ${oid}` : 'the identity (its object ID, the oid claim, was not in the token)'
  const app = context.claims.appId ? ` (application ${context.claims.appId})` : ''
  const lines = [
    `The ${serviceName(context.kind)} accepted the token but denied access (403): ${who}${app} has no data-plane role ` +
      'that allows this request.'
  ]
  if (roles.length > 0) {
    const converter =
      context.kind === 'fhir' ? ' (FHIR Data Converter is not enough: it only allows $convert-data)' : ''
    lines.push(`Roles that grant a read: ${roles.join(', ')}${converter}.`)
    if (context.kind === 'fhir') {
      lines.push(
        'FHIR SMART User does not serve a pipeline: it grants access only to tokens with a fhirUser claim and SMART ' +
          "clinical scopes, which a pipeline identity's token does not have."
      )
    }
  } else {
    lines.push("Assign the service's data-plane role that allows this request.")
  }
  const role = roles[0] ?? '<role>'
  const host = context.serviceUrl ? parseUrl(context.serviceUrl)?.hostname : undefined
  if (context.kind === 'fhir' && host !== undefined && isAzureApiForFhirHost(host)) {
    lines.push(
      'This is Azure API for FHIR: besides Azure RBAC, access may be granted by its list of allowed object IDs (local ' +
        `RBAC, under Authentication in the portal), which Access control (IAM) does not show. Add ${oid ?? 'the object ID'} ` +
        'there, or assign a role as below; the service caches access decisions for up to 5 minutes either way.'
    )
  }
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
  if (context.kind === 'dicom') return DICOM_RESOURCE
  if (context.kind === 'fhir' && context.serviceUrl) return parseUrl(context.serviceUrl)?.origin ?? context.resource
  return context.resource
}

function describe401(context: AccessDeniedContext): string {
  const challenge = parseBearerChallenge(context.wwwAuthenticate)
  const expected = oneLine(expectedAudience(context, challenge))
  const aud = context.claims.aud === undefined ? undefined : oneLine(context.claims.aud)
  const lines = [`The ${serviceName(context.kind)} did not accept the token (401).`]
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
        `ask for '${expected}' instead (fhir-url and dicom-url do this).`
    )
  } else if (context.kind === 'dicom') {
    lines.push(
      `The token is for '${aud}', but every DICOM service accepts only tokens for ${DICOM_RESOURCE}, whatever its ` +
        'URL: use dicom-url (or resource: ' +
        `${DICOM_RESOURCE}).`
    )
  } else {
    lines.push(
      `The token was issued for another service: its audience is '${aud}', the service expects '${expected}'. ` +
        'Check that fhir-url or resource names this very service.'
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
  kind: ServiceKind
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
