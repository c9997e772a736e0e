// The demo's command-line case: dist/cli.js run as Azure Pipelines and GitLab CI would run it, against the emulator,
// each signed in with its CI's own federated token (a service connection; the job's id_tokens), no secret stored. No
// token is printed: Azure Pipelines' secret lines are shown with the value hidden.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Emulator } from '../emulator/index.ts'
import { emulatorInfo } from '../emulator/info.ts'
import { actionEntry, nodeBin, spawnWithLimit } from '../emulator/runner.ts'
import type { DemoOutput } from './demo-serve.ts'

interface CliCase {
  readonly title: string
  readonly args: readonly string[]
  readonly env: Readonly<Record<string, string>>
  readonly expectExit: number
}

/** Runs the cases; returns how many did not end as expected. */
export async function demoCommandLine(emulator: Emulator, { print, indent }: DemoOutput): Promise<number> {
  const cli = join(dirname(actionEntry), 'cli.js')
  print()
  print('━━ The command line outside GitHub Actions (dist/cli.js)')
  if (!existsSync(cli)) {
    print(`  ${cli} is not built: run npm run build`)
    return 1
  }
  const info = emulatorInfo(emulator)
  const flags = ['--fhir-url', info.fhirUrl, '--authority-host', info.authorityHost]
  const ids = { AHDS_CLIENT_ID: info.clientId, AHDS_TENANT_ID: info.tenantId }
  // A script step with the job's access token mapped, and the service connection named.
  const pipeline = {
    ...ids,
    ...emulator.azurePipelinesEnv(),
    SYSTEM_ACCESSTOKEN: emulator.azurePipelines.accessToken,
    AHDS_SERVICE_CONNECTION_ID: emulator.azurePipelines.serviceConnectionId
  }
  // A job with `id_tokens: AZURE_ID_TOKEN: { aud: api://AzureADTokenExchange }`, which GitLab fills.
  const gitlab = {
    ...ids,
    GITLAB_CI: 'true',
    AZURE_ID_TOKEN: await emulator.mintGitLabIdToken(),
    AHDS_FEDERATED_TOKEN_ENV: 'AZURE_ID_TOKEN'
  }
  const cases: readonly CliCase[] = [
    {
      title: 'Azure Pipelines, service connection: check (exit code 0 when healthy, 3 when not)',
      args: ['check', ...flags],
      env: pipeline,
      expectExit: 0
    },
    {
      title: 'Azure Pipelines, service connection: token --output azure-pipelines (secret variables for later steps)',
      args: ['token', ...flags, '--output', 'azure-pipelines'],
      env: pipeline,
      expectExit: 0
    },
    {
      title: "GitLab CI, the job's id_tokens: check",
      args: ['check', ...flags],
      env: gitlab,
      expectExit: 0
    },
    {
      title: "GitLab CI, the job's id_tokens: exec -- a command that gets FHIR_TOKEN and FHIR_URL in its environment",
      args: [
        'exec',
        ...flags,
        '--',
        nodeBin,
        '-e',
        'console.log(`FHIR_URL=${process.env.FHIR_URL}, FHIR_TOKEN of ${process.env.FHIR_TOKEN?.length} characters`)'
      ],
      env: gitlab,
      expectExit: 0
    },
    {
      title: 'GitLab CI: token --show-token (refused: the GitLab log masks nothing)',
      args: ['token', ...flags, '--show-token'],
      env: gitlab,
      expectExit: 2
    }
  ]
  let surprises = 0
  for (const each of cases) {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NODE_EXTRA_CA_CERTS: emulator.env().NODE_EXTRA_CA_CERTS ?? '',
      CI: 'true',
      ...each.env
    }
    const run = await spawnWithLimit([nodeBin, cli, ...each.args], env, 30_000)
    if (run.exitCode !== each.expectExit) surprises++
    print(`  ${each.title}`)
    print(`    $ ahds-token ${each.args.filter(arg => !arg.includes('\n')).join(' ')}`)
    if (run.stdout.trim() !== '') print(indent(indent(hideSecretLines(run.stdout))))
    if (run.stderr.trim() !== '') print(indent(indent(hideSecretLines(run.stderr))))
    print(`    exit code ${String(run.exitCode)}`)
  }
  return surprises
}

/** Azure Pipelines' secret commands (on stdout and stderr) carry the value at the line's end: shown without it. */
function hideSecretLines(stdout: string): string {
  return stdout.replace(/^(##vso\[task\.set(?:secret|variable [^\]]*)\]).*$/gm, '$1***')
}
