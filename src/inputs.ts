// Reads the step's inputs once, validates every one, and builds the immutable Config. No network, no logging: bad
// input fails here with an InputError that names the input and the fix, before any request is made.

import { X509Certificate, createPrivateKey } from 'node:crypto'
import {
  DEFAULT_DICOM_API_VERSION,
  DICOM_API_VERSIONS,
  DICOM_RESOURCE,
  LEGACY_GENERIC_RESOURCE,
  authorityHostFor,
  classifyServiceHost,
  cloudMismatchWarning,
  fhirResourceFor,
  isHealthServiceResource,
  looksLikeApiVersion,
  parseCloud,
  parseDicomApiVersion
} from './clouds.js'
import type { CloudName, Config, HealthCheckSpec, HealthConfig, SignIn, Target } from './config.js'
import { formatLimit, parseDuration } from './durations.js'
import { InputError } from './errors.js'
import { isRecord, parseUrl } from './values.js'

/** Reads one input: '' when unset, trimmed (core.getInput semantics). */
export type GetInput = (name: string) => string

const INPUT_NAMES = [
  'fhir-url',
  'dicom-url',
  'dicom-api-version',
  'resource',
  'auth-type',
  'client-id',
  'tenant-id',
  'client-secret',
  'client-certificate',
  'creds',
  'audience',
  'environment',
  'authority-host',
  'export-variable',
  'health-check',
  'health-check-paths',
  'wait-for-access',
  'health-check-timeout',
  'fail-on-unhealthy'
] as const
type InputName = (typeof INPUT_NAMES)[number]
type RawInputs = Readonly<Record<InputName, string>>

/** Size limits, generous for real values; anything larger is a wrong value (a file, a whole secret store). */
const SIZE_LIMITS: Readonly<Record<InputName, number>> = {
  'fhir-url': 2048,
  'dicom-url': 2048,
  'dicom-api-version': 32,
  resource: 2048,
  'auth-type': 64,
  'client-id': 256,
  'tenant-id': 256,
  'client-secret': 1024,
  'client-certificate': 65536,
  creds: 16384,
  audience: 512,
  environment: 64,
  'authority-host': 2048,
  'export-variable': 256,
  'health-check': 16,
  'health-check-paths': 16384,
  'wait-for-access': 32,
  'health-check-timeout': 32,
  'fail-on-unhealthy': 16
}

const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange'
const MAX_HEALTH_CHECKS = 50
const MAX_WAIT_FOR_ACCESS_MS = 6 * 60 * 60 * 1000 // a GitHub-hosted job's own limit
const MAX_HEALTH_CHECK_TIMEOUT_MS = 10 * 60 * 1000
const DEFAULT_CHECKS: Readonly<Record<'fhir' | 'dicom', readonly string[]>> = {
  fhir: ['metadata', 'Patient?_count=1'],
  dicom: ['changefeed?limit=1']
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// A verified domain name of the tenant, e.g. contoso.onmicrosoft.com.
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i
const PEM_BOUNDARY = /^-----(BEGIN|END) [A-Z0-9 ]+-----$/
/** Shorter lines are left unmasked: masking two-character fragments would garble every log line. */
const MIN_MASKED_LINE = 8

// ---------------------------------------------------------------------------------------------------------------
// Secrets

/** Every raw secret among the inputs, to mask before anything else runs, even before validation. Never throws. */
export function secretInputValues(getInput: GetInput): string[] {
  const values = new Set<string>()
  const add = (value: string | undefined): void => {
    if (value !== undefined && value.trim() !== '') values.add(value)
  }
  const addLines = (text: string): void => {
    for (const line of text.split(/\r?\n/)) {
      const trimmed = line.trim()
      if (trimmed.length >= MIN_MASKED_LINE && !PEM_BOUNDARY.test(trimmed)) add(trimmed)
    }
  }

  add(safeGet(getInput, 'client-secret'))

  const pem = safeGet(getInput, 'client-certificate')
  add(pem)
  addLines(pem)
  const unescaped = unescapePem(pem)
  if (unescaped !== pem) addLines(unescaped)

  const creds = safeGet(getInput, 'creds')
  add(creds)
  if (creds.includes('\n')) addLines(creds)
  add(credsSecret(creds))

  return [...values]
}

function safeGet(getInput: GetInput, name: string): string {
  try {
    return getInput(name)
  } catch {
    return ''
  }
}

/** The clientSecret inside creds, also from malformed JSON, so a typo elsewhere in it never unmasks the secret. */
function credsSecret(creds: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(creds)
    if (isRecord(parsed) && typeof parsed.clientSecret === 'string') return parsed.clientSecret
  } catch {
    // Malformed: fall back to a pattern below.
  }
  const match = /"clientSecret"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(creds)
  return match?.[1]
}

