// Azure Workload Identity: a self-hosted runner on Kubernetes (AKS, actions-runner-controller) signs in with the
// service-account token the kubelet projects into its pod, trusted through a federated credential. The webhook
// injects AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_AUTHORITY_HOST; client-id and tenant-id
// inputs take precedence over the two IDs.

import { ActionError, InputError } from '../../errors.js'
import { formatSeconds } from '../../lib/durations.js'
import { GUID, parseUrl } from '../../lib/guards.js'
import { decodeJwtPayload } from '../../lib/jwt.js'
import { type FileRefusal, readRegularFileAtMost } from '../../lib/read-file.js'
import { oneLine, show } from '../../lib/text.js'
import { errorChain } from '../explain/chain.js'
import type { SignInMethod } from '../method.js'
import { entraOptions, entraTokenEndpoint } from '../pipeline.js'
import { readGuid, readTenantId } from '../sign-in-inputs.js'

export interface WorkloadIdentitySignIn {
  readonly type: 'workload-identity'
  readonly clientId: string
  readonly tenantId: string
  /** The projected service-account token; it rotates, so it is read for each run's token request, never kept. */
  readonly tokenFile: string
}

const TOKEN_FILE_VARIABLE = 'AZURE_FEDERATED_TOKEN_FILE'

/** A projected service-account token is about a kilobyte; anything this large is not one. */
const MAX_TOKEN_FILE_BYTES = 64 * 1024

const SETUP =
  'label the runner pod azure.workload.identity/use: "true" and annotate its service account with ' +
  'azure.workload.identity/client-id (the Azure Workload Identity webhook then projects the token)'

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
        clientId: idFrom(inputs.clientId, env.AZURE_CLIENT_ID, 'client-id', 'AZURE_CLIENT_ID'),
        tenantId: idFrom(inputs.tenantId, env.AZURE_TENANT_ID, 'tenant-id', 'AZURE_TENANT_ID'),
        tokenFile
      },
      ...authorityHostOf(env.AZURE_AUTHORITY_HOST)
    }
  },
  endpoint: (signIn, authorityHost) => entraTokenEndpoint(authorityHost, signIn.tenantId),
  async credential(signIn, { authorityHost, limits, timeoutMs, state, setSecret, agentFor }) {
    // Every read of the file is this one, bounded: the library's own would read a FIFO or a device without end. The
    // first is made here, for a clear error and the token masked before any request, and is presented by the sign-in
    // that follows (within its time limit); any later token (the token server's renewals) reads the file anew, since
    // the kubelet rotates it.
    const read = async (): Promise<string> => {
      const token = await readTokenFile(signIn.tokenFile, timeoutMs)
      setSecret?.(token)
      return token
    }
    let first: string | undefined = await read()
    const firstUntil = Date.now() + timeoutMs
    state.assertionClaims = serviceAccountClaims(first)
    const getAssertion = async (): Promise<string> => {
      const token = first !== undefined && Date.now() < firstUntil ? first : await read()
      first = undefined
      return token
    }
    const { ClientAssertionCredential } = await import('../identity.js')
    return new ClientAssertionCredential(
      signIn.tenantId,
      signIn.clientId,
      getAssertion,
      entraOptions(authorityHost, limits, state, agentFor)
    )
  },
  // A later read of the file fails inside the library, which wraps the reader's explanation: that is the one shown.
  explain: error =>
    errorChain(error).find((link): link is ActionError & Record<string, unknown> => link instanceof ActionError)
}

/** The input, else the webhook's variable; checked either way, and never echoed (a GUID is expected). */
function idFrom(
  input: string,
  variable: string | undefined,
  name: 'client-id' | 'tenant-id',
  variableName: string
): string {
  const fromInput = input !== ''
  const value = fromInput ? input : (variable?.trim() ?? '')
  if (value === '') {
    throw new InputError(
      name,
      `is empty and ${variableName} is not set: set ${name}, or let the Azure Workload Identity webhook inject ` +
        `${variableName} (${SETUP}).`
    )
  }
  if (name === 'tenant-id') return readTenantId(value)
  if (fromInput) return readGuid('client-id', value, 'the Application (client) ID the federated credential is on')
  if (!GUID.test(value)) {
    throw new InputError(
      'client-id',
      `is empty and ${variableName} is not a GUID: set client-id to the Application (client) ID.`
    )
  }
  return value
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

const TOKEN_FILE_TITLE = 'Sign-in failed: the service-account token file cannot be read'

async function readTokenFile(path: string, timeoutMs: number): Promise<string> {
  const read = await readRegularFileAtMost(path, MAX_TOKEN_FILE_BYTES, timeoutMs)
  if ('refused' in read) {
    throw new ActionError(
      TOKEN_FILE_TITLE,
      [
        `${TOKEN_FILE_VARIABLE} names ${show(path)}, which ${refusalText(read.refused)}.`,
        `Fix: ${SETUP}; the webhook mounts the token at /var/run/secrets/azure/tokens/azure-identity-token.`
      ].join('\n')
    )
  }
  const token = read.text.trim()
  if (token === '' || token.split('.').length !== 3) {
    throw new ActionError(
      TOKEN_FILE_TITLE,
      [
        `${TOKEN_FILE_VARIABLE} names ${show(path)}, which ${token === '' ? 'is empty' : 'does not hold a service-account token (a JWT)'}.`,
        `Fix: point ${TOKEN_FILE_VARIABLE} at the projected token (${SETUP}).`
      ].join('\n')
    )
  }
  return token
}

/** What the path is instead of a token file, in words. */
function refusalText(refused: FileRefusal): string {
  const notTheFile = 'not the token file, so it is not read'
  switch (refused.kind) {
    case 'too large':
      return (
        `holds ${formatBytes(refused.bytes)}, far more than a service-account token (about a kilobyte; ` +
        `at most ${formatBytes(MAX_TOKEN_FILE_BYTES)} is read), so it is not the token file`
      )
    case 'timeout':
      return `could not be read within ${formatSeconds(refused.ms)} (a file system that does not answer)`
    case 'error': {
      const why: Readonly<Record<string, string>> = {
        ENOENT: 'does not exist: the service-account token is not projected into this pod',
        ENOTDIR: 'does not exist: the service-account token is not projected into this pod',
        EACCES: 'is not readable by the user the runner runs as',
        EPERM: 'is not readable by the user the runner runs as'
      }
      return why[refused.code] ?? `could not be read (${oneLine(refused.code)})`
    }
    case 'fifo':
      return `is a FIFO (named pipe), ${notTheFile}: reading one waits for a writer`
    case 'directory':
      return `is a directory, ${notTheFile}`
    case 'character device':
    case 'block device':
    case 'socket':
    case 'special file':
      return `is a ${refused.kind}, ${notTheFile}`
  }
}

/** A size in the unit a person reads at a glance. */
function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} bytes` : `${Number(value.toFixed(1))} ${units[unit] ?? ''} (${bytes} bytes)`
}

/** The claims a federated credential is matched against: issuer, subject and audience (never the token itself). */
function serviceAccountClaims(token: string): Record<string, unknown> {
  const { iss, sub, aud } = decodeJwtPayload(token)
  return { iss, sub, aud }
}
