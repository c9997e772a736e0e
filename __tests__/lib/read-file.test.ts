// The bounded file reader, on real files: what it reads, and how it tells what a path is instead of a file to read.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { type FileRead, readRegularFileAtMost, readRegularFileAtMostSync } from '../../src/lib/read-file.js'

const dir = mkdtempSync(join(tmpdir(), 'ahds-read-file-'))
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function file(name: string, bytes: number): string {
  const path = join(dir, name)
  writeFileSync(path, 'x'.repeat(bytes))
  return path
}

// The same cases for both readers: the sync one serves callers that cannot wait, with the same refusals.
const readers: [string, (path: string, limit: number) => Promise<FileRead>][] = [
  ['readRegularFileAtMost', (path, limit) => readRegularFileAtMost(path, limit, 60_000)],
  ['readRegularFileAtMostSync', (path, limit) => Promise.resolve(readRegularFileAtMostSync(path, limit))]
]

describe.each(readers)('%s', (name, read) => {
  it('reads a regular file of up to the limit, the limit included', async () => {
    await expect(read(file('small', 3), 10)).resolves.toEqual({ text: 'xxx' })
    await expect(read(file('exact', 10), 10)).resolves.toEqual({ text: 'x'.repeat(10) })
  })

  it('refuses one byte over the limit, with its size', async () => {
    await expect(read(file('over', 11), 10)).resolves.toEqual({
      refused: { kind: 'too large', bytes: 11 }
    })
  })

  it('refuses a directory and a missing path, saying which', async () => {
    await expect(read(dir, 10)).resolves.toEqual({ refused: { kind: 'directory' } })
    await expect(read(join(dir, 'missing'), 10)).resolves.toEqual({
      refused: { kind: 'error', code: 'ENOENT' }
    })
  })

  // POSIX only: Windows has no FIFOs in its file system, nor /dev/zero.
  const posixIt = process.platform === 'win32' ? it.skip : it
  posixIt('refuses a FIFO without a writer at once, and a character device', async () => {
    const fifo = join(dir, `fifo-${name}`)
    execFileSync('mkfifo', [fifo])
    await expect(read(fifo, 10)).resolves.toEqual({ refused: { kind: 'fifo' } })
    await expect(read('/dev/zero', 10)).resolves.toEqual({
      refused: { kind: 'character device' }
    })
  })
})
