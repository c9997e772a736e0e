// What of an error answer a failed check shows: its structure (codes, FHIRPath) and the services' known fixed texts,
// never other free text, which FHIR and DICOM services fill with resource content and tag values.
import { describe, expect, it } from '@jest/globals'
import { WITHHELD_NOTE, errorDiagnostics } from '../../src/health/diagnostics.js'
import { knownText } from '../../src/health/known-texts.js'

const CHECK = 'https://ws-fhir.fhir.azurehealthcareapis.com/Patient?_cout=1&name:exactly=x'
const READ = 'https://ws-fhir.fhir.azurehealthcareapis.com/Patient/pat-404'
/** Patient data as a FHIR server's validation error quotes it. */
const PHI =
  'Failed to parse database resource [Patient/pat-1]: Invalid attribute value "1917-03-29" for Patient.name[0] "Peter-Qzphimark7"'

const outcome = (...issue: unknown[]): string => JSON.stringify({ resourceType: 'OperationOutcome', issue })
const answer = (body: string, contentType = 'application/fhir+json', status = 500) => ({
  status,
  body,
  contentType,
  length: Buffer.byteLength(body)
})

interface Case {
  readonly name: string
  readonly body: string
  readonly contentType?: string
  readonly url?: string
  /** The text shown (WITHHELD_NOTE follows whenever free text was withheld). */
  readonly shown: string
  readonly withheld: boolean
  readonly parameters?: readonly string[]
}

const cases: readonly Case[] = [
  {
    name: 'an issue with patient data in diagnostics: its code and severity, the diagnostics withheld with its length',
    body: outcome({ severity: 'error', code: 'exception', diagnostics: PHI }),
    shown: `exception (error): diagnostics withheld (${String(PHI.length)} characters)`,
    withheld: true
  },
  {
    name: 'details.coding codes and a FHIRPath expression shown, details.text withheld',
    body: outcome({
      severity: 'error',
      code: 'invalid',
      details: { coding: [{ system: 'http://x', code: 'MSG_PARAM_INVALID' }], text: 'Peter-Qzphimark7 is invalid' },
      expression: ['Patient.name[0].given[1]'],
      location: ['Patient.name[0].given[1]']
    }),
    shown: 'invalid (error) [MSG_PARAM_INVALID] at Patient.name[0].given[1]: details.text withheld (27 characters)',
    withheld: true
  },
  {
    name: 'a FHIRPath that quotes a value is withheld, one with a type argument is not',
    body: outcome({
      code: 'invalid',
      expression: ["Patient.name.where(family='Qzphimark7')", 'Observation.value.ofType(Quantity)']
    }),
    shown: 'invalid at (a path withheld, 39 characters), Observation.value.ofType(Quantity)',
    withheld: true
  },
  {
    name: 'a code that is not shaped as one (free text in its place) is withheld',
    body: outcome({ severity: 'bogus', code: 'Patient Peter-Qzphimark7 born 1917-03-29' }),
    shown: '(a code withheld, 40 characters)',
    withheld: true
  },
  {
    name: 'a known fixed text is quoted',
    body: outcome({ severity: 'error', code: 'forbidden', diagnostics: 'Authorization failed.' }),
    shown: 'forbidden (error): Authorization failed.',
    withheld: false
  },
  {
    name: 'the throttling text is quoted',
    body: outcome({
      severity: 'error',
      code: 'throttled',
      diagnostics: 'The maximum number of concurrent API calls on this instance was reached.'
    }),
    shown: 'throttled (error): The maximum number of concurrent API calls on this instance was reached.',
    withheld: false
  },
  {
    name: "the not-supported text naming the check's own parameters is quoted, and the parameters named",
    body: outcome(
      {
        severity: 'error',
        code: 'not-supported',
        diagnostics: "The search parameter '_cout' is not supported for resource type 'Patient'."
      },
      {
        severity: 'error',
        code: 'not-supported',
        diagnostics: "The search parameter 'name:exactly' is not supported for resource type 'Patient'."
      }
    ),
    shown:
      "not-supported (error): The search parameter '_cout' is not supported for resource type 'Patient'.; " +
      "not-supported (error): The search parameter 'name:exactly' is not supported for resource type 'Patient'.",
    withheld: false,
    parameters: ['_cout', 'name:exactly']
  },
  {
    name: 'the not-supported text naming a parameter the check does not have is withheld',
    body: outcome({
      code: 'not-supported',
      diagnostics: "The search parameter 'Qzphimark7' is not supported for resource type 'Patient'."
    }),
    shown: 'not-supported: diagnostics withheld (79 characters)',
    withheld: true
  },
  {
    name: 'the not-supported text with something other than a resource type name is withheld',
    body: outcome({
      code: 'not-supported',
      diagnostics: "The search parameter '_cout' is not supported for resource type 'Peter Qzphimark7'."
    }),
    shown: 'not-supported: diagnostics withheld (83 characters)',
    withheld: true
  },
  {
    name: "the not-found text for the check's own type and id is quoted",
    url: READ,
    body: outcome({
      severity: 'error',
      code: 'not-found',
      diagnostics: "Resource type 'Patient' with id 'pat-404' couldn't be found."
    }),
    shown: "not-found (error): Resource type 'Patient' with id 'pat-404' couldn't be found.",
    withheld: false
  },
  {
    name: 'the not-found text for another id is withheld',
    url: READ,
    body: outcome({ code: 'not-found', diagnostics: "Resource type 'Patient' with id 'pat-1' couldn't be found." }),
    shown: 'not-found: diagnostics withheld (58 characters)',
    withheld: true
  },
  {
    name: 'more than five issues: five shown, the rest counted',
    body: outcome(...Array.from({ length: 7 }, () => ({ code: 'invalid' }))),
    shown: 'invalid; invalid; invalid; invalid; invalid; and 2 more',
    withheld: false
  },
  {
    name: "a JSON error with patient data in its message: the code, the message's length",
    body: JSON.stringify({
      error: { code: 'ValidationFailed', message: "DICOM100: (0010,0010) PatientName 'Qzphimark7^Peter' is invalid" }
    }),
    contentType: 'application/json',
    shown: 'ValidationFailed: message withheld (63 characters)',
    withheld: true
  },
  {
    name: 'a JSON error with a known message',
    body: JSON.stringify({ error: { code: 'Forbidden', message: 'Authorization failed.' } }),
    contentType: 'application/json',
    shown: 'Forbidden: Authorization failed.',
    withheld: false
  },
  {
    name: 'a plain-text body that is a known text (the DICOM service answers 403 so) is quoted',
    body: 'Authorization failed.',
    contentType: 'text/plain; charset=utf-8',
    shown: 'Authorization failed.',
    withheld: false
  },
  {
    name: 'a plain-text body with patient data: its length only',
    body: "DICOM100: (0010,0010) value 'Chalmers-Qzphimark7' is invalid",
    contentType: 'text/plain; charset=utf-8',
    shown: 'the plain-text body withheld (60 characters)',
    withheld: true
  },
  {
    name: 'a known text with patient data appended is not the known text',
    body: 'Authorization failed. Patient Jane Doe',
    contentType: 'text/plain',
    shown: 'the plain-text body withheld (38 characters)',
    withheld: true
  }
]

