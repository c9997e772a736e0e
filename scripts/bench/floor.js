// The bench's library-free floor: the requests of a GitHub OIDC sign-in with the two default FHIR checks (the GitHub
// token, the Entra ID token, FHIR metadata and Patient?_summary=count), made with node:https alone from the step
// environment the action reads. Not shipped. Plain JavaScript, so that Node starts it as fast as dist/index.js: a .ts
// file would first load Node's type stripper, about 60 ms.
import { checkFhirAndExit, expectOk, githubAssertion, input, send, tokenForm, tokenUrl } from './floor-requests.js'

const fhir = input('fhir-url')
const entra = await send(tokenUrl(), {}, tokenForm(fhir, await githubAssertion()))
await checkFhirAndExit(fhir, JSON.parse(expectOk('Entra ID', entra).text).access_token)
