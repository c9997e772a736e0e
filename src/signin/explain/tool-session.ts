// Failures of a sign-in that reuses a tool's session (Azure CLI, Azure PowerShell): the tool is missing, or it has
// no session.

import { ActionError } from '../../errors.js'
import { sanitizeServerText } from '../../lib/text.js'
import { chainText, errorChain, isCredentialUnavailable, messageOf } from './chain.js'

export interface Tool {
  /** The auth-type that uses it. */
  readonly type: string
  /** Its name as a user knows it. */
  readonly name: string
  /** What signs it in before this step. */
  readonly loginStep: string
  /** The tool's own words when it is not installed, and when it has no session. */
  readonly notInstalled: RegExp
  readonly notLoggedIn: RegExp
}

export function explainToolFailure(tool: Tool, error: unknown, secrets: readonly string[]): ActionError | undefined {
  const text = chainText(error)
  const said = sanitizeServerText(messageOf(error), secrets)
  if (tool.notInstalled.test(text)) {
    return new ActionError(
      `Sign-in failed: ${tool.name} not found`,
      [
        `auth-type ${tool.type} signs in through ${tool.name}, but it is not installed on this runner (or not on PATH).`,
        `Fix: install it on the runner (GitHub-hosted Ubuntu and Windows runners have it), or pick another auth-type such as oidc.`,
        `Details: ${said}`
      ].join('\n')
    )
  }
  const timedOut = errorChain(error).find(link => link.name === 'ToolTimeoutError')
  if (timedOut) {
    return new ActionError(
      `Sign-in failed: ${tool.name} did not answer in time`,
      [
        `auth-type ${tool.type} asks ${tool.name} for a token, and it ${String(timedOut.message)}.`,
        `Fix: check that ${tool.name} works on this runner on its own (it may be waiting for a prompt, an update or ` +
          'the network, or be behind a proxy it is not told about), then re-run.',
        `Details: ${said}`
      ].join('\n')
    )
  }
  if (tool.notLoggedIn.test(text)) {
    return new ActionError(
      `Sign-in failed: ${tool.name} is not logged in`,
      [
        `auth-type ${tool.type} reuses the session of ${tool.name}, and there is none (or it expired).`,
        `Fix: ${tool.loginStep}, or pick another auth-type (oidc, client-secret, client-certificate).`,
        `Details: ${said}`
      ].join('\n')
    )
  }
  if (isCredentialUnavailable(error)) {
    return new ActionError(
      `Sign-in failed: unexpected answer from ${tool.name}`,
      [
        `auth-type ${tool.type} asks ${tool.name} for a token, and it answered with something that is not one (no ` +
          'error the action knows, no token it could read).',
        `Fix: run the same tool in a step before this one to see what it prints (for the Azure CLI: az account ` +
          'get-access-token --output json); update it if it is old. The details below are its own words.',
        `Details: ${said}`
      ].join('\n')
    )
  }
  return undefined
}
