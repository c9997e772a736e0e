// The Azure CLI on the runner, asked its version once when the token server serves Azure Resource Manager (the CLI
// and PowerShell sessions): a CLI before 2.73 never reads IDENTITY_ENDPOINT, and its `az login --identity` then fails
// in a later step with a bare "400" or a timeout that does not say why. Bounded in time and output, run beside the
// sign-in, never fails the step: no CLI, no answer or an unreadable one gives no warning.

import { execFile } from 'node:child_process'
import { isRecord } from '../lib/guards.js'
import { serverEnv } from './start.js'

/** The first Azure CLI whose managed-identity sign-in (MSAL Python's) reads IDENTITY_ENDPOINT and IDENTITY_HEADER. */
export const FIRST_ENDPOINT_CLI: readonly [number, number, number] = [2, 73, 0]
const TIMEOUT_MS = 10_000
const MAX_OUTPUT_BYTES = 64 * 1024

/** `az version`'s JSON, or undefined when there is no CLI or it did not answer in time. Never rejects. */
export type RunAzVersion = () => Promise<string | undefined>

const runAzVersion: RunAzVersion = () =>
  new Promise(resolve => {
    execFile(
      'az',
      ['version', '--output', 'json'],
      {
        timeout: TIMEOUT_MS,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
        // Without the step's inputs and secrets; quiet, offline, and never upgrading itself (the kill would cut it).
        env: {
          ...serverEnv(process.env),
          AZURE_CORE_COLLECT_TELEMETRY: 'false',
          AZURE_CORE_ONLY_SHOW_ERRORS: 'true',
          'AZURE_AUTO-UPGRADE_ENABLE': 'no'
        },
        // az is az.cmd on Windows, which only a shell runs; the arguments are fixed.
        shell: process.platform === 'win32',
        windowsHide: true
      },
      (error, stdout) => resolve(error ? undefined : stdout)
    )
  })

/** The warning to give about the runner's Azure CLI, if any. Never rejects. */
export async function azureCliWarning(run: RunAzVersion = runAzVersion): Promise<string | undefined> {
  return cliVersionWarning(await run().catch(() => undefined))
}

/** Pure: the warning for `az version`'s output, when it names a CLI too old for the endpoint. */
export function cliVersionWarning(output: string | undefined): string | undefined {
  const version = cliVersion(output)
  if (version === undefined || !olderThan(version, FIRST_ENDPOINT_CLI)) return undefined
  const found = version.join('.')
  const first = FIRST_ENDPOINT_CLI.join('.')
  return (
    `serve-tokens: the Azure CLI on this runner is ${found}, older than ${first}, the first that signs in through ` +
    'IDENTITY_ENDPOINT: az login --identity in a later step would fail. Fix: update the CLI in an earlier step (az ' +
    "upgrade --yes for an install from Microsoft's packages, pip install --upgrade azure-cli for a pip one), or use " +
    "an Azure SDK's DefaultAzureCredential or " +
    'ManagedIdentityCredential, which read the endpoint. Azure PowerShell (Connect-AzAccount -Identity) is not affected.'
  )
}

/** The `azure-cli` version, digits only: nothing of the tool's own text reaches the log. */
function cliVersion(output: string | undefined): [number, number, number] | undefined {
  if (output === undefined) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(output)
  } catch {
    return undefined
  }
  const text = isRecord(parsed) ? parsed['azure-cli'] : undefined
  const match = typeof text === 'string' ? /^(\d{1,4})\.(\d{1,4})\.(\d{1,4})/.exec(text) : null
  if (match === null) return undefined
  return [Number(match[1]), Number(match[2]), Number(match[3])]
}

function olderThan(version: readonly number[], than: readonly number[]): boolean {
  for (const [index, part] of version.entries()) {
    const other = than[index] ?? 0
    if (part !== other) return part < other
  }
  return false
}