/** A PEM stored on one line with literal `\n` escapes (a common way to paste it into a secret) made multi-line. */
function unescapePem(pem: string): string {
  return pem.includes('\n') ? pem : pem.replace(/\\n/g, '\n')
}

// ---------------------------------------------------------------------------------------------------------------
// Config

/** Validates every input into the immutable Config. Throws InputError naming the input and the fix. */
export function readConfig(getInput: GetInput, env: NodeJS.ProcessEnv = process.env): Config {
  const raw = readRawInputs(getInput)
  const warnings: string[] = []

  const cloud = readCloud(raw.environment)
  const target = readTarget(raw, cloud, warnings)
  const { signIn, credsAuthorityHost } = readSignIn(raw, env, warnings)
  const authorityHost = readAuthorityHost(raw['authority-host'], credsAuthorityHost, cloud)
  const exportVariable = readExportVariable(raw['export-variable'])
  const health = readHealth(raw, target)

  const config: Config = {
    target,
    signIn,
    cloud,
    authorityHost,
    ...(exportVariable === undefined ? {} : { exportVariable }),
    ...(health === undefined ? {} : { health }),
    secrets: secretInputValues(getInput),
    warnings
  }
  return deepFreeze(config)
}

function readRawInputs(getInput: GetInput): RawInputs {
  const raw = {} as Record<InputName, string>
  for (const name of INPUT_NAMES) {
    const value = getInput(name).trim()
    const limit = SIZE_LIMITS[name]
    if (value.length > limit) {
      throw new InputError(
        name,
        `is ${value.length} characters long, more than the limit of ${limit}. ` +
          'Check that the right value is passed (not a file or a whole secret store).'
      )
    }
    raw[name] = value
  }
  return raw
}

// ---------------------------------------------------------------------------------------------------------------
// Target

function readTarget(raw: RawInputs, cloud: CloudName, warnings: string[]): Target {
  const fhirUrl = raw['fhir-url']
  const dicomUrl = raw['dicom-url']
  const resourceInput = raw.resource

  if (fhirUrl !== '' && dicomUrl !== '') {
    throw new InputError('dicom-url', 'give only one of fhir-url or dicom-url: one service per step (use two steps).')
  }
  if (fhirUrl === '' && dicomUrl === '' && resourceInput === '') {
    throw new InputError(
      'fhir-url',
      'no service given. Set fhir-url (a FHIR service), dicom-url (a DICOM service) or resource (any other resource).'
    )
  }
  const resource = resourceInput === '' ? undefined : readResource(resourceInput, warnings)
  // The DICOM API version input is checked even when unused, so a typo never goes unnoticed.
  const apiVersion = readDicomApiVersion(raw['dicom-api-version'])

  if (fhirUrl !== '') {
    const url = readServiceUrl('fhir-url', fhirUrl)
    if (classifyServiceHost(url.hostname)?.kind === 'dicom') {
      throw new InputError('fhir-url', `${url.hostname} is a DICOM service: use dicom-url instead.`)
    }
    pushDefined(warnings, cloudMismatchWarning('fhir-url', url.hostname, cloud))
    return {
      kind: 'fhir',
      resource: resource ?? fhirResourceFor(url),
      serviceUrl: url.origin + url.pathname.replace(/\/+$/, '')
    }
  }
  if (dicomUrl !== '') {
    const url = readServiceUrl('dicom-url', dicomUrl)
    if (classifyServiceHost(url.hostname)?.kind === 'fhir') {
      throw new InputError('dicom-url', `${url.hostname} is a FHIR service: use fhir-url instead.`)
    }
    pushDefined(warnings, cloudMismatchWarning('dicom-url', url.hostname, cloud))
    return { kind: 'dicom', resource: resource ?? DICOM_RESOURCE, serviceUrl: dicomServiceUrl(url, apiVersion, raw) }
  }
  return { kind: 'resource', resource: resource ?? '' }
}

