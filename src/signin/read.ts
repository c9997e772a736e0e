// Reads the sign-in inputs into one SignIn and its sign-in host: picks the method (auth-type, or auto from the inputs
// that are set), refuses conflicting inputs, and lets the method check its own inputs offline.

import { InputError } from '../errors.js'
import { type RawInputs, type Surface, readHttpsOrigin } from '../inputs.js'
import { listInWords, show } from '../lib/text.js'
import { type CloudName, authorityHostFor, federatedAudienceFor } from '../target/clouds.js'
import {
  SIGN_IN_INPUT_KEYS,
  SIGN_IN_INPUT_NAMES,
  type SignInInputKey,
  type SignInInputs,
  refuse
} from './sign-in-inputs.js'
import type { Env, SignInBase, SignInMethod } from './method.js'
import { azurePipelines } from './methods/azure-pipelines.js'
import { clientCertificate } from './methods/client-certificate.js'
import { clientSecret } from './methods/client-secret.js'
import { federatedToken, gitlabIdTokenVariable } from './methods/federated-token.js'
import { oidc } from './methods/oidc.js'
import { workloadIdentity } from './methods/workload-identity.js'
import { SIGN_IN_METHODS, type SignIn } from './registry.js'

/** What auth-type may say besides a method's own names: pick from the inputs, or a service principal's secret. */
type Choice = SignInMethod<SignInBase> | 'auto' | 'service-principal'

/** The methods a reader of the inputs is offered: the command has those of other CIs too. */
function methodsFor(surface: Surface): readonly SignInMethod<SignInBase>[] {
  return SIGN_IN_METHODS.filter(method => surface === 'command' || method.commandOnly !== true)
}

/** The one sign-in the inputs ask for, and the sign-in host. Throws InputError. */
export function readSignIn(
  raw: RawInputs,
  cloud: CloudName,
  env: Env,
  warnings: string[],
  surface: Surface = 'action'
): { signIn: SignIn; authorityHost: string; unavailable?: Error } {
  const inputs = signInInputs(raw)
  const methods = methodsFor(surface)
  const method = resolveMethod(readChoice(raw['auth-type'], methods), inputs, env, methods, surface)
  const audience = readAudience(raw.audience, cloud)
  // Conflicting sign-in inputs are a mistake, never silently ignored.
  refuse(
    method.type,
    inputs,
    SIGN_IN_INPUT_KEYS.filter(key => !method.uses.includes(key))
  )
  const reading = method.read(inputs, { audience, env, warnings, surface })
  // The registry holds every method of SignIn, so what one of them reads is a SignIn.
  const signIn = reading.signIn as SignIn
  const authorityHost = readAuthorityHost(raw['authority-host'], reading.credsAuthorityHost, cloud)
  // The runner's own AZURE_AUTHORITY_HOST stands in only for what the step does not say.
  return {
    signIn,
    authorityHost:
      raw['authority-host'] === '' && reading.credsAuthorityHost === undefined
        ? (reading.environmentAuthorityHost ?? authorityHost)
        : authorityHost,
    ...(reading.unavailable === undefined ? {} : { unavailable: reading.unavailable })
  }
}

function signInInputs(raw: RawInputs): SignInInputs {
  const byKey = (key: SignInInputKey): [SignInInputKey, string] => [key, raw[SIGN_IN_INPUT_NAMES[key]]]
  return Object.fromEntries(SIGN_IN_INPUT_KEYS.map(byKey)) as Record<SignInInputKey, string>
}

function readChoice(value: string, methods: readonly SignInMethod<SignInBase>[]): Choice {
  if (value === '') return 'auto'
  const choices = new Map<string, Choice>([
    ['auto', 'auto'],
    ...methods.map(method => [method.type, method] as const),
    // azure/login's names.
    ['service-principal', 'service-principal'],
    ...methods.flatMap(method => (method.aliases ?? []).map(alias => [alias, method] as const))
  ])
  const choice = choices.get(value.toLowerCase().replace(/_/g, '-'))
  if (choice === undefined) {
    const names = ['auto', ...methods.map(method => method.type)]
    const others = ['service-principal', ...methods.flatMap(method => method.aliases ?? [])].map(name =>
      name.toUpperCase().replace(/-/g, '_')
    )
    throw new InputError(
      'auth-type',
      `${show(value)} is not a sign-in method: use ${listInWords(names, 'or')} (${listInWords(others, 'and')} ` +
        'also work).'
    )
  }
  return choice
}

/**
 * The concrete method for auto and SERVICE_PRINCIPAL, from the inputs that are set: a certificate, then a client
 * secret or creds, then (the command only) another CI's federated token, then client-id with tenant-id for OIDC when
 * the job may ask GitHub for a token, then workload identity when the runner's pod has a projected service-account
 * token, then client-id with tenant-id for OIDC.
 */
