// Everything the action knows about Azure clouds, their sign-in hosts, and the health services' hosts and resources.
// Pure data and functions: no I/O, so the rules are easy to test and reuse.

import type { CloudName } from './config.js'
import { parseUrl } from './values.js'

/** The one resource every DICOM service accepts, whatever its URL (a token is not granted per DICOM service). */
export const DICOM_RESOURCE = 'https://dicom.healthcareapis.azure.com'

/** The audience GitHub's OIDC token is asked for by default, and that a federated credential lists. */
export const DEFAULT_FEDERATED_AUDIENCE = 'api://AzureADTokenExchange'

/** The retired generic audience: the services answer 401 "The audience is invalid" or AADSTS650057. */
export const LEGACY_GENERIC_RESOURCE = 'https://azurehealthcareapis.com'

/** DICOM API versions, in the spelling the service expects in the path. */
export const DICOM_API_VERSIONS = ['v1', 'v2', 'v1.0-prerelease'] as const
export type DicomApiVersion = (typeof DICOM_API_VERSIONS)[number]
export const DEFAULT_DICOM_API_VERSION: DicomApiVersion = 'v2'

interface CloudInfo {
  readonly authorityHost: string
  /** Host suffixes of the FHIR services (Health Data Services, then Azure API for FHIR). */
  readonly fhirHostSuffixes: readonly string[]
  readonly dicomHostSuffixes: readonly string[]
}

const CLOUDS: Readonly<Record<CloudName, CloudInfo>> = {
  AzureCloud: {
    authorityHost: 'https://login.microsoftonline.com',
    fhirHostSuffixes: ['.fhir.azurehealthcareapis.com', '.azurehealthcareapis.com'],
    dicomHostSuffixes: ['.dicom.azurehealthcareapis.com']
  },
  AzureUSGovernment: {
    authorityHost: 'https://login.microsoftonline.us',
    fhirHostSuffixes: ['.fhir.azurehealthcareapis.us', '.azurehealthcareapis.us'],
    dicomHostSuffixes: ['.dicom.azurehealthcareapis.us']
  },
  AzureChinaCloud: {
    // Health Data Services availability in China is unverified: no host suffixes, so no cloud is inferred from them.
    authorityHost: 'https://login.chinacloudapi.cn',
    fhirHostSuffixes: [],
    dicomHostSuffixes: []
  }
}

const CLOUD_NAMES = Object.keys(CLOUDS) as readonly CloudName[]

/**
 * Hosts MSAL has built-in instance metadata for (its known aliases). Any other host makes MSAL ask Microsoft's
 * instance-discovery endpoint first, so credentials must set `disableInstanceDiscovery` for it.
 */
const MICROSOFT_AUTHORITY_HOSTS: ReadonlySet<string> = new Set([
  'login.microsoftonline.com',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
  'login.partner.microsoftonline.cn',
  'login.chinacloudapi.cn',
  'login.microsoftonline.de',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login-us.microsoftonline.com'
])

/** The cloud for a name, case-insensitively; undefined for an unknown name. */
export function parseCloud(value: string): CloudName | undefined {
  const wanted = value.trim().toLowerCase()
  return CLOUD_NAMES.find(name => name.toLowerCase() === wanted)
}

/** The cloud's sign-in host: an https origin without a trailing slash. */
export function authorityHostFor(cloud: CloudName): string {
  return CLOUDS[cloud].authorityHost
}

/** True when MSAL knows the host without instance discovery (https, default port, a Microsoft sign-in host). */
export function isMicrosoftAuthorityHost(authorityHost: string): boolean {
  const url = parseUrl(authorityHost)
  return url?.protocol === 'https:' && url.port === '' && MICROSOFT_AUTHORITY_HOSTS.has(url.hostname)
}

/** The FHIR service's resource: the URL's origin, never with a trailing slash (a slash changes `aud`: 401). */
export function fhirResourceFor(url: URL): string {
  return url.origin
}

export type ServiceHostKind = 'fhir' | 'dicom'

/** What a host looks like: a FHIR or DICOM service host of a known cloud, or unknown (custom domain, emulator). */
export function classifyServiceHost(hostname: string): { kind: ServiceHostKind; cloud: CloudName } | undefined {
  const host = hostname.toLowerCase()
  for (const cloud of CLOUD_NAMES) {
    const info = CLOUDS[cloud]
    // DICOM first: its suffix is more specific than Azure API for FHIR's `.azurehealthcareapis.com`.
    if (info.dicomHostSuffixes.some(suffix => host.endsWith(suffix))) return { kind: 'dicom', cloud }
    if (info.fhirHostSuffixes.some(suffix => host.endsWith(suffix))) return { kind: 'fhir', cloud }
  }
  return undefined
}

/** The DICOM API version for a path segment (case-insensitive), or undefined when it is not a known version. */
export function parseDicomApiVersion(value: string): DicomApiVersion | undefined {
  const wanted = value.trim().toLowerCase()
  return DICOM_API_VERSIONS.find(version => version === wanted)
}

/** True for a path segment that reads as an API version (`v3`, `v1.1`, `v2-beta`), known or not. */
export function looksLikeApiVersion(segment: string): boolean {
  return /^v\d+(\.\d+)*(-[a-z0-9]+)?$/i.test(segment)
}

/**
 * True when a resource names a FHIR or DICOM service (a service host or the DICOM audience): such a resource must not
 * end with a slash, since the service compares `aud` exactly.
 */
export function isHealthServiceResource(resource: string): boolean {
  const url = parseUrl(resource)
  if (url === undefined) return false
  return url.origin === DICOM_RESOURCE || classifyServiceHost(url.hostname) !== undefined
}

/** A warning when a service host belongs to another cloud than the one signed in to; undefined when consistent. */
export function cloudMismatchWarning(input: string, hostname: string, cloud: CloudName): string | undefined {
  const found = classifyServiceHost(hostname)
  if (found === undefined || found.cloud === cloud) return undefined
  return (
    `${input} is a ${found.cloud} host but environment is ${cloud}: the sign-in will likely fail. ` +
    `Set environment: ${found.cloud}.`
  )
}
