// The one typed, immutable configuration the action runs on. `inputs.ts` builds it from the step's inputs at
// start-up; nothing downstream reads inputs again.

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

export type AuthType =
  'oidc' | 'client-secret' | 'client-certificate' | 'managed-identity' | 'azure-cli' | 'azure-powershell'

export type SignIn =
  | { readonly type: 'oidc'; readonly clientId: string; readonly tenantId: string; readonly audience: string }
  | {
      readonly type: 'client-secret'
      readonly clientId: string
      readonly tenantId: string
      readonly clientSecret: string
    }
  | {
      readonly type: 'client-certificate'
      readonly clientId: string
      readonly tenantId: string
      readonly certificatePem: string
    }
  | { readonly type: 'managed-identity'; readonly clientId?: string }
  | { readonly type: 'azure-cli'; readonly tenantId?: string }
  | { readonly type: 'azure-powershell'; readonly tenantId?: string }

export type CloudName = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud'

export interface HealthCheckSpec {
  /** The line's path as the user wrote it (for reports). */
  readonly path: string
  /** Absolute https URL on the service's own origin. */
  readonly url: string
  /** Statuses that count as a pass. */
  readonly expected: readonly number[]
}

export interface HealthConfig {
  readonly checks: readonly HealthCheckSpec[]
  readonly waitForAccessMs: number
  readonly timeoutMs: number
  readonly failOnUnhealthy: boolean
}

export interface Config {
  readonly target: Target
  readonly signIn: SignIn
  readonly cloud: CloudName
  /** Sign-in host, https origin without a trailing slash, e.g. `https://login.microsoftonline.com`. */
  readonly authorityHost: string
  /** Environment variable to export the token under, if asked for. */
  readonly exportVariable?: string
  /** Absent when no health check was asked for. */
  readonly health?: HealthConfig
  /** Every secret among the inputs (client secret, certificate PEM and its lines, creds' secret): masked first. */
  readonly secrets: readonly string[]
  /** Problems that do not stop the run but that the user should fix (e.g. a resource ending with a slash). */
  readonly warnings: readonly string[]
}
