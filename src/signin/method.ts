// What a sign-in method is: the names that pick it, the inputs it reads, the endpoint it talks to, how it builds its
// @azure/identity credential and what it can explain of its own failures. Each method is one file in methods/; the
// registry lists them.

import type { TokenCredential } from '@azure/identity'
import type { ActionError } from '../errors.js'
import type { Surface } from '../inputs.js'
import type { AgentFor } from '../lib/early-connections.js'
import type { GitHubAssertion } from './github-oidc.js'
import type { SignInInputKey, SignInInputs } from './sign-in-inputs.js'
import type { CredentialLimits, SignInState } from './pipeline.js'

export type Env = Readonly<Record<string, string | undefined>>

export interface ReadContext {
  /** The audience input, checked already (the default when unset). */
  readonly audience: string
  readonly env: Env
  /** Where a method adds what does not stop the run but should be fixed. */
  readonly warnings: string[]
  /** Who reads the inputs: a message names what that reader can set. */
  readonly surface: Surface
}

export interface MethodReading<S> {
  readonly signIn: S
  /** The sign-in host named by creds' activeDirectoryEndpointUrl. */
  readonly credsAuthorityHost?: string
  /** A sign-in host the runner's environment names (AZURE_AUTHORITY_HOST): used when authority-host is not given. */
  readonly environmentAuthorityHost?: string
  /** Why this environment cannot sign in this way although the inputs are right: raised once every input is checked,
   *  so that a bad value is reported first, naming its input. */
  readonly unavailable?: Error
}

export interface CredentialContext {
  readonly authorityHost: string
  readonly limits: CredentialLimits
  /** The sign-in's time limit, which reading a file the method presents (a service-account token) counts against. */
  readonly timeoutMs: number
  /** Filled in by the pipeline: how the last request ended, for the explanation of a failure. */
  readonly state: SignInState
  /** The GitHub token, already asked for, of a method that presents one. */
  readonly github?: GitHubAssertion
  /** core.setSecret: masks a secret the method reads itself (a service-account token) before it is sent anywhere. */
  readonly setSecret?: (secret: string) => void
  /** The agent of a host connected to early, for the credential's requests. */
  readonly agentFor?: AgentFor
}

/** A sign-in of any method: its auth-type name and what it read. */
export interface SignInBase {
  readonly type: string
}

// Method shorthand (not arrow properties) on purpose: it lets a method typed for its own sign-in stand in the
// registry's list of methods of any sign-in.
export interface SignInMethod<S extends SignInBase> {
  /** The auth-type name, as the registry and the sign-in are keyed. */
  readonly type: S['type']
  /** True for a method that posts to the sign-in host (authority-host): a connection there can be opened early. */
  readonly postsToAuthority?: boolean
  /** Set for a method only the command offers: its sign-in source exists only outside a GitHub job. */
  readonly commandOnly?: true
  /** Other auth-type names that pick this method (azure/login's). */
  readonly aliases?: readonly string[]
  /** The sign-in inputs it reads; any other one that is set is refused as a conflict. */
  readonly uses: readonly SignInInputKey[]
  /** One line of the help shown when no way to sign in was given; absent for a method picked only by auth-type. */
  readonly help?: (env: Env) => string
  /** Reads and checks its inputs offline. Throws InputError naming the input and the fix. */
  read(inputs: SignInInputs, context: ReadContext): MethodReading<S>
  /** For a sign-in that presents a GitHub OIDC token: the audience to ask GitHub for. */
  githubAudience?(signIn: S): string
  /** What it talks to, for a message when that does not answer. */
  endpoint(signIn: S, authorityHost: string, env: Env): string
  /** The @azure/identity credential; loads the identity library on first use. */
  credential(signIn: S, context: CredentialContext): Promise<TokenCredential>
  /** An explanation of a failure only this method knows how to read, if it is one. */
  explain?(error: unknown, signIn: S, secrets: readonly string[]): ActionError | undefined
}
