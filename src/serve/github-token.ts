// The token server's way to ask GitHub for an OIDC token: the request @actions/core's getIDToken makes, with the
// runner's request URL and token as the step handed them over (through the pipe, never the environment), and no
// redirects (the client would re-send the request token to wherever one pointed).

import { HttpClient } from '@actions/http-client'
import { BearerCredentialHandler } from '@actions/http-client/lib/auth'

export interface OidcRequest {
  /** ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN of the step that started the server. */
  readonly url: string
  readonly token: string
}

/** getIDToken for the sign-in's GitHub assertion. */
export function githubIdToken(oidc: OidcRequest): (audience: string) => Promise<string> {
  const client = new HttpClient('actions/oidc-client', [new BearerCredentialHandler(oidc.token)], {
    allowRetries: true,
    maxRetries: 3,
    allowRedirects: false
  })
  return async audience => {
    const response = await client.getJson<{ value?: unknown }>(`${oidc.url}&audience=${encodeURIComponent(audience)}`)
    const value = response.result?.value
    if (typeof value !== 'string' || value === '') throw new Error('GitHub answered without an OIDC token.')
    return value
  }
}
