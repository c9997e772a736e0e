// What a sign-in failure is explained with: the sign-in, what it was for, and what it talks to.

import type { ActionError } from '../../errors.js'
import type { CloudName } from '../../target/clouds.js'

export interface SignInContext {
  /** The sign-in's method (auth-type) and the IDs it has, as far as it has them. */
  readonly signIn: {
    readonly type: string
    readonly clientId?: string
    readonly tenantId?: string
    readonly audience?: string
    readonly serviceConnectionId?: string
  }
  readonly resource: string
  readonly authorityHost: string
  /** The environment input: its recommended federated-credential audience is the default one. */
  readonly cloud?: CloudName
  /** What the sign-in talks to, for a message when it does not answer. */
  readonly endpoint: string
  /** The inputs' secrets (Config.secrets): a server may echo any of them, so each is removed from its text. */
  readonly secrets: readonly string[]
  /** The presented GitHub token's claims (OIDC only): what a federated-credential mismatch is about. */
  readonly githubClaims?: Record<string, unknown>
  /** The presented service-account token's issuer, subject and audience (workload identity). */
  readonly assertionClaims?: Record<string, unknown>
  /** How the request for the federated token (Azure DevOps') failed, when it did: the sign-in never reached Entra ID. */
  readonly assertionSource?: AssertionSourceFailure
  /** The method's own reading of a failure it knows (a missing tool, no managed identity), if it has one. */
  readonly explainOwn?: (error: unknown) => ActionError | undefined
}

/** A request for a federated token that did not bring one: the answer's status and error type, or how it failed. */
export interface AssertionSourceFailure {
  readonly endpoint: string
  readonly status?: number
  /** The error's type name (Azure DevOps' `typeKey`), an identifier; never the answer's free text. */
  readonly typeKey?: string
  readonly transportError?: unknown
}
