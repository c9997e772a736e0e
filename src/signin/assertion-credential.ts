// The credential of every method that presents a federated token (GitHub's, a service account's, another CI's): the
// library's ClientAssertionCredential, asking `getAssertion` for the token at each sign-in, with the shared options.

import type { TokenCredential } from '@azure/identity'
import { ActionError } from '../errors.js'
import { errorChain } from './explain/chain.js'
import type { CredentialContext } from './method.js'
import { entraOptions } from './pipeline.js'

export async function assertionCredential(
  app: { readonly tenantId: string; readonly clientId: string },
  getAssertion: () => Promise<string>,
  { authorityHost, limits, state, agentFor }: CredentialContext
): Promise<TokenCredential> {
  const { ClientAssertionCredential } = await import('./identity.js')
  return new ClientAssertionCredential(
    app.tenantId,
    app.clientId,
    getAssertion,
    entraOptions(authorityHost, limits, state, agentFor)
  )
}

/** A failure to read the token, which the library wraps when it asks again later: the reader's own explanation. */
export function readerExplanation(error: unknown): ActionError | undefined {
  return errorChain(error).find((link): link is ActionError & Record<string, unknown> => link instanceof ActionError)
}
