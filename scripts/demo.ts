// `npm run demo`: the action's main job on the local emulator, as a pipeline would see it. Starts the emulator,
// runs the bundled dist/index.js the way the runner does for the FHIR and the DICOM service, with GitHub OIDC and
// with a client secret, then once as an identity that holds no role; then the command line (dist/cli.js) as Azure
// Pipelines and GitLab CI run it. Needs no Azure account.
import { emulatorInfo, oidcStepInputs, secretStepInputs } from '../emulator/info.ts'
import { startEmulator } from '../emulator/index.ts'
import { type ActionRun, decodeCommand, jwtClaims, runAction } from '../emulator/runner.ts'
import { demoAzureSessions } from './demo-azure-sessions.ts'
import { demoCommandLine } from './demo-cli.ts'
import { demoServeTokens } from './demo-serve.ts'

interface DemoRun {
  readonly title: string
  readonly inputs: Readonly<Record<string, string>>
  readonly expectExit: number
}

const SECRET_INPUTS = new Set(['client-secret', 'client-certificate', 'creds'])
const ANNOTATIONS = new Set(['error', 'warning', 'notice'])

const emulator = await startEmulator()
const info = emulatorInfo(emulator)
const oidc = oidcStepInputs(info)
const secret = secretStepInputs(info)

const runs: readonly DemoRun[] = [
  {
    title: 'FHIR service, GitHub OIDC',
    inputs: { ...oidc, 'fhir-url': info.fhirUrl, 'health-check': 'true' },
    expectExit: 0
  },
  {
    title: 'FHIR service, client secret, token exported as FHIR_TOKEN',
    inputs: { ...secret, 'fhir-url': info.fhirUrl, 'export-variable': 'FHIR_TOKEN' },
    expectExit: 0
  },
  {
    title: 'DICOM service, GitHub OIDC',
    inputs: { ...oidc, 'dicom-url': info.dicomUrl, 'health-check': 'true' },
    expectExit: 0
  },
  {
    title: 'DICOM service, client secret, own checks',
    inputs: { ...secret, 'dicom-url': info.dicomUrl, 'health-check-paths': 'changefeed/latest 200\nstudies 200,204' },
    expectExit: 0
  },
  {
    title: 'A workspace in one step: FHIR, DICOM and de-identification, GitHub OIDC, one token each',
    inputs: {
      ...oidc,
      'fhir-url': info.fhirUrl,
      'dicom-url': info.dicomUrl,
      'deid-url': info.deidUrl,
      'health-check': 'true'
    },
    expectExit: 0
  },
  {
    title: 'FHIR service, client secret, as an identity that holds no role (fails on purpose: see the explanation)',
    inputs: {
      ...oidc,
      'client-id': info.noRolesClientId,
      'client-secret': info.noRolesClientSecret,
      'fhir-url': info.fhirUrl,
      'health-check': 'true'
    },
    expectExit: 1
  }
]

const print = (line = ''): void => {
  process.stdout.write(`${line}\n`)
}
const indent = (text: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map(line => `    ${line}`)
    .join('\n')

print(
  `Emulator: Entra ID ${info.authorityHost}, FHIR ${info.fhirUrl}, DICOM ${info.dicomUrl}, de-identification ${info.deidUrl}`
)
let surprises = 0
try {
  for (const demo of runs) {
    emulator.clearRequests()
    const run = await runAction({ inputs: demo.inputs, env: emulator.env() })
    if (run.exitCode !== demo.expectExit) surprises++
    show(demo, run, emulator.requests().length)
  }
  surprises += await demoServeTokens(emulator, { print, indent, runnerView })
  surprises += await demoAzureSessions(emulator, { print, indent, runnerView })
  surprises += await demoCommandLine(emulator, { print, indent, runnerView })
} finally {
  await emulator.stop()
}
print(surprises === 0 ? 'Every run ended as expected.' : `${surprises} run(s) did not end as expected.`)
process.exitCode = surprises === 0 ? 0 : 1

function show(demo: DemoRun, run: ActionRun, requests: number): void {
  print()
  print(`━━ ${demo.title}`)
  print('  Step inputs:')
  for (const [name, value] of Object.entries(demo.inputs)) {
    print(`    ${name}: ${SECRET_INPUTS.has(name) ? '***' : value.replace(/\n/g, ' ⏎ ')}`)
  }
  print('  Log (as the runner shows it):')
  print(indent(runnerView(run.stdout)))
  print('  Outputs:')
  for (const [name, value] of Object.entries(run.outputs)) print(`    ${name}: ${describeOutput(name, value)}`)
  for (const name of Object.keys(run.exportedEnv)) print(`    env ${name}: *** (the token)`)
  if (run.summary.trim() !== '') {
    print('  Job summary:')
    print(indent(summaryText(run.summary)))
  }
  print(`  Exit code ${String(run.exitCode)} after ${run.durationMs} ms, ${requests} requests to the emulator`)
}

/**
 * What the runner displays: mask commands register secrets and are not shown, debug lines only with step debugging
 * on, annotations with their title and escapes decoded.
 */
function runnerView(stdout: string): string {
  return stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::') && !line.startsWith('::debug::'))
    .map(line => {
      const command = decodeCommand(line)
      if (!command || !ANNOTATIONS.has(command.kind)) return line
      return `${command.kind.toUpperCase()}${command.title ? ` (${command.title})` : ''}: ${command.message}`
    })
    .join('\n')
}

/** No token is printed (`token`, `fhir-token`, ...): only its length and the claims a person checks (audience,
 *  identity, expiry). */
function describeOutput(name: string, value: string): string {
  if (/^([a-z]+-)?token$/.test(name)) {
    const { aud, appid, oid, tid, exp } = jwtClaims(value)
    return `*** (${value.length} characters; aud ${String(aud)}, appid ${String(appid)}, oid ${String(oid)}, tid ${String(tid)}, exp ${String(exp)})`
  }
  if (name === 'health-report') return JSON.stringify(JSON.parse(value), null, 1).replace(/\n\s*/g, ' ')
  return value
}

/** The summary is HTML; shown here as text, one table row a line. */
function summaryText(html: string): string {
  return html
    .replace(/<\/t[hd]>\s*<t[hd][^>]*>/g, ' | ')
    .replace(/<\/(tr|h\d|p|table)>|<br\s*\/?>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n\s*\n+/g, '\n')
}
