// Azure API for FHIR, the FHIR service's predecessor: `<name>.azurehealthcareapis.com` (no workspace, no `.fhir.`).
// It was retired on 30 September 2026, and besides Azure RBAC it granted access through a list of allowed object IDs
// that Access control (IAM) does not show. Pure data and functions.

export const API_FOR_FHIR_RETIRED_ON = '30 September 2026'

/** True for an Azure API for FHIR host of a known cloud: one name right under the public or US Government domain. */
export function isAzureApiForFhirHost(hostname: string): boolean {
  return /^[a-z0-9-]+\.azurehealthcareapis\.(com|us)$/.test(hostname.toLowerCase())
}

/** The start-up warning for an Azure API for FHIR host; undefined for any other. */
export function apiForFhirWarning(input: string, hostname: string): string | undefined {
  if (!isAzureApiForFhirHost(hostname)) return undefined
  return (
    `${input} ${hostname} is an Azure API for FHIR service, which was retired on ${API_FOR_FHIR_RETIRED_ON}. ` +
    'Move to the FHIR service in Azure Health Data Services (https://<workspace>-<fhir-service>.fhir.azurehealthcareapis.com), ' +
    'its successor.'
  )
}
