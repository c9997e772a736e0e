// `npm run emulator [-- --scenario file.json] [--hosts --port 443 [--address 127.0.0.1]] [--log FILE] [--ready FILE]`
// Starts the emulator, prints what a run of the action needs, and serves until SIGINT/SIGTERM.
import { appendFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { emulatorInfo, exportLines } from './info.ts'
import { type EmulatorOptions, loadScenarioFile, startEmulator } from './index.ts'

const { values } = parseArgs({
  options: {
    scenario: { type: 'string' },
    hosts: { type: 'boolean', default: false },
    port: { type: 'string' },
    address: { type: 'string' },
    log: { type: 'string' },
    ready: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false }
  }
})

if (values.help) {
  process.stdout.write(
    'Usage: npm run emulator -- [--scenario file.json] [--hosts --port 443 [--address 127.0.0.1]] [--log requests.jsonl] [--ready ready.json]\n'
  )
  process.exit(0)
}

const logFile = values.log
const options: EmulatorOptions = {
  ...(values.scenario === undefined ? {} : { scenario: loadScenarioFile(values.scenario) }),
  listen: values.hosts
    ? {
        mode: 'hosts',
        port: Number(values.port ?? '443'),
        ...(values.address === undefined ? {} : { address: values.address })
      }
    : { mode: 'ports' },
  ...(logFile === undefined ? {} : { onRequest: entry => appendFileSync(logFile, `${JSON.stringify(entry)}\n`) })
}

const emulator = await startEmulator(options)
const info = emulatorInfo(emulator)
if (values.ready !== undefined) writeFileSync(values.ready, `${JSON.stringify(info, null, 2)}\n`)

process.stdout.write(`Azure Health Data Services emulator (test credentials, not real ones)

  Microsoft Entra ID     ${info.authorityHost}
  FHIR service           ${info.fhirUrl}
  DICOM service          ${info.dicomUrl}
  De-identification      ${info.deidUrl}
  GitHub OIDC            ${info.oidcRequestUrl}
  Azure Pipelines OIDC   ${info.azurePipelines.oidcRequestUri}
  GitLab issuer          ${info.gitlabIssuer}
  Managed identity       ${info.managedIdentityEndpoint}
  CA certificate         ${info.caFile}

  tenant-id              ${info.tenantId}
  client-id              ${info.clientId}
  client-secret          ${info.clientSecret}
  client-id (no roles)   ${info.noRolesClientId}
  System.AccessToken     ${info.azurePipelines.accessToken}
  service connection     ${info.azurePipelines.serviceConnectionId}

Environment for a run of the action:
${exportLines(info.env)}

Environment of an Azure Pipelines script step (map SYSTEM_ACCESSTOKEN yourself):
${exportLines(info.azurePipelinesEnv)}

Serving until Ctrl+C.
`)

let stopping = false
const stop = (): void => {
  if (stopping) return
  stopping = true
  void emulator.stop().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
