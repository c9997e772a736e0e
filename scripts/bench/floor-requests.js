// The requests the bench's three floors share, made with node:https alone from the step environment the action reads:
// the GitHub OIDC token and the two default FHIR checks. Not shipped; plain JavaScript like the floors themselves.
import { Buffer } from 'node:buffer'
import { request } from 'node:https'
import process from 'node:process'
import { connect } from 'node:tls'
import { URL, URLSearchParams } from 'node:url'

/** An input of the step, as the runner passes it. */
export const input = name => process.env[`INPUT_${name.toUpperCase()}`] ?? ''

/** A TLS connection to the origin of `url`, opened now for a request made later (send's `socket`). */
export function open(url) {
  const { hostname, port } = new URL(url)
  // As node:https's own agent does: without it, Nagle holds a request's second write until the first is acknowledged.
  return connect({ host: hostname, port: Number(port || 443), servername: hostname, noDelay: true })
}

/** One request, on `socket` when given (else on a connection of its own); resolves with the status and the body. */
export function send(url, headers, body, socket) {
  const sent = body === undefined ? headers : { ...headers, 'content-type': 'application/x-www-form-urlencoded' }
  // No agent with it: `agent: false` would make a new agent, which ignores createConnection and connects anew. Without
  // an agent the default port is https's no longer, and the Host header would name port 80.
  const on = socket === undefined ? {} : { createConnection: () => socket, defaultPort: 443 }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: body === undefined ? 'GET' : 'POST', headers: sent, ...on }, res => {
      const chunks = []
      res.on('data', chunk => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    // The network floor is only a floor while its requests go on the connections it opened early.
    req.on('socket', used => {
      if (socket !== undefined && used !== socket)
        req.destroy(new Error(`${url}: not sent on the connection opened for it`))
    })
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

/** Entra ID's token endpoint for the step's tenant, at the authority-host input or Microsoft's. */
export function tokenUrl() {
  const authority = input('authority-host') || 'https://login.microsoftonline.com'
  return `${authority}/${input('tenant-id')}/oauth2/v2.0/token`
}

/** The token request's form for the FHIR service's scope, signed in with the GitHub token as client assertion. */
export function tokenForm(fhir, assertion) {
  return new URLSearchParams({
    client_id: input('client-id'),
    grant_type: 'client_credentials',
    scope: `${fhir}/.default`,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion
  }).toString()
}

/** The two default checks' paths: they run at once, each on a connection of its own. */
export const FHIR_CHECKS = ['metadata', 'Patient?_summary=count']

/** FHIR metadata and Patient?_summary=count, at once, with the token (on `sockets` when given); then the end, as the
 *  action ends. */
export async function checkFhirAndExit(fhir, accessToken, sockets = []) {
  const bearer = { authorization: `Bearer ${accessToken}` }
  const checks = await Promise.all(FHIR_CHECKS.map((path, i) => send(`${fhir}/${path}`, bearer, undefined, sockets[i])))
  checks.forEach(answer => expectOk('FHIR', answer))
  // As the action does: end once the work is done, rather than wait for the agent's idle keep-alive sockets.
  process.exit(0)
}
