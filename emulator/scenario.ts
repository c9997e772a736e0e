// The emulated world: identities, credentials, role assignments and scripted faults. Plain JSON so that a scenario can
// live in a file, be passed to the CLI, or be built in a test; defaults give a working world out of the box.
import { readFileSync } from 'node:fs'
import { isRecord } from '../src/lib/guards.ts'
import { DEFAULT_CHANGEFEED, DEFAULT_FHIR_RESOURCES } from './patients.ts'

export type Party = 'entra' | 'github' | 'azure-devops' | 'fhir' | 'dicom' | 'deid' | 'managed-identity' | 'other'

export interface TenantSpec {
  readonly id: string
  /** Verified domain, usable instead of the GUID in the authority path. */
  readonly domain?: string
  readonly displayName?: string
}

export interface SecretSpec {
  readonly value: string
  /** The secret's ID as the portal shows it (what users paste by mistake instead of the value). */
  readonly id: string
  /** ISO 8601; absent = never expires. */
  readonly expiresOn?: string
  /** Just created: Entra ID accepts it only this long after the scenario took effect (7000215 before). */
  readonly effectiveAfterMs?: number
}

export interface CertificateSpec {
  /** Public certificate (PEM) registered on the application. */
  readonly pem?: string
  /** Let the emulator make a key and certificate at start-up; the app then exposes them as `certificatePem`. */
  readonly generate?: boolean
}

export interface FederatedCredentialSpec {
  readonly name?: string
  readonly issuer: string
  readonly subject: string
  readonly audiences: readonly string[]
  /** Just created: Entra ID matches it only this long after the scenario took effect (70021/700211/700213 before). */
  readonly effectiveAfterMs?: number
}

export interface AppSpec {
  readonly clientId: string
  readonly tenantId: string
  /** Object ID of the application's service principal: the `oid` of its tokens, the key of its role assignments. */
  readonly objectId: string
  readonly displayName: string
  readonly secrets?: readonly SecretSpec[]
  readonly certificates?: readonly CertificateSpec[]
  readonly federatedCredentials?: readonly FederatedCredentialSpec[]
  /** Filled in by the emulator for a generated certificate: private key + certificate PEM, for certificate sign-in. */
  readonly certificatePem?: string
  /** Just registered: Entra ID finds it only this long after the scenario took effect (700016 before). */
  readonly effectiveAfterMs?: number
}

export interface ManagedIdentitySpec {
  readonly kind: 'system' | 'user'
  readonly clientId: string
  readonly objectId: string
  readonly tenantId: string
  /** ARM resource ID of a user-assigned identity. */
  readonly resourceId?: string
}

export type FhirRole =
  | 'FHIR Data Reader'
  | 'FHIR Data Writer'
  | 'FHIR Data Contributor'
  | 'FHIR Data Exporter'
  | 'FHIR Data Importer'
  | 'FHIR SMART User'
  | 'FHIR Data Converter'
export type DicomRole = 'DICOM Data Reader' | 'DICOM Data Owner'
export type DeidRole =
  'DeID Data Owner' | 'DeID Batch Data Owner' | 'DeID Batch Data Reader' | 'DeID Realtime Data User'

export interface RoleAssignment {
  readonly role: FhirRole | DicomRole | DeidRole | (string & {})
  readonly service: 'fhir' | 'dicom' | 'deid'
  /** The assignment takes effect this long after emulator start (or the last setScenario): RBAC propagation. */
  readonly effectiveAfterMs?: number
}

