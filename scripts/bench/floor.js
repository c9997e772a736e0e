// The bench's library-free floor: the requests of a GitHub OIDC sign-in with the two default FHIR checks (the GitHub
// token, the Entra ID token, FHIR metadata and Patient?_summary=count), made with node:https alone from the step
// environment the action reads. Not shipped. Plain JavaScript, so that Node starts it as fast as dist/index.js: a .ts
// file would first load Node's type stripper, about 60 ms.
import { Buffer } from 'node:buffer'
import { request } from 'node:https'
import process from 'node:process'
import { URLSearchParams } from 'node:url'

const input = name => process.env[`INPUT_${name.toUpperCase()}`] ?? ''

/** One request; resolves with the status and the body as text. */
function send(url, headers, body) {
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

function expectOk(what, answer) {
  if (answer.status !== 200) throw new Error(`${what} answered ${answer.status}`)
  return answer
}

const authority = input('authority-host') || 'https://login.microsoftonline.com'
const fhir = input('fhir-url')
const github = await send(`${process.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? ''}&audience=api://AzureADTokenExchange`, {
  authorization: `Bearer ${process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? ''}`
})
const form = new URLSearchParams({
  client_id: input('client-id'),
  grant_type: 'client_credentials',
  scope: `${fhir}/.default`,
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: JSON.parse(expectOk('GitHub', github).text).value
})
const entra = await send(`${authority}/${input('tenant-id')}/oauth2/v2.0/token`, {}, form.toString())
const bearer = { authorization: `Bearer ${JSON.parse(expectOk('Entra ID', entra).text).access_token}` }
const checks = await Promise.all(['metadata', 'Patient?_summary=count'].map(path => send(`${fhir}/${path}`, bearer)))
checks.forEach(answer => expectOk('FHIR', answer))
// As the action does: end once the work is done, rather than wait for the agent's idle keep-alive sockets.
process.exit(0)
