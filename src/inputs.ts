// Reads the step's inputs once, validates every one, and builds the immutable Config. No network, no logging: bad
// input fails here with an InputError that names the input and the fix, before any request is made. The sign-in
// and health-check inputs are read by their own modules (signin-inputs.ts, health-inputs.ts).

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
import type { CloudName, Config, Target } from './config.js'
import { InputError } from './errors.js'
import { readHealth } from './health-inputs.js'
import { INPUT_NAMES, type InputName, type RawInputs, pushDefined, readHttpsOrigin, show } from './input-values.js'
import { readSignIn, unescapePem } from './signin-inputs.js'
import { CONTROL_CHARACTERS, GUID, isRecord, parseUrl } from './values.js'

/** Reads one input: '' when unset, trimmed (core.getInput semantics). */
export type GetInput = (name: string) => string

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
    // Every other input is one line: a line break or control character there can only be a mistake, or an attempt
    // to start a workflow command wherever the value is shown.
    if (!MULTI_LINE_INPUTS.has(name) && CONTROL_CHARACTERS.test(value)) {
      throw new InputError(
        name,
        'has a line break or control character: give it on one line, as plain text' +
          (name === 'client-secret'
            ? '.'
            : ` (${show(value.replace(new RegExp(CONTROL_CHARACTERS.source, 'g'), ' '))}).`)
      )
    }
    raw[name] = value
  }
  return raw
}

/** The inputs that take several lines: PEM, JSON and one health check per line. */
const MULTI_LINE_INPUTS: ReadonlySet<InputName> = new Set(['client-certificate', 'creds', 'health-check-paths'])

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

// ---------------------------------------------------------------------------------------------------------------
// Export variable

/**
 * Names something later in the job reads, grouped by reader: exporting the token under one would hijack a later step
 * or hand the token to another host (gh sends GH_TOKEN to GitHub). Prefixes, so a family's new members are covered.
 */
const RESERVED_NAMES: readonly {
  readonly reader: string
  readonly prefixes: readonly string[]
  readonly names?: readonly string[]
}[] = [
  {
    reader: 'the runner and GitHub tools (gh would send it to GitHub)',
    prefixes: ['GITHUB', 'GH_', 'RUNNER_', 'ACTIONS_', 'INPUT_', 'STATE_'],
    names: ['CI']
  },
  {
    reader: 'the Azure tools and managed identity',
    prefixes: ['AZURE_', 'AZ_', 'ARM_', 'MSI_', 'IDENTITY_']
  },
  {
    reader: 'shells and the system',
    prefixes: ['BASH_', 'LC_', 'LD_', 'DYLD_', 'SSH_'],
    names: [
      'PATH',
      'HOME',
      'SHELL',
      'USER',
      'PWD',
      'OLDPWD',
      'ENV',
      'IFS',
      'CDPATH',
      'PS1',
      'PS2',
      'PS3',
      'PS4',
      'PROMPT_COMMAND',
      'TMPDIR',
      'TEMP',
      'TMP',
      'LANG',
      'LANGUAGE',
      'TZ',
      'PAGER',
      'EDITOR',
      'VISUAL'
    ]
  },
  { reader: 'git', prefixes: ['GIT_'] },
  {
    reader: 'language runtimes',
    prefixes: ['NODE_', 'NPM_', 'DOTNET_', 'CORECLR_', 'COMPLUS_', 'PYTHON', 'RUBY', 'PERL', 'JAVA_', '_JAVA_', 'JDK_']
  },
  {
    reader: 'build and deployment tools',
    // Not TF_: TF_VAR_<name> is how a token is meant to reach Terraform.
    prefixes: ['DOCKER_', 'KUBE', 'HELM_', 'PIP_', 'YARN_', 'CARGO_', 'RUSTUP_', 'MAVEN_', 'GRADLE_'],
    names: [
      'RUSTFLAGS',
      'TERM',
      'GOFLAGS',
      'GOPROXY',
      'GOPATH',
      'GOROOT',
      'GOPRIVATE',
      'GONOPROXY',
      'GONOSUMDB',
      'GOSUMDB',
      'GOINSECURE',
      'GOENV',
      'GOTOOLCHAIN'
    ]
  },
  {
    reader: 'TLS and proxy settings',
    prefixes: ['OPENSSL_', 'SSL_', 'CURL_'],
    names: ['SSLKEYLOGFILE', 'REQUESTS_CA_BUNDLE', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'FTP_PROXY']
  }
]

/** Who reads the name (compared in upper case: Windows and some tools ignore case), or undefined when it is free. */
function readerOf(name: string): string | undefined {
  const upper = name.toUpperCase()
  return RESERVED_NAMES.find(
    group => group.names?.includes(upper) === true || group.prefixes.some(prefix => upper.startsWith(prefix))
  )?.reader
}

function readExportVariable(value: string): string | undefined {
  if (value === '') return undefined
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw new InputError(
      'export-variable',
      `${show(value)} is not an environment variable name: use letters, digits and _ (not first a digit), e.g. FHIR_TOKEN.`
    )
  }
  const reader = readerOf(value)
  if (reader !== undefined) {
    throw new InputError(
      'export-variable',
      `${value} is read by ${reader}: a token there would change what later steps do or where the token goes. ` +
        'Choose a name of your own, e.g. FHIR_TOKEN.'
    )
  }
  return value
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
