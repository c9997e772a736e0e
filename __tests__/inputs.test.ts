import { jest } from '@jest/globals'
import { type Config, readConfig } from '../src/config.js'
import { InputError } from '../src/errors.js'
import { readFileSync } from 'node:fs'
import { type GetInput, INPUTS, INPUT_NAMES, secretInputValues } from '../src/inputs.js'
import { SIGN_IN_METHODS } from '../src/signin/registry.js'
import { createClientCertificate } from '../emulator/ca.ts'
import { readActionSpec } from '../scripts/readme-tables.ts'
import { badInputs } from './fixtures/bad-inputs.ts'
import { TENANT } from './support/ids.ts'

const FHIR_URL = 'https://myws-myfhir.fhir.azurehealthcareapis.com'
const DICOM_URL = 'https://myws-mydicom.dicom.azurehealthcareapis.com'
const CLIENT_ID = '0b1d5c1e-6f4a-4c1b-9a0e-2f3d4c5b6a79'
const SECRET = 'Xy8Q~fake.client-secret_value.0123456789ab'
const OIDC = { 'fhir-url': FHIR_URL, 'client-id': CLIENT_ID, 'tenant-id': TENANT }
const SECRET_INPUTS = ['client-secret', 'client-certificate', 'creds']

/** core.getInput over a record: '' when unset. */
const inputsOf =
  (values: Readonly<Record<string, string>>): GetInput =>
  name =>
    values[name] ?? ''

const read = (values: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = {}): Config =>
  readConfig(inputsOf(values), env)

