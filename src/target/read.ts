// Reads which service the token is for: fhir-url, dicom-url or resource (with dicom-api-version), and the cloud. The
// FHIR audience is the service URL without a trailing slash; the DICOM audience is one for every DICOM service.

import { InputError } from '../errors.js'
import { type InputName, type RawInputs, pushDefined } from '../inputs.js'
import { GUID, parseUrl } from '../lib/guards.js'
import { show } from '../lib/text.js'
import { apiForFhirWarning } from './api-for-fhir.js'
import { type CloudName, classifyServiceHost, cloudMismatchWarning, parseCloud } from './clouds.js'
import {
  DEFAULT_DICOM_API_VERSION,
  DICOM_API_VERSIONS,
  DICOM_RESOURCE,
  LEGACY_GENERIC_RESOURCE,
  fhirResourceFor,
  isHealthServiceResource,
  looksLikeApiVersion,
  parseDicomApiVersion
} from './services.js'

export type ServiceKind = 'fhir' | 'dicom' | 'resource'

export interface Target {
  readonly kind: ServiceKind
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

/** The service the token is for, from fhir-url, dicom-url or resource. */
export function readTarget(raw: RawInputs, cloud: CloudName, warnings: string[]): Target {
  const fhirUrl = raw['fhir-url']
  const dicomUrl = raw['dicom-url']
  const resourceInput = raw.resource

  if (fhirUrl !== '' && dicomUrl !== '') {
    throw new InputError('dicom-url', 'give only one of fhir-url or dicom-url: one service per step (use two steps).')
  }
  if (fhirUrl === '' && dicomUrl === '' && resourceInput === '') {
    throw new InputError(
      'fhir-url',
      'no service given. Set fhir-url (a FHIR service), dicom-url (a DICOM service) or resource (any other resource).'
    )
  }
  const resource = resourceInput === '' ? undefined : readResource(resourceInput, warnings)
  // The DICOM API version input is checked even when unused, so a typo never goes unnoticed.
  const apiVersion = readDicomApiVersion(raw['dicom-api-version'])

  if (fhirUrl !== '') {
    const url = readServiceUrl('fhir-url', fhirUrl)
    if (classifyServiceHost(url.hostname)?.kind === 'dicom') {
      throw new InputError('fhir-url', `${url.hostname} is a DICOM service: use dicom-url instead.`)
    }
    pushDefined(warnings, cloudMismatchWarning('fhir-url', url.hostname, cloud))
    pushDefined(warnings, apiForFhirWarning('fhir-url', url.hostname))
    return {
      kind: 'fhir',
      resource: resource ?? fhirResourceFor(url),
      serviceUrl: url.origin + url.pathname.replace(/\/+$/, '')
    }
  }
  if (dicomUrl !== '') {
    const url = readServiceUrl('dicom-url', dicomUrl)
    if (classifyServiceHost(url.hostname)?.kind === 'fhir') {
      throw new InputError('dicom-url', `${url.hostname} is a FHIR service: use fhir-url instead.`)
    }
    pushDefined(warnings, cloudMismatchWarning('dicom-url', url.hostname, cloud))
    return { kind: 'dicom', resource: resource ?? DICOM_RESOURCE, serviceUrl: dicomServiceUrl(url, apiVersion, raw) }
  }
  return { kind: 'resource', resource: resource ?? '' }
}

/** An https service URL: no user name or password, no query, no fragment. The value is not echoed if it has userinfo. */
function readServiceUrl(input: 'fhir-url' | 'dicom-url', value: string): URL {
  const example =
    input === 'fhir-url'
      ? 'https://myws-myfhir.fhir.azurehealthcareapis.com'
      : 'https://myws-mydicom.dicom.azurehealthcareapis.com'
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

/** The versioned DICOM base URL: the URL's own trailing version, else dicom-api-version. */
function dicomServiceUrl(url: URL, apiVersion: string, raw: RawInputs): string {
  const segments = url.pathname.split('/').filter(segment => segment !== '')
  const last = segments.at(-1)
  const versionAt = segments.findIndex(looksLikeApiVersion)
  if (versionAt !== -1 && versionAt !== segments.length - 1) {
    throw new InputError(
      'dicom-url',
      `must end at the API version: use ${url.origin}/${segments.slice(0, versionAt + 1).join('/')} ` +
        'and put the rest in health-check-paths.'
    )
  }
  let version = apiVersion
  if (last !== undefined && looksLikeApiVersion(last)) {
    const known = parseDicomApiVersion(last)
    if (known === undefined) {
      throw new InputError(
        'dicom-url',
        `ends with an unknown DICOM API version ${show(last)}: use ${DICOM_API_VERSIONS.join(', ')}.`
      )
    }
    const asked = raw['dicom-api-version']
    if (asked !== '' && parseDicomApiVersion(asked) !== DEFAULT_DICOM_API_VERSION && known !== apiVersion) {
      throw new InputError(
        'dicom-api-version',
        `says ${apiVersion} but dicom-url ends with ${known}: remove one of them.`
      )
    }
    version = known
    segments.pop()
  }
  return [url.origin, ...segments, version].join('/')
}

function readDicomApiVersion(value: string): string {
  if (value === '') return DEFAULT_DICOM_API_VERSION
  const version = parseDicomApiVersion(value)
  if (version === undefined) {
    throw new InputError(
      'dicom-api-version',
      `${show(value)} is not a DICOM API version: use ${DICOM_API_VERSIONS.join(', ')}.`
    )
  }
  return version
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
