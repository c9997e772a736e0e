// The leak scan's own checks: if it were wrong, every end-to-end test would pass for nothing.
import { describe, expect, it } from '@jest/globals'
import type { ActionRun } from '../../emulator/runner.ts'
import { PHI_BIRTH_DATE, PHI_MARKER } from '../../emulator/patients.ts'
import { findLeaks, findPhiLeaks, secretNeedles } from './leaks.ts'

const baseRun: ActionRun = {
  exitCode: 0,
  signal: null,
  timedOut: false,
  stdout: '',
  stderr: '',
  outputs: {},
  exportedEnv: {},
  outputFile: '',
  envFile: '',
  summary: '',
  durationMs: 1,
  endedAt: 0
}

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU'

describe('findLeaks', () => {
  it('allows a secret only in add-mask lines, the token output and the exported variable', () => {
    const run: ActionRun = {
      ...baseRun,
      stdout: `::add-mask::${jwt}\nSigned in\n`,
      outputFile: `token<<d\n${jwt}\nd\n`,
      envFile: `FHIR_TOKEN<<d\n${jwt}\nd\n`,
      exportVariables: ['FHIR_TOKEN']
    }
    expect(findLeaks(run, [jwt])).toEqual([])
  })

  it('finds a secret, or a JWT signature alone, anywhere else', () => {
    const signature = jwt.split('.')[2] ?? ''
    const run: ActionRun = {
      ...baseRun,
      stdout: `::error::bad ${signature}\n`,
      stderr: jwt,
      outputFile: `resource<<d\n${jwt}\nd\n`,
      envFile: `OTHER<<d\n${jwt}\nd\n`,
      summary: `<td>${jwt}</td>`
    }
    const where = findLeaks(run, [jwt]).map(leak => leak.where)
    expect(new Set(where)).toEqual(new Set(['stdout', 'stderr', 'outputs', 'env', 'summary']))
  })

  it('finds a JWT nobody told it about, such as a GitHub OIDC token', () => {
    const github = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('{"iss":"https://token.actions.githubusercontent.com"}').toString('base64url')}.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU`
    const run: ActionRun = { ...baseRun, stdout: `assertion ${github}\n` }
    expect(findLeaks(run, [])).toEqual([
      { where: 'stdout', detail: 'line 1 contains a JWT (iss https://token.actions.githubusercontent.com)' }
    ])
  })

  it('treats each base64 line of a PEM as a secret on its own', () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC\n-----END PRIVATE KEY-----'
    expect(secretNeedles([pem])).toEqual(['MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'BKcwggSjAgEAAoIBAQC'])
    const run: ActionRun = { ...baseRun, stdout: 'key: BKcwggSjAgEAAoIBAQC\n' }
    expect(findLeaks(run, [pem])).toHaveLength(1)
  })
})

describe('findPhiLeaks', () => {
  it('finds the patient marker or birth date anywhere, even in add-mask lines and escaped commands', () => {
    const run: ActionRun = {
      ...baseRun,
      stdout: `::add-mask::${PHI_MARKER}\n::error title=x::got 200%0A{"family":"Doe-${PHI_MARKER.toUpperCase()}"}\n`,
      stderr: `born ${PHI_BIRTH_DATE}`,
      outputFile: `health-report<<d\n[{"error":"${PHI_MARKER}"}]\nd\n`,
      envFile: `FHIR_TOKEN<<d\n${PHI_MARKER}\nd\n`,
      exportVariables: ['FHIR_TOKEN'],
      summary: `<td>${PHI_MARKER}</td>`
    }
    const where = findPhiLeaks(run, { serverLog: `listening\nrefused ${PHI_BIRTH_DATE}\n` }).map(leak => leak.where)
    expect(where).toEqual(['stdout', 'stdout', 'stderr', 'outputs', 'env', 'summary', 'server log'])
  })

  it('passes a run without patient data, and never quotes what it found', () => {
    const run: ActionRun = { ...baseRun, stdout: 'Health check Patient?_summary=count: 200\n' }
    expect(findPhiLeaks(run)).toEqual([])
    const leaked = findPhiLeaks({ ...baseRun, stdout: `name ${PHI_MARKER}-x\n` })
    expect(JSON.stringify(leaked)).not.toContain(PHI_MARKER)
  })
})