/** The InputError readConfig throws; fails the test when it throws nothing or something else. */
function inputError(values: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = {}): InputError {
  try {
    read(values, env)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('readConfig accepted the inputs')
}

// Fresh self-signed certificates made in-process at start, as the emulator makes them: no key is ever committed.
let certificatePem: string
let otherCertificatePem: string
beforeAll(async () => {
  const [own, other] = await Promise.all([createClientCertificate('inputs test'), createClientCertificate('other')])
  certificatePem = `${own.keyPem.trim()}\n${own.certPem.trim()}`
  otherCertificatePem = other.certPem.trim()
})

describe('bad inputs', () => {
  test('the table is large enough to cover the issue', () => {
    expect(badInputs.length).toBeGreaterThanOrEqual(35)
    expect(new Set(badInputs.map(c => c.name)).size).toBe(badInputs.length)
  })

  test.each(badInputs.map(c => [c.name, c] as const))('%s', (_name, badCase) => {
    const error = inputError(badCase.inputs)
    expect(error.input).toBe(badCase.input)
    expect(error.message.startsWith(`Input '${badCase.input}': `)).toBe(true)
    // A fix: an instruction, not only a diagnosis.
    expect(error.message).toMatch(/\b(give|use|set|remove|write|choose|add|put|check|export|drop)\b/i)
    const secrets = [
      ...(badCase.secrets ?? []),
      ...SECRET_INPUTS.flatMap(name => {
        const value = badCase.inputs[name]
        return value === undefined || value === '' ? [] : [value, ...value.split('\n').filter(l => l.length >= 8)]
      })
    ]
    for (const secret of secrets) expect(error.message).not.toContain(secret)
  })
})

describe('targets', () => {
  test('de-identification: the shared audience, a host of another form refused with the form, public cloud only', () => {
    const deid = 'https://mydeid.api.eus001.deid.azure.com'
    expect(read({ ...OIDC, 'fhir-url': '', 'deid-url': `${deid}/` }).targets).toEqual([
      { kind: 'deid', resource: 'https://deid.azure.com', serviceUrl: deid }
    ])
    const form = inputError({ ...OIDC, 'fhir-url': '', 'deid-url': 'https://mydeid.eus001.deid.azure.com' })
    expect(form.message).toBe(
      "Input 'deid-url': mydeid.eus001.deid.azure.com is not a de-identification service host: use " +
        '<name>.api.<region code>.deid.azure.com, e.g. https://myservice.api.eus001.deid.azure.com.'
    )
    const cloud = inputError({ ...OIDC, 'fhir-url': '', 'deid-url': deid, environment: 'AzureChinaCloud' })
    expect(cloud.message).toContain('exists only in AzureCloud, not in AzureChinaCloud: set environment: AzureCloud')
  })

  test('several services: one target each, in the order fhir, dicom, deid, each with its own audience', () => {
    const config = read({ ...OIDC, 'deid-url': 'https://x.api.weu001.deid.azure.com', 'dicom-url': DICOM_URL })
    expect(config.targets.map(t => [t.kind, t.resource])).toEqual([
      ['fhir', FHIR_URL],
      ['dicom', 'https://dicom.healthcareapis.azure.com'],
      ['deid', 'https://deid.azure.com']
    ])
  })

  test('FHIR: the resource is the origin and the service URL keeps the path without a trailing slash', () => {
    const config = read({ ...OIDC, 'fhir-url': 'https://fhir.contoso.example:8443/r4/' })
    expect(config.targets[0]).toEqual({
      kind: 'fhir',
      resource: 'https://fhir.contoso.example:8443',
      serviceUrl: 'https://fhir.contoso.example:8443/r4'
    })
  })

  test('FHIR: a trailing slash never reaches the resource', () => {
    const config = read({ ...OIDC, 'fhir-url': `${FHIR_URL}/` })
    expect(config.targets[0]?.resource).toBe(FHIR_URL)
    expect(config.targets[0]?.serviceUrl).toBe(FHIR_URL)
    expect(config.warnings).toEqual([])
  })

  test('Azure API for FHIR hosts are FHIR services', () => {
    const config = read({ ...OIDC, 'fhir-url': 'https://legacy.azurehealthcareapis.com' })
    expect(config.targets[0]?.resource).toBe('https://legacy.azurehealthcareapis.com')
  })

  test.each([
    [DICOM_URL, {}, `${DICOM_URL}/v2`],
    [`${DICOM_URL}/`, { 'dicom-api-version': 'v1' }, `${DICOM_URL}/v1`],
    [`${DICOM_URL}/v1`, {}, `${DICOM_URL}/v1`],
    [`${DICOM_URL}/V1.0-PRERELEASE/`, {}, `${DICOM_URL}/v1.0-prerelease`],
    [`${DICOM_URL}/v1`, { 'dicom-api-version': 'v2' }, `${DICOM_URL}/v1`],
    [`${DICOM_URL}/v2`, { 'dicom-api-version': 'v2' }, `${DICOM_URL}/v2`],
    ['https://gateway.contoso.example/dicom/v2', {}, 'https://gateway.contoso.example/dicom/v2']
  ])('DICOM %s %j: service URL %s, the fixed DICOM resource', (dicomUrl, extra, serviceUrl) => {
    const config = read({ ...OIDC, 'fhir-url': '', 'dicom-url': dicomUrl, ...extra })
    expect(config.targets[0]).toEqual({ kind: 'dicom', resource: 'https://dicom.healthcareapis.azure.com', serviceUrl })
  })

  test('DICOM: a dicom-api-version that contradicts the URL is an error', () => {
    const error = inputError({ ...OIDC, 'fhir-url': '', 'dicom-url': `${DICOM_URL}/v2`, 'dicom-api-version': 'v1' })
    expect(error.input).toBe('dicom-api-version')
  })

  test('resource overrides the derived resource but not the service URL', () => {
    const custom = 'https://fhir.contoso.example'
    const fhir = read({ ...OIDC, 'fhir-url': `${FHIR_URL}/r4`, resource: custom })
    expect(fhir.targets[0]).toEqual({ kind: 'fhir', resource: custom, serviceUrl: `${FHIR_URL}/r4` })
    const dicom = read({ ...OIDC, 'fhir-url': '', 'dicom-url': DICOM_URL, resource: custom })
    expect(dicom.targets[0]).toEqual({ kind: 'dicom', resource: custom, serviceUrl: `${DICOM_URL}/v2` })
  })

  test.each(['https://management.azure.com/', 'api://0b1d5c1e-6f4a-4c1b-9a0e-2f3d4c5b6a79', CLIENT_ID])(
    'resource %s on its own is kept exactly, without a service URL',
    resource => {
      const config = read({ ...OIDC, 'fhir-url': '', resource })
      expect(config.targets[0]).toEqual({ kind: 'resource', resource })
      expect(config.warnings).toEqual([])
    }
  )

  test.each([
    [{ 'fhir-url': FHIR_URL, resource: `${FHIR_URL}/` }],
    [{ 'fhir-url': '', resource: `${FHIR_URL}/` }],
    [{ 'fhir-url': '', 'dicom-url': DICOM_URL, resource: 'https://dicom.healthcareapis.azure.com/' }]
  ])('a FHIR or DICOM resource with a trailing slash is kept, with a 401 warning: %j', target => {
    const config = read({ ...OIDC, ...target })
    expect(config.targets[0]?.resource).toBe(target.resource)
    expect(config.warnings).toHaveLength(1)
    expect(config.warnings[0]).toMatch(/slash.*401/)
  })

  test('a service host of another cloud gets a warning naming the right environment', () => {
    const usUrl = 'https://ws-f.fhir.azurehealthcareapis.us'
    expect(read({ ...OIDC, 'fhir-url': usUrl }).warnings).toEqual([expect.stringContaining('AzureUSGovernment')])
    expect(read({ ...OIDC, 'fhir-url': usUrl, environment: 'AzureUSGovernment' }).warnings).toEqual([])
  })
})

describe('cloud and sign-in host', () => {
  test.each([
    ['', 'AzureCloud', 'https://login.microsoftonline.com'],
    ['azureusgovernment', 'AzureUSGovernment', 'https://login.microsoftonline.us'],
    ['AZURECHINACLOUD', 'AzureChinaCloud', 'https://login.chinacloudapi.cn']
  ])('environment %j is %s with sign-in host %s', (environment, cloud, authorityHost) => {
    const config = read({ ...OIDC, environment })
    expect(config.cloud).toBe(cloud)
    expect(config.authorityHost).toBe(authorityHost)
  })

  test('authority-host overrides the cloud and is reduced to its origin', () => {
    const config = read({ ...OIDC, environment: 'AzureUSGovernment', 'authority-host': 'https://127.0.0.1:8443/' })
    expect(config.cloud).toBe('AzureUSGovernment')
    expect(config.authorityHost).toBe('https://127.0.0.1:8443')
  })
})

describe('sign-in', () => {
  test('auto with client-id and tenant-id is OIDC with the default audience', () => {
    expect(read(OIDC).signIn).toEqual({
      type: 'oidc',
      clientId: CLIENT_ID,
      tenantId: TENANT,
      audience: 'api://AzureADTokenExchange'
    })
  })

  test('OIDC takes a custom audience and a verified domain as tenant', () => {
    const config = read({ ...OIDC, 'auth-type': 'OIDC', 'tenant-id': 'contoso.onmicrosoft.com', audience: 'api://x' })
    expect(config.signIn).toEqual({
      type: 'oidc',
      clientId: CLIENT_ID,
      tenantId: 'contoso.onmicrosoft.com',
      audience: 'api://x'
    })
  })

  test.each(['auto', 'client-secret', 'Client-Secret', 'SERVICE_PRINCIPAL'])(
    'auth-type %s with client-secret signs in with the secret',
    authType => {
      const config = read({ ...OIDC, 'auth-type': authType, 'client-secret': SECRET })
      expect(config.signIn).toEqual({
        type: 'client-secret',
        clientId: CLIENT_ID,
        tenantId: TENANT,
        clientSecret: SECRET
      })
      expect(config.secrets).toContain(SECRET)
    }
  )

  test.each(['auto', 'client-certificate', 'service_principal'])(
    'auth-type %s with client-certificate signs in with the certificate',
    authType => {
      const config = read({ ...OIDC, 'auth-type': authType, 'client-certificate': certificatePem })
      expect(config.signIn).toEqual({
        type: 'client-certificate',
        clientId: CLIENT_ID,
        tenantId: TENANT,
        certificatePem
      })
      expect(config.warnings).toEqual([])
    }
  )

  test('a one-line PEM with literal \\n escapes is accepted and masked line by line', () => {
    const oneLine = certificatePem.replace(/\n/g, '\\n')
    const config = read({ ...OIDC, 'client-certificate': oneLine })
    expect(config.signIn).toMatchObject({ type: 'client-certificate', certificatePem })
    const keyLine = certificatePem.split('\n')[1] ?? ''
    expect(keyLine.length).toBeGreaterThan(8)
    expect(config.secrets).toEqual(expect.arrayContaining([oneLine, keyLine]))
  })

  test('a certificate that does not match the key is refused', () => {
    const keyOnly = certificatePem.slice(0, certificatePem.indexOf('-----BEGIN CERTIFICATE-----'))
    const error = inputError({ ...OIDC, 'client-certificate': `${keyOnly}${otherCertificatePem}` })
    expect(error.input).toBe('client-certificate')
    expect(error.message).toMatch(/does not match/)
  })

  test.each([
    ['2099-01-01T00:00:00Z', 'expired on'],
    ['2001-01-01T00:00:00Z', 'not valid yet']
  ])('at %s the certificate is accepted with a warning: %s', (now, warning) => {
    jest.useFakeTimers({ now: new Date(now) })
    try {
      const config = read({ ...OIDC, 'client-certificate': certificatePem })
      expect(config.signIn.type).toBe('client-certificate')
      expect(config.warnings).toEqual([expect.stringContaining(warning)])
    } finally {
      jest.useRealTimers()
    }
  })

  test('creds signs in with its secret and sign-in host', () => {
    const creds = JSON.stringify({
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      tenantId: TENANT,
      subscriptionId: '00000000-0000-0000-0000-000000000000',
      activeDirectoryEndpointUrl: 'https://login.microsoftonline.us/'
    })
    const config = read({ 'fhir-url': FHIR_URL, creds })
    expect(config.signIn).toEqual({
      type: 'client-secret',
      clientId: CLIENT_ID,
      tenantId: TENANT,
      clientSecret: SECRET
    })
    expect(config.authorityHost).toBe('https://login.microsoftonline.us')
    expect(config.secrets).toEqual(expect.arrayContaining([creds, SECRET]))
    // The same host given twice is no conflict; another one is.
    expect(
      read({ 'fhir-url': FHIR_URL, creds, 'authority-host': 'https://login.microsoftonline.us' }).authorityHost
    ).toBe('https://login.microsoftonline.us')
    expect(inputError({ 'fhir-url': FHIR_URL, creds, 'authority-host': 'https://127.0.0.1:8443' }).input).toBe(
      'authority-host'
    )
  })

  test('a client secret that looks like a secret ID warns without showing it', () => {
    const secretId = '9f1c2d3e-4b5a-6c7d-8e9f-0a1b2c3d4e5f'
    const config = read({ ...OIDC, 'client-secret': secretId })
    expect(config.warnings).toEqual([expect.stringContaining('AADSTS7000215')])
    expect(config.warnings.join('\n')).not.toContain(secretId)
  })

  test.each([
    [{ 'auth-type': 'managed-identity' }, { type: 'managed-identity' }],
    [
      { 'auth-type': 'IDENTITY', 'client-id': CLIENT_ID },
      { type: 'managed-identity', clientId: CLIENT_ID }
    ],
    [{ 'auth-type': 'azure-cli' }, { type: 'azure-cli' }],
    [
      { 'auth-type': 'Azure-CLI', 'tenant-id': TENANT },
      { type: 'azure-cli', tenantId: TENANT }
    ],
    [{ 'auth-type': 'azure_powershell' }, { type: 'azure-powershell' }]
  ])('%j signs in as %j', (signIn, expected) => {
    expect(read({ 'fhir-url': FHIR_URL, ...signIn }).signIn).toEqual(expected)
  })

  test('managed-identity ignores a tenant-id with a warning, as azure/login does', () => {
    const config = read({ 'fhir-url': FHIR_URL, 'auth-type': 'identity', 'tenant-id': TENANT })
    expect(config.signIn).toEqual({ type: 'managed-identity' })
    expect(config.warnings).toEqual([expect.stringContaining('tenant-id is not used')])
    const error = inputError({ 'fhir-url': FHIR_URL, 'auth-type': 'managed-identity', 'client-secret': SECRET })
    expect(error.input).toBe('client-secret')
  })

  test('with no way to sign in, the error lists them with a YAML example', () => {
    const without = inputError({ 'fhir-url': FHIR_URL })
    expect(without.message).toMatch(/client-id.*tenant-id/)
    expect(without.message).toMatch(/managed-identity, workload-identity, azure-cli or azure-powershell/)
    expect(without.message).toContain('id-token: write')
    expect(without.message).toContain('no GitHub OIDC token')
    const withOidc = inputError({ 'fhir-url': FHIR_URL }, { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://example.test' })
    expect(withOidc.message).not.toContain('no GitHub OIDC token')
  })
})

describe('sign-in methods from the registry', () => {
  test('an unknown auth-type lists every method and alias', () => {
    expect(inputError({ 'fhir-url': FHIR_URL, 'auth-type': 'kerberos' }).message).toBe(
      `Input 'auth-type': "kerberos" is not a sign-in method: use auto, oidc, client-secret, client-certificate, ` +
        'managed-identity, workload-identity, azure-cli or azure-powershell (SERVICE_PRINCIPAL and IDENTITY also work).'
    )
  })

  test('every method the action offers is picked by its own name and each alias; the command-only ones are not offered', () => {
    const unknownName = (name: string): boolean => {
      try {
        read({ ...OIDC, 'auth-type': name })
        return false
      } catch (error) {
        return String(error).includes('is not a sign-in method')
      }
    }
    const offered = SIGN_IN_METHODS.filter(method => method.commandOnly !== true)
    const names = offered.flatMap(method => [method.type, ...(method.aliases ?? [])])
    expect(names.length).toBeGreaterThan(offered.length)
    expect(names.filter(unknownName)).toEqual([])
    expect(unknownName('kerberos')).toBe(true)
    const commandOnly = SIGN_IN_METHODS.filter(method => method.commandOnly === true)
    expect(commandOnly.map(method => method.type)).toEqual(['azure-pipelines', 'federated-token'])
    expect(commandOnly.flatMap(method => [method.type, ...(method.aliases ?? [])]).filter(unknownName)).toEqual([
      'azure-pipelines',
      'federated-token',
      'gitlab'
    ])
  })

  test.each([
    ['azure-cli', { 'client-id': CLIENT_ID, 'client-secret': SECRET }, 'client-secret'],
    ['azure-cli', { 'client-id': CLIENT_ID }, 'client-id'],
    ['oidc', { 'client-certificate': 'x', creds: 'y' }, 'client-certificate'],
    ['managed-identity', { creds: 'y' }, 'creds']
  ])('auth-type %s refuses the first conflicting input of %j: %s', (type, extra, input) => {
    const error = inputError({ ...OIDC, 'auth-type': type, ...extra })
    expect(error.input).toBe(input)
    expect(error.message).toContain(`is not used with auth-type ${type}`)
  })
})

describe('export-variable', () => {
  test('with several services, one line per service names its token; a line may leave a service out', () => {
    const both = { ...OIDC, 'dicom-url': DICOM_URL }
    const lines = '# names\nfhir: FHIR_TOKEN\n DICOM: DICOM_TOKEN '
    expect(read({ ...both, 'export-variable': lines }).exportVariables).toEqual([
      { kind: 'fhir', name: 'FHIR_TOKEN' },
      { kind: 'dicom', name: 'DICOM_TOKEN' }
    ])
    expect(read({ ...both, 'export-variable': 'dicom: DICOM_TOKEN' }).exportVariables).toEqual([
      { kind: 'dicom', name: 'DICOM_TOKEN' }
    ])
  })

  test('a line with a control character or a workflow command is refused, and not shown as one', () => {
    const error = inputError({ ...OIDC, 'export-variable': 'FHIR_TOKEN\n::warning::x\u001b' })
    expect(error.input).toBe('export-variable')
    expect(error.message).not.toContain('\u001b')
    expect(error.message).not.toContain('\n')
  })

  test('a plain name is kept for the one token; none is no export', () => {
    expect(read({ ...OIDC, 'export-variable': 'FHIR_TOKEN' }).exportVariables).toEqual([
      { kind: 'fhir', name: 'FHIR_TOKEN' }
    ])
    expect(read({ ...OIDC, 'export-variable': '_token2' }).exportVariables).toEqual([{ kind: 'fhir', name: '_token2' }])
    expect(read(OIDC).exportVariables).toEqual([])
  })

  test.each([
    'github_env',
    'Runner_Temp',
    'ACTIONS_RUNTIME_TOKEN',
    'INPUT_X',
    'STATE_x',
    'NODE_EXTRA_CA_CERTS',
    'LD_PRELOAD',
    'DYLD_INSERT_LIBRARIES',
    'BASH_ENV',
    'ENV',
    'HOME',
    'Shell',
    'https_proxy',
    'AZURE_CLIENT_SECRET',
    // Read by gh (which sends them to GitHub) and by the Azure tools and managed identity.
    'GH_TOKEN',
    'gh_enterprise_token',
    'GITHUB_ENTERPRISE_TOKEN',
    'GITHUBTOKEN',
    'IDENTITY_ENDPOINT',
    'IDENTITY_HEADER',
    'MSI_SECRET',
    'ARM_ACCESS_KEY',
    'AZURE_ACCESS_TOKEN',
    'AZ_CONFIG',
    // git, runtimes, TLS, locale, shells
    'GIT_CONFIG_GLOBAL',
    'GIT_TRACE',
    'DOTNET_STARTUP_HOOKS',
    'CORECLR_PROFILER',
    'COMPLUS_ZAPDISABLE',
    'PYTHONHOME',
    'RUBYLIB',
    'PERL5DB',
    'JAVA_TOOL_OPTIONS',
    '_JAVA_OPTIONS',
    'JDK_JAVA_OPTIONS',
    'OPENSSL_CONF',
    'SSLKEYLOGFILE',
    'SSL_CERT_DIR',
    'CURL_CA_BUNDLE',
    'REQUESTS_CA_BUNDLE',
    'LC_ALL',
    'LANG',
    'PAGER',
    'EDITOR',
    'VISUAL',
    'TMPDIR',
    'temp',
    'TMP',
    'PS1',
    'PS4',
    'PROMPT_COMMAND',
    'Http_Proxy',
    'no_proxy',
    'ALL_PROXY'
  ])('%s is refused', name => {
    expect(inputError({ ...OIDC, 'export-variable': name }).input).toBe('export-variable')
  })

  test('the refusal says who reads the name and suggests one', () => {
    const message = inputError({ ...OIDC, 'export-variable': 'GH_TOKEN' }).message
    expect(message).toMatch(/^Input 'export-variable': GH_TOKEN is read by .*gh would send it to GitHub/)
    expect(message).toContain('e.g. FHIR_TOKEN')
    expect(inputError({ ...OIDC, 'export-variable': 'IDENTITY_HEADER' }).message).toContain('managed identity')
  })

  test.each([
    'FHIR_TOKEN',
    'DICOM_ACCESS_TOKEN',
    'MY_AZURE_TOKEN',
    'TOKEN_GH',
    'PSQL_TOKEN',
    'LCTOKEN',
    'GOOD_TOKEN',
    'TF_VAR_fhir_token',
    'HIGH_TOKEN',
    'OPS_TOKEN',
    'CFG_TOKEN',
    'OSX_TOKEN',
    'PUBLIC_FHIR_TOKEN'
  ])('%s stays free', name => {
    expect(read({ ...OIDC, 'export-variable': name }).exportVariables).toEqual([{ kind: 'fhir', name }])
  })
})

describe('health checks', () => {
  test('off by default, with every setting still validated', () => {
    expect(read(OIDC).health).toBeUndefined()
    expect(inputError({ ...OIDC, 'wait-for-access': 'later' }).input).toBe('wait-for-access')
  })

  test('FHIR defaults: metadata and Patient?_summary=count expecting 200, with strict search handling', () => {
    const health = read({ ...OIDC, 'health-check': 'TRUE' }).health
    expect(health).toEqual({
      services: [
        {
          kind: 'fhir',
          checks: [
            { path: 'metadata', url: `${FHIR_URL}/metadata`, expected: [200] },
            { path: 'Patient?_summary=count', url: `${FHIR_URL}/Patient?_summary=count`, expected: [200] }
          ],
          requestHeaders: {
            Prefer: 'handling=strict',
            'X-MS-AZUREFHIR-AUDIT-SOURCE': 'azure-health-data-services-token'
          }
        }
      ],
      timeoutMs: 30_000,
      failOnUnhealthy: true
    })
  })

  test('DICOM default: changefeed?limit=1&includemetadata=false under the versioned base, no FHIR headers', () => {
    const health = read({ ...OIDC, 'fhir-url': '', 'dicom-url': `${DICOM_URL}/v1`, 'health-check': 'true' }).health
    expect(health?.services[0]?.checks).toEqual([
      {
        path: 'changefeed?limit=1&includemetadata=false',
        url: `${DICOM_URL}/v1/changefeed?limit=1&includemetadata=false`,
        expected: [200]
      }
    ])
    expect(health?.services[0]?.requestHeaders).toEqual({})
  })

  test('paths imply health-check; comments and blank lines are skipped; statuses are de-duplicated', () => {
    const paths = ['# probes', '', 'metadata', '  /Observation?_count=1 403  ', 'studies 200,204,200'].join('\n')
    const health = read({ ...OIDC, 'fhir-url': `${FHIR_URL}/r4`, 'health-check-paths': paths }).health
    expect(health?.services[0]?.checks).toEqual([
      { path: 'metadata', url: `${FHIR_URL}/r4/metadata`, expected: [200] },
      { path: '/Observation?_count=1', url: `${FHIR_URL}/r4/Observation?_count=1`, expected: [403] },
      { path: 'studies', url: `${FHIR_URL}/r4/studies`, expected: [200, 204] }
    ])
  })

  test('several services: each prefixed line to its service; with health-check, a service without lines runs its defaults', () => {
    const both = { ...OIDC, 'dicom-url': DICOM_URL }
    const paths = 'dicom: studies 200,204\nFHIR:Patient?_summary=count'
    const planned = (extra: Record<string, string>) =>
      read({ ...both, 'health-check-paths': paths, ...extra }).health?.services.map(s => [
        s.kind,
        s.checks.map(c => c.url)
      ])
    expect(planned({})).toEqual([
      ['fhir', [`${FHIR_URL}/Patient?_summary=count`]],
      ['dicom', [`${DICOM_URL}/v2/studies`]]
    ])
    const onlyDicom = read({ ...both, 'health-check-paths': 'dicom: studies', 'health-check': 'true' }).health
    expect(onlyDicom?.services.map(s => [s.kind, s.checks.map(c => c.path)])).toEqual([
      ['fhir', ['metadata', 'Patient?_summary=count']],
      ['dicom', ['studies']]
    ])
    expect(read({ ...both, 'health-check-paths': 'dicom: studies' }).health?.services.map(s => s.kind)).toEqual([
      'dicom'
    ])
    // With one service, a prefix naming it is allowed as well as none.
    expect(
      read({ ...OIDC, 'health-check-paths': 'fhir: metadata\nPatient?_summary=count' }).health?.services
    ).toHaveLength(1)
  })

  test('comments may also follow a check, as in the README', () => {
    const paths = [
      'metadata',
      'Patient?_count=1 200',
      'studies?limit=1 200,204   # DICOM answers 204 when nothing matches',
      'Observation?_count=1 403  # prove an identity is denied'
    ].join('\n')
    const health = read({ ...OIDC, 'health-check-paths': paths }).health
    expect(health?.services[0]?.checks.map(c => [c.path, c.expected])).toEqual([
      ['metadata', [200]],
      ['Patient?_count=1', [200]],
      ['studies?limit=1', [200, 204]],
      ['Observation?_count=1', [403]]
    ])
  })

  test('a leading slash keeps the DICOM version; an absolute URL on the same origin reaches outside it', () => {
    const paths = `/changefeed/latest\n${DICOM_URL}/health/check 200,503`
    const health = read({ ...OIDC, 'fhir-url': '', 'dicom-url': DICOM_URL, 'health-check-paths': paths }).health
    expect(health?.services[0]?.checks.map(c => c.url)).toEqual([
      `${DICOM_URL}/v2/changefeed/latest`,
      `${DICOM_URL}/health/check`
    ])
  })

  test.each(['/%2e%2e/admin', 'a/./b', '//attacker.example.com/x', 'meta\\data', 'metadata#x', 'javascript:alert(1)'])(
    'path %s is refused',
    path => {
      expect(inputError({ ...OIDC, 'health-check-paths': path }).input).toBe('health-check-paths')
    }
  )

  test('paths with a bare resource are an error naming health-check-paths', () => {
    const error = inputError({ ...OIDC, 'fhir-url': '', resource: FHIR_URL, 'health-check-paths': 'metadata' })
    expect(error.input).toBe('health-check-paths')
  })

  test.each([
    ['0', 0],
    ['500ms', 500],
    ['90s', 90_000],
    ['90S', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['6h', 21_600_000]
  ])('wait-for-access %s is %d ms', (value, ms) => {
    expect(read({ ...OIDC, 'health-check': 'true', 'wait-for-access': value }).waitForAccessMs).toBe(ms)
  })

  test('health-check-timeout and fail-on-unhealthy are read', () => {
    const health = read({
      ...OIDC,
      'health-check': 'true',
      'health-check-timeout': '250ms',
      'fail-on-unhealthy': 'False'
    }).health
    expect(health?.timeoutMs).toBe(250)
    expect(health?.failOnUnhealthy).toBe(false)
    expect(inputError({ ...OIDC, 'health-check-timeout': '11m' }).input).toBe('health-check-timeout')
  })
})

describe('the Config', () => {
  test('is deeply frozen', () => {
    const config = read({ ...OIDC, 'health-check': 'true' })
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.targets[0])).toBe(true)
    expect(Object.isFrozen(config.signIn)).toBe(true)
    expect(Object.isFrozen(config.health?.services[0]?.checks[0]?.expected)).toBe(true)
    expect(() => {
      ;(config.targets[0] as { resource: string }).resource = 'https://attacker.example.com'
    }).toThrow(TypeError)
  })

  test('makes no request: it is synchronous and reads only its arguments', () => {
    const asked: string[] = []
    const config = readConfig(name => {
      asked.push(name)
      return (OIDC as Record<string, string>)[name] ?? ''
    }, {})
    expect(config).not.toBeInstanceOf(Promise)
    expect(asked).toEqual(expect.arrayContaining(['fhir-url', 'client-id', 'health-check-paths', 'fail-on-unhealthy']))
  })
})

describe('secretInputValues', () => {
  test('nothing to mask without secret inputs', () => {
    expect(secretInputValues(inputsOf(OIDC))).toEqual([])
  })

  test('the client secret, the whole PEM and each of its lines except the BEGIN/END markers', () => {
    const values = secretInputValues(inputsOf({ 'client-secret': SECRET, 'client-certificate': certificatePem }))
    expect(values).toContain(SECRET)
    expect(values).toContain(certificatePem)
    const bodyLines = certificatePem.split('\n').filter(l => !l.startsWith('-----') && l.length >= 8)
    expect(bodyLines.length).toBeGreaterThan(10)
    expect(values).toEqual(expect.arrayContaining(bodyLines))
    const markers = certificatePem.split('\n').filter(l => l.startsWith('-----'))
    expect(markers).toHaveLength(4)
    for (const marker of markers) expect(values).not.toContain(marker)
  })

  test('the creds JSON and its secret, even when the JSON is malformed', () => {
    const creds = `{\n  "clientId": "${CLIENT_ID}",\n  "clientSecret": "${SECRET}",\n  "tenantId": ${TENANT}\n}`
    const values = secretInputValues(inputsOf({ creds }))
    expect(values).toEqual(expect.arrayContaining([creds, SECRET, `"clientSecret": "${SECRET}",`]))
    expect(values).not.toContain('{')
  })

  test('never throws', () => {
    const failing: GetInput = () => {
      throw new Error('input unavailable')
    }
    expect(secretInputValues(failing)).toEqual([])
  })

  test("Config.secrets holds the same values, and a proxy URL's credentials (the token server gets this list)", () => {
    const values = { ...OIDC, 'client-secret': SECRET }
    expect(read(values).secrets).toEqual(secretInputValues(inputsOf(values)))
    const proxied = read(values, { HTTPS_PROXY: 'http://proxyuser:Pr0xy%7Epass@proxy.example:3128' }).secrets
    expect(proxied).toEqual(expect.arrayContaining([SECRET, 'Pr0xy%7Epass', 'Pr0xy~pass']))
  })
})

describe('one-line inputs', () => {
  it.each(['fhir-url', 'resource', 'client-id', 'tenant-id', 'client-secret', 'audience'])(
    '%s refuses a line break or control character, without quoting a secret',
    name => {
      const error = inputError({ ...OIDC, [name]: 'value\n::warning::x\u001b' })
      expect(error.input).toBe(name)
      expect(error.message).toMatch(/line break or control character/)
      if (name === 'client-secret') expect(error.message).not.toContain('value')
    }
  )

  it('lets the multi-line inputs have their lines', () => {
    expect(
      read({ ...OIDC, 'health-check-paths': 'metadata\nPatient?_count=1 200' }).health?.services[0]?.checks
    ).toHaveLength(2)
  })
})

describe('the table of inputs', () => {
  it('holds every input action.yml declares, in its order, and no other', () => {
    const declared = readActionSpec(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')).inputs
    expect(INPUT_NAMES).toEqual(declared.map(input => input.name))
  })

  it('masks exactly the secret inputs', () => {
    const masked = INPUT_NAMES.filter(name => 'mask' in INPUTS[name])
    expect(masked).toEqual(SECRET_INPUTS)
  })
})
