// Stands in for `jsonwebtoken` in the bundle (tsconfig.json "paths"). MSAL imports it at its top, and evaluating it
// (semver's regular expressions among others) cost about 14 ms of every sign-in, although only a certificate sign-in
// signs a JWT. The real package is a lazy chunk of its own: the certificate method loads it before it signs in.
// `jsonwebtoken/index.js` is the package itself: the "paths" entry maps the bare name only.

/** What MSAL uses of jsonwebtoken (held against its sources by __tests__/repo/bundle.test.ts). */
interface JsonWebToken {
  sign(payload: object, key: unknown, options: object): string
}

let loaded: JsonWebToken | undefined

/** Loads the real jsonwebtoken; a sign-in that signs a JWT awaits this first. */
export async function loadJsonWebToken(): Promise<void> {
  loaded ??= ((await import('jsonwebtoken/index.js')) as { default: JsonWebToken }).default
}

function sign(...args: Parameters<JsonWebToken['sign']>): string {
  if (loaded === undefined) {
    throw new Error('jsonwebtoken is loaded on demand: await loadJsonWebToken() before a sign-in that signs a JWT')
  }
  return loaded.sign(...args)
}

export default { sign }
