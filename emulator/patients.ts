// The emulated services' patient data. Every patient field carries a marker found nowhere else, so a test can prove
// that no answer's patient data reached anything a user reads (log, annotation, summary, outputs).

/** In every patient name, identifier and DICOM PatientName/PatientID. */
export const PHI_MARKER = 'Qzphimark7'

/** Every patient's birth date: a date that appears nowhere else (FHIR and DICOM spellings). */
export const PHI_BIRTH_DATE = '1917-03-29'
const PHI_BIRTH_DATE_DICOM = '19170329'

/** What a leak scan looks for: any of these in user-visible text is patient data. */
export const PHI_NEEDLES: readonly string[] = [PHI_MARKER, PHI_BIRTH_DATE, PHI_BIRTH_DATE_DICOM]

function patient(id: string, family: string, given: string, gender: string): Record<string, unknown> {
  return {
    resourceType: 'Patient',
    id,
    meta: { versionId: '1' },
    identifier: [{ system: 'urn:oid:2.16.840.1.113883.4.1', value: `${PHI_MARKER}-mrn-${id}` }],
    name: [{ family: `${family}-${PHI_MARKER}`, given: [`${given}-${PHI_MARKER}`] }],
    gender,
    birthDate: PHI_BIRTH_DATE
  }
}

export const DEFAULT_FHIR_RESOURCES: readonly Record<string, unknown>[] = [
  patient('pat-1', 'Chalmers', 'Peter', 'male'),
  patient('pat-2', 'Windsor', 'Amy', 'female'),
  {
    resourceType: 'Observation',
    id: 'obs-1',
    meta: { versionId: '1' },
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: 'Patient/pat-1' },
    valueQuantity: { value: 72, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' }
  }
]

/** One instance's DICOM JSON metadata, as the change feed carries it unless includemetadata=false. */
const INSTANCE_METADATA: Readonly<Record<string, unknown>> = {
  '00100010': { vr: 'PN', Value: [{ Alphabetic: `Chalmers-${PHI_MARKER}^Peter` }] },
  '00100020': { vr: 'LO', Value: [`${PHI_MARKER}-pid-1`] },
  '00100030': { vr: 'DA', Value: [PHI_BIRTH_DATE_DICOM] },
  '0020000D': { vr: 'UI', Value: ['1.2.826.0.1.3680043.8.498.1'] },
  '0020000E': { vr: 'UI', Value: ['1.2.826.0.1.3680043.8.498.1.1'] },
  '00080018': { vr: 'UI', Value: ['1.2.826.0.1.3680043.8.498.1.1.1'] }
}

export const DEFAULT_CHANGEFEED: readonly Record<string, unknown>[] = [
  {
    sequence: 1,
    studyInstanceUid: '1.2.826.0.1.3680043.8.498.1',
    seriesInstanceUid: '1.2.826.0.1.3680043.8.498.1.1',
    sopInstanceUid: '1.2.826.0.1.3680043.8.498.1.1.1',
    action: 'Create',
    timestamp: '2026-01-05T08:00:00.000Z',
    state: 'Current',
    metadata: INSTANCE_METADATA
  }
]
