// The one spelling of a resource that a token server asks Microsoft Entra ID for, whatever spelling a caller uses:
// with or without `/.default` and a trailing slash, and a service URL standing for its audience, as the step's own
// service URLs do. Pure; never throws.

import { GUID, parseUrl } from '../lib/guards.js'
import { classifyServiceHost, serviceOf, serviceWithAudience } from './services/registry.js'

/** The resource to ask for, or undefined when the text names none (not a GUID, nor an https or api:// URI). */
export function canonicalResource(value: string): string | undefined {
  const text = value.trim().replace(/\/\.default\/?$/i, '')
  if (GUID.test(text)) return text.toLowerCase()
  const url = parseUrl(text)
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'api:')) return undefined
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return undefined
  // A service host stands for its audience (a FHIR origin, never with a slash; DICOM's one shared audience).
  const service =
    classifyServiceHost(url.hostname)?.kind ?? (url.protocol === 'https:' ? serviceWithAudience(url.origin) : undefined)
  if (service !== undefined) return serviceOf(service).resourceFor(url)
  return text.replace(/\/+$/, '')
}

/** What two spellings of one resource have in common: compare these, ask for the canonical spelling. */
export function resourceKey(resource: string): string {
  return (canonicalResource(resource) ?? resource).toLowerCase()
}
