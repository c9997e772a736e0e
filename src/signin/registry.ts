// Every sign-in method. Adding one is a file in methods/ and a line in METHODS: the auth-type names, the sign-in
// type and the help text all follow from this list.

import type { SignInBase, SignInMethod } from './method.js'
import { azureCli } from './methods/azure-cli.js'
import { azurePipelines } from './methods/azure-pipelines.js'
import { azurePowerShell } from './methods/azure-powershell.js'
import { clientCertificate } from './methods/client-certificate.js'
import { clientSecret } from './methods/client-secret.js'
import { federatedToken } from './methods/federated-token.js'
import { managedIdentity } from './methods/managed-identity.js'
import { oidc } from './methods/oidc.js'
import { workloadIdentity } from './methods/workload-identity.js'

/** In the order auth-type's messages list them (the command's own last: the action does not offer them). */
const METHODS = [
  oidc,
  clientSecret,
  clientCertificate,
  managedIdentity,
  workloadIdentity,
  azureCli,
  azurePowerShell,
  azurePipelines,
  federatedToken
] as const

type Method = (typeof METHODS)[number]
/** The auth-type of a concrete sign-in method. */
export type AuthType = Method['type']
/** What a method read from the inputs: one member per method, told apart by `type`. */
export type SignIn = ReturnType<Method['read']>['signIn']

export const SIGN_IN_METHODS: readonly SignInMethod<SignInBase>[] = METHODS

const BY_TYPE = new Map<string, SignInMethod<SignInBase>>(METHODS.map(method => [method.type, method]))

/** The method of a sign-in, typed for it. */
export function methodOf<S extends SignIn>(signIn: S): SignInMethod<S> {
  const method = BY_TYPE.get(signIn.type)
  if (method === undefined) throw new Error(`No sign-in method ${signIn.type}`)
  // The map is keyed by each method's own type, so the method of a sign-in of type T is the one for T.
  return method as unknown as SignInMethod<S>
}
