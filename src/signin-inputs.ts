// Reads the sign-in inputs (auth-type, client-id, tenant-id, client-secret, client-certificate, creds, audience)
// into one SignIn: picks the method, refuses conflicting inputs, and checks IDs, creds JSON and the certificate PEM
// offline. Never echoes a secret or a parser's message about one.

import { X509Certificate, createPrivateKey } from 'node:crypto'
import type { SignIn } from './config.js'
import { InputError } from './errors.js'
import { type InputName, type RawInputs, pushDefined, readHttpsOrigin, show } from './input-values.js'
import { DEFAULT_FEDERATED_AUDIENCE } from './clouds.js'
import { GUID, isRecord } from './values.js'

// A verified domain name of the tenant, e.g. contoso.onmicrosoft.com.
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i

type AuthChoice = SignIn['type'] | 'auto' | 'service-principal'

const AUTH_TYPES: Readonly<Record<string, AuthChoice>> = {
  auto: 'auto',
  oidc: 'oidc',
  'client-secret': 'client-secret',
  'client-certificate': 'client-certificate',
  'managed-identity': 'managed-identity',
  'azure-cli': 'azure-cli',
  'azure-powershell': 'azure-powershell',
  // azure/login's names.
  'service-principal': 'service-principal',
  identity: 'managed-identity'
}

interface SignInInputs {
  readonly clientId: string
  readonly tenantId: string
  readonly clientSecret: string
  readonly certificate: string
  readonly creds: string
}

/** The one sign-in the inputs ask for, and the authority host creds names, if any. Throws InputError. */
export function readSignIn(
  raw: RawInputs,
  env: NodeJS.ProcessEnv,
  warnings: string[]
): { signIn: SignIn; credsAuthorityHost?: string } {
  const inputs: SignInInputs = {
    clientId: raw['client-id'],
    tenantId: raw['tenant-id'],
    clientSecret: raw['client-secret'],
    certificate: raw['client-certificate'],
    creds: raw.creds
  }
  const type = resolveAuthType(readAuthChoice(raw['auth-type']), inputs, env)
  const audience = readAudience(raw.audience)

  switch (type) {
    case 'oidc':
      refuse(type, inputs, ['clientSecret', 'certificate', 'creds'])
      return {
        signIn: { type, clientId: requireClientId(inputs, type), tenantId: requireTenantId(inputs, type), audience }
      }
    case 'client-secret': {
      refuse(type, inputs, ['certificate'])
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
    }
    case 'client-certificate': {
      refuse(type, inputs, ['clientSecret', 'creds'])
      if (inputs.certificate === '') {
        throw new InputError(
          'client-certificate',
          'is empty: set client-certificate to the PEM holding the private key and the certificate.'
        )
      }
      const clientId = requireClientId(inputs, type)
      const tenantId = requireTenantId(inputs, type)
      const certificatePem = readCertificate(inputs.certificate, warnings)
      return { signIn: { type, clientId, tenantId, certificatePem } }
    }
    case 'managed-identity':
      refuse(type, inputs, ['clientSecret', 'certificate', 'creds'])
      // azure/login's IDENTITY accepts a tenant-id, so workflows moving over keep working: warn, do not fail.
      if (inputs.tenantId !== '') {
        warnings.push('tenant-id is not used with managed-identity (the identity signs in to its own tenant).')
      }
      return {
        signIn:
          inputs.clientId === ''
            ? { type }
            : { type, clientId: readGuid('client-id', inputs.clientId, 'the user-assigned identity') }
      }
    case 'azure-cli':
    case 'azure-powershell':
      refuse(type, inputs, ['clientSecret', 'certificate', 'creds', 'clientId'])
      return { signIn: inputs.tenantId === '' ? { type } : { type, tenantId: readTenantId(inputs.tenantId) } }
  }
}

function readAuthChoice(value: string): AuthChoice {
  if (value === '') return 'auto'
  const choice = AUTH_TYPES[value.toLowerCase().replace(/_/g, '-')]
  if (choice === undefined) {
    throw new InputError(
      'auth-type',
      `${show(value)} is not a sign-in method: use auto, oidc, client-secret, client-certificate, managed-identity, ` +
        'azure-cli or azure-powershell (SERVICE_PRINCIPAL and IDENTITY also work).'
    )
  }
  return choice
}

/** Picks the concrete sign-in method for auto and SERVICE_PRINCIPAL from the inputs that are set. */
function resolveAuthType(choice: AuthChoice, inputs: SignInInputs, env: NodeJS.ProcessEnv): SignIn['type'] {
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
    return 'client-certificate'
  }
  if (inputs.clientSecret !== '' || inputs.creds !== '') return 'client-secret'
  if (choice === 'service-principal') {
    throw new InputError(
      'client-secret',
      'is empty: auth-type SERVICE_PRINCIPAL needs client-secret, client-certificate or creds (or use oidc).'
    )
  }
  if (inputs.clientId !== '' && inputs.tenantId !== '') return 'oidc'
  if (inputs.clientId !== '') {
    throw new InputError('tenant-id', 'is empty: set tenant-id (the Directory (tenant) ID) along with client-id.')
  }
  if (inputs.tenantId !== '') {
    throw new InputError('client-id', 'is empty: set client-id (the Application (client) ID) along with tenant-id.')
  }
  const oidcNote =
    env.ACTIONS_ID_TOKEN_REQUEST_URL === undefined
      ? ' (this job has no GitHub OIDC token yet: add the permissions below)'
      : ''
  throw new InputError(
    'auth-type',
    'no way to sign in was given. Set one of:\n' +
      `  - OIDC (recommended): client-id and tenant-id, with id-token: write permission${oidcNote}\n` +
      '  - a client secret: client-id, tenant-id and client-secret, or creds (the AZURE_CREDENTIALS JSON)\n' +
      '  - a certificate: client-id, tenant-id and client-certificate\n' +
      '  - auth-type: managed-identity, azure-cli or azure-powershell\n' +
      'For example, on the job:\n' +
      '  permissions:\n' +
      '    id-token: write\n' +
      '    contents: read\n' +
      'and on this step:\n' +
      '  with:\n' +
      '    fhir-url: https://myws-myfhir.fhir.azurehealthcareapis.com\n' +
      '    client-id: ${{ vars.AZURE_CLIENT_ID }}\n' +
      '    tenant-id: ${{ vars.AZURE_TENANT_ID }}'
  )
}

