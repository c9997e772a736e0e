// The one spelling of a resource that a token server asks Microsoft Entra ID for, whatever spelling a caller uses:
// with or without `/.default` and a trailing slash, and a FHIR or DICOM service URL standing for its audience, as the
// step's own fhir-url and dicom-url do. Pure; never throws.

import { GUID, parseUrl } from '../lib/guards.js'
import { classifyServiceHost } from './clouds.js'
import { DICOM_RESOURCE, fhirResourceFor } from './services.js'

/** The resource to ask for, or undefined when the text names none (not a GUID, nor an https or api:// URI). */
export function canonicalResource(value: string): string | undefined {
  const text = value.trim().replace(/\/\.default\/?$/i, '')
  if (GUID.test(text)) return text.toLowerCase()
  const url = parseUrl(text)
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'api:')) return undefined
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return undefined
  const service = classifyServiceHost(url.hostname)?.kind
  // A FHIR resource is its origin, never with a slash; every DICOM service shares one audience.
  if (service === 'fhir') return fhirResourceFor(url)
  if (service === 'dicom' || (url.protocol === 'https:' && url.origin === DICOM_RESOURCE)) return DICOM_RESOURCE
  return text.replace(/\/+$/, '')
}

/** What two spellings of one resource have in common: compare these, ask for the canonical spelling. */
export function resourceKey(resource: string): string {
  return (canonicalResource(resource) ?? resource).toLowerCase()
}
