// The FHIR service of Azure Health Data Services, and its predecessor Azure API for FHIR: a token per instance (the
// URL's origin), FHIR JSON, strict search handling and the audit headers on every check.

import { apiForFhirWarning, isAzureApiForFhirHost } from '../api-for-fhir.js'
import { HEALTHCARE_APIS, type Service, workspaceServiceScope } from './service.js'

/** The FHIR service's resource: the URL's origin, never with a trailing slash (a slash changes `aud`: 401). */
export function fhirResourceFor(url: URL): string {
  return url.origin
}

export const fhir = {
  name: 'FHIR service',
  input: 'fhir-url',
  example: 'https://myws-myfhir.fhir.azurehealthcareapis.com',
  // Health Data Services, then Azure API for FHIR. China: availability unverified, so no host names a cloud there.
  hostSuffixes: {
    AzureCloud: ['.fhir.azurehealthcareapis.com', '.azurehealthcareapis.com'],
    AzureUSGovernment: ['.fhir.azurehealthcareapis.us', '.azurehealthcareapis.us']
  },
  clouds: ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'],
  resourceFor: fhirResourceFor,
  baseUrl: url => url.origin + url.pathname.replace(/\/+$/, ''),
  warning: hostname => apiForFhirWarning('fhir-url', hostname),
  accept: 'application/fhir+json',
  // Strict handling: an unknown or unsupported search parameter fails the check instead of being ignored.
  checkHeaders: audit => ({ Prefer: 'handling=strict', ...audit }),
  // The service answers (metadata), and the token and a read role work (a count holds only a total).
  defaultChecks: ['metadata', 'Patient?_summary=count'],
  // `$versions` and `_schema/versions` are marked anonymous in the open-source server too.
  anonymousPaths: ['metadata', '.well-known/smart-configuration', 'health/check', '$versions', '_schema/versions'],
  readRoles: [
    'FHIR Data Reader',
    'FHIR Data Writer',
    'FHIR Data Contributor',
    'FHIR Data Exporter',
    'FHIR Data Importer'
  ],
  readRolesNote: 'FHIR Data Converter is not enough: it only allows $convert-data',
  accessNotes: (hostname, objectId) => [
    'FHIR SMART User does not serve a pipeline: it grants access only to tokens with a fhirUser claim and SMART ' +
      "clinical scopes, which a pipeline identity's token does not have.",
    ...(hostname !== undefined && isAzureApiForFhirHost(hostname)
      ? [
          'This is Azure API for FHIR: besides Azure RBAC, access may be granted by its list of allowed object IDs (local ' +
            `RBAC, under Authentication in the portal), which Access control (IAM) does not show. Add ${objectId ?? 'the object ID'} ` +
            'there, or assign a role as below; the service caches access decisions for up to 5 minutes either way.'
        ]
      : [])
  ],
  roleScope: hostname => {
    const apiForFhir = /^([a-z0-9-]+)\.azurehealthcareapis\.[a-z]+$/.exec(hostname)
    return apiForFhir ? `${HEALTHCARE_APIS}/services/${apiForFhir[1] ?? ''}` : workspaceServiceScope(hostname, 'fhir')
  },
  searchParameters: true
} as const satisfies Service
