// The requests the bench's two floors share, made with node:https alone from the step environment the action reads:
// the GitHub OIDC token and the two default FHIR checks. Not shipped; plain JavaScript like the floors themselves.
import { Buffer } from 'node:buffer'
import { request } from 'node:https'
import process from 'node:process'

/** An input of the step, as the runner passes it. */
export const input = name => process.env[`INPUT_${name.toUpperCase()}`] ?? ''

/** One request; resolves with the status and the body as text. */
export function send(url, headers, body) {
  const sent = body === undefined ? headers : { ...headers, 'content-type': 'application/x-www-form-urlencoded' }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: body === undefined ? 'GET' : 'POST', headers: sent }, res => {
      const chunks = []
      res.on('data', chunk => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

export function expectOk(what, answer) {
  if (answer.status !== 200) throw new Error(`${what} answered ${answer.status}`)
  return answer
}

/** The GitHub OIDC token for Entra ID's audience. */
export async function githubAssertion() {
  const answer = await send(`${process.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? ''}&audience=api://AzureADTokenExchange`, {
    authorization: `Bearer ${process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? ''}`
  })
  return JSON.parse(expectOk('GitHub', answer).text).value
}

/** FHIR metadata and Patient?_summary=count, at once, with the token; then the end, as the action ends. */
export async function checkFhirAndExit(fhir, accessToken) {
  const bearer = { authorization: `Bearer ${accessToken}` }
  const checks = await Promise.all(['metadata', 'Patient?_summary=count'].map(path => send(`${fhir}/${path}`, bearer)))
  checks.forEach(answer => expectOk('FHIR', answer))
  // As the action does: end once the work is done, rather than wait for the agent's idle keep-alive sockets.
  process.exit(0)
}
