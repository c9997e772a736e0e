// What a user or another process needs to know about a running emulator: URLs, test identities, trust and env.
import type { AzurePipelinesInfo, Emulator } from './index.ts'

export interface EmulatorInfo {
  readonly authorityHost: string
  readonly fhirUrl: string
  readonly dicomUrl: string
  readonly deidUrl: string
  readonly oidcRequestUrl: string
  readonly oidcRequestToken: string
  readonly githubIssuer: string
  readonly azurePipelines: AzurePipelinesInfo
  /** An Azure Pipelines script step's predefined variables (SYSTEM_ACCESSTOKEN is in `azurePipelines`). */
  readonly azurePipelinesEnv: Record<string, string>
  readonly gitlabIssuer: string
  readonly managedIdentityEndpoint: string
  readonly managedIdentityHeader: string
  readonly caFile: string
  readonly tenantId: string
  readonly clientId: string
  /** A test secret of the emulated world, not a real credential. */
  readonly clientSecret: string
  /** Private key + certificate PEM of the default app, for certificate sign-in. */
  readonly certificatePem: string
  readonly noRolesClientId: string
  readonly noRolesClientSecret: string
  readonly env: Record<string, string>
}

export function emulatorInfo(emulator: Emulator): EmulatorInfo {
  const [app, noRoles] = emulator.scenario.apps
  return {
    authorityHost: emulator.authorityHost,
    fhirUrl: emulator.fhirUrl,
    dicomUrl: emulator.dicomUrl,
    deidUrl: emulator.deidUrl,
    oidcRequestUrl: emulator.oidcRequestUrl,
    oidcRequestToken: emulator.oidcRequestToken,
    githubIssuer: emulator.githubIssuer,
    azurePipelines: emulator.azurePipelines,
    azurePipelinesEnv: emulator.azurePipelinesEnv(),
    gitlabIssuer: emulator.gitlabIssuer,
    managedIdentityEndpoint: emulator.managedIdentityEndpoint,
    managedIdentityHeader: emulator.managedIdentityHeader,
    caFile: emulator.caFile,
    tenantId: app?.tenantId ?? '',
    clientId: app?.clientId ?? '',
    clientSecret: app?.secrets?.[0]?.value ?? '',
    certificatePem: app?.certificatePem ?? '',
    noRolesClientId: noRoles?.clientId ?? '',
    noRolesClientSecret: noRoles?.secrets?.[0]?.value ?? '',
    env: emulator.env()
  }
}

/** Shell-quoted `export NAME='value'` lines. */
export function exportLines(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => `export ${name}='${value.replace(/'/g, `'\\''`)}'`)
    .join('\n')
}

/** A step's inputs that sign in as the emulator's default app with GitHub OIDC (auth-type auto picks it). */
export function oidcStepInputs(info: EmulatorInfo): Record<string, string> {
  return { 'client-id': info.clientId, 'tenant-id': info.tenantId, 'authority-host': info.authorityHost }
}

/** The same app signing in with its client secret. */
export function secretStepInputs(info: EmulatorInfo): Record<string, string> {
  return { ...oidcStepInputs(info), 'client-secret': info.clientSecret }
}
