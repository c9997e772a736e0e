// Every data plane of Azure Health Data Services the action knows. Adding one is a file in this folder and a line in
// SERVICES: its input, hosts, audience, checks and advice all follow from the file, and the compiler names every member
// it must fill. Also what a host or a resource says about the service behind it.

import { parseUrl } from '../../lib/guards.js'
import { listInWords } from '../../lib/text.js'
import type { CloudName } from '../clouds.js'
import { deid } from './deid.js'
import { dicom } from './dicom.js'
import { fhir } from './fhir.js'
import type { Service } from './service.js'

/** In the order messages and reports list them. */
export const SERVICES = { fhir, dicom, deid } as const satisfies Readonly<Record<string, Service>>

export type ServiceKind = keyof typeof SERVICES
export const SERVICE_KINDS = Object.keys(SERVICES) as readonly ServiceKind[]

export function serviceOf(kind: ServiceKind): Service {
  return SERVICES[kind]
}

/** The retired generic audience: the services answer 401 "The audience is invalid" or AADSTS650057. */
export const LEGACY_GENERIC_RESOURCE = 'https://azurehealthcareapis.com'

/** What a host is: a service host of a known cloud (the longest suffix wins), or unknown (custom domain, emulator). */
export function classifyServiceHost(hostname: string): { kind: ServiceKind; cloud: CloudName } | undefined {
  const host = hostname.toLowerCase()
  let found: { kind: ServiceKind; cloud: CloudName; suffix: string } | undefined
  for (const kind of SERVICE_KINDS) {
    for (const [cloud, suffixes] of Object.entries(serviceOf(kind).hostSuffixes) as [CloudName, readonly string[]][]) {
      for (const suffix of suffixes) {
        if (host.endsWith(suffix) && suffix.length > (found?.suffix.length ?? 0)) found = { kind, cloud, suffix }
      }
    }
  }
  return found && { kind: found.kind, cloud: found.cloud }
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

/** The service whose one shared audience this origin is, if any. */
export function serviceWithAudience(origin: string): ServiceKind | undefined {
  return SERVICE_KINDS.find(kind => serviceOf(kind).sharedAudience === origin)
}

/**
 * True when a resource names a service (a service host or a shared audience): such a resource must not end with a
 * slash, since the services compare `aud` exactly.
 */
export function isHealthServiceResource(resource: string): boolean {
  const url = parseUrl(resource)
  if (url === undefined) return false
  return serviceWithAudience(url.origin) !== undefined || classifyServiceHost(url.hostname) !== undefined
}

/**
 * A line of a per-service input, `fhir: …`: the service it names and the rest. A line without a known service's
 * prefix (a path, or an https URL, whose scheme is no service) names none.
 */
export function servicePrefix(line: string): { kind?: ServiceKind; rest: string } {
  const found = /^([a-z]+):\s*(.*)$/i.exec(line)
  const kind = SERVICE_KINDS.find(each => each === found?.[1]?.toLowerCase())
  return kind === undefined ? { rest: line } : { kind, rest: found?.[2] ?? '' }
}

/** `fhir-url (a FHIR service)`, ...: each service's URL input, for a message that lists them. */
export function serviceInputs(): string[] {
  return SERVICE_KINDS.map(kind => `${serviceOf(kind).input} (a ${serviceOf(kind).name})`)
}

/** `fhir:, dicom: or deid:`, for the messages that ask for a prefix. */
export function prefixesInWords(kinds: readonly ServiceKind[] = SERVICE_KINDS): string {
  return listInWords(
    kinds.map(kind => `${kind}:`),
    'or'
  )
}
