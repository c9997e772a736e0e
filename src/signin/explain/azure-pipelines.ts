// Azure Pipelines' side of a sign-in: Azure DevOps did not hand over the service connection's token (the job's access
// token refused, the connection unknown or not allowed), or Entra ID found no federated credential for the
// connection's `sc://ORGANIZATION/PROJECT/CONNECTION` subject. The answer's free text is never quoted: only its status
// and error type.

import { ActionError, AnswerTooLargeError } from '../../errors.js'
import { sanitizeServerText } from '../../lib/text.js'
import { messageOf } from './chain.js'
import type { AssertionSourceFailure, SignInContext } from './context.js'
import type { EntraFailure } from './entra-failure.js'
import { credentialCommandLines, presentedAssertion, presentedLine } from './federated.js'
import { readTransportFailure, transportExplanation } from './transport.js'

const SUBJECT_FORM = 'sc://ORGANIZATION/PROJECT/SERVICE_CONNECTION'

const MAP_ACCESS_TOKEN = "map the job's access token on the step (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken))"

/** Why Azure DevOps answered as it did, by status: what to change. */
function advice(status: number, serviceConnectionId: string): string[] {
  if (status === 401 || status === 203) {
    return [
      "Azure DevOps did not accept the job's access token: SYSTEM_ACCESSTOKEN does not hold this job's System.AccessToken.",
      `Fix: ${MAP_ACCESS_TOKEN}, as given; a value copied from elsewhere or another job does not work.`
    ]
  }
  if (status === 403 || status === 404 || status === 400) {
    return [
      `Azure DevOps has no service connection ${serviceConnectionId} that this pipeline may use.`,
      "Fix: set service-connection-id to the connection's ID (Project settings > Service connections > the " +
        "connection: the resourceId in the page's address), check it uses workload identity federation, and " +
        "authorize this pipeline to use it (the connection's Security, or approve the first run's request)."
    ]
  }
  if (status >= 500 || status === 429) {
    return [
      'Fix: this is on the Azure DevOps side: re-run the job; if it persists, check https://status.dev.azure.com.'
    ]
  }
  return ['Fix: check the service connection and the pipeline, then re-run the job.']
}

/** The request for the connection's token failed: how, and what to change. */
export function explainServiceConnectionToken(
  source: AssertionSourceFailure,
  serviceConnectionId: string,
  context: SignInContext
): ActionError {
  const title = "Azure Pipelines: the service connection's token is unavailable"
  const failed = source.transportError
  const transport = failed === undefined ? undefined : readTransportFailure(failed)
  if (transport !== undefined) {
    const endpoint = `Azure DevOps' token endpoint ${source.endpoint}`
    const explained = transportExplanation(transport, failed, { ...context, endpoint })
    return new ActionError(`${title}: ${explained.title}`, explained.message)
  }
  if (failed instanceof AnswerTooLargeError) {
    return new ActionError(
      `${title}: the answer is too large`,
      [
        `Azure DevOps' token endpoint ${source.endpoint} answered with more than ${String(failed.limitBytes / 1024)} ` +
          'KiB (a token answer is a few KiB), so it was not read.',
        'Fix: leave SYSTEM_OIDCREQUESTURI as the agent sets it, and check that no proxy on the way answers in its place.'
      ].join('\n')
    )
  }
  if (source.status === undefined) {
    return new ActionError(
      title,
      [
        `The request to Azure DevOps at ${source.endpoint} failed before it was answered.`,
        `Details: ${sanitizeServerText(messageOf(failed), context.secrets)}`
      ].join('\n')
    )
  }
  const type = source.typeKey === undefined ? '' : ` (${source.typeKey})`
  return new ActionError(
    `${title}: Azure DevOps answered HTTP ${String(source.status)}`,
    [
      `Azure DevOps answered the request for service connection ${serviceConnectionId}'s token at ${source.endpoint} ` +
        `with HTTP ${String(source.status)}${type}, not a token.`,
      ...advice(source.status, serviceConnectionId)
    ].join('\n')
  )
}

/** A federated credential that does not match the connection's token: its subject form and the command. */
export function serviceConnectionLines(code: string, failure: EntraFailure, context: SignInContext): string[] {
  const presented = presentedAssertion(failure, context)
  const lines: string[] = []
  if (code === 'AADSTS700211') lines.push("What differs: the issuer (the Azure DevOps organization's).")
  if (code === 'AADSTS700213') lines.push('What differs: the subject (the organization, project or connection name).')
  lines.push(
    presentedLine('The service connection', presented),
    `A federated credential for an Azure DevOps service connection names the issuer ` +
      'https://vstoken.dev.azure.com/ORGANIZATION_ID and the subject ' +
      `${SUBJECT_FORM}, exact and case-sensitive: the service connection's page shows both ` +
      '(Workload Identity federation details). Renaming the organization, project or connection changes the subject.',
    ...credentialCommandLines(
      'This command adds the federated credential that makes this connection succeed:',
      presented,
      context
    )
  )
  return lines
}
