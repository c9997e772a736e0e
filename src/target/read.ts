// Reads which service the token is for: a service's URL input (the registry in services/ says which, and how each
// derives its audience and base URL) or resource, and the cloud.

import { InputError } from '../errors.js'
import { type InputName, type RawInputs, pushDefined } from '../inputs.js'
import { GUID, parseUrl } from '../lib/guards.js'
import { listInWords, show } from '../lib/text.js'
import { type CloudName, parseCloud } from './clouds.js'
import { DICOM_RESOURCE } from './services/dicom.js'
import {
  LEGACY_GENERIC_RESOURCE,
  SERVICE_KINDS,
  type ServiceKind,
  classifyServiceHost,
  cloudMismatchWarning,
  isHealthServiceResource,
  serviceInputs,
  serviceOf
} from './services/registry.js'

/** A service of the registry, or a bare resource (any other Azure resource: a token, no checks). */
export type TargetKind = ServiceKind | 'resource'

export interface Target {
  readonly kind: TargetKind
  /** The resource (audience) the token is requested for, exactly as sent (scope = `${resource}/.default`). */
  readonly resource: string
  /**
   * Base URL that health-check paths resolve against, without a trailing slash: the FHIR service URL, or the DICOM
   * service URL including its API version (`https://x.dicom.azurehealthcareapis.com/v2`). Absent for a bare resource.
   */
  readonly serviceUrl?: string
}

/** The cloud named by the environment input (AzureCloud when unset). */
export function readCloud(value: string): CloudName {
  if (value === '') return 'AzureCloud'
  const cloud = parseCloud(value)
  if (cloud === undefined) {
    throw new InputError(
      'environment',
      `${show(value)} is not a supported cloud: use AzureCloud, AzureUSGovernment or AzureChinaCloud ` +
        '(or set authority-host for another sign-in host).'
    )
  }
  return cloud
}

/**
 * What the step's tokens are for: each service whose URL input is set (in the registry's order, one token each), or
 * resource alone. resource may also override the audience of one service, never of several.
 */
export function readTargets(raw: RawInputs, cloud: CloudName, warnings: string[]): readonly Target[] {
  const given = SERVICE_KINDS.filter(kind => raw[serviceOf(kind).input] !== '')
  const resourceInput = raw.resource
  if (given.length === 0 && resourceInput === '') {
    throw new InputError(
      'fhir-url',
      `no service given. Set ${listInWords([...serviceInputs(), 'resource (any other resource)'], 'or')}.`
    )
  }
  if (given.length > 1 && resourceInput !== '') {
    throw new InputError(
      'resource',
      `overrides the audience of one service, but ${listInWords(
        given.map(kind => serviceOf(kind).input),
        'and'
      )} ` +
        'are set, and each gets a token for its own audience: remove resource, or give that service in a step of its own.'
    )
  }
  const resource = resourceInput === '' ? undefined : readResource(resourceInput, warnings)
  // Each service's own other inputs are checked even when unused, so a typo never goes unnoticed.
  for (const each of SERVICE_KINDS) serviceOf(each).checkInputs?.(raw)
  if (given.length === 0) return [{ kind: 'resource', resource: resource ?? '' }]
  return given.map(kind => readServiceTarget(kind, raw, cloud, resource, warnings))
}

function readServiceTarget(
  kind: ServiceKind,
  raw: RawInputs,
  cloud: CloudName,
  resource: string | undefined,
  warnings: string[]
): Target {
  const service = serviceOf(kind)
  const url = readServiceUrl(kind, raw[service.input])
  const found = classifyServiceHost(url.hostname)?.kind
  if (found !== undefined && found !== kind) {
    throw new InputError(
      service.input,
      `${url.hostname} is a ${serviceOf(found).name}: use ${serviceOf(found).input} instead.`
    )
  }
  const form = service.hostForm
  if (found === kind && form !== undefined && !form.pattern.test(url.hostname.toLowerCase())) {
    throw new InputError(service.input, `${url.hostname} is not a ${service.name} host: use ${form.text}.`)
  }
  if (!service.clouds.includes(cloud)) {
    throw new InputError(
      service.input,
      `the ${service.name} exists only in ${service.clouds.join(', ')}, not in ${cloud}: set environment: ` +
        `${service.clouds[0] ?? 'AzureCloud'}, or remove ${service.input}.`
    )
  }
  pushDefined(warnings, cloudMismatchWarning(service.input, url.hostname, cloud))
  pushDefined(warnings, service.warning?.(url.hostname))
  return { kind, resource: resource ?? service.resourceFor(url), serviceUrl: service.baseUrl(url, raw) }
}

/** An https service URL: no user name or password, no query, no fragment. The value is not echoed if it has userinfo. */
function readServiceUrl(kind: ServiceKind, value: string): URL {
  const { input, example } = serviceOf(kind)
  const url = parseUrl(value)
  if (url === undefined) throw new InputError(input, `is not a URL: give the service's base URL, e.g. ${example}.`)
  if (url.username !== '' || url.password !== '') {
    throw new InputError(input, 'must not hold a user name or password: remove them (the token is the credential).')
  }
  if (url.protocol !== 'https:') {
    throw new InputError(input, `must use https (the token must never travel in clear): use e.g. ${example}.`)
  }
  if (url.hash !== '') throw new InputError(input, `must not have a fragment (#...): remove it from ${show(value)}.`)
  if (url.search !== '') {
    throw new InputError(input, `must not have a query (?...): give the service's base URL, e.g. ${example}.`)
  }
  return url
}

/**
 * An explicit resource, kept exactly as written: an https or api:// URI, or an application ID (GUID). Other schemes
 * (http app ID URIs are legacy) are refused so that a typo never becomes an audience.
 */
export function readResource(value: string, warnings: string[], input: InputName = 'resource'): string {
  if (GUID.test(value)) return value
  const url = parseUrl(value)
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'api:')) {
    throw new InputError(
      input,
      'must be an https or api:// URI or an application ID: give e.g. https://myws-myfhir.fhir.azurehealthcareapis.com.'
    )
  }
  if (url.username !== '' || url.password !== '') {
    throw new InputError(input, 'must not hold a user name or password: remove them.')
  }
  if (url.hash !== '' || url.search !== '') {
    throw new InputError(input, `must not have a query or fragment: remove it from ${show(value)}.`)
  }
  if (/\/\.default\/?$/i.test(url.pathname)) {
    throw new InputError(input, 'is a scope, not a resource: remove the trailing /.default.')
  }
  if (url.protocol === 'https:' && url.origin === LEGACY_GENERIC_RESOURCE) {
    throw new InputError(
      input,
      `${LEGACY_GENERIC_RESOURCE} is the retired generic audience that the services reject: ` +
        `use the FHIR service URL, or ${DICOM_RESOURCE} for DICOM (or remove resource and set fhir-url/dicom-url).`
    )
  }
  if (value.endsWith('/') && isHealthServiceResource(value)) {
    warnings.push(
      `resource ${show(value)} ends with a slash: the token's audience will not match and the service will answer ` +
        `401. Remove the trailing slash.`
    )
  }
  return value
}
