// The token server's way to ask GitHub for an OIDC token: the sign-in's own request, with the runner's request URL and
// token as the step handed them over (through the pipe, never the environment).

import { requestIdToken } from '../signin/github-oidc-request.js'

export interface OidcRequest {
  /** ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN of the step that started the server. */
  readonly url: string
  readonly token: string
}

/** getIDToken for the sign-in's GitHub assertion. The server logs no token, so there is nothing to mask. */
export function githubIdToken(oidc: OidcRequest): (audience: string) => Promise<string> {
  const env = { ACTIONS_ID_TOKEN_REQUEST_URL: oidc.url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.token }
  return audience => requestIdToken(audience, { env, setSecret: () => undefined })
}
