// How Entra ID authenticates a confidential client at the token endpoint: a client secret, a certificate-signed
// assertion, or a federated assertion (a GitHub, Kubernetes, Azure Pipelines or GitLab token), each failing with
// Entra's own codes.
import { createPublicKey } from 'node:crypto'
import type { JWTPayload } from 'jose'
import { certificateThumbprints } from '../ca.ts'
import type { EmuRequest } from '../http.ts'
import { decodeJwt, hasValidSignature, type SigningKey } from '../jwt.ts'
import { type AppSpec, azurePipelinesIssuer } from '../scenario.ts'
import type { World } from '../world.ts'
import { assertionTime, type EntraError } from './errors.ts'
import { replicated } from './replication.ts'

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const WIF_DOCS = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation'

/** On success, the `appidacr` the token will carry: 1 for a secret, 2 for either kind of assertion. */
export type ClientAuth = { readonly appidacr: '1' | '2' } | { readonly error: EntraError }

const invalidClient = (status: number, code: number, message: string): { error: EntraError } => ({
  error: { status, error: 'invalid_client', code, message }
})

/** Authenticates `app` with the credential in the token request's form. */
export async function authenticateClient(
  world: World,
  req: EmuRequest,
  tenantPath: string,
  app: AppSpec,
  form: URLSearchParams
): Promise<ClientAuth> {
  const secret = form.get('client_secret')
  const assertion = form.get('client_assertion')
  if (secret !== null) return checkSecret(world, app, secret)
  if (assertion !== null && form.get('client_assertion_type') === ASSERTION_TYPE) {
    // Entra tells the two apart the same way: a certificate assertion is issued by the client itself.
    const payload = decodeJwt(assertion)?.payload
    return payload?.iss === app.clientId && payload.sub === app.clientId
      ? checkCertificateAssertion(world, req, tenantPath, app, assertion)
      : checkFederatedAssertion(world, app, assertion)
  }
  return invalidClient(
    401,
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
  )
}

