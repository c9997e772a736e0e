// The post step over dist/, when the job's leftovers fight back: it never fails the job (a warning, exit 0, no stack),
// and it never signals a process that is not the token server it started, even one that now has the server's pid.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import { nodeBin, workflowCommands } from '../../emulator/runner.ts'
import { useEmulator } from '../support/emulator.ts'
import { type ServingJob, isAlive, servingJobs } from './serve-job.ts'
import { expectExit, oidcInputs, runAgainst } from './world.ts'

const em = await useEmulator()
const others: ChildProcess[] = []
afterEach(() => {
  for (const other of others.splice(0)) other.kill('SIGKILL')
})
const startJob = servingJobs(em)
const serve = (): Promise<ServingJob> => startJob(oidcInputs(em))

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** As root, a private mount namespace can mount over a folder inside the server's, which no one can then remove. */
const mountNamespace =
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  spawnSync('unshare', ['--mount', 'true'], { encoding: 'utf8' }).status === 0

/**
 * Makes the server's folder impossible to remove for the post step: a mount inside it (the post step runs in a mount
 * namespace of its own), or, without root, a folder inside it that its owner may not write. Returns the command
 * prefix the post step runs under, and what undoes it.
 */
function unremovable(dir: string): { prefix?: string[]; undo: () => void } {
  const busy = join(dir, 'busy')
  mkdirSync(busy)
  if (mountNamespace) {
    return {
      // bash, not sh: dash drops the runner's STATE_token-server variable (a name with a hyphen) from what it runs.
      prefix: ['unshare', '--mount', 'bash', '-c', 'mount -t tmpfs tmpfs "$0" && exec "$@"', busy, nodeBin],
      undo: () => undefined
    }
  }
  writeFileSync(join(busy, 'kept'), '')
  chmodSync(busy, 0o500)
  return { undo: () => chmodSync(busy, 0o700) }
}

// Windows has neither mounts inside a folder nor a mode that stops its owner removing one; a file held open by a virus
// scanner, its real case, is not something a test can make there.
const posixIt = process.platform === 'win32' ? it.skip : it
// Only Linux records a process's start time where the post step can read it (/proc); elsewhere the server's report is
// all the post step has, as docs/serve-tokens.md says.
const linuxIt = process.platform === 'linux' ? it : it.skip

describe('the post step never fails the job', () => {
  posixIt('a server folder that cannot be removed is one warning, exit 0, no stack', async () => {
    const job = await serve()
    const { prefix, undo } = unremovable(job.dir)
    try {
      const post = await runAgainst(em, {
        env: job.exported,
        ...(job.main.state ? { state: job.main.state } : {}),
        ...(prefix ? { prefix } : {}),
        extraSecrets: [job.header]
      })
      expectExit(post, 0)
      const warnings = workflowCommands(post.stdout).filter(c => c.command === 'warning')
      expect(warnings).toHaveLength(1)
      expect(warnings[0]?.line).toContain("The token server's folder")
      expect(warnings[0]?.line).toContain('could not be removed')
      expect(workflowCommands(post.stdout).filter(c => c.command === 'error')).toEqual([])
      expect(`${post.stdout}\n${post.stderr}`).not.toMatch(/^\s+at /m)
      // The server was still stopped and its report shown.
      expect(isAlive(job.pid)).toBe(false)
      expect(post.stdout).toContain(`0 answers for ${em.fhirUrl}`)
    } finally {
      undo()
    }
  })
})

describe('the post step signals the server only', () => {
  linuxIt('a pid that now names another process is left alone', async () => {
    const job = await serve()
    // The server is killed without recording its end, and its pid goes to another process: here the saved state and
    // the report are pointed at a process of this test's, as they would read had the kernel reused the pid.
    process.kill(job.pid, 'SIGKILL')
    const other = spawn('sleep', ['60'], { stdio: 'ignore' })
    others.push(other)
    const otherPid = other.pid ?? 0
    const reportPath = join(job.dir, 'report.json')
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Record<string, unknown>
    expect(report.endedAt).toBeUndefined()
    writeFileSync(reportPath, JSON.stringify({ ...report, pid: otherPid }))
    const saved = JSON.parse(job.main.state?.['token-server'] ?? '{}') as Record<string, unknown>
    const post = await runAgainst(em, {
      env: job.exported,
      state: { ...job.main.state, 'token-server': JSON.stringify({ ...saved, pid: otherPid }) },
      extraSecrets: [job.header]
    })
    expectExit(post, 0)
    await sleep(200)
    expect(other.signalCode).toBeNull()
    expect(isAlive(otherPid)).toBe(true)
    expect(post.stdout).toContain(`The token server (pid ${String(otherPid)}) had already ended`)
  })
})
