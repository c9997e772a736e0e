// The real Azure CLI pointed at the emulator: its environment (a private config folder, the emulator's CA, no
// telemetry) and the service-principal sign-in with the emulator's test credentials. Used by the namespace
// end-to-end tests and the benchmark; it needs the namespace, where login.microsoftonline.com is the emulator.
import { join } from 'node:path'
import type { EmulatorInfo } from './info.ts'

/** The environment for `az` run against the emulator, keeping its state under `home`. */
export function azureCliEnv(info: EmulatorInfo, home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AZURE_CONFIG_DIR: join(home, 'azure'),
    REQUESTS_CA_BUNDLE: info.caFile,
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_CORE_NO_COLOR: 'true',
    AZURE_CORE_ONLY_SHOW_ERRORS: 'true'
  }
}

/** `az login` as the emulator's default app (a test secret); no subscriptions needed for a data-plane token. */
export function azureCliLoginArgs(info: EmulatorInfo): string[] {
  return [
    'login',
    '--service-principal',
    '-u',
    info.clientId,
    '-p',
    info.clientSecret,
    '--tenant',
    info.tenantId,
    '--allow-no-subscriptions',
    '--output',
    'none'
  ]
}
