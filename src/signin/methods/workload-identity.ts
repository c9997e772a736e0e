// Azure Workload Identity: a self-hosted runner on Kubernetes (AKS, actions-runner-controller) signs in with the
// service-account token the kubelet projects into its pod, trusted through a federated credential. The webhook
// injects AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_AUTHORITY_HOST; client-id and tenant-id
// inputs take precedence over the two IDs.

import { readFile } from 'node:fs/promises'
import { ActionError, InputError } from '../../errors.js'
import { GUID, isRecord, parseUrl } from '../../lib/guards.js'
import { decodeJwtPayload } from '../../lib/jwt.js'
import { oneLine, show } from '../../lib/text.js'
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
  async credential(signIn, { authorityHost, limits, state, setSecret }) {
    // Read once here for a clear error, to mask the token before any request, and for the claims a mismatch is
    // explained with; the library reads the file again for the token request itself.
    const token = await readTokenFile(signIn.tokenFile)
    setSecret?.(token)
    state.assertionClaims = serviceAccountClaims(token)
    const { WorkloadIdentityCredential } = await import('../identity.js')
    return new WorkloadIdentityCredential({
      tenantId: signIn.tenantId,
      clientId: signIn.clientId,
      tokenFilePath: signIn.tokenFile,
      ...entraOptions(authorityHost, limits, state)
    })
  }
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

async function readTokenFile(path: string): Promise<string> {
  const title = 'Sign-in failed: the service-account token file cannot be read'
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = isRecord(error) && typeof error.code === 'string' ? error.code : 'error'
    const why: Readonly<Record<string, string>> = {
      ENOENT: 'does not exist: the service-account token is not projected into this pod',
      EACCES: 'is not readable by the user the runner runs as',
      EPERM: 'is not readable by the user the runner runs as',
      EISDIR: 'is a directory, not the token file'
    }
    throw new ActionError(
      title,
      [
        `${TOKEN_FILE_VARIABLE} names ${show(path)}, which ${why[code] ?? `could not be read (${oneLine(code)})`}.`,
        `Fix: ${SETUP}; the webhook mounts the token at /var/run/secrets/azure/tokens/azure-identity-token.`
      ].join('\n')
    )
  }
  const token = text.trim()
  if (token === '' || token.length > MAX_TOKEN_FILE_BYTES || token.split('.').length !== 3) {
    throw new ActionError(
      title,
      [
        `${TOKEN_FILE_VARIABLE} names ${show(path)}, which ${token === '' ? 'is empty' : 'does not hold a service-account token (a JWT)'}.`,
        `Fix: point ${TOKEN_FILE_VARIABLE} at the projected token (${SETUP}).`
      ].join('\n')
    )
  }
  return token
}

/** The claims a federated credential is matched against: issuer, subject and audience (never the token itself). */
function serviceAccountClaims(token: string): Record<string, unknown> {
  const { iss, sub, aud } = decodeJwtPayload(token)
  return { iss, sub, aud }
}
