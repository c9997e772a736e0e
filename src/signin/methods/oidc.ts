// OIDC: the app registration trusts the workflow's GitHub OIDC token through a federated credential. No secret.

import { InputError } from '../../errors.js'
import type { Env, SignInMethod } from '../method.js'
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
  read(inputs, { audience, env, surface }) {
    const type = 'oidc'
    const signIn: OidcSignIn = {
      type,
      clientId: requireClientId(inputs, type),
      tenantId: requireTenantId(inputs, type),
      audience
    }
    // The command outside a GitHub job has no GitHub token to present: say where this CI's own token is.
    const outsideGitHub = surface === 'command' && !env.ACTIONS_ID_TOKEN_REQUEST_URL
    return { signIn, ...(outsideGitHub ? { unavailable: new InputError('auth-type', noFederatedToken(env)) } : {}) }
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

/** client-id and tenant-id alone, outside GitHub: where this CI's federated token is to be found. */
function noFederatedToken(env: Env): string {
  if ((env.GITLAB_CI ?? '') !== '') {
    return (
      "client-id and tenant-id sign in with the job's ID token, and this job has none (or several: then set " +
      'federated-token-env to the one to use): add id_tokens to the job, AZURE_ID_TOKEN: { aud: api://AzureADTokenExchange }.'
    )
  }
  if ((env.TF_BUILD ?? '') !== '') {
    return (
      "client-id and tenant-id sign in through a service connection's federated token: set service-connection-id and " +
      "map the job's access token on the step (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken))."
    )
  }
  return (
    'client-id and tenant-id alone sign in with a federated token, and outside GitHub Actions there is none by ' +
    "default: set federated-token-env or federated-token-file (another CI's OIDC token), service-connection-id " +
    '(Azure Pipelines), or client-secret; or use the Azure CLI session (auth-type azure-cli).'
  )
}
