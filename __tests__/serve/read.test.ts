// serve-tokens and serve-resources as readConfig reads them: the served resources in one spelling each, the step's
// own first, and a second token server in one job refused before any sign-in.
import { describe, expect, it } from '@jest/globals'
import { readConfig } from '../../src/config.js'
import { InputError } from '../../src/errors.js'
import { TENANT } from '../support/ids.ts'

const FHIR_URL = 'https://myws-myfhir.fhir.azurehealthcareapis.com'
const OIDC = { 'fhir-url': FHIR_URL, 'client-id': '0b1d5c1e-6f4a-4c1b-9a0e-2f3d4c5b6a79', 'tenant-id': TENANT }
const read = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  readConfig(name => inputs[name] ?? '', env)

describe('serve-tokens', () => {
  it('is off by default', () => {
    expect(read(OIDC).serve).toBeUndefined()
  })

  it('serves the step own resource first, then serve-resources normalised and without repeats', () => {
    const config = read(
      {
        ...OIDC,
        'serve-tokens': 'true',
        'serve-resources': [
          '# the DICOM audience, as a scope',
          'https://dicom.healthcareapis.azure.com/.default',
          'https://myws-mydicom.dicom.azurehealthcareapis.com/v2',
          `${FHIR_URL}/`,
          '',
          'https://management.azure.com/'
        ].join('\n')
      },
      { GITHUB_ACTION: 'token' }
    )
    expect(config.serve).toEqual({
      resources: [FHIR_URL, 'https://dicom.healthcareapis.azure.com', 'https://management.azure.com'],
      step: 'token'
    })
  })

  it('reads the Azure CLI name of Azure Resource Manager as the one resource asked of Entra ID', () => {
    const config = read(
      {
        ...OIDC,
        'serve-tokens': 'true',
        'serve-resources': 'https://management.core.windows.net/\nhttps://management.azure.com'
      },
      { GITHUB_ACTION: 'token' }
    )
    expect(config.serve?.resources).toEqual([FHIR_URL, 'https://management.azure.com'])
  })

  it('warns when IDENTITY_ENDPOINT is already set by the machine', () => {
    const config = read({ ...OIDC, 'serve-tokens': 'true' }, { IDENTITY_ENDPOINT: 'http://169.254.1.1/token' })
    expect(config.warnings.join('\n')).toMatch(/IDENTITY_ENDPOINT was already set/)
  })

  it('refuses a second server in the job, naming the first step and what it serves', () => {
    const marker = JSON.stringify({ step: 'fhir-token', resources: [FHIR_URL] })
    let error: unknown
    try {
      read({ ...OIDC, 'serve-tokens': 'true' }, { AHDS_TOKEN_SERVER: marker })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('serve-tokens')
    expect((error as InputError).message).toContain(`started by step 'fhir-token' for ${FHIR_URL}.`)
    expect((error as InputError).message).toMatch(/add the resources to that step's serve-resources/)
  })

  it('lets a later step without serve-tokens run in a job that has a server', () => {
    const marker = JSON.stringify({ step: 'fhir-token', resources: [FHIR_URL] })
    expect(read(OIDC, { AHDS_TOKEN_SERVER: marker }).serve).toBeUndefined()
  })
})
