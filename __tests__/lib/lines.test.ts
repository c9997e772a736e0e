// The one reader of multi-line inputs (health-check-paths, serve-resources, export-variable): items with their line
// numbers, blank lines and comments skipped, a `#` inside a value kept for the value's own check.
import { describe, expect, it } from '@jest/globals'
import { itemLines } from '../../src/lib/lines.js'

describe('itemLines', () => {
  it('keeps each item with its line number, skipping blank lines and comments', () => {
    const text = '# checks\r\n\n  metadata  \nstudies 200,204   # DICOM answers 204\n#x\npath#fragment'
    expect(itemLines(text)).toEqual([
      { number: 3, text: 'metadata' },
      { number: 4, text: 'studies 200,204' },
      { number: 6, text: 'path#fragment' }
    ])
    expect(itemLines('')).toEqual([])
  })
})
