// The AADSTS codes a user meets, each with its cause and fix, per auth-type where the advice differs: the table the
// explanations quote, wait-for-access retries by, and docs/troubleshooting.md's sign-in errors table is generated from.

export interface SignInErrorInfo {
  /** `AADSTS` and the number, as Microsoft Entra ID prints it. */
  readonly code: string
  /** The token endpoint's HTTP status for this error. */
  readonly http: number
  readonly summary: string
  readonly fix: string
  /** Also what a just-created object looks like while Microsoft Entra ID replicates it (a few minutes): with
   *  wait-for-access above 0 the sign-in is retried until it passes or the wait runs out. */
  readonly waitsForPropagation?: true
  /** The explanation only for these auth-types; another entry with the same code and none covers the rest. */
  readonly authTypes?: readonly string[]
}

/** Said of every code that waits: the fix when the object is new. */
const JUST_CREATED =
  'If it was created moments ago, this is replication, not a mistake: set wait-for-access (e.g. 5m) and the sign-in retries until it passes.'

/** The AADSTS codes a user of this action meets, each with its cause and fix: docs/troubleshooting.md's table. */
export const SIGN_IN_ERRORS: readonly SignInErrorInfo[] = [
  {
    code: 'AADSTS70021',
    http: 400,
    summary:
      'No federated credential on the app registration matches the GitHub token the workflow presented: issuer, ' +
      'subject and audience must all match exactly.',
    fix:
      'Add a federated credential with the subject the error quotes (branch, tag, environment or pull_request form); ' +
      'the action prints the az ad app federated-credential create command that makes the run succeed. ' +
      JUST_CREATED,
    waitsForPropagation: true
  },
  {
    code: 'AADSTS70021',
    http: 400,
    authTypes: ['workload-identity'],
    summary:
      "No federated credential on the app registration matches the service-account token the runner's pod presented: the cluster's issuer, the subject system:serviceaccount:NAMESPACE:NAME and the audience must all match exactly.",
    fix:
      "Add a federated credential with the cluster's OIDC issuer URL and the pod's namespace and service account; the action prints the az ad app federated-credential create command that makes the run succeed. " +
      JUST_CREATED,
    waitsForPropagation: true
  },
  {
    code: 'AADSTS700211',
    http: 400,
    summary: "No federated credential on the app registration has the GitHub token's issuer.",
    fix:
      "Set the federated credential's issuer to the one the error quotes, normally https://token.actions.githubusercontent.com " +
      '(an enterprise with a customized issuer adds its slug). ' +
      JUST_CREATED,
    waitsForPropagation: true
  },
  {
    code: 'AADSTS700211',
    http: 400,
    authTypes: ['workload-identity'],
    summary: "No federated credential on the app registration has the cluster's OIDC issuer.",
    fix:
      "Set the federated credential's issuer to the cluster's OIDC issuer URL exactly, trailing slash included (az aks show --query oidcIssuerProfile.issuerUrl). " +
      JUST_CREATED,
    waitsForPropagation: true
  },
  {
    code: 'AADSTS70021',
    http: 400,
    authTypes: ['azure-pipelines'],
    summary:
      "No federated credential on the app registration matches the service connection's token: the organization's issuer, the subject sc://ORGANIZATION/PROJECT/SERVICE_CONNECTION and the audience must all match exactly.",
    fix:
      "Add the federated credential the service connection's page shows (its issuer and subject); the command prints the az ad app federated-credential create command that makes the run succeed. " +
      JUST_CREATED,
    waitsForPropagation: true
  },
  {
    code: 'AADSTS70021',
    http: 400,
    authTypes: ['federated-token'],
    summary:
      "No federated credential on the app registration matches the CI's token (GitLab's ID token, or another issuer's): issuer, subject and audience must all match exactly.",
    fix:
      'Add a federated credential with the issuer, subject and audience the error quotes (GitLab: project_path:GROUP/PROJECT:ref_type:branch:ref:BRANCH); the command prints the az ad app federated-credential create command that makes the run succeed. ' +
      JUST_CREATED,
    waitsForPropagation: true
  },
  {
    code: 'AADSTS700211',
    http: 400,
    authTypes: ['azure-pipelines', 'federated-token'],
    summary: "No federated credential on the app registration has the token's issuer.",
    fix:
      "Set the federated credential's issuer to the one the error quotes, exactly: https://vstoken.dev.azure.com/ORGANIZATION_ID for Azure Pipelines, https://gitlab.com (or the instance's URL) for GitLab. " +
      JUST_CREATED,
    waitsForPropagation: true
  },
  {
    code: 'AADSTS700212',
    http: 400,
    authTypes: ['federated-token'],
    summary: "No federated credential on the app registration lists the CI token's audience.",
    fix: "Ask the CI for a token with the credential's audience, api://AzureADTokenExchange (GitLab: aud under the job's id_tokens), or add the token's audience to the credential."
  },
  {
    code: 'AADSTS700213',
    http: 400,
    authTypes: ['azure-pipelines', 'federated-token'],
    summary: "No federated credential on the app registration has the token's subject.",
    fix:
      'Add a federated credential with the subject the error quotes: sc://ORGANIZATION/PROJECT/SERVICE_CONNECTION for an Azure Pipelines service connection, project_path:GROUP/PROJECT:ref_type:branch:ref:BRANCH (or the tag form) for GitLab. ' +
      JUST_CREATED,
    waitsForPropagation: true
  },
  {
    code: 'AADSTS700212',
    http: 400,
    summary: "No federated credential on the app registration lists the GitHub token's audience.",
    fix: "Add the audience the error quotes to the federated credential's audiences; audience defaults to the environment's recommended one: api://AzureADTokenExchange (AzureCloud), api://AzureADTokenExchangeUSGov (AzureUSGovernment), api://AzureADTokenExchangeChina (AzureChinaCloud)."
  },
  {
    code: 'AADSTS700213',
    http: 400,
    summary: "No federated credential on the app registration has the GitHub token's subject.",
    fix:
      'Add a federated credential with the subject the error quotes: a job with an environment presents the ' +
      'environment form, a pull request the pull_request form, a tag the tag form. ' +
      JUST_CREATED,
    waitsForPropagation: true
  },
  {
    code: 'AADSTS700213',
    http: 400,
    authTypes: ['workload-identity'],
    summary: "No federated credential on the app registration has the service account's subject.",
    fix:
      "Add a federated credential with the subject system:serviceaccount:NAMESPACE:NAME for the runner pod's namespace and service account. " +
      JUST_CREATED,
    waitsForPropagation: true
  },
  {
    code: 'AADSTS7002138',
    http: 400,
    summary:
      'A federated credential matched the GitHub token only when letter case is ignored, and matching is case-sensitive.',
    fix: 'Recreate the federated credential with issuer, subject and audience spelled exactly as presented, same case.'
  },
  {
    code: 'AADSTS700024',
    http: 400,
    summary:
      "The client assertion is outside its valid time range: the GitHub token expired before the exchange, or the runner's clock is off.",
    fix: 'Re-run the job and sign in early in it (a GitHub token lives 5 to 10 minutes); on a self-hosted runner, sync the clock (NTP).'
  },
  {
    code: 'AADSTS700024',
    http: 400,
    authTypes: ['azure-cli', 'azure-powershell'],
    summary:
      "The tool's session was made from a GitHub OIDC token (azure/login with client-id and tenant-id), which lives 5 to 10 minutes and which the tool cannot renew: once it expires, every new token request fails.",
    fix: "Sign in with this action's own OIDC instead: drop auth-type (or set auth-type: oidc) and pass client-id and tenant-id; it asks GitHub for a fresh token at each sign-in. Keep the job's permissions id-token: write."
  },
  {
    code: 'AADSTS700024',
    http: 400,
    authTypes: ['azure-pipelines', 'federated-token'],
    summary:
      "The client assertion is outside its valid time range: the CI's token expired before the exchange, or the machine's clock is off.",
    fix: 'Re-run the job (Azure Pipelines is asked for a fresh token at each sign-in; a token file must be kept fresh by whatever writes it); sync the clock (NTP).'
  },
  {
    code: 'AADSTS7000215',
    http: 401,
    summary: "Invalid client secret: usually the secret's ID was used instead of its value.",
    fix:
      "Store the secret's Value (shown once, when the secret is created), not its Secret ID, in the repository secret passed to client-secret. " +
      JUST_CREATED,
    waitsForPropagation: true
  },
  {
    code: 'AADSTS7000222',
    http: 401,
    summary: 'The client secret has expired.',
    fix:
      'Create a new client secret on the app registration (Certificates & secrets) and update the repository secret; ' +
      'OIDC sign-in (auth-type: oidc) has no secret to expire.'
  },
  {
    code: 'AADSTS700016',
    http: 400,
    summary: 'The application (client ID) was not found in the tenant: client-id or tenant-id is wrong.',
    fix:
      "Copy the Application (client) ID and Directory (tenant) ID from the app registration's Overview page; both must come from the same tenant. " +
      JUST_CREATED,
    waitsForPropagation: true
  },
  {
    code: 'AADSTS700027',
    http: 401,
    summary: 'The certificate that signed the client assertion is not registered on the application.',
    fix: "Upload the certificate's public part to the app registration (Certificates & secrets > Certificates), or pass the certificate whose thumbprint is listed there."
  },
  {
    code: 'AADSTS500011',
    http: 400,
    summary:
      'The resource (the service the token is for) was not found in the tenant: the service URL is wrong, or the service belongs to another tenant.',
    fix:
      "Check fhir-url, dicom-url, deid-url or resource (exact service name, no trailing slash), and that tenant-id is the service's tenant. " +
      JUST_CREATED,
    waitsForPropagation: true
  },
  {
    code: 'AADSTS650057',
    http: 400,
    summary:
      'Invalid resource: the token was asked for an audience the services do not use, such as the retired https://azurehealthcareapis.com.',
    fix: 'Ask for the FHIR service URL, https://dicom.healthcareapis.azure.com for DICOM, or https://deid.azure.com for de-identification (fhir-url, dicom-url and deid-url do this).'
  },
  {
    code: 'AADSTS90002',
    http: 400,
    summary: 'Tenant not found: tenant-id names no tenant in this cloud.',
    fix: "Use the tenant's Directory (tenant) ID, and the environment of its cloud (AzureCloud, AzureUSGovernment, AzureChinaCloud)."
  },
  {
    code: 'AADSTS900023',
    http: 400,
    summary: 'The tenant identifier is not valid: it is neither a GUID nor a verified domain of a tenant.',
    fix: "Set tenant-id to the tenant's Directory (tenant) ID, a GUID."
  }
]

/** The table's entry for a code and auth-type: one made for the auth-type, else the general one. */
export function signInError(code: string, authType: string): SignInErrorInfo | undefined {
  const entries = SIGN_IN_ERRORS.filter(entry => entry.code === code)
  return (
    entries.find(entry => entry.authTypes?.includes(authType) === true) ??
    entries.find(entry => entry.authTypes === undefined)
  )
}

/** The codes a just-created object is refused with while it replicates: the ones wait-for-access waits out. */
export const PROPAGATION_CODES: ReadonlySet<string> = new Set(
  SIGN_IN_ERRORS.filter(entry => entry.waitsForPropagation === true).map(entry => entry.code)
)
