// A federated credential that does not match the Kubernetes service-account token a runner's pod presented (Azure
// Workload Identity): the cluster's issuer and `system:serviceaccount:NAMESPACE:NAME`, and the command that adds the
// credential this pod needs.

import type { SignInContext } from './context.js'
import type { EntraFailure } from './entra-failure.js'
import { credentialCommandLines, presentedAssertion, presentedLine } from './federated.js'

const SUBJECT_FORM = 'system:serviceaccount:NAMESPACE:NAME'

export function serviceAccountLines(code: string, failure: EntraFailure, context: SignInContext): string[] {
  const presented = presentedAssertion(failure, context)
  const lines: string[] = []
  if (code === 'AADSTS700211') lines.push("What differs: the issuer (the cluster's OIDC issuer URL).")
  if (code === 'AADSTS700213') lines.push('What differs: the subject (the namespace or the service account name).')
  lines.push(
    presentedLine("The runner's pod", presented),
    `A federated credential for a Kubernetes service account names the cluster's OIDC issuer URL ` +
      '(az aks show --query oidcIssuerProfile.issuerUrl) and the subject ' +
      `${SUBJECT_FORM}, the runner pod's namespace and service account, exact and case-sensitive.`
  )
  if (presented.subject !== undefined && !presented.subject.startsWith('system:serviceaccount:')) {
    lines.push(
      `That subject is not of the form ${SUBJECT_FORM}: check that the token file is the projected service-account token.`
    )
  }
  lines.push(
    ...credentialCommandLines(
      'This command adds the federated credential that makes this pod succeed (for a user-assigned managed identity, ' +
        'az identity federated-credential create takes the same issuer and subject):',
      presented,
      context
    )
  )
  return lines
}
