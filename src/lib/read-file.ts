// Reading a file that the environment names, bounded: a FIFO would block the open until a writer comes (forever),
// a device or a huge file would be read into memory whole, a stalled file system would hold the step. Only a regular
// file is read, at most one byte over the limit, within a time limit; anything else is refused, saying what it is.

import { type Stats, closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { type FileHandle, open } from 'node:fs/promises'
import { withDeadline } from './deadline.js'
import { isRecord } from './guards.js'

/** Why a file was not read: what the path is instead, its size, or the system's error code. */
export type FileRefusal =
  | { readonly kind: 'fifo' | 'directory' | 'character device' | 'block device' | 'socket' | 'special file' }
  | { readonly kind: 'too large'; readonly bytes: number }
  | { readonly kind: 'timeout'; readonly ms: number }
  | { readonly kind: 'error'; readonly code: string }

export type FileRead = { readonly text: string } | { readonly refused: FileRefusal }

/** The regular file at `path` as UTF-8 text, if it holds at most `limitBytes` and is read within `timeoutMs`. */
export async function readRegularFileAtMost(path: string, limitBytes: number, timeoutMs: number): Promise<FileRead> {
  try {
    return await withDeadline(readAtMost(path, limitBytes), timeoutMs, path)
  } catch (error) {
    if (isRecord(error) && error.name === 'DeadlineError') return { refused: { kind: 'timeout', ms: timeoutMs } }
    return { refused: refusalOf(error) }
  }
}

/**
 * The same read for a caller that cannot wait, such as an explanation built while an error is thrown: a FIFO, a device
 * or a huge file is still refused unread; a regular local file of bounded size needs no time limit.
 */
export function readRegularFileAtMostSync(path: string, limitBytes: number): FileRead {
  let fd: number
  try {
    fd = openSync(path, OPEN_FLAGS)
  } catch (error) {
    return { refused: refusalOf(error) }
  }
  try {
    const stat = fstatSync(fd)
    const refused = refusalOfStat(stat, limitBytes)
    if (refused !== undefined) return { refused }
    const buffer = Buffer.alloc(limitBytes + 1)
    let length = 0
    while (length < buffer.length) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
    }
    return readText(buffer, length, limitBytes, stat)
  } catch (error) {
    return { refused: refusalOf(error) }
  } finally {
    closeSync(fd)
  }
}

// Non-blocking, so a FIFO without a writer opens at once and is refused instead of waiting for one; no controlling
// terminal, should the path be one. (Windows has neither flag, nor FIFOs of this kind.)
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY

function refusalOf(error: unknown): FileRefusal {
  const code = isRecord(error) && typeof error.code === 'string' ? error.code : 'error'
  return code === 'EISDIR' ? { kind: 'directory' } : { kind: 'error', code }
}

/** Not a regular file, or larger than the limit: refused before a byte is read. */
function refusalOfStat(stat: Stats, limitBytes: number): FileRefusal | undefined {
  if (!stat.isFile()) return { kind: kindOf(stat) }
  if (stat.size > limitBytes) return { kind: 'too large', bytes: stat.size }
  return undefined
}

/** One byte over the limit tells a file that grew since its size was read from one that fits. */
function readText(buffer: Buffer, length: number, limitBytes: number, stat: Stats): FileRead {
  if (length > limitBytes) return { refused: { kind: 'too large', bytes: Math.max(length, stat.size) } }
  return { text: buffer.subarray(0, length).toString('utf8') }
}

async function readAtMost(path: string, limitBytes: number): Promise<FileRead> {
  const handle = await open(path, OPEN_FLAGS)
  try {
    const stat = await handle.stat()
    const refused = refusalOfStat(stat, limitBytes)
    if (refused !== undefined) return { refused }
    const buffer = Buffer.alloc(limitBytes + 1)
    const length = await fill(handle, buffer)
    return readText(buffer, length, limitBytes, stat)
  } finally {
    await handle.close()
  }
}

function kindOf(stat: Stats): Exclude<FileRefusal['kind'], 'too large' | 'timeout' | 'error'> {
  if (stat.isFIFO()) return 'fifo'
  if (stat.isDirectory()) return 'directory'
  if (stat.isCharacterDevice()) return 'character device'
  if (stat.isBlockDevice()) return 'block device'
  if (stat.isSocket()) return 'socket'
  return 'special file'
}

async function fill(handle: FileHandle, buffer: Buffer): Promise<number> {
  let length = 0
  while (length < buffer.length) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
    if (bytesRead === 0) break
    length += bytesRead
  }
  return length
}
