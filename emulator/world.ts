// What every handler may read: the effective scenario, keys and clock. Built by index.ts, replaced on setScenario.
import type { SigningKey } from './jwt.ts'
import type { Scenario } from './scenario.ts'

export interface World {
  readonly scenario: Scenario
  /** When the scenario took effect (ms since the Unix epoch): role propagation delays count from here. */
  readonly scenarioSince: number
  readonly now: () => number
  readonly tenantKey: SigningKey
  readonly githubKey: SigningKey
  /** Signs the Kubernetes cluster's service-account tokens. */
  readonly serviceAccountKey: SigningKey
  /** Signs the Azure DevOps organization's pipeline OIDC tokens. */
  readonly azureDevOpsKey: SigningKey
  /** Signs GitLab's id_tokens. */
  readonly gitlabKey: SigningKey
  readonly authorityHost: string
  readonly fhirUrl: string
  /** Resources (application ID URIs) known in every tenant. */
  readonly resources: readonly string[]
}