export interface FaultSpec {
  readonly party?: Party
  /** Matches when the request path (with query) starts with this. */
  readonly pathPrefix?: string
  readonly method?: string
  readonly status?: number
  readonly body?: string | Record<string, unknown> | readonly unknown[]
  readonly headers?: Readonly<Record<string, string>>
  /** Only the first N matching requests fail; then normal service. Absent = every matching request. */
  readonly times?: number
  readonly delayMs?: number
  /** Never answer. */
  readonly hang?: boolean
  /** Destroy the connection without an answer. */
  readonly reset?: boolean
  /** Answer 302 with this Location. */
  readonly redirectTo?: string
  /** Answer the status with a body that is not valid JSON. */
  readonly malformed?: boolean
  /** Throttling preset: 429 (unless status says otherwise) with Retry-After and x-ms-retry-after-ms. */
  readonly throttle?: { readonly retryAfterMs: number }
  /** Answer the status (default 200) with a body streamed in 64 KiB chunks: `text` first, then filler up to `bytes`
   *  (a huge answer), `chunkDelayMs` between chunks (a slow one), the connection destroyed after `resetAfterBytes`
   *  (a reset in the middle of the answer). */
  readonly stream?: {
    readonly bytes: number
    readonly text?: string
    readonly chunkDelayMs?: number
    readonly resetAfterBytes?: number
  }
  /** Answer the status (default 401) with an Entra error whose description quotes every value of the request's form,
   *  re-encoded as a server that parses and re-serialises it writes it (`~` as `%7E`), as some servers and proxies do. */
  readonly echoBody?: boolean
  /** Answer with the service's own error whose free text quotes patient data, as real services do: `parse` a FHIR 500
   *  OperationOutcome whose diagnostics quote a stored resource; `validation` a FHIR 422 OperationOutcome quoting the
   *  invalid values in diagnostics and details.text, or the DICOM service's 400 JSON error quoting PatientName. */
  readonly patientDataError?: 'parse' | 'validation'
}

export interface GithubSpec {
  /** `iss` of the GitHub OIDC tokens. */
  readonly issuer: string
  /** Claims of the OIDC token; null or absent claims are left out (e.g. environment outside a deployment job). */
  readonly claims: Readonly<Record<string, string | number | boolean | null | undefined>>
  /** exp - iat; negative values issue already expired tokens. */
  readonly lifetimeSeconds: number
  /** The bearer the runner holds (ACTIONS_ID_TOKEN_REQUEST_TOKEN). */
  readonly requestToken: string
}

/** A Kubernetes cluster's service-account token issuer (AKS with Azure Workload Identity). */
export interface KubernetesSpec {
  /** The cluster's OIDC issuer URL (`iss` of its service-account tokens). */
  readonly issuer: string
  readonly namespace: string
  readonly serviceAccount: string
  /** The projected token's audience, as the workload identity webhook sets it. */
  readonly audience: string
  readonly lifetimeSeconds: number
  /** The app (client ID) the service account is annotated with: AZURE_CLIENT_ID in the pod. */
  readonly clientId: string
}

/** An Azure DevOps organization whose pipelines sign in through service connections (workload identity federation). */
export interface AzurePipelinesSpec {
  readonly organization: string
  /** The organization's GUID: the issuer is `https://vstoken.dev.azure.com/<organizationId>`. */
  readonly organizationId: string
  readonly project: string
  readonly projectId: string
  /** System.AccessToken: the job's bearer for the OIDC endpoint. */
  readonly accessToken: string
  readonly serviceConnections: readonly { readonly id: string; readonly name: string }[]
  /** exp - iat of the OIDC tokens; negative values issue already expired tokens. */
  readonly lifetimeSeconds: number
}

/** GitLab's `id_tokens` issuer (gitlab.com or a self-managed instance). */
export interface GitLabSpec {
  readonly issuer: string
  /** `<group>/<project>` of the pipeline. */
  readonly projectPath: string
  readonly ref: string
  readonly refType: 'branch' | 'tag'
  /** exp - iat; negative values issue already expired tokens. */
  readonly lifetimeSeconds: number
}

export interface EntraSpec {
  readonly tokenLifetimeSeconds: number
  /**
   * 'current': no issuer → 700211, no subject → 700213, no audience → 700212 (what Entra answers today);
   * 'legacy': every mismatch → 70021 quoting Issuer, Subject and Audience. A case-only subject mismatch is 7002138 in both.
   */
  readonly federatedErrors: 'current' | 'legacy'
  /** Tolerance when checking assertion times (Entra allows five minutes). */
  readonly clockSkewSeconds: number
}

export type HealthStatus = 'Healthy' | 'Degraded' | 'Unhealthy'

export interface FhirSpec {
  /** Service name in hosts mode: https://<name>.fhir.azurehealthcareapis.com */
  readonly serviceName: string
  /** Just created: its resource principal is found by the token endpoint only this long after the scenario took
   *  effect (500011 before). */
  readonly effectiveAfterMs?: number
  readonly health: HealthStatus
  /** Resources the search API returns. */
  readonly resources: readonly Record<string, unknown>[]
}

