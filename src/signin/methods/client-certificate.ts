// A certificate uploaded to the app registration: the PEM with its private key signs the client assertion.

import { type KeyObject, X509Certificate, createPrivateKey } from 'node:crypto'
import { InputError } from '../../errors.js'
import { unescapePem } from '../../lib/pem.js'
import { loadJsonWebToken } from '../jsonwebtoken-on-demand.js'
import { requireClientId, requireTenantId } from '../sign-in-inputs.js'
import type { SignInMethod } from '../method.js'
import { entraOptions, entraTokenEndpoint } from '../pipeline.js'

export interface ClientCertificateSignIn {
  readonly type: 'client-certificate'
  readonly clientId: string
  readonly tenantId: string
  readonly certificatePem: string
}

export const clientCertificate: SignInMethod<ClientCertificateSignIn> = {
  type: 'client-certificate',
  postsToAuthority: true,
  uses: ['certificate', 'clientId', 'tenantId'],
  help: () => 'a certificate: client-id, tenant-id and client-certificate',
  read(inputs, { warnings }) {
    const type = 'client-certificate'
    if (inputs.certificate === '') {
      throw new InputError(
        'client-certificate',
        'is empty: set client-certificate to the PEM holding the private key and the certificate.'
      )
    }
    const clientId = requireClientId(inputs, type)
    const tenantId = requireTenantId(inputs, type)
    const certificatePem = readCertificate(inputs.certificate, warnings)
    return { signIn: { type, clientId, tenantId, certificatePem } }
  },
  endpoint: (signIn, authorityHost) => entraTokenEndpoint(authorityHost, signIn.tenantId),
  async credential(signIn, { authorityHost, limits, state, agentFor }) {
    // The only sign-in that signs a JWT: MSAL's jsonwebtoken is loaded for it alone.
    const [{ ClientCertificateCredential }] = await Promise.all([import('../identity.js'), loadJsonWebToken()])
    return new ClientCertificateCredential(
      signIn.tenantId,
      signIn.clientId,
      { certificate: signIn.certificatePem },
      entraOptions(authorityHost, limits, state, agentFor)
    )
  }
}

/** RSA keys shorter than this are refused by Microsoft Entra ID (and by the library before it asks). */
const MIN_RSA_BITS = 2048

/**
 * Microsoft Entra ID takes client assertions signed with RSA keys of at least 2048 bits (RS256, PS256): an EC key,
 * or a shorter RSA one, would fail only after a request, with a library message. Refused here, offline.
 */
function refuseKeyEntraRefuses(key: KeyObject, input: string): void {
  const create = `create an RSA key of at least ${MIN_RSA_BITS} bits and its certificate (e.g. openssl req -x509 -newkey rsa:${MIN_RSA_BITS} -nodes -keyout key.pem -out cert.pem), upload the certificate to the app registration, and give both`
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') {
    throw new InputError(
      input,
      `has a ${key.asymmetricKeyType ?? 'non-RSA'} private key: Microsoft Entra ID accepts only RSA keys for a client certificate; ${create}.`
    )
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
  if (bits < MIN_RSA_BITS) {
    throw new InputError(
      input,
      `has a ${bits}-bit RSA key: Microsoft Entra ID needs at least ${MIN_RSA_BITS} bits; ${create}.`
    )
  }
}

/**
 * The PEM as the credential will read it: a private key that parses and the certificate that matches it (first).
 * Nothing from the PEM, nor the parser's message, is put in an error.
 */
function readCertificate(value: string, warnings: string[]): string {
  const pem = unescapePem(value)
  const input = 'client-certificate'
  const keyBlock = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/.exec(pem)
  if (keyBlock === null) {
    throw new InputError(
      input,
      'holds no private key (-----BEGIN PRIVATE KEY-----): give one PEM with the private key and the certificate, ' +
        'e.g. from openssl pkcs12 -in cert.pfx -nodes.'
    )
  }
  if (keyBlock[1] === 'ENCRYPTED PRIVATE KEY') {
    throw new InputError(
      input,
      'holds an encrypted private key and there is no password input: export the key unencrypted ' +
        '(openssl pkey -in key.pem) and keep the PEM in a secret.'
    )
  }
  const certBlock = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(pem)
  if (certBlock === null) {
    throw new InputError(
      input,
      'holds no certificate (-----BEGIN CERTIFICATE-----): add the certificate uploaded to the app registration.'
    )
  }
  let key
  try {
    key = createPrivateKey(keyBlock[0])
  } catch {
    throw new InputError(input, 'has a private key that cannot be read: check the PEM was copied whole.')
  }
  refuseKeyEntraRefuses(key, input)
  let certificate
  try {
    certificate = new X509Certificate(certBlock[0])
  } catch {
    throw new InputError(input, 'has a certificate that cannot be read: check the PEM was copied whole.')
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new InputError(
      input,
      'has a first certificate that does not match the private key: put the certificate of this key first.'
    )
  }
  const now = Date.now()
  const validTo = new Date(certificate.validTo)
  if (validTo.getTime() < now) {
    warnings.push(
      `client-certificate expired on ${validTo.toISOString()}: sign-in will likely fail. Upload a new certificate.`
    )
  } else if (new Date(certificate.validFrom).getTime() > now) {
    warnings.push('client-certificate is not valid yet: sign-in will likely fail until it is.')
  }
  return pem
}
