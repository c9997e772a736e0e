import { describe, expect, it } from '@jest/globals'
import { describeSignIn } from '../../src/report/outputs.js'
import type { IssuedToken } from '../../src/signin/issued-token.js'

const TOKEN = 'eyJ0eXAiOiJKV1QifQ.secret-token-value.sig'
const OID = 'c4a1e7d2-3b5f-4a68-9e0d-1f2a3b4c5d6e'

function issued(resource: string): IssuedToken {
  return {
    token: TOKEN,
    expiresOn: new Date('2030-01-01T00:00:00Z'),
    resource,
    claims: { oid: OID },
    signInMethod: 'oidc'
  }
}

describe('describeSignIn', () => {
  it('says who signed in, for what and until when, never the token', () => {
    const line = describeSignIn(issued('https://ws-fhir.fhir.azurehealthcareapis.com'))
    expect(line).toBe(
      'Signed in with oidc: token for https://ws-fhir.fhir.azurehealthcareapis.com ' +
        `(app ID unknown, object ID ${OID}, tenant unknown), expires 2030-01-01T00:00:00.000Z`
    )
    expect(line).not.toContain(TOKEN)
  })
})
