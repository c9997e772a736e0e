// Azure PowerShell's session, typically from an azure/login step with enable-AzPSSession earlier in the job.

import { explainToolFailure } from '../explain/tool-session.js'
import { readTenantId } from '../sign-in-inputs.js'
import type { SignInMethod } from '../method.js'
import { toolSessionOptions } from '../pipeline.js'
import { timedToolCredential } from '../tool-timeout.js'

export interface AzurePowerShellSignIn {
  readonly type: 'azure-powershell'
  readonly tenantId?: string
}

const AZURE_POWERSHELL = {
  type: 'azure-powershell',
  name: 'Azure PowerShell (Az module)',
  loginStep: 'run azure/login with enable-AzPSSession: true before this step',
  notInstalled: /not installed|not recognized|ENOENT|PowerShell is not/i,
  notLoggedIn: /Connect-AzAccount/i
}

export const azurePowerShell: SignInMethod<AzurePowerShellSignIn> = {
  type: 'azure-powershell',
  uses: ['tenantId'],
  read: inputs => ({
    signIn:
      inputs.tenantId === ''
        ? { type: 'azure-powershell' }
        : { type: 'azure-powershell', tenantId: readTenantId(inputs.tenantId) }
  }),
  endpoint: () => 'Azure PowerShell (Get-AzAccessToken)',
  async credential(signIn, { limits }) {
    const { AzurePowerShellCredential } = await import('../identity.js')
    return timedToolCredential(
      new AzurePowerShellCredential(toolSessionOptions(signIn.tenantId, limits)),
      limits.processTimeoutMs
    )
  },
  explain: (error, _signIn, secrets) => explainToolFailure(AZURE_POWERSHELL, error, secrets)
}
