import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import type { EmulatorInfo } from '../../emulator/info.ts'
import { settledRequestLog } from '../../emulator/request-log.ts'
import { warnNotRun, windows } from '../platform.ts'

const dir = mkdtempSync(join(tmpdir(), 'emulator-cli-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function waitFor(path: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!existsSync(path)) {
    if (Date.now() > end) throw new Error(`${path} did not appear`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

function get(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, res => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
      .on('error', reject)
      .end()
  })
}

describe('npm run emulator', () => {
  it('loads a scenario file, prints the environment, writes the ready file and the request log, stops on SIGTERM', async () => {
    const scenario = join(dir, 'scenario.json')
    const ready = join(dir, 'ready.json')
    const log = join(dir, 'requests.jsonl')
    writeFileSync(scenario, JSON.stringify({ fhir: { health: 'Unhealthy' } }))
    const child = spawn(process.execPath, ['emulator/cli.ts', '--scenario', scenario, '--ready', ready, '--log', log], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
    try {
      await waitFor(ready, 15_000)
      const info = JSON.parse(readFileSync(ready, 'utf8')) as EmulatorInfo
      expect(info.fhirUrl).toMatch(/^https:\/\/localhost:\d+$/)
      const ca = readFileSync(info.caFile, 'utf8')
      expect(await get(`${info.fhirUrl}/health/check`, ca)).toBe(503)
      // The log line is appended when the response has finished, which may be just after the client has it.
      await waitFor(log, 5_000)
      const entries = await settledRequestLog(log, 50)
      expect(entries).toEqual([expect.objectContaining({ party: 'fhir', path: '/health/check', status: 503 })])
      await new Promise(resolve => setTimeout(resolve, 100))
      expect(out).toContain(`export NODE_EXTRA_CA_CERTS='${info.caFile}'`)
      expect(out).toContain(`export ACTIONS_ID_TOKEN_REQUEST_URL='${info.oidcRequestUrl}'`)
      expect(out).toContain(info.clientId)
      expect(out).toContain(info.azurePipelines.oidcRequestUri)
      expect(out).toContain(info.azurePipelines.accessToken)
      expect(out).toContain(info.azurePipelines.serviceConnectionId)
      expect(out).toContain(info.gitlabIssuer)
      expect(out).toContain(`export SYSTEM_OIDCREQUESTURI='${info.azurePipelines.oidcRequestUri}'`)
      expect(info.azurePipelinesEnv).not.toHaveProperty('SYSTEM_ACCESSTOKEN')
    } finally {
      child.kill('SIGTERM')
    }
    if (windows) {
      warnNotRun(
        "the emulator command's clean stop on SIGTERM",
        'Windows has no SIGTERM: kill() ends the process at once, so it cannot exit 0. Covered on Linux.'
      )
      await exited
    } else {
      expect(await exited).toBe(0)
    }
  })
})