function checkSecret(world: World, app: AppSpec, secret: string): ClientAuth {
  const match = (app.secrets ?? []).find(s => s.value === secret && replicated(world, s))
  if (!match) {
    return invalidClient(
      401,
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`
    )
  }
  if (match.expiresOn !== undefined && Date.parse(match.expiresOn) <= world.now()) {
    return invalidClient(
      401,
      7000222,
      `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`
    )
  }
  return { appidacr: '1' }
}

function timeRangeError(world: World, payload: JWTPayload): EntraError | undefined {
  const now = world.now() / 1000
  const skew = world.scenario.entra.clockSkewSeconds
  const exp = payload.exp
  const nbf = payload.nbf ?? payload.iat
  if (exp !== undefined && now - skew < exp && (nbf === undefined || now + skew >= nbf)) return undefined
  return {
    status: 400,
    error: 'invalid_client',
    code: 700024,
    message: `Client assertion is not within its valid time range. Current time: ${assertionTime(Math.floor(now))}, assertion valid from ${nbf === undefined ? 'unknown' : assertionTime(nbf)}, expiry time of assertion ${exp === undefined ? 'unknown' : assertionTime(exp)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`
  }
}

async function checkCertificateAssertion(
  world: World,
  req: EmuRequest,
  tenantPath: string,
  app: AppSpec,
  assertion: string
): Promise<ClientAuth> {
  const decoded = decodeJwt(assertion)
  if (!decoded) return invalidClient(400, 50027, 'JWT token is invalid or malformed.')
  const x5t = typeof decoded.header.x5t === 'string' ? decoded.header.x5t : undefined
  const x5tS256 = typeof decoded.header['x5t#S256'] === 'string' ? decoded.header['x5t#S256'] : undefined
  const registered = (app.certificates ?? []).flatMap(c => (c.pem ? [c.pem] : []))
  const cert = registered.find(pem => {
    const t = certificateThumbprints(pem)
    return (x5t !== undefined && t.x5t === x5t) || (x5tS256 !== undefined && t.x5tS256 === x5tS256)
  })
  const thumbprint = x5tS256 ?? x5t ?? ''
  const notRegistered = (reason: string): ClientAuth =>
    invalidClient(
      401,
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - ${reason}, Thumbprint of key used by client: '${Buffer.from(thumbprint, 'base64url').toString('hex').toUpperCase()}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments if you are using national clouds.]`
    )
  if (!cert) return notRegistered('The key was not found.')
  if (!(await hasValidSignature(assertion, createPublicKey(cert)))) {
    return notRegistered('The key was found, but use of the key to verify the signature failed.')
  }
  const timeError = timeRangeError(world, decoded.payload)
  if (timeError) return { error: timeError }
  const audiences = [decoded.payload.aud].flat()
  const accepted = new Set(
    [tenantPath, app.tenantId]
      .flatMap(t => [`${req.origin}/${t}/oauth2/v2.0/token`, `${req.origin}/${t}/oauth2/token`])
      .map(a => a.toLowerCase())
  )
  if (!audiences.some(a => a !== undefined && accepted.has(a.toLowerCase()))) {
    // Entra's exact code for this case is unverified; 50027 is its generic invalid-assertion answer.
    return invalidClient(
      400,
      50027,
      'JWT token is invalid or malformed. [Reason - The audience does not match the token endpoint.]'
    )
  }
  return { appidacr: '2' }
}

/** Entra ID checks a federated assertion with the keys its issuer publishes: the cluster's, Azure DevOps', GitLab's,
 *  or else GitHub's. */
function issuerKey(world: World, iss: string | undefined): SigningKey {
  const { scenario } = world
  if (iss === scenario.kubernetes.issuer) return world.serviceAccountKey
  if (iss === azurePipelinesIssuer(scenario.azurePipelines)) return world.azureDevOpsKey
  if (iss === scenario.gitlab.issuer) return world.gitlabKey
  return world.githubKey
}

async function checkFederatedAssertion(world: World, app: AppSpec, assertion: string): Promise<ClientAuth> {
  const decoded = decodeJwt(assertion)
  if (!decoded) return invalidClient(400, 50027, 'JWT token is invalid or malformed.')
  if (!(await hasValidSignature(assertion, issuerKey(world, decoded.payload.iss).publicKey))) {
    return invalidClient(401, 50013, 'Assertion failed signature validation. [Reason - The key was not found.]')
  }
  const timeError = timeRangeError(world, decoded.payload)
  if (timeError) return { error: timeError }

  const iss = decoded.payload.iss ?? ''
  const sub = decoded.payload.sub ?? ''
  const audiences = [decoded.payload.aud ?? []].flat()
  const credentials = (app.federatedCredentials ?? []).filter(c => replicated(world, c))
  const byIssuer = credentials.filter(c => c.issuer === iss)
  const bySubject = byIssuer.filter(c => c.subject === sub)
  if (bySubject.some(c => c.audiences.some(a => audiences.includes(a)))) return { appidacr: '2' }

  const legacy = world.scenario.entra.federatedErrors === 'legacy'
  const check = 'Check your federated identity credential Subject, Audience and Issuer against the presented assertion.'
  const fail = (code: number, message: string): ClientAuth => ({
    error: { status: 400, error: code === 70021 ? 'invalid_request' : 'invalid_client', code, message }
  })
  if (bySubject.length === 0 && byIssuer.some(c => c.subject.toLowerCase() === sub.toLowerCase())) {
    return fail(
      7002138,
      `No matching federated identity record found for presented assertion subject '${sub}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison. ${check} See documentation at: ${WIF_DOCS}.`
    )
  }
  if (legacy) {
    return fail(
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${audiences.join(',')}'. ${WIF_DOCS}`
    )
  }
  if (byIssuer.length === 0) {
    return fail(
      700211,
      `No matching federated identity record found for presented assertion issuer '${iss}'. ${check} ${WIF_DOCS}`
    )
  }
  if (bySubject.length === 0) {
    return fail(
      700213,
      `No matching federated identity record found for presented assertion subject '${sub}'. ${check} ${WIF_DOCS}`
    )
  }
  return fail(
    700212,
    `No matching federated identity record found for presented assertion audience '${audiences.join(',')}'. ${check} ${WIF_DOCS}`
  )
}
