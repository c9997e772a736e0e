// The DICOM service: one audience for every instance, and the API version in the path (`/v2/changefeed`), from the
// URL's own last segment or dicom-api-version.

import { InputError } from '../../errors.js'
import type { RawInputs } from '../../inputs.js'
import { show } from '../../lib/text.js'
import { type Service, workspaceServiceScope } from './service.js'

/** The one resource every DICOM service accepts, whatever its URL (a token is not granted per DICOM service). */
export const DICOM_RESOURCE = 'https://dicom.healthcareapis.azure.com'

/** DICOM API versions, in the spelling the service expects in the path. */
export const DICOM_API_VERSIONS = ['v1', 'v2', 'v1.0-prerelease'] as const
export type DicomApiVersion = (typeof DICOM_API_VERSIONS)[number]
export const DEFAULT_DICOM_API_VERSION: DicomApiVersion = 'v2'

/** The DICOM API version for a path segment (case-insensitive), or undefined when it is not a known version. */
export function parseDicomApiVersion(value: string): DicomApiVersion | undefined {
  const wanted = value.trim().toLowerCase()
  return DICOM_API_VERSIONS.find(version => version === wanted)
}

/** True for a path segment that reads as an API version (`v3`, `v1.1`, `v2-beta`), known or not. */
export function looksLikeApiVersion(segment: string): boolean {
  return /^v\d+(\.\d+)*(-[a-z0-9]+)?$/i.test(segment)
}

/** dicom-api-version: the version when dicom-url names none. */
function readDicomApiVersion(value: string): DicomApiVersion {
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

/** The versioned DICOM base URL: the URL's own trailing version, else dicom-api-version. */
function dicomBaseUrl(url: URL, raw: RawInputs): string {
  const apiVersion = readDicomApiVersion(raw['dicom-api-version'])
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
  let version: string = apiVersion
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

export const dicom = {
  name: 'DICOM service',
  input: 'dicom-url',
  example: 'https://myws-mydicom.dicom.azurehealthcareapis.com',
  hostSuffixes: {
    AzureCloud: ['.dicom.azurehealthcareapis.com'],
    AzureUSGovernment: ['.dicom.azurehealthcareapis.us']
  },
  clouds: ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'],
  sharedAudience: DICOM_RESOURCE,
  resourceFor: () => DICOM_RESOURCE,
  baseUrl: dicomBaseUrl,
  checkInputs: raw => {
    readDicomApiVersion(raw['dicom-api-version'])
  },
  // QIDO-RS answers application/dicom+json; the change feed answers application/json.
  accept: 'application/dicom+json, application/json',
  checkHeaders: () => ({}),
  // The change feed's latest entry without its instance metadata (which holds patient names and IDs).
  defaultChecks: ['changefeed?limit=1&includemetadata=false'],
  anonymousPaths: ['health/check'],
  readRoles: ['DICOM Data Reader', 'DICOM Data Owner'],
  roleScope: hostname => workspaceServiceScope(hostname, 'dicom')
} as const satisfies Service
