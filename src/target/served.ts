// The one spelling of a resource that a token server asks Microsoft Entra ID for, whatever spelling a caller uses:
// with or without `/.default` and a trailing slash, a service URL standing for its audience, as the step's own service
// URLs do, and Azure Resource Manager's classic name standing for its current one. Pure; never throws.

import { GUID, parseUrl } from '../lib/guards.js'
import { classifyServiceHost, serviceOf, serviceWithAudience } from './services/registry.js'

/**
 * Azure Resource Manager's two names per cloud, which Microsoft Entra ID treats as one API: the classic one that the
 * Azure CLI and Azure PowerShell ask for (`az login --identity`, `Connect-AzAccount -Identity`), and the current one
 * the SDKs ask for. The token server asks for the current one and answers both.
 */
const ARM_NAMES: Readonly<Record<string, string>> = {
  'https://management.core.windows.net': 'https://management.azure.com',
  'https://management.core.usgovcloudapi.net': 'https://management.usgovcloudapi.net',
  'https://management.core.chinacloudapi.cn': 'https://management.chinacloudapi.cn'
}
const ARM_CURRENT_NAMES: ReadonlySet<string> = new Set(Object.values(ARM_NAMES))

/** True for Azure Resource Manager under either of its names, in any spelling. */
export function isArmResource(value: string): boolean {
  const canonical = canonicalResource(value)
  return canonical !== undefined && ARM_CURRENT_NAMES.has(canonical.toLowerCase())
}

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
  if (url.protocol === 'https:' && url.pathname === '/') {
    const arm = ARM_NAMES[url.origin] ?? (ARM_CURRENT_NAMES.has(url.origin) ? url.origin : undefined)
    if (arm !== undefined) return arm
  }
  return text.replace(/\/+$/, '')
}

/** What two spellings of one resource have in common: compare these, ask for the canonical spelling. */
export function resourceKey(resource: string): string {
  return (canonicalResource(resource) ?? resource).toLowerCase()
}
