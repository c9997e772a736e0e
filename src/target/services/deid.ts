// The de-identification service, the family's third data plane: `https://<name>.api.<region code>.deid.azure.com`,
// one audience for every instance (as DICOM), the API version in every request's query, public cloud only. Its checks
// list batch jobs, whose metadata holds storage locations and status, never document text; the real-time endpoint
// takes text that may be patient data, so it is never a check.

import { type Service } from './service.js'

/** The one resource every de-identification service accepts (the SDKs' scope is `https://deid.azure.com/.default`). */
export const DEID_RESOURCE = 'https://deid.azure.com'

/** The data plane's API version: every request carries it as `api-version`. */
export const DEID_API_VERSION = '2024-11-15'

export const deid = {
  name: 'de-identification service',
  input: 'deid-url',
  example: 'https://myservice.api.eus001.deid.azure.com',
  hostSuffixes: { AzureCloud: ['.deid.azure.com'] },
  // No US Government or China endpoint is documented.
  clouds: ['AzureCloud'],
  hostForm: {
    pattern: /^[a-z0-9][a-z0-9-]*\.api\.[a-z0-9]+\.deid\.azure\.com$/,
    text: '<name>.api.<region code>.deid.azure.com, e.g. https://myservice.api.eus001.deid.azure.com'
  },
  sharedAudience: DEID_RESOURCE,
  resourceFor: () => DEID_RESOURCE,
  baseUrl: url => url.origin + url.pathname.replace(/\/+$/, ''),
  // A check without the API version would be refused by the service whatever the token: it is added when missing.
  checkUrl: url => {
    const withVersion = new URL(url)
    if (!withVersion.searchParams.has('api-version')) withVersion.searchParams.set('api-version', DEID_API_VERSION)
    return withVersion
  },
  accept: 'application/json',
  checkHeaders: () => ({}),
  // One page of at most one job: the token and a batch role work, and no document text is read.
  defaultChecks: [`jobs?api-version=${DEID_API_VERSION}&maxpagesize=1`],
  anonymousPaths: [],
  readRoles: ['DeID Batch Data Reader', 'DeID Batch Data Owner', 'DeID Data Owner'],
  readRolesNote: 'DeID Realtime Data User is not enough: it only allows real-time de-identification',
  // The service's resource type is its own provider's, not Microsoft.HealthcareApis.
  roleScope: hostname => {
    const [, name = '<deid-service>'] = /^([a-z0-9-]+)\.api\./.exec(hostname) ?? []
    return (
      '/subscriptions/<subscription-id>/resourceGroups/<resource-group>/providers/Microsoft.HealthDataAIServices/' +
      `deidServices/${name}`
    )
  }
} as const satisfies Service
