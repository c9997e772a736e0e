// `node scripts/fresh-deployment.ts [--delay 20s] [--wait 5m]`: a pipeline that has just created its identity and its
// FHIR service, then runs the bundled action with wait-for-access and no sleep step. The emulator plays Entra ID and
// the service seeing each new object only after it replicates (the delay); the action's log shows the sign-in and
// then the health checks waiting it out. Exits 0 when the step passed.
import { parseArgs } from 'node:util'
import { freshDeployment, NEW_APP_CLIENT_ID } from '../emulator/fresh-deployment.ts'
import { startEmulator } from '../emulator/index.ts'
import { runAction } from '../emulator/runner.ts'
import { parseDuration } from '../src/lib/durations.ts'

const { values } = parseArgs({
  options: { delay: { type: 'string', default: '20s' }, wait: { type: 'string', default: '5m' } }
})
const delayMs = parseDuration(values.delay)
const waitMs = parseDuration(values.wait)
if (delayMs === undefined || waitMs === undefined) {
  process.stderr.write('usage: node scripts/fresh-deployment.ts [--delay 20s] [--wait 5m]\n')
  process.exit(2)
}

const emulator = await startEmulator()
const print = (line: string): void => {
  process.stdout.write(`${line}\n`)
}
try {
  // The deployment step: the new objects exist from now on, and replicate over the next delayMs.
  emulator.setScenario(freshDeployment(delayMs))
  print(
    `Deployment created app ${NEW_APP_CLIENT_ID}, its federated credential, a FHIR service and a role (replicating for ${values.delay}).`
  )
  print(`Next step: the action, with wait-for-access: ${values.wait}, GitHub OIDC, health checks.`)
  const run = await runAction({
    inputs: {
      'client-id': NEW_APP_CLIENT_ID,
      'tenant-id': emulator.scenario.tenants[0]?.id ?? '',
      'authority-host': emulator.authorityHost,
      'fhir-url': emulator.fhirUrl,
      'health-check': 'true',
      'wait-for-access': values.wait
    },
    env: emulator.env(),
    timeoutMs: waitMs + 60_000
  })
  for (const line of run.stdout.split('\n')) {
    if (line !== '' && !line.startsWith('::add-mask::') && !line.startsWith('::debug::')) print(`  ${line}`)
  }
  print(
    `Exit code ${String(run.exitCode)} after ${(run.durationMs / 1000).toFixed(1)} s, health ${run.outputs.health ?? '(none)'}.`
  )
  process.exitCode = run.exitCode === 0 && run.outputs.health === 'healthy' ? 0 : 1
} finally {
  await emulator.stop()
}
