import { describe, expect, it } from '@jest/globals'
import { renderChecks, wantsColour } from '../../src/cli/table.js'
import type { HealthReport } from '../../src/health/run.js'

const report: HealthReport = {
  health: 'unhealthy',
  checks: [
    {
      service: 'fhir',
      path: 'metadata',
      url: 'https://f/metadata',
      expected: [200],
      status: 200,
      ok: true,
      attempts: 1,
      durationMs: 12
    },
    {
      service: 'dicom',
      path: 'studies',
      url: 'https://d/v2/studies',
      expected: [200],
      ok: false,
      attempts: 2,
      durationMs: 3000,
      error: 'timed out\n##vso[task.setvariable variable=x]y ::add-mask::z'
    }
  ]
}

describe('renderChecks', () => {
  it('aligns one row per check, then each failure, its server text unable to start a log command', () => {
    const text = renderChecks(report, false)
    expect(text.split('\n').slice(0, 3)).toEqual([
      'SERVICE        CHECK     STATUS     RESULT  TIME',
      'FHIR service   metadata  200        pass    12 ms',
      'DICOM service  studies   no answer  FAIL    3000 ms'
    ])
    expect(text).toContain('studies (https://d/v2/studies):\n  timed out\n  ##vso [task.setvariable')
    expect(text).not.toContain('##vso[')
    expect(text).not.toContain('::')
    expect(text.trimEnd().endsWith('Health: unhealthy')).toBe(true)
    expect(text).not.toContain('\u001b[')
  })

  it('colours the result when asked', () => {
    expect(renderChecks(report, true)).toContain('\u001b[31mFAIL  \u001b[0m')
  })
})

describe('wantsColour', () => {
  it('on a terminal only, and not with NO_COLOR', () => {
    expect(wantsColour(true, {})).toBe(true)
    expect(wantsColour(undefined, {})).toBe(false)
    expect(wantsColour(true, { NO_COLOR: '1' })).toBe(false)
    expect(wantsColour(true, { NO_COLOR: '' })).toBe(true)
  })
})
