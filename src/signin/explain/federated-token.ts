// A federated credential that does not match another CI's token (GitLab's id_tokens, any issuer): which of issuer,
// subject and audience differs, GitLab's subject forms when the token is GitLab's, and the command that adds the
// credential this job needs.

import { oneLine } from '../../lib/text.js'
import { federatedAudienceFor } from '../../target/clouds.js'
import type { SignInContext } from './context.js'
import type { EntraFailure } from './entra-failure.js'
import { credentialCommandLines, presentedAssertion, presentedLine } from './federated.js'

/** GitLab's subject, `project_path:GROUP/PROJECT:ref_type:branch|tag:ref:NAME`: its project path. */
const GITLAB_SUBJECT = /^project_path:([^:]+):ref_type:/

export function federatedTokenLines(code: string, failure: EntraFailure, context: SignInContext): string[] {
  const presented = presentedAssertion(failure, context)
  const { subject, audience } = presented
  const recommended = federatedAudienceFor(context.cloud ?? 'AzureCloud')
  const project = subject === undefined ? undefined : GITLAB_SUBJECT.exec(subject)?.[1]
  const lines: string[] = []
  if (code === 'AADSTS700211') lines.push("What differs: the issuer (the CI's OIDC issuer URL, exact).")
  if (code === 'AADSTS700213') lines.push('What differs: the subject (exact and case-sensitive).')
  if (code === 'AADSTS700212' || (code === 'AADSTS70021' && audience !== undefined && audience !== recommended)) {
    lines.push(
      `What differs: the audience ('${oneLine(audience ?? '?')}'): ask the CI for the token with the audience ` +
        recommended +
        (project === undefined ? '' : " (GitLab: aud under the job's id_tokens)") +
        ', or add that audience to the federated credential.'
    )
  }
  lines.push(presentedLine('The job', presented))
  if (project !== undefined) {
    lines.push(
      "GitLab's issuer is https://gitlab.com, or a self-managed instance's URL; its subject forms (exact, case-sensitive):",
      `  branch: project_path:${oneLine(project)}:ref_type:branch:ref:BRANCH`,
      `  tag:    project_path:${oneLine(project)}:ref_type:tag:ref:TAG`
    )
  } else {
    lines.push("A federated credential names the token's issuer, subject and audience exactly as the token holds them.")
  }
  lines.push(
    ...credentialCommandLines(
      'This command adds the federated credential that makes this job succeed:',
      presented,
      context
    )
  )
  return lines
}
