// Certificates made at start-up so that no private key is ever committed: a CA, one TLS leaf for every name the
// emulator answers for, and self-signed client certificates for certificate sign-in.
import { createHash, webcrypto } from 'node:crypto'
import type { JsonGeneralName } from '@peculiar/x509'
import 'reflect-metadata'

// Loaded after the Reflect polyfill has run: a static import may be evaluated first (Jest links CommonJS eagerly).
const x509 = await import('@peculiar/x509')

x509.cryptoProvider.set(webcrypto as never)

interface KeyPair {
  readonly publicKey: webcrypto.CryptoKey
  readonly privateKey: webcrypto.CryptoKey
}

const ecAlgorithm = { name: 'ECDSA', namedCurve: 'P-256' }
const ecSigning = { name: 'ECDSA', hash: 'SHA-256' }
const rsaAlgorithm = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256'
}
const DAY_MS = 86_400_000

export interface IssuedCertificate {
  readonly certPem: string
  readonly keyPem: string
}

export interface CertificateAuthority {
  readonly certPem: string
  issueServerCertificate(dnsNames: readonly string[], ipAddresses: readonly string[]): Promise<IssuedCertificate>
}

export interface ClientCertificate extends IssuedCertificate {
  /** SHA-1 thumbprint, base64url: the `x5t` header of an assertion signed with this certificate. */
  readonly x5t: string
  /** SHA-256 thumbprint, base64url: the `x5t#S256` header. */
  readonly x5tS256: string
}

function randomSerial(): string {
  // A positive serial: clear the top bit.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16))
  bytes[0] = (bytes[0] ?? 0) & 0x7f
  return Buffer.from(bytes).toString('hex')
}

async function keyToPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key)
  return x509.PemConverter.encode(der, 'PRIVATE KEY')
}

function validity(): { notBefore: Date; notAfter: Date } {
  const now = Date.now()
  // Back-dated an hour so small clock differences between processes do not matter.
  return { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 30 * DAY_MS) }
}

export async function createCertificateAuthority(
  commonName = 'Health Data Services Emulator CA'
): Promise<CertificateAuthority> {
  const keys = (await webcrypto.subtle.generateKey(ecAlgorithm, false, ['sign', 'verify'])) as KeyPair
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${commonName}`,
    ...validity(),
    signingAlgorithm: ecSigning,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)
    ]
  })
  const caPem = caCert.toString('pem')

  return {
    certPem: caPem,
    async issueServerCertificate(dnsNames, ipAddresses) {
      const leafKeys = (await webcrypto.subtle.generateKey(ecAlgorithm, true, ['sign', 'verify'])) as KeyPair
      const names: JsonGeneralName[] = [
        ...dnsNames.map(value => ({ type: 'dns' as const, value })),
        ...ipAddresses.map(value => ({ type: 'ip' as const, value }))
      ]
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: randomSerial(),
        subject: `CN=${dnsNames[0] ?? 'localhost'}`,
        issuer: caCert.subject,
        ...validity(),
        signingAlgorithm: ecSigning,
        publicKey: leafKeys.publicKey,
        signingKey: keys.privateKey,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
          new x509.SubjectAlternativeNameExtension(names, false),
          await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
          await x509.AuthorityKeyIdentifierExtension.create(caCert)
        ]
      })
      return { certPem: leaf.toString('pem'), keyPem: await keyToPem(leafKeys.privateKey) }
    }
  }
}

/**
 * A self-signed certificate an application registers for certificate sign-in: RSA 2048 by default; another key
 * (EC, or RSA of another size) makes one Microsoft Entra ID refuses, for the tests of the offline check.
 */
export async function createClientCertificate(
  commonName: string,
  key: { readonly rsaBits: number } | 'ec' = { rsaBits: 2048 }
): Promise<ClientCertificate> {
  const algorithm = key === 'ec' ? ecAlgorithm : { ...rsaAlgorithm, modulusLength: key.rsaBits }
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as KeyPair
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${commonName}`,
    ...validity(),
    signingAlgorithm: key === 'ec' ? ecSigning : rsaAlgorithm,
    keys,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)]
  })
  const thumbprints = certificateThumbprints(cert.toString('pem'))
  return { certPem: cert.toString('pem'), keyPem: await keyToPem(keys.privateKey), ...thumbprints }
}

/** The base64url SHA-1 and SHA-256 thumbprints of a PEM certificate, as they appear in `x5t` and `x5t#S256`. */
export function certificateThumbprints(certPem: string): { x5t: string; x5tS256: string } {
  const der = Buffer.from(new x509.X509Certificate(certPem).rawData)
  return {
    x5t: createHash('sha1').update(der).digest('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url')
  }
}
