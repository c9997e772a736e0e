// What a run of dist/ loads and how it ends, seen from inside the process by a preload: Node's internal undici (with
// http2 and worker_threads) stays unloaded through every sign-in and the health checks; MSAL's jsonwebtoken, a lazy
// chunk of its own, is loaded by a certificate sign-in only; and the step ends by process.exit() once its output is
// out. A library update that brings one of these costs back fails here.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Emulator, startEmulator } from '../../emulator/index.ts'
import { emulatorInfo } from '../../emulator/info.ts'
import { actionEntry, nodeBin } from '../../emulator/runner.ts'
import { expectExit, oidcInputs, runAgainst, secretInputs } from './world.ts'

const dist = join(actionEntry, '..')

const PRELOAD = `
import { registerHooks } from 'node:module'
import { writeFileSync } from 'node:fs'
const chunks = []
registerHooks({ load(url, context, next) { chunks.push(url); return next(url, context) } })
let exitCall
const exit = process.exit
process.exit = function (...args) {
  exitCall = { pending: process.stdout.writableLength + process.stderr.writableLength, exitCode: process.exitCode ?? 0 }
  // Passed on as given: exit(undefined) would set the exit code to 0.
  return exit.apply(process, args)
}
process.on('exit', () => writeFileSync(process.env.RUN_COSTS_OUT, JSON.stringify({
  internals: process.moduleLoadList, chunks, exitCall
})))
`
const PRELOAD_URL = `data:text/javascript,${encodeURIComponent(PRELOAD)}`

interface Seen {
  /** process.moduleLoadList at exit: Node's internal modules and bindings. */
  readonly internals: readonly string[]
  /** Every module URL the ES module loader loaded. */
  readonly chunks: readonly string[]
  /** Set when process.exit() was called: bytes still queued on stdout and stderr then, and the exit code. */
  readonly exitCall?: { readonly pending: number; readonly exitCode: number }
}

/** Node's internal modules that the FormData global, once read, loads. */
const UNDICI_AND_CO = ['NativeModule internal/deps/undici/undici', 'NativeModule http2', 'NativeModule worker_threads']

let em: Emulator
const scratch = mkdtempSync(join(tmpdir(), 'ahds-run-costs-'))

beforeAll(async () => {
  em = await startEmulator()
})

afterAll(async () => {
  await em.stop()
  rmSync(scratch, { recursive: true, force: true })
})

/** The lazy chunk that holds jsonwebtoken (its own error text tells it apart). */
function jsonWebTokenChunk(): string {
  const holders = readdirSync(dist).filter(
    name =>
      name.endsWith('.js') && readFileSync(join(dist, name), 'utf8').includes('secretOrPrivateKey must have a value')
  )
  expect(holders).toHaveLength(1)
  return holders[0] ?? ''
}

async function seenIn(name: string, inputs: Record<string, string>, env: Record<string, string> = {}) {
  const out = join(scratch, `${name}.json`)
  const run = await runAgainst(em, {
    inputs,
    env: { ...env, RUN_COSTS_OUT: out },
    prefix: [nodeBin, '--import', PRELOAD_URL]
  })
  expectExit(run, 0)
  const seen = JSON.parse(readFileSync(out, 'utf8')) as Seen
  const distUrl = pathToFileURL(dist).href
  return { run, seen, chunks: seen.chunks.filter(url => url.startsWith(`${distUrl}/`)).map(url => basename(url)) }
}

const info = () => emulatorInfo(em)
const cases: readonly (readonly [string, () => Record<string, string>, () => Record<string, string>])[] = [
  [
    'oidc, with the default FHIR checks',
    () => ({ ...oidcInputs(em), 'fhir-url': em.fhirUrl, 'health-check': 'true' }),
    () => ({})
  ],
  ['client-secret', () => ({ ...secretInputs(em), 'fhir-url': em.fhirUrl }), () => ({})],
  [
    'client-certificate',
    () => ({
      ...oidcInputs(em),
      'auth-type': 'client-certificate',
      'client-certificate': info().certificatePem,
      'fhir-url': em.fhirUrl
    }),
    () => ({})
  ],
  [
    'managed-identity',
    () => ({ 'auth-type': 'managed-identity', 'dicom-url': em.dicomUrl }),
    () => ({ IDENTITY_ENDPOINT: em.managedIdentityEndpoint, IDENTITY_HEADER: em.managedIdentityHeader })
  ]
]

describe.each(cases)('a run of dist/ signing in with %s', (name, inputs, env) => {
  it('leaves Node’s internal undici, http2 and worker_threads unloaded', async () => {
    const { run, seen } = await seenIn(name.replace(/\W+/g, '-'), inputs(), env())
    expect(run.outputs.token).toBeTruthy()
    expect(seen.internals.length).toBeGreaterThan(0)
    expect(seen.internals.filter(entry => UNDICI_AND_CO.includes(entry))).toEqual([])
  })

  it(`loads jsonwebtoken ${name === 'client-certificate' ? 'for its signed assertion' : 'not at all'}`, async () => {
    const { chunks } = await seenIn(`${name.replace(/\W+/g, '-')}-jwt`, inputs(), env())
    // The identity library's chunk was loaded: the sign-in really went through MSAL.
    expect(chunks.length).toBeGreaterThanOrEqual(3)
    if (name === 'client-certificate') expect(chunks).toContain(jsonWebTokenChunk())
    else expect(chunks).not.toContain(jsonWebTokenChunk())
  })

  it('ends by process.exit() once all it wrote is out, with the run’s exit code', async () => {
    const { run, seen } = await seenIn(`${name.replace(/\W+/g, '-')}-exit`, inputs(), env())
    expect(seen.exitCall).toEqual({ pending: 0, exitCode: 0 })
    // Nothing written before the exit is lost: the last lines, the file commands and the summary are all there.
    expect(run.stdout).toMatch(/Signed in/)
    expect(run.outputs['expires-on']).toBeTruthy()
    expect(run.summary).not.toBe('')
  })
})

describe('a failed run of dist/', () => {
  it('ends by process.exit() too, with exit code 1', async () => {
    const out = join(scratch, 'failed.json')
    const run = await runAgainst(em, {
      inputs: { 'fhir-url': 'http://not-https.example' },
      env: { RUN_COSTS_OUT: out },
      prefix: [nodeBin, '--import', PRELOAD_URL]
    })
    expectExit(run, 1)
    const seen = JSON.parse(readFileSync(out, 'utf8')) as Seen
    expect(seen.exitCall).toEqual({ pending: 0, exitCode: 1 })
    expect(run.stdout).toMatch(/::error.*fhir-url/)
  })
})