/** An https service URL: no user name or password, no query, no fragment. The value is not echoed if it has userinfo. */
function readServiceUrl(input: 'fhir-url' | 'dicom-url', value: string): URL {
  const example =
    input === 'fhir-url'
      ? 'https://myws-myfhir.fhir.azurehealthcareapis.com'
      : 'https://myws-mydicom.dicom.azurehealthcareapis.com'
  const url = parseUrl(value)
  if (url === undefined) throw new InputError(input, `is not a URL: give the service's base URL, e.g. ${example}.`)
  if (url.username !== '' || url.password !== '') {
    throw new InputError(input, 'must not hold a user name or password: remove them (the token is the credential).')
  }
  if (url.protocol !== 'https:') {
    throw new InputError(input, `must use https (the token must never travel in clear): use e.g. ${example}.`)
  }
  if (url.hash !== '') throw new InputError(input, `must not have a fragment (#...): remove it from ${show(value)}.`)
  if (url.search !== '') {
    throw new InputError(input, `must not have a query (?...): give the service's base URL, e.g. ${example}.`)
  }
  return url
}

/** The versioned DICOM base URL: the URL's own trailing version, else dicom-api-version. */
function dicomServiceUrl(url: URL, apiVersion: string, raw: RawInputs): string {
  const segments = url.pathname.split('/').filter(segment => segment !== '')
  const last = segments.at(-1)
  const versionAt = segments.findIndex(looksLikeApiVersion)
  if (versionAt !== -1 && versionAt !== segments.length - 1) {
    throw new InputError(
      'dicom-url',
      `must end at the API version: use ${url.origin}/${segments.slice(0, versionAt + 1).join('/')} ` +
        'and put the rest in health-check-paths.'
    )
  }
  let version = apiVersion
  if (last !== undefined && looksLikeApiVersion(last)) {
    const known = parseDicomApiVersion(last)
    if (known === undefined) {
      throw new InputError(
        'dicom-url',
        `ends with an unknown DICOM API version ${show(last)}: use ${DICOM_API_VERSIONS.join(', ')}.`
      )
    }
    const asked = raw['dicom-api-version']
    if (asked !== '' && parseDicomApiVersion(asked) !== DEFAULT_DICOM_API_VERSION && known !== apiVersion) {
      throw new InputError(
        'dicom-api-version',
        `says ${apiVersion} but dicom-url ends with ${known}: remove one of them.`
      )
    }
    version = known
    segments.pop()
  }
  return [url.origin, ...segments, version].join('/')
}

function readDicomApiVersion(value: string): string {
  if (value === '') return DEFAULT_DICOM_API_VERSION
  const version = parseDicomApiVersion(value)
  if (version === undefined) {
    throw new InputError(
      'dicom-api-version',
      `${show(value)} is not a DICOM API version: use ${DICOM_API_VERSIONS.join(', ')}.`
    )
  }
  return version
}

