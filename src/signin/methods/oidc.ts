// OIDC: the app registration trusts the workflow's GitHub OIDC token through a federated credential. No secret.

import type { SignInMethod } from '../method.js'
import { requireClientId, requireTenantId } from '../sign-in-inputs.js'
import { entraTokenEndpoint } from '../pipeline.js'
import { assertionCredential } from '../assertion-credential.js'

export interface OidcSignIn {
  readonly type: 'oidc'
  readonly clientId: string
  readonly tenantId: string
  /** The audience asked of GitHub, which the federated credential must list. */
  readonly audience: string
}

export const oidc: SignInMethod<OidcSignIn> = {
  type: 'oidc',
  postsToAuthority: true,
  uses: ['clientId', 'tenantId'],
  help: env =>
    'OIDC (recommended): client-id and tenant-id, with id-token: write permission' +
    (env.ACTIONS_ID_TOKEN_REQUEST_URL === undefined
      ? ' (this job has no GitHub OIDC token yet: add the permissions below)'
      : ''),
  read(inputs, { audience }) {
    const type = 'oidc'
    return {
      signIn: { type, clientId: requireClientId(inputs, type), tenantId: requireTenantId(inputs, type), audience }
    }
  },
  githubAudience: signIn => signIn.audience,
  endpoint: (signIn, authorityHost) => entraTokenEndpoint(authorityHost, signIn.tenantId),
  credential(signIn, context) {
    if (context.github === undefined) {
      return Promise.reject(new Error('An OIDC sign-in needs the GitHub assertion (startGitHubAssertion).'))
    }
    return assertionCredential(signIn, context.github.getAssertion, context)
  }
}