export interface DicomSpec {
  readonly serviceName: string
  readonly health: HealthStatus
  /** QIDO-RS study results (DICOM JSON); empty → 204. */
  readonly studies: readonly Record<string, unknown>[]
  readonly changefeed: readonly Record<string, unknown>[]
  /** Status for a path without an API version (the service does not route it; unverified which status). */
  readonly unversionedStatus: number
}

export interface DeidSpec {
  /** In hosts mode: https://<name>.api.<region>.deid.azure.com */
  readonly serviceName: string
  readonly region: string
  /** Batch jobs the list answers, a page at a time (storage locations and status, no document text). */
  readonly jobs: readonly Record<string, unknown>[]
}

export interface Scenario {
  readonly tenants: readonly TenantSpec[]
  readonly apps: readonly AppSpec[]
  readonly managedIdentities: readonly ManagedIdentitySpec[]
  readonly github: GithubSpec
  readonly kubernetes: KubernetesSpec
  readonly azurePipelines: AzurePipelinesSpec
  readonly gitlab: GitLabSpec
  readonly entra: EntraSpec
  /** Resources (application ID URIs) that exist in every tenant; default: the FHIR origin, DICOM and ARM. */
  readonly resources?: readonly string[]
  /** Role assignments per object ID. */
  readonly roles: Readonly<Record<string, readonly RoleAssignment[]>>
  readonly faults: readonly FaultSpec[]
  readonly fhir: FhirSpec
  readonly dicom: DicomSpec
  readonly deid: DeidSpec
}

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T
/** A partial scenario merged over the defaults: objects merge key by key, arrays and scalars replace. */
export type ScenarioInput = DeepPartial<Scenario>

export const DEFAULT_TENANT_ID = '5d3c8a2e-7f41-4b9a-9c6d-2e8f1a4b7c90'
export const DEFAULT_TENANT_DOMAIN = 'contoso.onmicrosoft.com'
export const DEFAULT_CLIENT_ID = '8f1d2c3b-4a5e-4f60-8b7a-9c0d1e2f3a4b'
export const DEFAULT_CLIENT_SECRET = 'Emu8Q~test-secret.NotForProduction0123456789'
export const NO_ROLES_CLIENT_ID = '2b7e4f1a-9c3d-4e5f-a6b7-c8d9e0f1a2b3'
export const NO_ROLES_CLIENT_SECRET = 'Emu8Q~no-roles-secret.NotForProduction98765'
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
export const FEDERATED_AUDIENCE = 'api://AzureADTokenExchange'
export const DEFAULT_SUBJECT = 'repo:contoso/health-pipeline:ref:refs/heads/main'
export const DICOM_AUDIENCE = 'https://dicom.healthcareapis.azure.com'
export const ARM_AUDIENCE = 'https://management.azure.com'
export const DEID_AUDIENCE = 'https://deid.azure.com'

export const AKS_CLIENT_ID = '3c5e7a9b-1d2f-4e6a-8c0b-2d4f6a8c0e1f'
export const AKS_ISSUER = 'https://oidc.prod-aks.azure.com/6f2d9c1e-4b7a-4e3c-9a8d-5c1b0e7f3a2d/'
export const AKS_SUBJECT = 'system:serviceaccount:ci:github-runner'
export const AZURE_DEVOPS_ORGANIZATION_ID = 'a3f6c9e2-5b8d-4e1a-9c7f-2d4b6e8a0c13'
export const AZURE_PIPELINES_ISSUER = `https://vstoken.dev.azure.com/${AZURE_DEVOPS_ORGANIZATION_ID}`
export const AZURE_PIPELINES_SUBJECT = 'sc://contoso/hds/hds-fhir'
export const AZURE_PIPELINES_SERVICE_CONNECTION_ID = '7e1b4d8a-2c6f-4a9e-b3d5-8f0a2c4e6b19'
export const GITLAB_ISSUER = 'https://gitlab.com'
export const GITLAB_SUBJECT = 'project_path:contoso/hds-pipelines:ref_type:branch:ref:main'
const AKS_OBJECT_ID = 'd2e4f6a8-0b1c-4d3e-9f5a-7b9c1d3e5f70'
const APP_OBJECT_ID = 'c4a1e7d2-3b5f-4a68-9e0d-1f2a3b4c5d6e'
const NO_ROLES_OBJECT_ID = 'e9b8a7c6-d5e4-4f3a-8b2c-1d0e9f8a7b6c'
const SYSTEM_MI_CLIENT_ID = '0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d'
const SYSTEM_MI_OBJECT_ID = '7c6b5a49-3827-4165-9f0e-d1c2b3a49586'
const USER_MI_CLIENT_ID = '4e3d2c1b-0a9f-4e8d-b7c6-a5f4e3d2c1b0'
const USER_MI_OBJECT_ID = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e'

