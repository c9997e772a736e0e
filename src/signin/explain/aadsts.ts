// Microsoft Entra ID's refusals: the table of AADSTS codes a user of this action meets, each with its cause and fix
// (the README's Troubleshooting table is generated from it), and the explanation of a refusal.

import { ActionError } from '../../errors.js'
import { oneLine, sanitizeServerText } from '../../lib/text.js'
import { FEDERATED_MISMATCH_CODES, federatedLines } from './federated.js'
import type { SignInContext } from './context.js'
import { type EntraFailure, supportLine } from './entra-failure.js'

export interface SignInErrorInfo {
  /** `AADSTS` and the number, as Microsoft Entra ID prints it. */
  readonly code: string
  /** The token endpoint's HTTP status for this error. */
  readonly http: number
  readonly summary: string
  readonly fix: string
}

/** The AADSTS codes a user of this action meets, each with its cause and fix: the README's Troubleshooting table. */
export const SIGN_IN_ERRORS: readonly SignInErrorInfo[] = [
  {
    code: 'AADSTS70021',
    http: 400,
    summary:
      'No federated credential on the app registration matches the GitHub token the workflow presented: issuer, ' +
      'subject and audience must all match exactly.',
    fix:
      'Add a federated credential with the subject the error quotes (branch, tag, environment or pull_request form); ' +
      'the action prints the az ad app federated-credential create command that makes the run succeed.'
  },
  {
    code: 'AADSTS700211',
    http: 400,
    summary: "No federated credential on the app registration has the GitHub token's issuer.",
    fix:
      "Set the federated credential's issuer to the one the error quotes, normally https://token.actions.githubusercontent.com " +
      '(an enterprise with a customized issuer adds its slug).'
  },
  {
    code: 'AADSTS700213',
    http: 400,
    summary: "No federated credential on the app registration has the GitHub token's subject.",
    fix:
      'Add a federated credential with the subject the error quotes: a job with an environment presents the ' +
      'environment form, a pull request the pull_request form, a tag the tag form.'
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
    code: 'AADSTS7000215',
    http: 401,
    summary: "Invalid client secret: usually the secret's ID was used instead of its value.",
    fix: "Store the secret's Value (shown once, when the secret is created), not its Secret ID, in the repository secret passed to client-secret."
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
    fix: "Copy the Application (client) ID and Directory (tenant) ID from the app registration's Overview page; both must come from the same tenant."
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
    fix: "Check fhir-url, dicom-url or resource (exact service name, no trailing slash), and that tenant-id is the service's tenant."
  },
  {
    code: 'AADSTS650057',
    http: 400,
    summary:
      'Invalid resource: the token was asked for an audience the services do not use, such as the retired https://azurehealthcareapis.com.',
    fix: 'Ask for the FHIR service URL, or https://dicom.healthcareapis.azure.com for DICOM (fhir-url and dicom-url do this).'
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

export function entraExplanation(failure: EntraFailure, context: SignInContext): ActionError {
  const code = failure.code ?? 'AADSTS'
  const known = SIGN_IN_ERRORS.find(entry => entry.code === code)
  const lines: string[] = []
  let title: string
  if (known) {
    title = `Sign-in refused (${code})`
    lines.push(`Microsoft Entra ID refused the sign-in: ${known.summary}`, `Fix: ${known.fix}`)
  } else {
    title = `Sign-in refused (${code})`
    const number = code.replace(/^AADSTS/, '')
    lines.push(
      `Microsoft Entra ID refused the sign-in with ${code}, a code this action has no specific advice for.`,
      `Fix: read the description below; Microsoft explains each code at https://login.microsoftonline.com/error?code=${number}.`
    )
  }
  const { clientId, tenantId: tenant } = context.signIn
  if (code === 'AADSTS700016' || code === 'AADSTS90002' || code === 'AADSTS900023') {
    lines.push(
      `Used: client-id ${clientId ?? '(none)'}, tenant-id ${tenant ?? '(none)'}, sign-in host ${context.authorityHost}.`
    )
  }
  if (code === 'AADSTS500011' || code === 'AADSTS650057') {
    lines.push(
      `The token was asked for the resource '${oneLine(context.resource)}' in tenant ${tenant ?? '(default)'}.`
    )
  }
  if (FEDERATED_MISMATCH_CODES.has(code)) lines.push(...federatedLines(code, failure, context))
  if (failure.description)
    lines.push(`Microsoft Entra ID said: ${sanitizeServerText(failure.description, context.secrets)}`)
  const support = supportLine(failure)
  if (support) lines.push(support)
  return new ActionError(title, lines.join('\n'))
}
