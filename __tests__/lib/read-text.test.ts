import { Readable } from 'node:stream'
import { describe, expect, it } from '@jest/globals'
import { readTextAtMost } from '../../src/lib/read-text.js'

const tooLarge = (): Error => new Error('too large')

describe('readTextAtMost', () => {
  it('joins the chunks, bytes and strings alike, as UTF-8 and counts the bytes', async () => {
    const stream = Readable.from([Buffer.from('h\u00e9'), 'llo'])
    await expect(readTextAtMost(stream, 6, tooLarge)).resolves.toEqual({ text: 'h\u00e9llo', bytes: 6 })
  })

  it('throws the given error once one byte more than the limit has come, and reads no further', async () => {
    let pulled = 0
    function* chunks(): Generator<Buffer> {
      for (;;) {
        pulled++
        yield Buffer.alloc(4)
      }
    }
    await expect(
      readTextAtMost(Readable.from(chunks(), { objectMode: false, highWaterMark: 1 }), 7, tooLarge)
    ).rejects.toThrow('too large')
    // Two chunks make the 8 bytes over the limit; the stream may have read one ahead.
    expect(pulled).toBeLessThanOrEqual(3)
  })

  it('reads an empty stream as empty text', async () => {
    await expect(readTextAtMost(Readable.from([]), 0, tooLarge)).resolves.toEqual({ text: '', bytes: 0 })
  })
})
