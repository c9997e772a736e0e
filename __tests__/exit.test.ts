import { describe, expect, it } from '@jest/globals'
import { type OutputStream, exitWhenWritten, flushed } from '../src/exit.js'

/** A stream with `queued` bytes still out; its write callbacks run only when `drain()` is called. */
function slowStream(queued: number): OutputStream & { drain(): void; writes: string[] } {
  const callbacks: (() => void)[] = []
  const writes: string[] = []
  return {
    writableLength: queued,
    writes,
    write(chunk, callback) {
      writes.push(chunk)
      callbacks.push(() => {
        callback()
      })
      return false
    },
    drain() {
      for (const callback of callbacks.splice(0)) callback()
    }
  }
}

const tick = () => new Promise(resolve => setImmediate(resolve))

describe('exitWhenWritten', () => {
  it('ends the process only after every stream has handed on what it held', async () => {
    const stdout = slowStream(120)
    const stderr = slowStream(7)
    let exited = 0
    const ending = exitWhenWritten({
      streams: [stdout, stderr],
      exit: () => {
        exited++
        throw new Error('exited')
      }
    })
    await tick()
    expect(exited).toBe(0)
    stdout.drain()
    await tick()
    expect(exited).toBe(0)
    stderr.drain()
    await expect(ending).rejects.toThrow('exited')
    expect(exited).toBe(1)
    // Nothing is added to the output: the write only waits for the queue.
    expect([...stdout.writes, ...stderr.writes]).toEqual(['', ''])
  })

  it('ends at once when nothing is queued', async () => {
    const idle = slowStream(0)
    await expect(
      exitWhenWritten({
        streams: [idle],
        exit: () => {
          throw new Error('exited')
        }
      })
    ).rejects.toThrow('exited')
    expect(idle.writes).toEqual([])
  })
})

describe('flushed', () => {
  it('waits for a stream that still holds data', async () => {
    const stream = slowStream(5)
    let done = false
    void flushed(stream).then(() => {
      done = true
    })
    await tick()
    expect(done).toBe(false)
    stream.drain()
    await tick()
    expect(done).toBe(true)
  })
})
