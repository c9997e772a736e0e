// Another CI's OIDC token, or any issuer's, presented to Microsoft Entra ID through a federated credential: GitLab's
// id_tokens in a variable the job names (federated-token-env, or found: the one ID token of this GitLab), or a file
// something keeps fresh (federated-token-file).
// Only the command offers it: a GitHub job signs in with GitHub's own token (oidc).

import { ActionError, InputError } from '../../errors.js'
import { decodeJwtPayload, isJwtShaped } from '../../lib/jwt.js'
import { show } from '../../lib/text.js'
import { assertionCredential, readerExplanation } from '../assertion-credential.js'
import { ASSERTION_REUSE_MARGIN_MS, type TokenSource, presentedClaims, readTokenFile } from '../federated-token.js'
import type { Env, SignInMethod } from '../method.js'
import { entraTokenEndpoint } from '../pipeline.js'
import { requireClientId, requireTenantId } from '../sign-in-inputs.js'

export interface FederatedTokenSignIn {
  readonly type: 'federated-token'
  readonly clientId: string
  readonly tenantId: string
  /** Where the token is: a variable, read here (a job's variables do not change; the token is a secret of the step,
   *  masked with the others), or a file, read for each sign-in (something may keep it fresh). */
  readonly source: { readonly variable: string; readonly token: string } | { readonly file: string }
}

/** An environment variable's name as shells take it. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

const GITLAB_FIX =
  "on GitLab CI, name the variable under the job's id_tokens (AZURE_ID_TOKEN: { aud: api://AzureADTokenExchange })"

export const federatedToken: SignInMethod<FederatedTokenSignIn> = {
  type: 'federated-token',
  commandOnly: true,
  aliases: ['gitlab'],
  postsToAuthority: true,
  uses: ['clientId', 'tenantId', 'federatedTokenEnv', 'federatedTokenFile'],
  help: () =>
    "another CI's OIDC token (GitLab's id_tokens, any issuer): client-id, tenant-id, and federated-token-env or " +
    'federated-token-file',
  read(inputs, { env }) {
    const type = 'federated-token'
    const ids = { clientId: requireClientId(inputs, type), tenantId: requireTenantId(inputs, type) }
    const source = readSource(inputs.federatedTokenEnv, inputs.federatedTokenFile, env)
    if ('file' in source) return { signIn: { type, ...ids, source } }
    // Whether the job has the token is judged once every input is checked: a bad value is named first.
    try {
      return { signIn: { type, ...ids, source: { ...source, token: variableToken(source.variable, env) } } }
    } catch (error) {
      if (!(error instanceof Error)) throw error
      return { signIn: { type, ...ids, source: { ...source, token: '' } }, unavailable: error }
    }
  },
  endpoint: (signIn, authorityHost) => entraTokenEndpoint(authorityHost, signIn.tenantId),
  async credential(signIn, context) {
    const { timeoutMs, state, setSecret } = context
    const source = signIn.source
    let last: { token: string; freshUntil: number } | undefined
    // MSAL asks for the assertion twice per sign-in: a token with a minute left is presented again, not read again. A
    // new one is masked, and its claims kept, once.
    const read = async (): Promise<string> => {
      if (last !== undefined && Date.now() < last.freshUntil) return last.token
      const token =
        'variable' in source ? source.token : await readTokenFile(source.file, timeoutMs, fileSource(source.file))
      if (token !== last?.token) {
        setSecret?.(token)
        state.assertionClaims = presentedClaims(token)
      }
      const exp = decodeJwtPayload(token).exp
      last = { token, freshUntil: typeof exp === 'number' ? exp * 1000 - ASSERTION_REUSE_MARGIN_MS : 0 }
      return token
    }
    // The first read here, before any request: a missing token fails with its own explanation, and is masked first.
    await read()
    return assertionCredential(signIn, read, context)
  },
  explain: readerExplanation
}

/** Where the token is: the file, or the variable (named, or the GitLab job's one ID token), its name checked. */
function readSource(
  variable: string,
  file: string,
  env: Env
): { readonly variable: string } | { readonly file: string } {
  if (variable !== '' && file !== '') {
    throw new InputError(
      'federated-token-env',
      'and federated-token-file are both set: give one of them (the variable GitLab fills, or the file).'
    )
  }
  if (file !== '') return { file }
  const named = variable !== '' ? variable : gitlabIdTokenVariable(env)
  if (named === undefined) {
    throw new InputError(
      'federated-token-env',
      `is empty, and so is federated-token-file: name the variable that holds the token (${GITLAB_FIX}) or the file.`
    )
  }
  if (!VARIABLE_NAME.test(named)) {
    throw new InputError(
      'federated-token-env',
      `${show(named)} is not a variable's name: give the name (AZURE_ID_TOKEN), not its value or $AZURE_ID_TOKEN.`
    )
  }
  return { variable: named }
}

/**
 * In a GitLab job, the one variable that holds an ID token of this GitLab (its `iss` is CI_SERVER_URL): what the job's
 * id_tokens defined, whatever its name. None when there is none, or several (then the job names one).
 */
export function gitlabIdTokenVariable(env: Env): string | undefined {
  const issuer = env.CI_SERVER_URL?.trim().replace(/\/+$/, '')
  if ((env.GITLAB_CI ?? '') === '' || issuer === undefined || issuer === '') return undefined
  const found = Object.entries(env).flatMap(([name, value]) => {
    const token = value?.trim() ?? ''
    return VARIABLE_NAME.test(name) && isJwtShaped(token) && decodeJwtPayload(token).iss === issuer ? [name] : []
  })
  return found.length === 1 ? found[0] : undefined
}

/** The token in the variable, or the explanation of why it is not there. Never echoes the value. */
function variableToken(variable: string, env: Env): string {
  const value = env[variable]?.trim() ?? ''
  const title = 'Sign-in failed: no federated token in the variable'
  if (value === '') {
    throw new ActionError(
      title,
      [
        `federated-token-env names ${variable}, which is not set in this job.`,
        `Fix: ${GITLAB_FIX}; elsewhere, set ${variable} to the OIDC token your CI issues.`
      ].join('\n')
    )
  }
  if (!isJwtShaped(value)) {
    throw new ActionError(
      title,
      [
        `federated-token-env names ${variable}, which does not hold an OIDC token (a JWT).`,
        `Fix: name the variable your CI puts its ID token in (${GITLAB_FIX}).`
      ].join('\n')
    )
  }
  return value
}

function fileSource(file: string): TokenSource {
  return {
    title: 'Sign-in failed: the federated token file cannot be read',
    namedBy: 'federated-token-file',
    what: 'federated token',
    missing: `nothing has written the token to ${show(file)} yet`,
    fix: 'point federated-token-file at the file your CI or agent writes its OIDC token to'
  }
}
