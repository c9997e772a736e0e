// A local stand-in for Microsoft Entra ID, the OIDC tokens of GitHub, Azure Pipelines and GitLab, managed identity and
// the Azure Health Data Services FHIR, DICOM and de-identification services, over real TLS. Importable by tests (start/stop in-process) and run by cli.ts.
// Where the emulator repeats a fact of src/ (role names, DICOM API versions, the DICOM audience, GUID shapes), it does
// so on purpose: it is an independent model of the services, so a bug in src/ cannot hide in both.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tls from 'node:tls'
import { type ClientCertificate, createCertificateAuthority, createClientCertificate } from './ca.ts'
import { handleArm } from './arm.ts'
import { azurePipelinesEnv, type AzurePipelinesInfo, azurePipelinesInfo, handleAzureDevOps } from './azure-pipelines.ts'
import { handleDeid } from './deid.ts'
import { handleDicom } from './dicom.ts'
import { handleEntra } from './entra/index.ts'
import { takeFault } from './faults.ts'
import { handleFhir } from './fhir.ts'
import { handleGithub, OIDC_REQUEST_PATH, OIDC_REQUEST_QUERY } from './github-oidc.ts'
import { type GitLabIdTokenOptions, mintGitLabIdToken } from './gitlab.ts'
import type { EmuRequest, EmuResponse } from './http.ts'
import { jsonResponse } from './http.ts'
import { createSigningKey } from './jwt.ts'
import { mintServiceAccountToken, type ServiceAccountTokenOptions } from './kubernetes.ts'
import { handleManagedIdentity, MANAGED_IDENTITY_PATH } from './managed-identity.ts'
import {
  defaultScenario,
  effectiveResources,
  mergeScenario,
  type AppSpec,
  type Party,
  type Scenario,
  type ScenarioInput
} from './scenario.ts'
import { type ConnectionLogEntry, Listener, type Pipeline, type RequestLogEntry } from './server.ts'
import type { World } from './world.ts'

export type { ConnectionLogEntry, RequestLogEntry } from './server.ts'
export type * from './scenario.ts'
export {
  defaultScenario,
  mergeScenario,
  loadScenarioFile,
  DEFAULT_TENANT_ID,
  DEFAULT_TENANT_DOMAIN,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  NO_ROLES_CLIENT_ID,
  NO_ROLES_CLIENT_SECRET,
  GITHUB_ISSUER,
  FEDERATED_AUDIENCE,
  DEFAULT_SUBJECT,
  DICOM_AUDIENCE,
  DEID_AUDIENCE,
  ARM_AUDIENCE,
  AKS_CLIENT_ID,
  AKS_ISSUER,
  AKS_SUBJECT,
  AZURE_DEVOPS_ORGANIZATION_ID,
  AZURE_PIPELINES_ISSUER,
  AZURE_PIPELINES_SERVICE_CONNECTION_ID,
  AZURE_PIPELINES_SUBJECT,
  GITLAB_ISSUER,
  GITLAB_SUBJECT
} from './scenario.ts'
export { OIDC_REQUEST_PATH } from './github-oidc.ts'
export type { AzurePipelinesInfo } from './azure-pipelines.ts'
export type { GitLabIdTokenOptions } from './gitlab.ts'
export type { ServiceAccountTokenOptions } from './kubernetes.ts'
export { MANAGED_IDENTITY_PATH } from './managed-identity.ts'

export interface EmulatorOptions {
  /** Partial scenario merged over the defaults. */
  scenario?: ScenarioInput
  /**
   * 'ports' (default): each party on its own random port of 127.0.0.1 (and ::1), URLs with "localhost".
   * 'hosts': one listener routing by Host header with the production names (for a private network namespace).
   */
  listen?: { mode: 'ports' } | { mode: 'hosts'; port: number; address?: string }
  /** Called for every request as it is logged (the CLI appends them to a file). */
  onRequest?: (entry: RequestLogEntry) => void
}