const SIGN_IN_INPUT_NAMES: Readonly<Record<keyof SignInInputs, InputName>> = {
  clientId: 'client-id',
  tenantId: 'tenant-id',
  clientSecret: 'client-secret',
  certificate: 'client-certificate',
  creds: 'creds'
}

/** Fails on the first of `unwanted` that is set: conflicting sign-in inputs are a mistake, never silently ignored. */
function refuse(user: string, inputs: SignInInputs, unwanted: readonly (keyof SignInInputs)[]): void {
  for (const key of unwanted) {
    if (inputs[key] === '') continue
    const by = user === 'creds' ? 'creds, which already holds it' : `auth-type ${user}`
    throw new InputError(SIGN_IN_INPUT_NAMES[key], `is not used with ${by}: remove it (or change auth-type).`)
  }
}

function requireClientId(inputs: SignInInputs, type: string): string {
  if (inputs.clientId === '') throw new InputError('client-id', `is empty: auth-type ${type} needs client-id.`)
  return readGuid('client-id', inputs.clientId, "the app registration's Application (client) ID")
}

function requireTenantId(inputs: SignInInputs, type: string): string {
  if (inputs.tenantId === '') throw new InputError('tenant-id', `is empty: auth-type ${type} needs tenant-id.`)
  return readTenantId(inputs.tenantId)
}

/** A GUID. The value is never echoed: a secret pasted into the wrong input must not reach the log. */
function readGuid(input: InputName, value: string, what: string): string {
  if (!GUID.test(value)) {
    throw new InputError(input, `is not a GUID: give ${what}, in the form 00000000-0000-0000-0000-000000000000.`)
  }
  return value
}

/** A directory ID (GUID) or one of the tenant's verified domains; multi-tenant aliases cannot issue app tokens. */
function readTenantId(value: string): string {
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

function readAudience(value: string): string {
  if (value === '') return DEFAULT_FEDERATED_AUDIENCE
  if (/\s/.test(value)) {
    throw new InputError('audience', `must not contain spaces: use e.g. ${DEFAULT_FEDERATED_AUDIENCE} (the default).`)
  }
  return value
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

/**
 * The PEM as the credential will read it: a private key that parses and the certificate that matches it (first).
 * Nothing from the PEM, nor the parser's message, is put in an error.
 */
function readCertificate(value: string, warnings: string[]): string {
  const pem = unescapePem(value)
  const input = 'client-certificate'
  const keyBlock = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/.exec(pem)
  if (keyBlock === null) {
    throw new InputError(
      input,
      'holds no private key (-----BEGIN PRIVATE KEY-----): give one PEM with the private key and the certificate, ' +
        'e.g. from openssl pkcs12 -in cert.pfx -nodes.'
    )
  }
  if (keyBlock[1] === 'ENCRYPTED PRIVATE KEY') {
    throw new InputError(
      input,
      'holds an encrypted private key and there is no password input: export the key unencrypted ' +
        '(openssl pkey -in key.pem) and keep the PEM in a secret.'
    )
  }
  const certBlock = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(pem)
  if (certBlock === null) {
    throw new InputError(
      input,
      'holds no certificate (-----BEGIN CERTIFICATE-----): add the certificate uploaded to the app registration.'
    )
  }
  let key
  try {
    key = createPrivateKey(keyBlock[0])
  } catch {
    throw new InputError(input, 'has a private key that cannot be read: check the PEM was copied whole.')
  }
  let certificate
  try {
    certificate = new X509Certificate(certBlock[0])
  } catch {
    throw new InputError(input, 'has a certificate that cannot be read: check the PEM was copied whole.')
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new InputError(
      input,
      'has a first certificate that does not match the private key: put the certificate of this key first.'
    )
  }
  const now = Date.now()
  const validTo = new Date(certificate.validTo)
  if (validTo.getTime() < now) {
    warnings.push(
      `client-certificate expired on ${validTo.toISOString()}: sign-in will likely fail. Upload a new certificate.`
    )
  } else if (new Date(certificate.validFrom).getTime() > now) {
    warnings.push('client-certificate is not valid yet: sign-in will likely fail until it is.')
  }
  return pem
}

/** A PEM stored on one line with literal `\n` escapes (a common way to paste it into a secret) made multi-line. */
export function unescapePem(pem: string): string {
  return pem.includes('\n') ? pem : pem.replace(/\\n/g, '\n')
}
