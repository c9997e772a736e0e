// The Azure CLI's session, typically from an azure/login step earlier in the job.

import { expiredFederatedCliLogin } from '../azure-cli-session.js'
import { explainStaleSession } from '../explain/stale-session.js'
import { explainToolFailure } from '../explain/tool-session.js'
import { readTenantId } from '../sign-in-inputs.js'
import type { SignInMethod } from '../method.js'
import { toolSessionOptions } from '../pipeline.js'
import { timedToolCredential } from '../tool-timeout.js'

export interface AzureCliSignIn {
  readonly type: 'azure-cli'
  readonly tenantId?: string
}

const AZURE_CLI = {
  type: 'azure-cli',
  name: 'Azure CLI (az)',
  loginStep: 'run azure/login before this step (with enable-AzPSSession only for PowerShell)',
  notInstalled: /could not be found|not found|not recognized|ENOENT/i,
  notLoggedIn: /az login/i
}

export const azureCli: SignInMethod<AzureCliSignIn> = {
  type: 'azure-cli',
  uses: ['tenantId'],
  read: inputs => ({
    signIn:
      inputs.tenantId === '' ? { type: 'azure-cli' } : { type: 'azure-cli', tenantId: readTenantId(inputs.tenantId) }
  }),
  endpoint: () => 'the Azure CLI (az account get-access-token)',
  async credential(signIn, { limits }) {
    const { AzureCliCredential } = await import('../identity.js')
    return timedToolCredential(
      new AzureCliCredential(toolSessionOptions(signIn.tenantId, limits)),
      limits.processTimeoutMs
    )
  },
  explain: (error, _signIn, secrets) =>
    explainStaleSession(error, 'azure-cli', secrets, expiredFederatedCliLogin(process.env, Date.now())) ??
    explainToolFailure(AZURE_CLI, error, secrets)
}
