// The bench's identity-library floor: the library-free floor's requests, with the Entra ID token asked for through
// @azure/identity's ClientAssertionCredential instead of by hand, and nothing else (no inputs read, no outputs, no
// @actions/core). library-floor-bundle.ts bundles it into one file with the seven credentials the action signs in
// with, the way the action's own bundle holds them. Not shipped. It shows how much of the distance between the action
// and the library-free floor is the identity library's own.
import {
  AzureCliCredential,
  AzurePowerShellCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential
} from '@azure/identity'
import { isMicrosoftAuthorityHost } from '../../src/target/clouds.ts'
import { checkFhirAndExit, githubAssertion, input } from './floor-requests.js'

/** Kept in the bundle, as the action's bundle keeps every method's credential. */
export const credentials = [
  AzureCliCredential,
  AzurePowerShellCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential
]

async function main() {
  const fhir = input('fhir-url')
  const github = githubAssertion()
  // As the action does for a sign-in host that is not Microsoft's (the emulator's): no instance discovery.
  const authorityHost = input('authority-host') || 'https://login.microsoftonline.com'
  const credential = new ClientAssertionCredential(input('tenant-id'), input('client-id'), () => github, {
    authorityHost,
    disableInstanceDiscovery: !isMicrosoftAuthorityHost(authorityHost)
  })
  // As the action does (src/signin/form-data-unread.ts): reading the lazy global would load Node's own undici.
  delete globalThis.FormData
  const token = await credential.getToken(`${fhir}/.default`)
  await checkFhirAndExit(fhir, token.token)
}

void main()
