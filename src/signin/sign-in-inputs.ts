// The sign-in inputs several methods share (client-id, tenant-id) and the rule that conflicting sign-in inputs are a
// mistake, never silently ignored. Pure: a bad value throws an InputError, and never echoes a value that may be a
// secret pasted into the wrong input.

import { InputError } from '../errors.js'
import type { AnyInputName } from '../inputs.js'
import { GUID } from '../lib/guards.js'

/** The sign-in inputs as given (trimmed, '' when unset), by the name the methods use. */
export interface SignInInputs {
  readonly clientSecret: string
  readonly certificate: string
  readonly creds: string
  readonly clientId: string
  readonly tenantId: string
  /** The command's only: Azure Pipelines' service connection, and where another CI's federated token is. */
  readonly serviceConnectionId: string
  readonly federatedTokenEnv: string
  readonly federatedTokenFile: string
}

/** Each sign-in input's name, in the order a conflicting one is reported. */
export const SIGN_IN_INPUT_NAMES = {
  clientSecret: 'client-secret',
  certificate: 'client-certificate',
  creds: 'creds',
  clientId: 'client-id',
  tenantId: 'tenant-id',
  serviceConnectionId: 'service-connection-id',
  federatedTokenEnv: 'federated-token-env',
  federatedTokenFile: 'federated-token-file'
} as const satisfies Readonly<Record<keyof SignInInputs, AnyInputName>>
export type SignInInputKey = keyof typeof SIGN_IN_INPUT_NAMES
export const SIGN_IN_INPUT_KEYS = Object.keys(SIGN_IN_INPUT_NAMES) as readonly SignInInputKey[]

/** A verified domain name of the tenant, e.g. contoso.onmicrosoft.com. */
export const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i

/** Fails on the first of `unwanted` that is set; `user` is the auth-type, or creds when creds holds the value. */
export function refuse(user: string, inputs: SignInInputs, unwanted: readonly SignInInputKey[]): void {
  for (const key of unwanted) {
    if (inputs[key] === '') continue
    const by = user === 'creds' ? 'creds, which already holds it' : `auth-type ${user}`
    throw new InputError(SIGN_IN_INPUT_NAMES[key], `is not used with ${by}: remove it (or change auth-type).`)
  }
}

export function requireClientId(inputs: SignInInputs, type: string): string {
  if (inputs.clientId === '') throw new InputError('client-id', `is empty: auth-type ${type} needs client-id.`)
  return readGuid('client-id', inputs.clientId, "the app registration's Application (client) ID")
}

export function requireTenantId(inputs: SignInInputs, type: string): string {
  if (inputs.tenantId === '') throw new InputError('tenant-id', `is empty: auth-type ${type} needs tenant-id.`)
  return readTenantId(inputs.tenantId)
}

/** A GUID. The value is never echoed: a secret pasted into the wrong input must not reach the log. */
export function readGuid(input: AnyInputName, value: string, what: string): string {
  if (!GUID.test(value)) {
    throw new InputError(input, `is not a GUID: give ${what}, in the form 00000000-0000-0000-0000-000000000000.`)
  }
  return value
}

/** A directory ID (GUID) or one of the tenant's verified domains; multi-tenant aliases cannot issue app tokens. */
export function readTenantId(value: string): string {
  if (['common', 'organizations', 'consumers'].includes(value.toLowerCase())) {
    throw new InputError(
      'tenant-id',
      `${value} is a multi-tenant alias that cannot issue this token: give the Directory (tenant) ID.`
    )
  }
  if (!GUID.test(value) && !DOMAIN.test(value)) {
    throw new InputError(
      'tenant-id',
      'is neither a GUID nor a domain name: give the Directory (tenant) ID (00000000-0000-0000-0000-000000000000) ' +
        'or a verified domain such as contoso.onmicrosoft.com.'
    )
  }
  return value
}

/**
 * client-id or tenant-id, else the variable the platform sets for it (Azure Workload Identity's webhook, an Azure
 * Pipelines task); checked either way, and never echoed (a GUID is expected). `setBy` says how the variable comes to
 * be set, as the end of a sentence.
 */
export function idFrom(
  input: string,
  env: Readonly<Record<string, string | undefined>>,
  name: 'client-id' | 'tenant-id',
  variableName: string,
  setBy: string
): string {
  const fromInput = input !== ''
  const value = fromInput ? input : (env[variableName]?.trim() ?? '')
  if (value === '') {
    throw new InputError(name, `is empty and ${variableName} is not set: set ${name}, or ${setBy}.`)
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
