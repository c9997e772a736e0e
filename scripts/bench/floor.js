// The bench's library-free floor: the requests of a GitHub OIDC sign-in with the two default FHIR checks (the GitHub
// token, the Entra ID token, FHIR metadata and Patient?_summary=count), made with node:https alone from the step
// environment the action reads. Not shipped. Plain JavaScript, so that Node starts it as fast as dist/index.js: a .ts
// file would first load Node's type stripper, about 60 ms.
import { URLSearchParams } from 'node:url'
import { checkFhirAndExit, expectOk, githubAssertion, input, send } from './floor-requests.js'

const authority = input('authority-host') || 'https://login.microsoftonline.com'
const fhir = input('fhir-url')
const form = new URLSearchParams({
  client_id: input('client-id'),
  grant_type: 'client_credentials',
  scope: `${fhir}/.default`,
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: await githubAssertion()
})
const entra = await send(`${authority}/${input('tenant-id')}/oauth2/v2.0/token`, {}, form.toString())
await checkFhirAndExit(fhir, JSON.parse(expectOk('Entra ID', entra).text).access_token)
