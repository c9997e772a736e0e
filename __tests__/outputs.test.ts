import { describe, expect, it } from '@jest/globals'
import { describeSignIn } from '../src/outputs.js'
import type { IssuedToken } from '../src/token.js'
import { CONTROL_CHARACTERS } from '../src/values.js'

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

  it('stays one line without control characters whatever the resource holds', () => {
    const line = describeSignIn(issued('https://x.test/a\n::warning::injected\r\u2028\u001b[31m\u007f'))
    expect(CONTROL_CHARACTERS.test(line)).toBe(false)
    expect(line).toContain('token for https://x.test/a ::warning::injected')
  })
})
