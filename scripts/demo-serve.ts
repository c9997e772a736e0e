// The demo's serve-tokens case: a step starts the token server, a later step gets a token from IDENTITY_ENDPOINT (as
// curl or DefaultAzureCredential would), the token expires (the emulator issues 3-second tokens here), a later step
// gets a fresh one, renewed with a new GitHub OIDC token, and the post step stops the server and reports.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Emulator } from '../emulator/index.ts'
import { emulatorInfo, oidcStepInputs } from '../emulator/info.ts'
import { type ActionRun, jwtClaims, runAction } from '../emulator/runner.ts'

export interface DemoOutput {
  readonly print: (line?: string) => void
  readonly indent: (text: string) => string
  readonly runnerView: (stdout: string) => string
}

const LIFETIME_SECONDS = 3

/** Runs the case; returns 1 when it did not end as expected, else 0. */
export async function demoServeTokens(emulator: Emulator, { print, indent, runnerView }: DemoOutput): Promise<number> {
  const info = emulatorInfo(emulator)
  emulator.setScenario({
    entra: { tokenLifetimeSeconds: LIFETIME_SECONDS },
    github: { lifetimeSeconds: LIFETIME_SECONDS }
  })
  const runnerTemp = mkdtempSync(join(tmpdir(), 'ahds-demo-job-'))
  print()
  print(`━━ Fresh tokens for later steps (serve-tokens), with tokens that live ${LIFETIME_SECONDS} s`)
  try {
    const main = await runAction({
      inputs: { ...oidcStepInputs(info), 'fhir-url': info.fhirUrl, 'serve-tokens': 'true' },
      env: emulator.env(),
      runnerTemp
    })
    print('  The step:')
    print(indent(runnerView(main.stdout)))
    for (const name of Object.keys(main.exportedEnv))
      print(`    env ${name}: ${name === 'IDENTITY_HEADER' ? '***' : (main.exportedEnv[name] ?? '')}`)
    const first = await laterStep(main, info.fhirUrl)
    print(`  A later step asks IDENTITY_ENDPOINT: ${first.description}`)
    await new Promise(resolve => setTimeout(resolve, Math.max(0, first.exp * 1000 - Date.now()) + 200))
    const since = Date.now()
    const second = await laterStep(main, info.fhirUrl)
    const asked = emulator.requests().filter(r => r.time >= since)
    const github = asked.filter(r => r.party === 'github').length
    const entra = asked.filter(r => r.party === 'entra' && r.method === 'POST').length
    print(`  After it expired, a later step asks again: ${second.description}`)
    print(`    (the server asked GitHub for ${github} new OIDC token(s) and Entra ID for ${entra} new token(s))`)
    const post = await postStep(emulator, main, runnerTemp, { print, indent, runnerView })
    const fresh = second.iat >= first.exp && second.uti !== first.uti
    return main.exitCode === 0 && post.exitCode === 0 && fresh && github > 0 && entra > 0 ? 0 : 1
  } finally {
    emulator.setScenario({})
    rmSync(runnerTemp, { recursive: true, force: true })
  }
}

interface Served {
  readonly description: string
  readonly iat: number
  readonly exp: number
  readonly uti: string
}

/** The job's post step, which stops the token server, run and shown with the server's log folded. */
export async function postStep(
  emulator: Emulator,
  main: ActionRun,
  runnerTemp: string,
  { print, indent, runnerView }: DemoOutput
): Promise<ActionRun> {
  const post = await runAction({ env: { ...emulator.env(), ...main.exportedEnv }, state: main.state ?? {}, runnerTemp })
  print('  The post step:')
  print(indent(runnerView(post.stdout).replace(/^::group::.*$[\s\S]*?^::endgroup::$/m, '(the server log, folded)')))
  return post
}

async function laterStep(main: ActionRun, resource: string): Promise<Served> {
  const url = new URL(main.exportedEnv.IDENTITY_ENDPOINT ?? '')
  url.searchParams.set('resource', resource)
  url.searchParams.set('api-version', '2019-08-01')
  const answer = await fetch(url, { headers: { 'X-IDENTITY-HEADER': main.exportedEnv.IDENTITY_HEADER ?? '' } })
  const body = (await answer.json()) as { access_token?: string; expires_on?: string }
  if (!body.access_token) return { description: `HTTP ${answer.status}, no token`, iat: 0, exp: 0, uti: '' }
  const { iat, exp, uti } = jwtClaims(body.access_token) as { iat: number; exp: number; uti: string }
  return {
    description: `HTTP ${answer.status}, token *** (issued ${new Date(iat * 1000).toISOString()}, expires_on ${body.expires_on ?? '?'})`,
    iat,
    exp,
    uti
  }
}
