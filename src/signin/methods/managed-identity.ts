// The managed identity of an Azure machine the runner is on (a VM or scale set), system- or user-assigned.

import { ActionError } from '../../errors.js'
import { sanitizeServerText } from '../../lib/text.js'
import { chainText, isCredentialUnavailable, messageOf } from '../explain/chain.js'
import { readGuid } from '../sign-in-inputs.js'
import type { SignInMethod } from '../method.js'
import { httpOptions } from '../pipeline.js'

export interface ManagedIdentitySignIn {
  readonly type: 'managed-identity'
  /** A user-assigned identity's client ID; absent for the system-assigned one. */
  readonly clientId?: string
}

const IMDS_TOKEN_ENDPOINT = 'http://169.254.169.254/metadata/identity/oauth2/token'

export const managedIdentity: SignInMethod<ManagedIdentitySignIn> = {
  type: 'managed-identity',
  aliases: ['identity'],
  uses: ['clientId', 'tenantId'],
  read(inputs, { warnings }) {
    // azure/login's IDENTITY accepts a tenant-id, so workflows moving over keep working: warn, do not fail.
    if (inputs.tenantId !== '') {
      warnings.push('tenant-id is not used with managed-identity (the identity signs in to its own tenant).')
    }
    return {
      signIn:
        inputs.clientId === ''
          ? { type: 'managed-identity' }
          : { type: 'managed-identity', clientId: readGuid('client-id', inputs.clientId, 'the user-assigned identity') }
    }
  },
  endpoint: (_signIn, _authorityHost, env) =>
    `the managed identity endpoint ${env.IDENTITY_ENDPOINT ?? env.MSI_ENDPOINT ?? IMDS_TOKEN_ENDPOINT}`,
  async credential(signIn, { limits, state }) {
    const { ManagedIdentityCredential } = await import('../identity.js')
    return new ManagedIdentityCredential({
      ...httpOptions(limits, state),
      ...(signIn.clientId ? { clientId: signIn.clientId } : {})
    })
  },
  explain(error, signIn, secrets) {
    const text = chainText(error)
    const said = sanitizeServerText(messageOf(error), secrets)
    if (signIn.clientId && /identity not found|not found|No managed identity|does not exist/i.test(text)) {
      return new ActionError(
        'Sign-in failed: managed identity not assigned',
        [
          `This machine offers managed identities, but not the user-assigned one with client ID ${signIn.clientId}.`,
          'Fix: assign that identity to the runner VM or scale set, or set client-id to one that is assigned (leave it empty for the system-assigned identity).',
          `Details: ${said}`
        ].join('\n')
      )
    }
    if (isCredentialUnavailable(error) || /IMDS|Network unreachable|ManagedIdentityCredential/i.test(text)) {
      return new ActionError(
        'Sign-in failed: no managed identity on this runner',
        [
          'auth-type managed-identity needs a runner on Azure (a VM or scale set with a managed identity); this one offers none. GitHub-hosted runners never do.',
          'Fix: use a self-hosted runner on Azure with an assigned identity, or pick another auth-type (oidc is the usual choice on GitHub-hosted runners).',
          `Details: ${said}`
        ].join('\n')
      )
    }
    return undefined
  }
}