describe('errorDiagnostics: structure and known texts only', () => {
  it.each(cases)('$name', ({ body, contentType, url, shown, withheld, parameters }) => {
    const said = errorDiagnostics(answer(body, contentType), url ?? CHECK, [])
    expect(said).toEqual({
      kind: 'structured',
      text: withheld ? `${shown}. ${WITHHELD_NOTE}` : shown,
      unsupportedParameters: parameters ?? []
    })
    for (const needle of ['Qzphimark7', '1917-03-29', 'Jane']) expect(JSON.stringify(said)).not.toContain(needle)
  })

  it('says where withheld text can be read', () => {
    expect(WITHHELD_NOTE).toContain("the service's own diagnostic logs")
  })

  it.each([
    ['HTML', '<html><body>Qzphimark7</body></html>', 'text/html'],
    ['other JSON', '{"name":"Qzphimark7"}', 'application/json'],
    ['an OperationOutcome with no issue', outcome(), 'application/fhir+json'],
    ['an OperationOutcome whose issues hold nothing to show', outcome({ note: 'Qzphimark7' }), 'application/fhir+json']
  ])('%s: summed up by content type and length', (_name, body, type) => {
    const said = errorDiagnostics(answer(body, type), CHECK, [])
    expect(said).toEqual({
      kind: 'withheld',
      text: `the body (${type}, ${String(Buffer.byteLength(body))} bytes) is not shown: it is not the service's structured error and may hold patient data`
    })
  })

  it('a plain-text body cut at the read limit is withheld by its size, even if it starts as a known text', () => {
    const said = errorDiagnostics({ ...answer('Authorization failed.', 'text/plain'), length: 20_000 }, CHECK, [])
    expect(said).toMatchObject({ text: `the plain-text body withheld (20000 bytes). ${WITHHELD_NOTE}` })
  })

  it('never looks at the body of a 1xx/2xx/3xx answer, and says nothing of an empty one', () => {
    const body = outcome({ code: 'forbidden', diagnostics: 'Authorization failed.' })
    expect(errorDiagnostics({ ...answer(body), status: 200 }, CHECK, [])).toEqual({ kind: 'none' })
    expect(errorDiagnostics(answer('', 'text/plain'), CHECK, [])).toEqual({ kind: 'none' })
  })

  it('removes an echoed secret, keeps one line and bounds the length', () => {
    const body = outcome(
      { code: 's3cr3t-value-123', diagnostics: 'Authorization failed.' },
      ...Array.from({ length: 4 }, () => ({ code: `x${'y'.repeat(60)}`, expression: [`A.${'b'.repeat(150)}`] }))
    )
    const said = errorDiagnostics(answer(body), CHECK, ['s3cr3t-value-123'])
    const text = said.kind === 'structured' ? said.text : ''
    expect(text).toMatch(/^\[redacted\]: Authorization failed\.; /)
    expect(text).not.toContain('\n')
    expect(text).toHaveLength(301)
    expect(text.endsWith('…')).toBe(true)
  })
})

describe('knownText', () => {
  it.each([
    ['Authentication failed.', CHECK, true],
    ['  Authorization failed.\n', CHECK, true],
    ['authorization failed.', CHECK, false],
    ['Authorization failed', CHECK, false],
    ["The search parameter '_cout' is not supported for resource type 'Observation'.", CHECK, true],
    ["The search parameter '_count' is not supported for resource type 'Patient'.", CHECK, false],
    ["Resource type 'Patient' with id 'pat-404' couldn't be found.", READ, true],
    ["Resource type 'Observation' with id 'pat-404' couldn't be found.", READ, false],
    ["Resource type 'Patient' with id 'pat-404' couldn't be found.", CHECK, false]
  ])('%j for %s: %s', (text, url, known) => {
    expect(knownText(text, url) !== undefined).toBe(known)
  })
})
