import { authorityHostFor, isMicrosoftAuthorityHost, parseCloud } from '../../src/target/clouds.js'
import { DICOM_RESOURCE, looksLikeApiVersion, parseDicomApiVersion } from '../../src/target/services/dicom.js'
import { fhirResourceFor } from '../../src/target/services/fhir.js'
import {
  classifyServiceHost,
  cloudMismatchWarning,
  isHealthServiceResource
} from '../../src/target/services/registry.js'

test('the DICOM resource is the one fixed audience of every DICOM service', () => {
  expect(DICOM_RESOURCE).toBe('https://dicom.healthcareapis.azure.com')
})

test.each([
  ['AzureCloud', 'AzureCloud'],
  ['azurecloud', 'AzureCloud'],
  [' AZUREUSGOVERNMENT ', 'AzureUSGovernment'],
  ['AzureChinaCloud', 'AzureChinaCloud'],
  ['AzureGermanCloud', undefined],
  ['', undefined]
])('parseCloud(%j) is %s', (value, cloud) => {
  expect(parseCloud(value)).toBe(cloud)
})

test.each([
  ['AzureCloud', 'https://login.microsoftonline.com'],
  ['AzureUSGovernment', 'https://login.microsoftonline.us'],
  ['AzureChinaCloud', 'https://login.chinacloudapi.cn']
] as const)('the sign-in host of %s is %s', (cloud, host) => {
  expect(authorityHostFor(cloud)).toBe(host)
  expect(isMicrosoftAuthorityHost(host)).toBe(true)
})

test.each([
  ['https://login.windows.net', true],
  ['https://LOGIN.MICROSOFTONLINE.COM/', true],
  ['https://login.microsoftonline.com:443', true],
  ['https://login.microsoftonline.com:8443', false],
  ['http://login.microsoftonline.com', false],
  ['https://login.microsoftonline.com.attacker.example', false],
  ['https://127.0.0.1:8443', false],
  ['https://login.emulator.test', false],
  ['not a url', false]
])('isMicrosoftAuthorityHost(%s) is %s', (host, known) => {
  expect(isMicrosoftAuthorityHost(host)).toBe(known)
})

test.each([
  ['https://ws-f.fhir.azurehealthcareapis.com/', 'https://ws-f.fhir.azurehealthcareapis.com'],
  ['https://ws-f.fhir.azurehealthcareapis.com/r4/Patient', 'https://ws-f.fhir.azurehealthcareapis.com'],
  ['https://FHIR.Contoso.example:443/base', 'https://fhir.contoso.example'],
  ['https://127.0.0.1:8443/fhir', 'https://127.0.0.1:8443']
])('fhirResourceFor(%s) is the origin %s', (url, resource) => {
  expect(fhirResourceFor(new URL(url))).toBe(resource)
})

test.each([
  ['ws-f.fhir.azurehealthcareapis.com', { kind: 'fhir', cloud: 'AzureCloud' }],
  ['WS-D.DICOM.AZUREHEALTHCAREAPIS.COM', { kind: 'dicom', cloud: 'AzureCloud' }],
  ['legacy.azurehealthcareapis.com', { kind: 'fhir', cloud: 'AzureCloud' }],
  ['ws-f.fhir.azurehealthcareapis.us', { kind: 'fhir', cloud: 'AzureUSGovernment' }],
  ['ws-d.dicom.azurehealthcareapis.us', { kind: 'dicom', cloud: 'AzureUSGovernment' }],
  ['azurehealthcareapis.com', undefined],
  ['fhir.contoso.example', undefined],
  ['evil-azurehealthcareapis.com', undefined]
])('classifyServiceHost(%s) is %j', (host, expected) => {
  expect(classifyServiceHost(host)).toEqual(expected)
})

test.each([
  ['v1', 'v1'],
  ['V2', 'v2'],
  ['v1.0-prerelease', 'v1.0-prerelease'],
  ['v3', undefined],
  ['v1.0', undefined],
  ['studies', undefined]
])('parseDicomApiVersion(%s) is %s', (segment, version) => {
  expect(parseDicomApiVersion(segment)).toBe(version)
})

test.each([
  ['v3', true],
  ['v1.1', true],
  ['v2-beta', true],
  ['V10', true],
  ['studies', false],
  ['vault', false],
  ['v', false]
])('looksLikeApiVersion(%s) is %s', (segment, looks) => {
  expect(looksLikeApiVersion(segment)).toBe(looks)
})

test.each([
  ['https://ws-f.fhir.azurehealthcareapis.com/', true],
  ['https://dicom.healthcareapis.azure.com/', true],
  ['https://management.azure.com/', false],
  ['api://0b1d5c1e-6f4a-4c1b-9a0e-2f3d4c5b6a79', false],
  ['not a url', false]
])('isHealthServiceResource(%s) is %s', (resource, isService) => {
  expect(isHealthServiceResource(resource)).toBe(isService)
})

test('cloudMismatchWarning names the cloud the host belongs to, and only when it differs', () => {
  const warning = cloudMismatchWarning('fhir-url', 'ws-f.fhir.azurehealthcareapis.us', 'AzureCloud')
  expect(warning).toContain('fhir-url')
  expect(warning).toContain('environment: AzureUSGovernment')
  expect(cloudMismatchWarning('fhir-url', 'ws-f.fhir.azurehealthcareapis.us', 'AzureUSGovernment')).toBeUndefined()
  expect(cloudMismatchWarning('fhir-url', 'fhir.contoso.example', 'AzureChinaCloud')).toBeUndefined()
})
