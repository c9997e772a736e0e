// The FHIR and DICOM services' resources (token audiences) and DICOM API versions: the facts a wrong audience or a
// wrong path comes from. Pure data and functions.

import { parseUrl } from '../lib/guards.js'
import { classifyServiceHost } from './clouds.js'

/** The one resource every DICOM service accepts, whatever its URL (a token is not granted per DICOM service). */
export const DICOM_RESOURCE = 'https://dicom.healthcareapis.azure.com'

/** The retired generic audience: the services answer 401 "The audience is invalid" or AADSTS650057. */
export const LEGACY_GENERIC_RESOURCE = 'https://azurehealthcareapis.com'

/** DICOM API versions, in the spelling the service expects in the path. */
export const DICOM_API_VERSIONS = ['v1', 'v2', 'v1.0-prerelease'] as const
export type DicomApiVersion = (typeof DICOM_API_VERSIONS)[number]
export const DEFAULT_DICOM_API_VERSION: DicomApiVersion = 'v2'

/** The FHIR service's resource: the URL's origin, never with a trailing slash (a slash changes `aud`: 401). */
export function fhirResourceFor(url: URL): string {
  return url.origin
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
