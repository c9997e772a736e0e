// The bench's network floor: the library-free floor's requests (floor.js) with every connection that needs no answer
// opened at once, at the start: the ones to Entra ID and to the FHIR service (one per parallel check) are ready when
// GitHub's token arrives, so only the POST and the checks themselves follow GitHub's three round trips. Not shipped;
// plain JavaScript like floor.js.
import {
  FHIR_CHECKS,
  checkFhirAndExit,
  expectOk,
  githubAssertion,
  input,
  open,
  send,
  tokenForm,
  tokenUrl
} from './floor-requests.js'

const fhir = input('fhir-url')
const entraSocket = open(tokenUrl())
const fhirSockets = FHIR_CHECKS.map(() => open(fhir))
const entra = await send(tokenUrl(), {}, tokenForm(fhir, await githubAssertion()), entraSocket)
await checkFhirAndExit(fhir, JSON.parse(expectOk('Entra ID', entra).text).access_token, fhirSockets)
