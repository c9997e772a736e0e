// A federated credential that does not match the Kubernetes service-account token a runner's pod presented (Azure
// Workload Identity): the cluster's issuer and `system:serviceaccount:NAMESPACE:NAME`, and the command that adds the
// credential this pod needs.

import { oneLine } from '../../lib/text.js'
import { federatedAudienceFor } from '../../target/clouds.js'
import type { SignInContext } from './context.js'
import type { EntraFailure } from './entra-failure.js'
import { claimString, federatedCredentialCommand, quotedAssertion } from './federated.js'

const SUBJECT_FORM = 'system:serviceaccount:NAMESPACE:NAME'

export function serviceAccountLines(code: string, failure: EntraFailure, context: SignInContext): string[] {
  const quoted = quotedAssertion(failure.description)
  const claims = context.assertionClaims
  const issuer = (claims ? claimString(claims.iss) : undefined) ?? quoted.issuer
  const subject = (claims ? claimString(claims.sub) : undefined) ?? quoted.subject
  const audience = (claims ? claimString(claims.aud) : undefined) ?? quoted.audience
  const lines: string[] = []
  if (code === 'AADSTS700211') lines.push("What differs: the issuer (the cluster's OIDC issuer URL).")
  if (code === 'AADSTS700213') lines.push('What differs: the subject (the namespace or the service account name).')
  lines.push(
    `The runner's pod presented issuer '${oneLine(issuer ?? '?')}', subject '${oneLine(subject ?? '?')}', ` +
      `audience '${oneLine(audience ?? '?')}'.`,
    `A federated credential for a Kubernetes service account names the cluster's OIDC issuer URL ` +
      '(az aks show --query oidcIssuerProfile.issuerUrl) and the subject ' +
      `${SUBJECT_FORM}, the runner pod's namespace and service account, exact and case-sensitive.`
  )
  if (subject !== undefined && !subject.startsWith('system:serviceaccount:')) {
    lines.push(
      `That subject is not of the form ${SUBJECT_FORM}: check that the token file is the projected service-account token.`
    )
  }
  if (issuer && subject) {
    lines.push(
      'This command adds the federated credential that makes this pod succeed (for a user-assigned managed identity, ' +
        'az identity federated-credential create takes the same issuer and subject):',
      `  ${federatedCredentialCommand(context.signIn.clientId ?? '<client-id>', {
        issuer: oneLine(issuer),
        subject: oneLine(subject),
        audience: oneLine(audience ?? federatedAudienceFor(context.cloud ?? 'AzureCloud'))
      })}`
    )
  }
  return lines
}
