// `npm run local [-- --scenario file.json] [--input NAME=VALUE ...] [--dotenv .env]`: the action's TypeScript run on this machine by
// @github/local-action, against the emulator. Starts the emulator, writes a .env for it (git-ignored: an OIDC sign-in
// for its FHIR service with the health checks), and runs local-action with a CA file that holds the machine's CAs
// (Node's and any NODE_EXTRA_CA_CERTS already set, which the machine's own network may need) and the emulator's.
// Exits with local-action's exit code.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { rootCertificates } from 'node:tls'
import { parseArgs } from 'node:util'
import { emulatorInfo, oidcStepInputs } from '../emulator/info.ts'
import { loadScenarioFile, startEmulator } from '../emulator/index.ts'
import { repoRoot } from '../emulator/runner.ts'

const { values } = parseArgs({
  options: {
    scenario: { type: 'string' },
    input: { type: 'string', multiple: true, default: [] },
    dotenv: { type: 'string', default: '.env' },
    help: { type: 'boolean', short: 'h', default: false }
  }
})
if (values.help) {
  process.stdout.write('Usage: npm run local -- [--scenario file.json] [--input NAME=VALUE ...] [--dotenv .env]\n')
  process.exit(0)
}

/** The machine's CAs and the emulator's, in one file: NODE_EXTRA_CA_CERTS takes only one. */
function combinedCaPem(emulatorCaPem: string, extraCaFile: string | undefined): string {
  let extra = ''
  if (extraCaFile) {
    try {
      extra = readFileSync(extraCaFile, 'utf8')
    } catch {
      process.stderr.write(`NODE_EXTRA_CA_CERTS names ${extraCaFile}, which cannot be read: left out.\n`)
    }
  }
  return (
    [...rootCertificates, extra, emulatorCaPem]
      .map(pem => pem.trim())
      .filter(pem => pem !== '')
      .join('\n') + '\n'
  )
}

/** A .env line per variable, values double-quoted as dotenv reads them. */
function dotenv(variables: Readonly<Record<string, string>>): string {
  const quote = (value: string): string => JSON.stringify(value)
  return Object.entries(variables)
    .map(([name, value]) => `${name}=${quote(value)}`)
    .join('\n')
}

const inputs: Record<string, string> = {}
for (const pair of values.input) {
  const at = pair.indexOf('=')
  if (at <= 0) {
    process.stderr.write(`--input ${pair}: write NAME=VALUE, e.g. --input wait-for-access=1m\n`)
    process.exit(2)
  }
  inputs[pair.slice(0, at)] = pair.slice(at + 1)
}

const emulator = await startEmulator(
  values.scenario === undefined ? {} : { scenario: loadScenarioFile(values.scenario) }
)
const info = emulatorInfo(emulator)
const scratch = mkdtempSync(join(tmpdir(), 'local-action-'))
const caFile = join(scratch, 'ca.pem')
writeFileSync(caFile, combinedCaPem(emulator.caCertPem, process.env.NODE_EXTRA_CA_CERTS))

const envFile = resolve(repoRoot, values['dotenv'])
const stepInputs = { ...oidcStepInputs(info), 'fhir-url': info.fhirUrl, 'health-check': 'true', ...inputs }
writeFileSync(
  envFile,
  [
    '# Written by npm run local for the emulator it started; rewritten on every run (ports and CA change).',
    dotenv({
      ...Object.fromEntries(Object.entries(stepInputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
      ACTIONS_ID_TOKEN_REQUEST_URL: info.oidcRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: info.oidcRequestToken
    }),
    ''
  ].join('\n')
)

// local-action's own command, as its bin starts it (tsx on its CLI, the action's folder and npm named in the
// environment), minus the bin's wrapper, which adds a stack trace of its own to every failing run and asks npm for tsx.
const tsx = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs')
const cli = join(repoRoot, 'node_modules', '@github', 'local-action', 'src', 'index.ts')
const child = spawn(process.execPath, [tsx, cli, 'run', '.', 'src/main.ts', envFile], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_EXTRA_CA_CERTS: caFile,
    TARGET_ACTION_PATH: repoRoot,
    NODE_PACKAGE_MANAGER: 'npm',
    NODE_NO_WARNINGS: '1'
  }
})
const exitCode = await new Promise<number>(resolve => {
  child.on('close', code => resolve(code ?? 1))
  child.on('error', error => {
    process.stderr.write(`Could not start local-action (${error.message}): run npm ci first.\n`)
    resolve(1)
  })
})
await emulator.stop()
rmSync(scratch, { recursive: true, force: true })
process.exitCode = exitCode
