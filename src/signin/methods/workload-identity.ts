// Azure Workload Identity: a self-hosted runner on Kubernetes (AKS, actions-runner-controller) signs in with the
// service-account token the kubelet projects into its pod, trusted through a federated credential. The webhook
// injects AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_AUTHORITY_HOST; client-id and tenant-id
// inputs take precedence over the two IDs.

import { InputError } from '../../errors.js'
import { parseUrl } from '../../lib/guards.js'
import { show } from '../../lib/text.js'
import { assertionCredential, readerExplanation } from '../assertion-credential.js'
import { type TokenSource, presentedClaims, readTokenFile } from '../federated-token.js'
import type { SignInMethod } from '../method.js'
import { entraTokenEndpoint } from '../pipeline.js'
import { idFrom } from '../sign-in-inputs.js'

export interface WorkloadIdentitySignIn {
  readonly type: 'workload-identity'
  readonly clientId: string
  readonly tenantId: string
  /** The projected service-account token; it rotates, so it is read for each run's token request, never kept. */
  readonly tokenFile: string
}

const TOKEN_FILE_VARIABLE = 'AZURE_FEDERATED_TOKEN_FILE'

const SETUP =
  'label the runner pod azure.workload.identity/use: "true" and annotate its service account with ' +
  'azure.workload.identity/client-id (the Azure Workload Identity webhook then projects the token)'

/** How the IDs' variables come to be set, for the message when one is missing. */
const WEBHOOK = `let the Azure Workload Identity webhook inject it (${SETUP})`

/** The projected token, in the words of the failures to read it. */
const TOKEN_FILE: TokenSource = {
  title: 'Sign-in failed: the service-account token file cannot be read',
  namedBy: TOKEN_FILE_VARIABLE,
  what: 'service-account token',
  missing: 'the service-account token is not projected into this pod',
  fix: `${SETUP}; the webhook mounts the token at /var/run/secrets/azure/tokens/azure-identity-token`
}

export const workloadIdentity: SignInMethod<WorkloadIdentitySignIn> = {
  type: 'workload-identity',
  postsToAuthority: true,
  uses: ['clientId', 'tenantId'],
  read(inputs, { env }) {
    const type = 'workload-identity'
    const tokenFile = env[TOKEN_FILE_VARIABLE]?.trim() ?? ''
    if (tokenFile === '') {
      throw new InputError(
        'auth-type',
        `workload-identity signs in with the token Azure Workload Identity projects into the runner's pod, but ` +
          `${TOKEN_FILE_VARIABLE} is not set on this runner. Fix: ${SETUP}, or pick another auth-type.`
      )
    }
    return {
      signIn: {
        type,
        clientId: idFrom(inputs.clientId, env, 'client-id', 'AZURE_CLIENT_ID', WEBHOOK),
        tenantId: idFrom(inputs.tenantId, env, 'tenant-id', 'AZURE_TENANT_ID', WEBHOOK),
        tokenFile
      },
      ...authorityHostOf(env.AZURE_AUTHORITY_HOST)
    }
  },
  endpoint: (signIn, authorityHost) => entraTokenEndpoint(authorityHost, signIn.tenantId),
  async credential(signIn, context) {
    const { timeoutMs, state, setSecret } = context
    // Every read of the file is this one, bounded: the library's own would read a FIFO or a device without end. The
    // first is made here, for a clear error and the token masked before any request, and is presented by the sign-in
    // that follows (within its time limit); any later token (the token server's renewals) reads the file anew, since
    // the kubelet rotates it.
    const read = async (): Promise<string> => {
      const token = await readTokenFile(signIn.tokenFile, timeoutMs, TOKEN_FILE)
      setSecret?.(token)
      return token
    }
    let first: string | undefined = await read()
    const firstUntil = Date.now() + timeoutMs
    state.assertionClaims = presentedClaims(first)
    const getAssertion = async (): Promise<string> => {
      const token = first !== undefined && Date.now() < firstUntil ? first : await read()
      first = undefined
      return token
    }
    return assertionCredential(signIn, getAssertion, context)
  },
  // A later read of the file fails inside the library, which wraps the reader's explanation: that is the one shown.
  explain: readerExplanation
}

/** AZURE_AUTHORITY_HOST as the sign-in host when authority-host is not given (the webhook writes a trailing slash). */
function authorityHostOf(value: string | undefined): { environmentAuthorityHost?: string } {
  if (value === undefined || value.trim() === '') return {}
  const url = parseUrl(value.trim())
  if (url?.protocol !== 'https:' || url.username !== '' || url.password !== '' || !['', '/'].includes(url.pathname)) {
    throw new InputError(
      'authority-host',
      `is not set, and AZURE_AUTHORITY_HOST (${show(value)}) is not an https origin: set authority-host, e.g. https://login.microsoftonline.com.`
    )
  }
  return { environmentAuthorityHost: url.origin }
}
