// A client secret of the app registration, given as client-secret or inside creds (azure/login's AZURE_CREDENTIALS
// JSON). Never echoes the secret, the JSON, or a parser's message about them.

import { pushDefined, readHttpsOrigin } from '../../inputs.js'
import { InputError } from '../../errors.js'
import { GUID, isRecord } from '../../lib/guards.js'
import { DOMAIN, refuse, requireClientId, requireTenantId } from '../sign-in-inputs.js'
import type { SignInMethod } from '../method.js'
import { entraOptions, entraTokenEndpoint } from '../pipeline.js'

export interface ClientSecretSignIn {
  readonly type: 'client-secret'
  readonly clientId: string
  readonly tenantId: string
  readonly clientSecret: string
}

export const clientSecret: SignInMethod<ClientSecretSignIn> = {
  type: 'client-secret',
  postsToAuthority: true,
  uses: ['clientSecret', 'creds', 'clientId', 'tenantId'],
  help: () => 'a client secret: client-id, tenant-id and client-secret, or creds (the AZURE_CREDENTIALS JSON)',
  read(inputs, { warnings }) {
    const type = 'client-secret'
    if (inputs.creds !== '') {
      refuse('creds', inputs, ['clientSecret', 'clientId', 'tenantId'])
      const creds = readCreds(inputs.creds)
      pushDefined(warnings, secretIdWarning('creds', creds.clientSecret))
      return {
        signIn: { type, clientId: creds.clientId, tenantId: creds.tenantId, clientSecret: creds.clientSecret },
        ...(creds.authorityHost === undefined ? {} : { credsAuthorityHost: creds.authorityHost })
      }
    }
    if (inputs.clientSecret === '') {
      throw new InputError('client-secret', 'is empty: set client-secret (or creds) for auth-type client-secret.')
    }
    pushDefined(warnings, secretIdWarning('client-secret', inputs.clientSecret))
    return {
      signIn: {
        type,
        clientId: requireClientId(inputs, type),
        tenantId: requireTenantId(inputs, type),
        clientSecret: inputs.clientSecret
      }
    }
  },
  endpoint: (signIn, authorityHost) => entraTokenEndpoint(authorityHost, signIn.tenantId),
  async credential(signIn, { authorityHost, limits, state, agentFor }) {
    const { ClientSecretCredential } = await import('../identity.js')
    return new ClientSecretCredential(
      signIn.tenantId,
      signIn.clientId,
      signIn.clientSecret,
      entraOptions(authorityHost, limits, state, agentFor)
    )
  }
}

/** Entra ID wants the secret's value; its ID is a GUID and fails with AADSTS7000215. */
function secretIdWarning(input: string, secret: string): string | undefined {
  if (!GUID.test(secret)) return undefined
  return (
    `${input}: the client secret looks like a secret ID (a GUID). Microsoft Entra ID needs the secret's Value ` +
    '(shown once, when the secret is created); with the ID, sign-in fails with AADSTS7000215.'
  )
}

interface Creds {
  readonly clientId: string
  readonly clientSecret: string
  readonly tenantId: string
  readonly authorityHost?: string
}

/** azure/login's creds JSON. Never echoes the JSON or the parser's message (which quotes it). */
function readCreds(text: string): Creds {
  const shape = 'give the JSON azure/login takes: {"clientId": "...", "clientSecret": "...", "tenantId": "..."}'
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new InputError('creds', `is not valid JSON: ${shape}.`)
  }
  if (!isRecord(parsed)) throw new InputError('creds', `is not a JSON object: ${shape}.`)
  const { clientId, clientSecret, tenantId, activeDirectoryEndpointUrl } = parsed
  if (typeof clientId !== 'string' || !GUID.test(clientId.trim())) {
    throw new InputError('creds', `has no clientId GUID: ${shape}.`)
  }
  if (typeof clientSecret !== 'string' || clientSecret === '') {
    throw new InputError(
      'creds',
      'has no clientSecret: add it, or for OIDC remove creds and set client-id and tenant-id instead.'
    )
  }
  if (typeof tenantId !== 'string' || tenantId.trim() === '') {
    throw new InputError('creds', `has no tenantId: ${shape}.`)
  }
  const tenant = tenantId.trim()
  if (!GUID.test(tenant) && !DOMAIN.test(tenant)) {
    throw new InputError('creds', 'has a tenantId that is neither a GUID nor a domain name: give the Directory ID.')
  }
  let authorityHost: string | undefined
  if (activeDirectoryEndpointUrl !== undefined) {
    if (typeof activeDirectoryEndpointUrl !== 'string') {
      throw new InputError('creds', 'has an activeDirectoryEndpointUrl that is not a string: remove it or fix it.')
    }
    authorityHost = readHttpsOrigin('creds', activeDirectoryEndpointUrl, 'creds.activeDirectoryEndpointUrl')
  }
  return {
    clientId: clientId.trim(),
    clientSecret,
    tenantId: tenant,
    ...(authorityHost === undefined ? {} : { authorityHost })
  }
}
