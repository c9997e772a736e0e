// Microsoft Entra ID's refusal explained: the table's sentence and fix for its code and auth-type, what the inputs
// were where that helps, a federated-credential mismatch in its source's terms, and the IDs a support case needs.

import { ActionError } from '../../errors.js'
import { oneLine, sanitizeServerText } from '../../lib/text.js'
import { FEDERATED_MISMATCH_CODES, federatedLines } from './federated.js'
import type { SignInContext } from './context.js'
import { type EntraFailure, supportLine } from './entra-failure.js'
import { serviceAccountLines } from './service-account.js'
import { serviceConnectionLines } from './azure-pipelines.js'
import { signInError } from './sign-in-errors.js'
import { federatedTokenLines } from './federated-token.js'

/** A federated-credential mismatch in the terms of where the token came from; GitHub's by default. */
const MISMATCH_LINES: Readonly<
  Record<string, (code: string, failure: EntraFailure, context: SignInContext) => string[]>
> = {
  'workload-identity': serviceAccountLines,
  'azure-pipelines': serviceConnectionLines,
  'federated-token': federatedTokenLines
}

export function entraExplanation(failure: EntraFailure, context: SignInContext): ActionError {
  const code = failure.code ?? 'AADSTS'
  const known = signInError(code, context.signIn.type)
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
  if (FEDERATED_MISMATCH_CODES.has(code)) {
    lines.push(...(MISMATCH_LINES[context.signIn.type] ?? federatedLines)(code, failure, context))
  }
  if (failure.description)
    lines.push(`Microsoft Entra ID said: ${sanitizeServerText(failure.description, context.secrets)}`)
  const support = supportLine(failure)
  if (support) lines.push(support)
  return new ActionError(title, lines.join('\n'))
}
