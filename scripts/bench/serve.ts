// The token server's rows (serve-tokens): the latency of an answer from the credential's cache and of a renewal
// through the endpoint (GitHub OIDC token, then Entra ID, as every renewal of an OIDC sign-in does), and the server's
// idle memory and CPU. One step starts the server, as in a job; requests come from this process, one at a time.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Emulator } from '../../emulator/index.ts'
import { emulatorInfo, oidcStepInputs } from '../../emulator/info.ts'
import { runAction } from '../../emulator/runner.ts'
import { type Stats, stats } from './stats.ts'

export interface ServeBench {
  readonly cached: Stats
  readonly renewal: Stats
  /** Resident memory of the idle server, MiB; undefined where /proc is missing. */
  readonly idleRssMiB?: number
  /** CPU the idle server used, percent of one core, over `idleSeconds`. */
  readonly idleCpuPercent?: number
  readonly idleSeconds: number
}

const CACHED_REQUESTS = 200
const IDLE_SECONDS = 10

export async function measureServer(em: Emulator, runs: number, log: (line: string) => void): Promise<ServeBench> {
  const fhirUrl = emulatorInfo(em).fhirUrl
  const cachedAndIdle = await withServer(em, async (url, header, pid) => {
    log('bench: token server, answers from cache')
    await ask(url, header)
    const cached: number[] = []
    for (let i = 0; i < CACHED_REQUESTS; i++) cached.push(await ask(url, header))
    log(`bench: token server, idle for ${IDLE_SECONDS} s`)
    return { cached: stats(cached), ...(await idleUse(pid, IDLE_SECONDS)) }
  })
  // A token with under 5 minutes left is renewed: with three-second tokens, every request is a renewal (and the step
  // still gets a token it can use).
  em.setScenario({ entra: { tokenLifetimeSeconds: 3 }, github: { lifetimeSeconds: 3 } })
  try {
    const renewal = await withServer(em, async (url, header) => {
      log('bench: token server, renewals')
      const times: number[] = []
      const before = em.requests().length
      for (let i = 0; i < Math.max(runs, 10); i++) times.push(await ask(url, header))
      const posts = em
        .requests()
        .slice(before)
        .filter(r => r.party === 'entra' && r.method === 'POST').length
      if (posts < times.length) throw new Error(`only ${posts} of ${times.length} requests were renewals`)
      return stats(times)
    })
    return { ...cachedAndIdle, renewal, idleSeconds: IDLE_SECONDS }
  } finally {
    em.setScenario({})
  }

  async function withServer<T>(
    emulator: Emulator,
    measure: (url: string, header: string, pid: number) => Promise<T>
  ): Promise<T> {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'ahds-bench-serve-'))
    const main = await runAction({
      inputs: { ...oidcStepInputs(emulatorInfo(emulator)), 'fhir-url': fhirUrl, 'serve-tokens': 'true' },
      env: emulator.env(),
      runnerTemp
    })
    try {
      const endpoint = main.exportedEnv.IDENTITY_ENDPOINT
      const header = main.exportedEnv.IDENTITY_HEADER
      const pid = Number((JSON.parse(main.state?.['token-server'] ?? '{}') as { pid?: number }).pid)
      if (main.exitCode !== 0 || !endpoint || !header) throw new Error(`serve-tokens did not start:\n${main.stdout}`)
      return await measure(`${endpoint}?resource=${encodeURIComponent(fhirUrl)}&api-version=2019-08-01`, header, pid)
    } finally {
      await runAction({ env: { ...emulator.env(), ...main.exportedEnv }, state: main.state ?? {}, runnerTemp })
      rmSync(runnerTemp, { recursive: true, force: true })
    }
  }
}

/** One GET, a fresh connection each time as a later step's SDK makes it; the time to the whole answer, in ms. */
function ask(url: string, header: string): Promise<number> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'X-IDENTITY-HEADER': header }, agent: false }, res => {
      res.resume()
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`the endpoint answered ${String(res.statusCode)}`))
        else resolve(performance.now() - started)
      })
    })
    req.on('error', reject)
    req.end()
  })
}

/** RSS and CPU of the idle server, from /proc (Linux only). */
async function idleUse(pid: number, seconds: number): Promise<{ idleRssMiB?: number; idleCpuPercent?: number }> {
  const ticks = (): number | undefined => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
      return Number(fields[11]) + Number(fields[12])
    } catch {
      return undefined
    }
  }
  const before = ticks()
  await new Promise(resolve => setTimeout(resolve, seconds * 1000))
  const after = ticks()
  let rssKiB: number | undefined
  try {
    rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
  } catch {
    rssKiB = undefined
  }
  // Clock ticks are 1/100 s on Linux.
  return {
    ...(rssKiB === undefined || Number.isNaN(rssKiB) ? {} : { idleRssMiB: rssKiB / 1024 }),
    ...(before === undefined || after === undefined ? {} : { idleCpuPercent: (after - before) / seconds })
  }
}