export interface Emulator {
  readonly caCertPem: string
  /** PEM file of the CA, for NODE_EXTRA_CA_CERTS / REQUESTS_CA_BUNDLE. */
  readonly caFile: string
  readonly authorityHost: string
  /** ACTIONS_ID_TOKEN_REQUEST_URL: already has a query, like GitHub's. */
  readonly oidcRequestUrl: string
  readonly oidcRequestToken: string
  readonly githubIssuer: string
  /** Azure Pipelines' OIDC endpoint, the job's System.AccessToken, the service connection and the issuer. */
  readonly azurePipelines: AzurePipelinesInfo
  readonly gitlabIssuer: string
  readonly fhirUrl: string
  readonly dicomUrl: string
  readonly deidUrl: string
  readonly managedIdentityEndpoint: string
  readonly managedIdentityHeader: string
  readonly scenario: Scenario
  env(): Record<string, string>
  /**
   * Writes a fresh service-account token to the projected token file (a rotation) and returns what a pod on AKS
   * with Azure Workload Identity has in its environment: AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID,
   * AZURE_TENANT_ID and AZURE_AUTHORITY_HOST.
   */
  projectServiceAccountToken(options?: ServiceAccountTokenOptions): Promise<Record<string, string>>
  /** What a script step on an Azure Pipelines agent has in its environment (without SYSTEM_ACCESSTOKEN). */
  azurePipelinesEnv(): Record<string, string>
  /** A GitLab CI id_token, as a job's `id_tokens` variable holds it. */
  mintGitLabIdToken(options?: GitLabIdTokenOptions): Promise<string>
  requests(): readonly RequestLogEntry[]
  /** Every TLS connection accepted so far, in order. */
  connections(): readonly ConnectionLogEntry[]
  clearRequests(): void
  setScenario(s: ScenarioInput): void
  stop(): Promise<void>
}

export const HOSTS = {
  entra: 'login.microsoftonline.com',
  githubPipelines: 'pipelines.actions.githubusercontent.com',
  githubIssuer: 'token.actions.githubusercontent.com',
  azureDevOps: 'dev.azure.com',
  azureDevOpsIssuer: 'vstoken.dev.azure.com',
  fhirSuffix: '.fhir.azurehealthcareapis.com',
  dicomSuffix: '.dicom.azurehealthcareapis.com',
  deidSuffix: '.deid.azure.com',
  management: 'management.azure.com'
} as const

const SERVER_NAMES = [
  'localhost',
  HOSTS.entra,
  HOSTS.githubPipelines,
  HOSTS.githubIssuer,
  HOSTS.azureDevOps,
  HOSTS.azureDevOpsIssuer,
  `*${HOSTS.fhirSuffix}`,
  `*${HOSTS.dicomSuffix}`,
  // The default scenario's region; a wildcard covers one label only.
  `*.api.${defaultScenario.deid.region}${HOSTS.deidSuffix}`,
  HOSTS.management
]

/** Adds the CA to this process's default trust store (for in-process clients such as @azure/identity). */
export function trustEmulatorCa(caCertPem: string): void {
  const current = tls.getCACertificates('default')
  if (current.includes(caCertPem)) return
  tls.setDefaultCACertificates([...current, caCertPem])
}

const partyHost = (req: EmuRequest): string => new URL(req.origin).hostname.toLowerCase()

/** Party by Host header in hosts mode. */
export function partyForHost(host: string): Party {
  const name = host.replace(/:\d+$/, '').toLowerCase()
  if (name === HOSTS.entra) return 'entra'
  if (name === HOSTS.githubPipelines || name === HOSTS.githubIssuer) return 'github'
  if (name === HOSTS.azureDevOps || name === HOSTS.azureDevOpsIssuer) return 'azure-devops'
  if (name.endsWith(HOSTS.fhirSuffix)) return 'fhir'
  if (name.endsWith(HOSTS.dicomSuffix)) return 'dicom'
  if (name.endsWith(HOSTS.deidSuffix)) return 'deid'
  if (name === 'localhost' || name === '127.0.0.1' || name === '[::1]') return 'managed-identity'
  return 'other'
}

function needsGeneratedCertificate(app: AppSpec): boolean {
  return (app.certificates ?? []).some(c => c.generate)
}

/** Generated client certificates are kept per client ID so that setScenario does not change them. */
function resolveCertificates(scenario: Scenario, generated: Map<string, ClientCertificate>): Scenario {
  const apps: AppSpec[] = scenario.apps.map(app => {
    const gen = generated.get(app.clientId)
    if (!gen || !needsGeneratedCertificate(app)) return app
    return {
      ...app,
      certificates: (app.certificates ?? []).map(c => (c.generate ? { pem: gen.certPem, generate: true } : c)),
      certificatePem: `${gen.keyPem.trimEnd()}\n${gen.certPem.trimEnd()}\n`
    }
  })
  return { ...scenario, apps }
}