/**
 * An explicit resource, kept exactly as written: an https or api:// URI, or an application ID (GUID). Other schemes
 * (http app ID URIs are legacy) are refused so that a typo never becomes an audience.
 */
function readResource(value: string, warnings: string[]): string {
  if (GUID.test(value)) return value
  const url = parseUrl(value)
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'api:')) {
    throw new InputError(
      'resource',
      'must be an https or api:// URI or an application ID: give e.g. https://myws-myfhir.fhir.azurehealthcareapis.com.'
    )
  }
  if (url.username !== '' || url.password !== '') {
    throw new InputError('resource', 'must not hold a user name or password: remove them.')
  }
  if (url.hash !== '' || url.search !== '') {
    throw new InputError('resource', `must not have a query or fragment: remove it from ${show(value)}.`)
  }
  if (/\/\.default\/?$/i.test(url.pathname)) {
    throw new InputError('resource', 'is a scope, not a resource: remove the trailing /.default.')
  }
  if (url.protocol === 'https:' && url.origin === LEGACY_GENERIC_RESOURCE) {
    throw new InputError(
      'resource',
      `${LEGACY_GENERIC_RESOURCE} is the retired generic audience that the services reject: ` +
        `use the FHIR service URL, or ${DICOM_RESOURCE} for DICOM (or remove resource and set fhir-url/dicom-url).`
    )
  }
  if (value.endsWith('/') && isHealthServiceResource(value)) {
    warnings.push(
      `resource ${show(value)} ends with a slash: the token's audience will not match and the service will answer ` +
        `401. Remove the trailing slash.`
    )
  }
  return value
}

// ---------------------------------------------------------------------------------------------------------------
// Cloud and sign-in host

function readCloud(value: string): CloudName {
  if (value === '') return 'AzureCloud'
  const cloud = parseCloud(value)
  if (cloud === undefined) {
    throw new InputError(
      'environment',
      `${show(value)} is not a supported cloud: use AzureCloud, AzureUSGovernment or AzureChinaCloud ` +
        '(or set authority-host for another sign-in host).'
    )
  }
  return cloud
}

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

/** An https origin (a trailing slash is tolerated); `label` is what the message calls it. */
function readHttpsOrigin(input: InputName, value: string, label: string): string {
  const url = parseUrl(value)
  const example = 'https://login.microsoftonline.com'
  if (url === undefined) throw new InputError(input, `${label} is not a URL: give an https origin such as ${example}.`)
  if (url.username !== '' || url.password !== '') {
    throw new InputError(input, `${label} must not hold a user name or password: remove them.`)
  }
  if (url.protocol !== 'https:') throw new InputError(input, `${label} must use https: use e.g. ${example}.`)
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new InputError(
      input,
      `${label} must be an origin only (no path, tenant, query or fragment): use ${url.origin}.`
    )
  }
  return url.origin
}

// ---------------------------------------------------------------------------------------------------------------
// Sign-in

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