const dataRoles: readonly RoleAssignment[] = [
  { role: 'FHIR Data Contributor', service: 'fhir' },
  { role: 'DICOM Data Owner', service: 'dicom' },
  { role: 'DeID Batch Data Reader', service: 'deid' }
]

/** A batch job as the service lists it: where the documents are and how far it got. */
function deidJob(name: string, status: string): Record<string, unknown> {
  return {
    name,
    operation: 'Surrogate',
    sourceLocation: { location: 'https://contosostorage.blob.core.windows.net/notes', prefix: 'in/' },
    targetLocation: { location: 'https://contosostorage.blob.core.windows.net/notes', prefix: 'out/' },
    status,
    createdAt: '2026-11-30T08:00:00Z',
    summary: { successful: 12, failed: 0, canceled: 0, total: 12, bytesProcessed: 40960 }
  }
}

export const defaultScenario: Scenario = {
  tenants: [{ id: DEFAULT_TENANT_ID, domain: DEFAULT_TENANT_DOMAIN, displayName: 'Contoso' }],
  apps: [
    {
      clientId: DEFAULT_CLIENT_ID,
      tenantId: DEFAULT_TENANT_ID,
      objectId: APP_OBJECT_ID,
      displayName: 'health-pipeline',
      secrets: [{ value: DEFAULT_CLIENT_SECRET, id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }],
      certificates: [{ generate: true }],
      federatedCredentials: [
        { name: 'main', issuer: GITHUB_ISSUER, subject: DEFAULT_SUBJECT, audiences: [FEDERATED_AUDIENCE] },
        {
          name: 'azure-pipelines',
          issuer: AZURE_PIPELINES_ISSUER,
          subject: AZURE_PIPELINES_SUBJECT,
          audiences: [FEDERATED_AUDIENCE]
        },
        { name: 'gitlab', issuer: GITLAB_ISSUER, subject: GITLAB_SUBJECT, audiences: [FEDERATED_AUDIENCE] }
      ]
    },
    {
      clientId: NO_ROLES_CLIENT_ID,
      tenantId: DEFAULT_TENANT_ID,
      objectId: NO_ROLES_OBJECT_ID,
      displayName: 'no-data-roles',
      secrets: [{ value: NO_ROLES_CLIENT_SECRET, id: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a' }]
    },
    {
      // Self-hosted runners on AKS: the runner pod's service account is trusted through a federated credential.
      clientId: AKS_CLIENT_ID,
      tenantId: DEFAULT_TENANT_ID,
      objectId: AKS_OBJECT_ID,
      displayName: 'aks-runners',
      federatedCredentials: [
        { name: 'aks-runner', issuer: AKS_ISSUER, subject: AKS_SUBJECT, audiences: [FEDERATED_AUDIENCE] }
      ]
    }
  ],
  managedIdentities: [
    { kind: 'system', clientId: SYSTEM_MI_CLIENT_ID, objectId: SYSTEM_MI_OBJECT_ID, tenantId: DEFAULT_TENANT_ID },
    {
      kind: 'user',
      clientId: USER_MI_CLIENT_ID,
      objectId: USER_MI_OBJECT_ID,
      tenantId: DEFAULT_TENANT_ID,
      resourceId:
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/health/providers/Microsoft.ManagedIdentity/userAssignedIdentities/health-pipeline'
    }
  ],
  github: {
    issuer: GITHUB_ISSUER,
    claims: {
      sub: DEFAULT_SUBJECT,
      repository: 'contoso/health-pipeline',
      repository_owner: 'contoso',
      repository_id: '700100200',
      repository_owner_id: '9100200',
      repository_visibility: 'private',
      ref: 'refs/heads/main',
      ref_type: 'branch',
      ref_protected: 'true',
      sha: '3f7c2b9e4d1a6f8b0c5e7d9a2b4c6e8f0a1b3c5d',
      workflow: 'deploy',
      workflow_ref: 'contoso/health-pipeline/.github/workflows/deploy.yml@refs/heads/main',
      job_workflow_ref: 'contoso/health-pipeline/.github/workflows/deploy.yml@refs/heads/main',
      event_name: 'push',
      actor: 'octocat',
      actor_id: '583231',
      run_id: '9876543210',
      run_number: '42',
      run_attempt: '1',
      runner_environment: 'github-hosted'
    },
    lifetimeSeconds: 300,
    requestToken: 'emulator-runtime-request-token'
  },
  kubernetes: {
    issuer: AKS_ISSUER,
    namespace: 'ci',
    serviceAccount: 'github-runner',
    audience: FEDERATED_AUDIENCE,
    lifetimeSeconds: 3600,
    clientId: AKS_CLIENT_ID
  },
  azurePipelines: {
    organization: 'contoso',
    organizationId: AZURE_DEVOPS_ORGANIZATION_ID,
    project: 'hds',
    projectId: '4c8e2a6f-9b1d-4f3e-a5c7-0e2b4d6f8a91',
    accessToken: 'emu-system-access-token.q7Vx2mKp9LrT4wZs8NfB3hYc6JdG1uEa5oRi0tWkX3nM8bVf',
    serviceConnections: [{ id: AZURE_PIPELINES_SERVICE_CONNECTION_ID, name: 'hds-fhir' }],
    lifetimeSeconds: 600
  },
  gitlab: {
    issuer: GITLAB_ISSUER,
    projectPath: 'contoso/hds-pipelines',
    ref: 'main',
    refType: 'branch',
    lifetimeSeconds: 3600
  },
  entra: { tokenLifetimeSeconds: 3599, federatedErrors: 'current', clockSkewSeconds: 300 },
  roles: {
    [APP_OBJECT_ID]: dataRoles,
    [AKS_OBJECT_ID]: dataRoles,
    [SYSTEM_MI_OBJECT_ID]: dataRoles,
    [USER_MI_OBJECT_ID]: dataRoles
  },
  faults: [],
  fhir: {
    serviceName: 'contoso-fhir',
    health: 'Healthy',
    resources: DEFAULT_FHIR_RESOURCES
  },
  dicom: {
    serviceName: 'contoso-dicom',
    health: 'Healthy',
    studies: [],
    changefeed: DEFAULT_CHANGEFEED,
    unversionedStatus: 404
  },
  deid: {
    serviceName: 'contoso-deid',
    region: 'eus001',
    jobs: [
      deidJob('nightly-2026-11-30', 'Succeeded'),
      deidJob('nightly-2026-12-01', 'Succeeded'),
      deidJob('nightly-2026-12-02', 'Running')
    ]
  }
}

function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base
  if (!isRecord(base) || !isRecord(override)) return override
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(override)) out[key] = deepMerge(base[key], value)
  return out
}

/** Defaults with the input merged over them. `roles` merges per object ID, so an override adds or replaces one identity. */
export function mergeScenario(input: ScenarioInput = {}, base: Scenario = defaultScenario): Scenario {
  return deepMerge(base, input) as Scenario
}

export function loadScenarioFile(path: string): ScenarioInput {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
  if (!isRecord(parsed)) throw new Error(`${path}: a scenario must be a JSON object`)
  return parsed
}

/** `iss` of the organization's pipeline OIDC tokens. */
export function azurePipelinesIssuer(spec: AzurePipelinesSpec): string {
  return `https://vstoken.dev.azure.com/${spec.organizationId}`
}

/** Default resources when the scenario lists none: the FHIR service, DICOM, de-identification and Azure Resource Manager. */
export function effectiveResources(scenario: Scenario, fhirUrl: string): readonly string[] {
  return scenario.resources ?? [fhirUrl, DICOM_AUDIENCE, DEID_AUDIENCE, ARM_AUDIENCE]
}