async function generateMissingCertificates(
  scenario: Scenario,
  generated: Map<string, ClientCertificate>
): Promise<void> {
  const needed = scenario.apps.filter(a => needsGeneratedCertificate(a) && !generated.has(a.clientId))
  const made = await Promise.all(needed.map(a => createClientCertificate(a.displayName)))
  needed.forEach((a, i) => {
    const cert = made[i]
    if (cert) generated.set(a.clientId, cert)
  })
}

// Longer than a function should be: the handle it returns closes over the listeners, the world, the fault counters
// and the request log, which only live as long as this one emulator.
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const listen = options.listen ?? { mode: 'ports' }
  const [ca, tenantKey, githubKey, serviceAccountKey, azureDevOpsKey, gitlabKey] = await Promise.all([
    createCertificateAuthority(),
    createSigningKey('Emulated Entra tenant signing key'),
    createSigningKey('Emulated GitHub OIDC signing key'),
    createSigningKey('Emulated Kubernetes service-account signing key'),
    createSigningKey('Emulated Azure DevOps OIDC signing key'),
    createSigningKey('Emulated GitLab id_token signing key')
  ])
  const leaf = await ca.issueServerCertificate(SERVER_NAMES, ['127.0.0.1', '::1'])
  const dir = mkdtempSync(join(tmpdir(), 'hds-emulator-'))
  const caFile = join(dir, 'ca.pem')
  writeFileSync(caFile, ca.certPem)
  // Where the kubelet would project the service-account token (…/azure-identity-token in a pod).
  const federatedTokenFile = join(dir, 'azure-identity-token')

  const generated = new Map<string, ClientCertificate>()
  const managedIdentityHeader = randomBytes(16).toString('hex')
  const log: RequestLogEntry[] = []
  const connectionLog: ConnectionLogEntry[] = []
  const timers = new Set<NodeJS.Timeout>()
  let faultCounts: number[] = []
  let world: World | undefined
  const currentWorld = (): World => {
    if (!world) throw new Error('emulator not started')
    return world
  }

  const handlers: Record<Party, (req: EmuRequest) => Promise<EmuResponse>> = {
    entra: req => handleEntra(req, currentWorld()),
    github: req => handleGithub(req, currentWorld()),
    'azure-devops': req => handleAzureDevOps(req, currentWorld()),
    fhir: req => handleFhir(req, currentWorld()),
    dicom: req => handleDicom(req, currentWorld()),
    deid: req => handleDeid(req, currentWorld()),
    'managed-identity': req => handleManagedIdentity(req, currentWorld(), managedIdentityHeader),
    other: req =>
      partyHost(req) === HOSTS.management
        ? handleArm(req, currentWorld())
        : Promise.resolve(jsonResponse(404, { error: { code: 'NotFound', message: 'No emulated host' } }))
  }
  const pipelineFor = (fixedParty?: Party): Pipeline => ({
    partyOf: host => fixedParty ?? partyForHost(host),
    handle: (party, req) => handlers[party](req),
    connected: entry => {
      connectionLog.push(entry)
    },
    takeFault: (party, method, path) => takeFault(currentWorld().scenario.faults, faultCounts, party, method, path),
    log: entry => {
      log.push(entry)
      options.onRequest?.(entry)
    }
  })

  const tlsOptions = { cert: leaf.certPem, key: leaf.keyPem }
  const listeners: Listener[] = []
  const urls: Record<Exclude<Party, 'other'>, string> = {
    entra: '',
    github: '',
    'azure-devops': '',
    fhir: '',
    dicom: '',
    deid: '',
    'managed-identity': ''
  }
  let fhirUrl: string
  let dicomUrl: string
  let deidUrl: string
  try {
    const base = mergeScenario(options.scenario)
    if (listen.mode === 'hosts') {
      const listener = await Listener.start(
        tlsOptions,
        listen.address ?? '127.0.0.1',
        listen.port,
        pipelineFor(),
        timers
      )
      listeners.push(listener)
      const port = listener.port === 443 ? '' : `:${listener.port}`
      urls.entra = `https://${HOSTS.entra}${port}`
      urls.github = `https://${HOSTS.githubPipelines}${port}`
      urls['azure-devops'] = `https://${HOSTS.azureDevOps}${port}`
      urls['managed-identity'] = `https://localhost${port}`
      fhirUrl = `https://${base.fhir.serviceName}${HOSTS.fhirSuffix}${port}`
      dicomUrl = `https://${base.dicom.serviceName}${HOSTS.dicomSuffix}${port}`
      deidUrl = `https://${base.deid.serviceName}.api.${base.deid.region}${HOSTS.deidSuffix}${port}`
    } else {
      for (const party of Object.keys(urls) as (keyof typeof urls)[]) {
        const listener = await Listener.start(tlsOptions, '127.0.0.1', 0, pipelineFor(party), timers)
        listeners.push(listener)
        // "localhost" may resolve to ::1 first: answer there too when the machine has IPv6.
        await Listener.start(tlsOptions, '::1', listener.port, pipelineFor(party), timers).then(
          l => listeners.push(l),
          () => undefined
        )
        urls[party] = `https://localhost:${listener.port}`
      }
      fhirUrl = urls.fhir
      dicomUrl = urls.dicom
      deidUrl = urls.deid
    }

    // One builder for start-up and setScenario: only start-up may create certificates (it is the one that can wait),
    // so a later scenario naming a new app with a generated certificate is refused rather than half-applied.
    const buildWorld = (input: ScenarioInput | undefined): World => {
      const merged = mergeScenario(input)
      const missing = merged.apps.filter(a => needsGeneratedCertificate(a) && !generated.has(a.clientId))
      if (missing.length > 0) {
        const names = missing.map(a => `${a.displayName} (${a.clientId})`).join(', ')
        throw new Error(
          `setScenario cannot generate a certificate for ${names}: pass the app in the start-up scenario, or give it a certificate PEM`
        )
      }
      const scenario = resolveCertificates(merged, generated)
      return {
        scenario,
        scenarioSince: Date.now(),
        now: () => Date.now(),
        tenantKey,
        githubKey,
        serviceAccountKey,
        azureDevOpsKey,
        gitlabKey,
        authorityHost: urls.entra,
        fhirUrl,
        resources: effectiveResources(scenario, fhirUrl)
      }
    }
    await generateMissingCertificates(mergeScenario(options.scenario), generated)
    world = buildWorld(options.scenario)

    const oidcRequestUrl = `${urls.github}${OIDC_REQUEST_PATH}${OIDC_REQUEST_QUERY}`
    const emulator: Emulator = {
      caCertPem: ca.certPem,
      caFile,
      authorityHost: urls.entra,
      oidcRequestUrl,
      get oidcRequestToken() {
        return currentWorld().scenario.github.requestToken
      },
      get githubIssuer() {
        return currentWorld().scenario.github.issuer
      },
      get azurePipelines() {
        return azurePipelinesInfo(urls['azure-devops'], currentWorld().scenario.azurePipelines)
      },
      get gitlabIssuer() {
        return currentWorld().scenario.gitlab.issuer
      },
      fhirUrl,
      dicomUrl,
      deidUrl,
      managedIdentityEndpoint: `${urls['managed-identity']}${MANAGED_IDENTITY_PATH}`,
      managedIdentityHeader,
      get scenario() {
        return currentWorld().scenario
      },
      env: () => ({
        NODE_EXTRA_CA_CERTS: caFile,
        ACTIONS_ID_TOKEN_REQUEST_URL: oidcRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: currentWorld().scenario.github.requestToken
      }),
      projectServiceAccountToken: async tokenOptions => {
        const current = currentWorld()
        writeFileSync(federatedTokenFile, await mintServiceAccountToken(current, tokenOptions), { mode: 0o600 })
        return {
          AZURE_FEDERATED_TOKEN_FILE: federatedTokenFile,
          AZURE_CLIENT_ID: current.scenario.kubernetes.clientId,
          AZURE_TENANT_ID: current.scenario.tenants[0]?.id ?? '',
          // The webhook's value ends with a slash.
          AZURE_AUTHORITY_HOST: `${urls.entra}/`
        }
      },
      azurePipelinesEnv: () => azurePipelinesEnv(urls['azure-devops'], currentWorld().scenario.azurePipelines),
      mintGitLabIdToken: tokenOptions => mintGitLabIdToken(currentWorld(), tokenOptions),
      requests: () => [...log],
      connections: () => [...connectionLog],
      clearRequests: () => {
        log.length = 0
        connectionLog.length = 0
      },
      setScenario: input => {
        const next = buildWorld(input)
        faultCounts = []
        world = next
      },
      stop: async () => {
        for (const timer of timers) clearTimeout(timer)
        timers.clear()
        await Promise.all(listeners.map(l => l.close()))
        rmSync(dir, { recursive: true, force: true })
      }
    }
    return emulator
  } catch (error) {
    await Promise.all(listeners.map(l => l.close()))
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
}