function resolveMethod(
  choice: Choice,
  inputs: SignInInputs,
  env: Env,
  methods: readonly SignInMethod<SignInBase>[],
  surface: Surface
): SignInMethod<SignInBase> {
  if (choice !== 'auto' && choice !== 'service-principal') return choice
  if (inputs.certificate !== '') {
    if (inputs.clientSecret !== '') {
      throw new InputError(
        'client-certificate',
        'and client-secret are both set: give one of them (remove client-secret to sign in with the certificate).'
      )
    }
    if (inputs.creds !== '') {
      throw new InputError(
        'client-certificate',
        'and creds are both set: give one of them (creds signs in with its client secret).'
      )
    }
    return clientCertificate
  }
  if (inputs.clientSecret !== '' || inputs.creds !== '') return clientSecret
  if (choice === 'service-principal') {
    throw new InputError(
      'client-secret',
      'is empty: auth-type SERVICE_PRINCIPAL needs client-secret, client-certificate or creds (or use oidc).'
    )
  }
  const otherCi = surface === 'command' ? otherCiMethod(inputs, env) : undefined
  if (otherCi !== undefined) return otherCi
  const oidcInputs = inputs.clientId !== '' && inputs.tenantId !== ''
  // A job that can ask GitHub for its token keeps signing in with it, on any runner.
  if (oidcInputs && env.ACTIONS_ID_TOKEN_REQUEST_URL) return oidc
  if (env.AZURE_FEDERATED_TOKEN_FILE) return workloadIdentity
  if (oidcInputs) return oidc
  if (inputs.clientId !== '') {
    throw new InputError('tenant-id', 'is empty: set tenant-id (the Directory (tenant) ID) along with client-id.')
  }
  if (inputs.tenantId !== '') {
    throw new InputError('client-id', 'is empty: set client-id (the Application (client) ID) along with tenant-id.')
  }
  throw new InputError('auth-type', noWayToSignIn(env, methods, surface))
}

/**
 * Another CI's federated token, for the command: one named by federated-token-env or -file, or Azure Pipelines'
 * service connection (named, or set by an Azure task, with the job's access token mapped for the request).
 */
function otherCiMethod(inputs: SignInInputs, env: Env): SignInMethod<SignInBase> | undefined {
  if (inputs.federatedTokenEnv !== '' || inputs.federatedTokenFile !== '') return federatedToken
  // A GitLab job whose id_tokens hold one token of this GitLab needs it named nowhere.
  if (inputs.clientId !== '' && inputs.tenantId !== '' && gitlabIdTokenVariable(env) !== undefined) {
    return federatedToken
  }
  if (inputs.serviceConnectionId !== '') return azurePipelines
  const set = (name: string): boolean => (env[name] ?? '').trim() !== ''
  if (set('TF_BUILD') && set('AZURESUBSCRIPTION_SERVICE_CONNECTION_ID') && set('SYSTEM_ACCESSTOKEN')) {
    return azurePipelines
  }
  return undefined
}

/** The help when no sign-in input is set: each method's line, and the ones picked only by auth-type. */
function noWayToSignIn(env: Env, methods: readonly SignInMethod<SignInBase>[], surface: Surface): string {
  const lines = methods.flatMap(method => (method.help ? [method.help(env)] : []))
  const byNameOnly = methods.filter(method => method.help === undefined).map(method => method.type)
  const example =
    surface === 'command'
      ? ['docs/command-line.md shows a complete pipeline for Azure Pipelines and for GitLab CI.']
      : [
          'For example, on the job:',
          '  permissions:',
          '    id-token: write',
          '    contents: read',
          'and on this step:',
          '  with:',
          '    fhir-url: https://myws-myfhir.fhir.azurehealthcareapis.com',
          '    client-id: ${{ vars.AZURE_CLIENT_ID }}',
          '    tenant-id: ${{ vars.AZURE_TENANT_ID }}'
        ]
  return [
    'no way to sign in was given. Set one of:',
    ...lines.map(line => `  - ${line}`),
    `  - auth-type: ${listInWords(byNameOnly, 'or')}`,
    ...example
  ].join('\n')
}

/** The audience input, or the cloud's recommended federated-credential audience when it is not given. */
function readAudience(value: string, cloud: CloudName): string {
  const recommended = federatedAudienceFor(cloud)
  if (value === '') return recommended
  if (/\s/.test(value)) {
    throw new InputError('audience', `must not contain spaces: use e.g. ${recommended} (the default for ${cloud}).`)
  }
  return value
}

/** authority-host, else creds' activeDirectoryEndpointUrl, else the cloud's sign-in host. */
function readAuthorityHost(input: string, fromCreds: string | undefined, cloud: CloudName): string {
  if (input === '') return fromCreds ?? authorityHostFor(cloud)
  const host = readHttpsOrigin('authority-host', input, 'authority-host')
  if (fromCreds !== undefined && fromCreds !== host) {
    throw new InputError(
      'authority-host',
      `differs from creds.activeDirectoryEndpointUrl (${fromCreds}): remove one of them.`
    )
  }
  return host
}
