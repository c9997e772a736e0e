// The token server's counts: answers, renewals and failures per resource, refusals by status, each kind of failure
// kept once with how often it happened; and the summary's HTML, with every value escaped.
import { describe, expect, it } from '@jest/globals'
import {
  countAnswer,
  countFailure,
  countRefusal,
  newReport,
  parseReport,
  renderServeSummary,
  reportLines
} from '../../src/serve/report.js'

const FHIR = 'https://myws-myfhir.fhir.azurehealthcareapis.com'
const start = new Date('2026-12-01T10:00:00Z')
const fresh = () => newReport([FHIR], 4242, start, new Date(start.getTime() + 1000))

describe('the report', () => {
  it('counts answers and renewals per resource, and refusals by status and reason, most frequent first', () => {
    const report = fresh()
    countAnswer(report, FHIR, true)
    countAnswer(report, FHIR, false)
    countAnswer(report, 'https://not.served.example', true)
    countRefusal(report, 403, 'another user')
    countRefusal(report, 401, 'no or wrong X-IDENTITY-HEADER')
    countRefusal(report, 401, 'no or wrong X-IDENTITY-HEADER')
    countRefusal(report, 503, 'too many connections')
    expect(reportLines(report)).toEqual([
      `Token server: 2 answers for ${FHIR} (1 renewal, 0 failures)`,
      'Token server: refused 2 requests with 401 (no or wrong X-IDENTITY-HEADER), 1 request with 403 (another user), ' +
        '1 request with 503 (too many connections)'
    ])
  })

  it('keeps each kind of failure once, however its trace IDs differ', () => {
    const report = fresh()
    const first = 'Microsoft Entra ID refused the sign-in: AADSTS700211.\nTrace ID: 1'
    expect(countFailure(report, FHIR, 'Sign-in refused (AADSTS700211)', first)).toBe(true)
    expect(
      countFailure(report, FHIR, 'Sign-in refused (AADSTS700211)', first.replace('Trace ID: 1', 'Trace ID: 2'))
    ).toBe(false)
    expect(countFailure(report, FHIR, 'Sign-in timed out', 'the token endpoint did not answer')).toBe(true)
    expect(report.failures.map(f => [f.title, f.count])).toEqual([
      ['Sign-in refused (AADSTS700211)', 2],
      ['Sign-in timed out', 1]
    ])
    expect(report.resources[FHIR]?.failures).toBe(3)
  })

  it('escapes every value in the summary', () => {
    const report = newReport(['https://x.example/<script>|'], 1, start, start)
    const html = renderServeSummary(report)
    expect(html).toContain('https://x.example/&lt;script&gt;&#124;')
    expect(html).not.toContain('<script>')
  })

  it('reads back only a report', () => {
    expect(parseReport(JSON.stringify(fresh()))?.pid).toBe(4242)
    expect(parseReport('{"pid":"x"}')).toBeUndefined()
    expect(parseReport('not json')).toBeUndefined()
  })
})
