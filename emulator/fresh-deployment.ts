// A deployment that has just created what a pipeline signs in with: a new app registration with a client secret and
// a federated credential for the workflow, a FHIR service, and a role assignment on it. Entra ID and the service see
// each new object only after it replicates, as in Azure: the app first, then its federated credential, then the
// service's resource principal, then the role assignment. `delayMs` is when the last of the sign-in objects appears.
import {
  DEFAULT_SUBJECT,
  DEFAULT_TENANT_ID,
  FEDERATED_AUDIENCE,
  GITHUB_ISSUER,
  type ScenarioInput
} from './scenario.ts'

export const NEW_APP_CLIENT_ID = '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
export const NEW_APP_CLIENT_SECRET = 'Emu8Q~new-app-secret.NotForProduction24680'
const NEW_APP_OBJECT_ID = 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b'

export function freshDeployment(delayMs: number): ScenarioInput {
  const at = (fraction: number): number => Math.round(delayMs * fraction)
  return {
    apps: [
      {
        clientId: NEW_APP_CLIENT_ID,
        tenantId: DEFAULT_TENANT_ID,
        objectId: NEW_APP_OBJECT_ID,
        displayName: 'health-pipeline-new',
        effectiveAfterMs: at(0.4),
        secrets: [
          { value: NEW_APP_CLIENT_SECRET, id: '0b9a8c7d-6e5f-4d3c-8b2a-1f0e9d8c7b6a', effectiveAfterMs: at(0.7) }
        ],
        federatedCredentials: [
          {
            name: 'main',
            issuer: GITHUB_ISSUER,
            subject: DEFAULT_SUBJECT,
            audiences: [FEDERATED_AUDIENCE],
            effectiveAfterMs: at(0.7)
          }
        ]
      }
    ],
    fhir: { effectiveAfterMs: delayMs },
    roles: {
      [NEW_APP_OBJECT_ID]: [{ role: 'FHIR Data Contributor', service: 'fhir', effectiveAfterMs: at(1.2) }]
    }
  }
}
