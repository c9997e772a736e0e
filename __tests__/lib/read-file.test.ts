// The bounded file reader, on real files: what it reads, and how it tells what a path is instead of a file to read.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { readRegularFileAtMost } from '../../src/lib/read-file.js'

const dir = mkdtempSync(join(tmpdir(), 'ahds-read-file-'))
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function file(name: string, bytes: number): string {
  const path = join(dir, name)
  writeFileSync(path, 'x'.repeat(bytes))
  return path
}

describe('readRegularFileAtMost', () => {
  it('reads a regular file of up to the limit, the limit included', async () => {
    await expect(readRegularFileAtMost(file('small', 3), 10, 5000)).resolves.toEqual({ text: 'xxx' })
    await expect(readRegularFileAtMost(file('exact', 10), 10, 5000)).resolves.toEqual({ text: 'x'.repeat(10) })
  })

  it('refuses one byte over the limit, with its size', async () => {
    await expect(readRegularFileAtMost(file('over', 11), 10, 5000)).resolves.toEqual({
      refused: { kind: 'too large', bytes: 11 }
    })
  })

  it('refuses a directory and a missing path, saying which', async () => {
    await expect(readRegularFileAtMost(dir, 10, 5000)).resolves.toEqual({ refused: { kind: 'directory' } })
    await expect(readRegularFileAtMost(join(dir, 'missing'), 10, 5000)).resolves.toEqual({
      refused: { kind: 'error', code: 'ENOENT' }
    })
  })

  // POSIX only: Windows has no FIFOs in its file system, nor /dev/zero.
  const posixIt = process.platform === 'win32' ? it.skip : it
  posixIt('refuses a FIFO without a writer at once, and a character device', async () => {
    const fifo = join(dir, 'fifo')
    execFileSync('mkfifo', [fifo])
    await expect(readRegularFileAtMost(fifo, 10, 60_000)).resolves.toEqual({ refused: { kind: 'fifo' } })
    await expect(readRegularFileAtMost('/dev/zero', 10, 60_000)).resolves.toEqual({
      refused: { kind: 'character device' }
    })
  })
})
