// The bench's network floor: the library-free floor's requests (floor.js) with every connection that needs no answer
// opened at once, at the start: the ones to Entra ID and to the FHIR service (one per parallel check) are ready when
// GitHub's token arrives, so only the POST and the checks themselves follow GitHub's three round trips. Not shipped;
// plain JavaScript like floor.js.
import { URLSearchParams } from 'node:url'
import { FHIR_CHECKS, checkFhirAndExit, expectOk, githubAssertion, input, open, send } from './floor-requests.js'

const authority = input('authority-host') || 'https://login.microsoftonline.com'
const fhir = input('fhir-url')
const tokenUrl = `${authority}/${input('tenant-id')}/oauth2/v2.0/token`
const entraSocket = open(tokenUrl)
const fhirSockets = FHIR_CHECKS.map(() => open(fhir))
const form = new URLSearchParams({
  client_id: input('client-id'),
  grant_type: 'client_credentials',
  scope: `${fhir}/.default`,
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: await githubAssertion()
})
const entra = await send(tokenUrl, {}, form.toString(), entraSocket)
await checkFhirAndExit(fhir, JSON.parse(expectOk('Entra ID', entra).text).access_token, fhirSockets)
