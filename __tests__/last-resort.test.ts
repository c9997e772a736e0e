// The last-resort handlers, in a process of their own: whatever escapes still ends the step with one ::error:: line,
// exit code 1, no stack trace and no secret.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from '@jest/globals'
import { repoRoot } from '../emulator/runner.ts'

function escapeWith(code: string, end = 'fail'): { status: number | null; stdout: string; stderr: string } {
  const script = [
    "const { installLastResort } = await import('./src/last-resort.ts')",
    `installLastResort(() => ['s3cret-Value~1'], '${end}')`,
    code
  ].join('\n')
  const result = spawnSync(
    process.execPath,
    ['--import', './scripts/import-source.ts', '--input-type=module', '-e', script],
    { cwd: repoRoot, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 }
  )
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('last-resort handlers', () => {
  it.each([
    ['an exception thrown in a callback', "setTimeout(() => { throw new Error('boom with s3cret-Value~1') }, 0)"],
    ['a rejection nobody handles', "void Promise.reject(new Error('boom with s3cret-Value~1'))"],
    ['a thrown non-error', "setTimeout(() => { throw 'boom with s3cret-Value~1 ##[stop-commands]x' }, 0)"]
  ])('%s ends the process with one ::error:: and exit 1', (_name, code) => {
    const run = escapeWith(code)
    expect(run.status).toBe(1)
    const errors = run.stdout.split('\n').filter(line => line.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('boom with [redacted]')
    expect(`${run.stdout}${run.stderr}`).not.toContain('s3cret-Value~1')
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/^\s+at /m)
    expect(run.stdout).not.toContain('##[')
  })

  it('in the post step, an escape is one ::warning:: and exit 0: the job is not failed after its work is done', () => {
    const run = escapeWith("setTimeout(() => { throw new Error('boom with s3cret-Value~1') }, 0)", 'warn')
    expect(run.status).toBe(0)
    const lines = run.stdout.split('\n').filter(line => line.startsWith('::'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^::warning title=Unexpected failure::Unexpected failure in the post step/)
    expect(lines[0]).toContain('boom with [redacted]')
    expect(`${run.stdout}${run.stderr}`).not.toContain('s3cret-Value~1')
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/^\s+at /m)
  })
})