function readSignIn(
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
  if (value === '') return DEFAULT_AUDIENCE
  if (/\s/.test(value)) {
    throw new InputError('audience', `must not contain spaces: use e.g. ${DEFAULT_AUDIENCE} (the default).`)
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

// ---------------------------------------------------------------------------------------------------------------
// Export variable

/** Names the runner, shells, Node, the Azure tools or proxies read: overwriting them would hijack later steps. */
const FORBIDDEN_PREFIXES = ['GITHUB_', 'RUNNER_', 'ACTIONS_', 'INPUT_', 'STATE_', 'NODE_', 'NPM_', 'LD_', 'DYLD_']
const FORBIDDEN_NAMES = new Set([
  'PATH',
  'HOME',
  'SHELL',
  'USER',
  'PWD',
  'OLDPWD',
  'ENV',
  'BASH_ENV',
  'IFS',
  'PS4',
  'PROMPT_COMMAND',
  'CDPATH',
  'TMPDIR',
  'TEMP',
  'TMP',
  'CI',
  'LANG',
  'TZ',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'PYTHONPATH',
  'PYTHONSTARTUP',
  'PERL5LIB',
  'PERL5OPT',
  'RUBYOPT',
  'GIT_ASKPASS',
  'GIT_SSH_COMMAND',
  'SSH_AUTH_SOCK',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'CURL_CA_BUNDLE',
  'REQUESTS_CA_BUNDLE',
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  'AZURE_AUTHORITY_HOST',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_CONFIG_DIR',
  'AZURE_LOG_LEVEL',
  'AZURE_USERNAME',
  'AZURE_PASSWORD'
])

function readExportVariable(value: string): string | undefined {
  if (value === '') return undefined
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw new InputError(
      'export-variable',
      `${show(value)} is not an environment variable name: use letters, digits and _ (not first a digit), e.g. FHIR_TOKEN.`
    )
  }
  const upper = value.toUpperCase()
  if (FORBIDDEN_NAMES.has(upper) || FORBIDDEN_PREFIXES.some(prefix => upper.startsWith(prefix))) {
    throw new InputError(
      'export-variable',
      `${value} is used by the runner or the tools later steps run: choose a name of your own, e.g. FHIR_TOKEN.`
    )
  }
  return value
}

// ---------------------------------------------------------------------------------------------------------------
// Health checks

function readHealth(raw: RawInputs, target: Target): HealthConfig | undefined {
  const asked = readBoolean('health-check', raw['health-check'], false)
  const lines = readHealthCheckLines(raw['health-check-paths'])
  const waitForAccessMs = readDuration('wait-for-access', raw['wait-for-access'] || '0', MAX_WAIT_FOR_ACCESS_MS, true)
  const timeoutMs = readDuration(
    'health-check-timeout',
    raw['health-check-timeout'] || '30s',
    MAX_HEALTH_CHECK_TIMEOUT_MS,
    false
  )
  const failOnUnhealthy = readBoolean('fail-on-unhealthy', raw['fail-on-unhealthy'], true)
  if (!asked && lines.length === 0) return undefined

  const { serviceUrl } = target
  if (serviceUrl === undefined || target.kind === 'resource') {
    throw new InputError(
      lines.length > 0 ? 'health-check-paths' : 'health-check',
      'needs a service to check, and resource alone names none: set fhir-url or dicom-url (resource may stay, to ' +
        'override the audience), or remove the health check.'
    )
  }
  const specs = lines.length > 0 ? lines : DEFAULT_CHECKS[target.kind].map(path => ({ path, expected: [200] as const }))
  const checks: HealthCheckSpec[] = specs.map(({ path, expected }) => ({
    path,
    url: resolveCheckUrl(path, serviceUrl),
    expected
  }))
  return { checks, waitForAccessMs, timeoutMs, failOnUnhealthy }
}

interface CheckLine {
  readonly path: string
  readonly expected: readonly number[]
}

/** `PATH [STATUS[,STATUS...]]` per line; blank lines and `#` comments are skipped. */
function readHealthCheckLines(text: string): CheckLine[] {
  const input = 'health-check-paths'
  const lines: CheckLine[] = []
  for (const [index, rawLine] of text.split(/\r?\n/).entries()) {
    // A `#` at the start or after a space starts a comment; inside a path it would be a fragment (refused later).
    const line = rawLine.replace(/(^|\s)#.*$/, '').trim()
    if (line === '') continue
    const where = `line ${index + 1} (${show(line)})`
    const [path = '', statuses, ...rest] = line.split(/\s+/)
    if (rest.length > 0) {
      throw new InputError(
        input,
        `${where} has more than a path and a status list: write "PATH [STATUS[,STATUS...]]", without spaces in the list.`
      )
    }
    lines.push({ path, expected: statuses === undefined ? [200] : readStatuses(statuses, where) })
  }
  if (lines.length > MAX_HEALTH_CHECKS) {
    throw new InputError(input, `has ${lines.length} checks, more than ${MAX_HEALTH_CHECKS}: remove some.`)
  }
  return lines
}

function readStatuses(list: string, where: string): number[] {
  const statuses = list.split(',').map(item => {
    const status = /^\d{3}$/.test(item) ? Number(item) : NaN
    if (!(status >= 100 && status <= 599)) {
      throw new InputError(
        'health-check-paths',
        `${where}: ${show(item)} is not an HTTP status: use numbers from 100 to 599 separated by commas, e.g. 200,204.`
      )
    }
    return status
  })
  return [...new Set(statuses)]
}

/**
 * Resolves a check's path against the service URL. A relative path, with or without a leading slash, stays under
 * the service URL (so `/metadata` keeps a FHIR base path and `/changefeed` keeps the DICOM version); anything else on
 * the origin needs an absolute https URL on that same origin. `.`/`..` segments, which would climb out, are refused.
 */
function resolveCheckUrl(path: string, serviceUrl: string): string {
  const input = 'health-check-paths'
  const service = new URL(serviceUrl)
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
    const url = parseUrl(path)
    if (url !== undefined && (url.username !== '' || url.password !== '' || url.hash !== '')) {
      throw new InputError(input, 'has a URL with a user name, password or fragment: remove them.')
    }
    if (url === undefined || url.protocol !== 'https:' || url.origin !== service.origin) {
      throw new InputError(
        input,
        `${show(path)} is not on the service's origin ${service.origin}: the token goes only there. ` +
          'Use a path relative to the service URL, or an https URL on its origin.'
      )
    }
    return url.href
  }
  const [pathPart = ''] = path.split('?', 1)
  const climbs = pathPart.split('/').some(segment => /^(?:\.|%2e){1,2}$/i.test(segment))
  if (path.startsWith('//') || path.includes('\\') || path.includes('#') || climbs) {
    throw new InputError(
      input,
      `${show(path)} is not a plain path: remove '//', '\\', '#', '.' and '..' (paths stay under ${serviceUrl}).`
    )
  }
  const url = new URL(`${serviceUrl}/${path.replace(/^\//, '')}`)
  // Belt and braces: whatever the URL parser normalised, the check must stay under the service URL.
  if (url.origin !== service.origin || !url.pathname.startsWith(service.pathname.replace(/\/?$/, '/'))) {
    throw new InputError(input, `${show(path)} leaves the service URL ${serviceUrl}: use a path under it.`)
  }
  return url.href
}

function readBoolean(input: InputName, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  const lower = value.toLowerCase()
  if (lower === 'true') return true
  if (lower === 'false') return false
  throw new InputError(input, `${show(value)} is not a boolean: use true or false.`)
}

/** A duration input: see parseDuration for the forms it takes. */
function readDuration(input: InputName, value: string, maxMs: number, allowZero: boolean): number {
  const ms = parseDuration(value)
  if (ms === undefined) {
    throw new InputError(
      input,
      `${show(value)} is not a duration: write e.g. 0, 500ms, 90s, 5m or 1h (a number needs a unit).`
    )
  }
  if (!allowZero && ms === 0) throw new InputError(input, 'must be longer than 0: use e.g. 30s.')
  if (!(ms <= maxMs)) {
    throw new InputError(input, `${show(value)} is longer than the limit of ${formatLimit(maxMs)}: use less.`)
  }
  return ms
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

/**
 * A value quoted for a message: any `//user:password@` part hidden, and cut short so that one bad input cannot flood
 * the log.
 */
function show(value: string): string {
  const redacted = value.replace(/\/\/[^/?#\s]*@/g, '//***@')
  return JSON.stringify(redacted.length > 100 ? `${redacted.slice(0, 100)}...` : redacted)
}

function pushDefined(list: string[], item: string | undefined): void {
  if (item !== undefined) list.push(item)
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
