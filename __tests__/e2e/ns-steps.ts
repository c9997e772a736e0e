// The steps the namespace tests run inside netns.sh (`node ns-steps.ts PLAN RESULT_FILE`): the emulator answers on
// 127.0.0.1:443 under the production host names, and the action runs with its shipped defaults. Writes the runs,
// the slice of the emulator's request log each caused, and any tool output to RESULT_FILE for the jest side.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { get as httpsGet } from 'node:https'
import { createConnection } from 'node:net'
import { join } from 'node:path'
import { azureCliEnv, azureCliLoginArgs } from '../../emulator/azure-cli.ts'
import type { EmulatorInfo } from '../../emulator/info.ts'
import { settledRequestLog } from '../../emulator/request-log.ts'
import { type ActionRun, type RunOptions, nodeBin, repoRoot, runAction, spawnWithLimit } from '../../emulator/runner.ts'
import type { RequestLogEntry } from '../../emulator/server.ts'

/** The emulator's RequestLogEntry under its old name, while namespace.e2e.test.ts still imports it so. */

/** The emulator's --ready file. */
export type Ready = EmulatorInfo

export interface Step {
  readonly label: string
  readonly run?: ActionRun
  readonly requests: readonly RequestLogEntry[]
  /** Output of a tool run as a step (az), for the report. */
  readonly tool?: { exitCode: number | null; stdout: string; stderr: string }
  /** Lines the proxy logged during this step. */
  readonly proxyLog?: string
}

export interface StepsResult {
  readonly ready: Ready
  readonly steps: readonly Step[]
}

const readyFile = process.env.EMULATOR_READY ?? ''
const logFile = process.env.EMULATOR_LOG ?? ''
const workdir = process.env.NETNS_WORKDIR ?? ''

/** The emulator appends asynchronously: wait until the log stops growing before slicing it. */
const settledLog = (): Promise<RequestLogEntry[]> => settledRequestLog(logFile, 150)

function loadReady(): Ready {
  const ready = JSON.parse(readFileSync(readyFile, 'utf8')) as Ready
  for (const field of ['authorityHost', 'fhirUrl', 'oidcRequestUrl', 'caFile', 'clientId', 'clientSecret'] as const) {
    if (!ready[field]) throw new Error(`ready file: no ${field}`)
  }
  return ready
}

/** What the runner would set: the emulator's env() (CA, OIDC request URL and token). */
function runnerEnv(ready: Ready): Record<string, string> {
  return { ...ready.env }
}

async function actionStep(label: string, options: RunOptions): Promise<Step> {
  const before = (await settledLog()).length
  const run = await runAction(options)
  return { label, run, requests: (await settledLog()).slice(before) }
}

/** The shipped defaults: no authority-host, so the action signs in at login.microsoftonline.com itself. */
async function production(ready: Ready): Promise<Step[]> {
  const env = runnerEnv(ready)
  const common = { 'client-id': ready.clientId, 'tenant-id': ready.tenantId, 'fhir-url': ready.fhirUrl }
  return [
    await actionStep('oidc', { inputs: { ...common, 'health-check': 'true' }, env }),
    await actionStep('client-secret', {
      inputs: { ...common, 'auth-type': 'client-secret', 'client-secret': ready.clientSecret, 'health-check': 'true' },
      env
    })
  ]
}

/** The shipped defaults for a DICOM service: the token's resource and the health check are the action's own. */
async function productionDicom(ready: Ready): Promise<Step[]> {
  const inputs = {
    'client-id': ready.clientId,
    'tenant-id': ready.tenantId,
    'dicom-url': ready.dicomUrl,
    'health-check': 'true'
  }
  return [await actionStep('dicom', { inputs, env: runnerEnv(ready) })]
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end()
        resolve()
      })
      socket.on('error', () => {
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${port}`))
        else setTimeout(attempt, 100)
      })
    }
    attempt()
  })
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

/**
 * Behind tinyproxy: the action runs in a nested mount namespace whose hosts file lacks the service names, so the
 * proxy (which resolves them through this namespace's hosts file) is its only way to the emulator.
 */
async function proxy(ready: Ready): Promise<Step[]> {
  const port = 18888
  const dir = join(workdir, 'proxy')
  mkdirSync(dir, { recursive: true })
  const proxyLog = join(dir, 'tinyproxy.log')
  writeFileSync(
    join(dir, 'tinyproxy.conf'),
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 60',
      `LogFile "${proxyLog}"`,
      'LogLevel Connect',
      'MaxClients 50',
      'Allow 127.0.0.1',
      'ConnectPort 443',
      ''
    ].join('\n')
  )
  const tinyproxy = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: 'ignore' })
  try {
    await waitForPort(port, 10_000)
    const fhirHost = new URL(ready.fhirUrl).hostname
    const isolated = (name: string, hosts: string[]): string[] => {
      const file = join(dir, `hosts-${name}`)
      writeFileSync(file, ['127.0.0.1 localhost', ...hosts.map(host => `127.0.0.1 ${host}`), ''].join('\n'))
      // bash, not sh: dash drops variables whose names have hyphens (INPUT_CLIENT-ID) on exec.
      return ['unshare', '--mount', 'bash', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', file, nodeBin]
    }
    const inputs = {
      'client-id': ready.clientId,
      'tenant-id': ready.tenantId,
      'fhir-url': ready.fhirUrl,
      'health-check': 'true'
    }
    const proxied = async (label: string, prefix: string[], extraEnv: Record<string, string>): Promise<Step> => {
      const logBefore = readText(proxyLog).length
      const step = await actionStep(label, {
        inputs,
        env: { ...runnerEnv(ready), HTTPS_PROXY: `http://127.0.0.1:${port}`, ...extraEnv },
        prefix
      })
      return { ...step, proxyLog: readText(proxyLog).slice(logBefore) }
    }
    return [
      await proxied('all through the proxy', isolated('none', []), {}),
      await proxied('NO_PROXY for the FHIR service', isolated('fhir', [fhirHost]), { NO_PROXY: fhirHost })
    ]
  } finally {
    tinyproxy.kill()
  }
}

/** The real Azure CLI signs in against the emulator, then the action borrows its session. */
async function azureCli(ready: Ready): Promise<Step[]> {
  const env = azureCliEnv(ready, workdir)
  const before = (await settledLog()).length
  const login = await spawnWithLimit(['az', ...azureCliLoginArgs(ready)], env, 120_000)
  const loginStep: Step = {
    label: 'az login',
    tool: { exitCode: login.exitCode, stdout: login.stdout, stderr: login.stderr },
    requests: (await settledLog()).slice(before)
  }
  if (login.exitCode !== 0) return [loginStep]
  const action = await actionStep('azure-cli', {
    inputs: { 'auth-type': 'azure-cli', 'fhir-url': ready.fhirUrl, 'health-check': 'true' },
    env: { ...runnerEnv(ready), ...env },
    timeoutMs: 90_000
  })
  return [loginStep, action]
}

/** GitHub's OIDC token, as azure/login asks for it, for `az login --federated-token`. */
function githubToken(ready: Ready): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = `${ready.oidcRequestUrl}&audience=${encodeURIComponent('api://AzureADTokenExchange')}`
    const request = httpsGet(
      url,
      { headers: { authorization: `Bearer ${ready.oidcRequestToken}` }, ca: readFileSync(ready.caFile) },
      res => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const value = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { value?: string }).value
          if (value) resolve(value)
          else reject(new Error(`no OIDC token (HTTP ${String(res.statusCode)})`))
        })
      }
    )
    request.on('error', reject)
  })
}

/**
 * What azure/login does with client-id and tenant-id: `az login --federated-token` with a GitHub OIDC token, which
 * the CLI keeps and cannot renew. The token (short-lived in this scenario) expires; then the action borrows the CLI.
 */
async function azureCliStale(ready: Ready): Promise<Step[]> {
  const env = azureCliEnv(ready, workdir)
  const jwt = await githubToken(ready)
  const expiresAt = (JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number })
    .exp
  const before = (await settledLog()).length
  const args = [
    'login',
    '--service-principal',
    '-u',
    ready.clientId,
    '--tenant',
    ready.tenantId,
    '--federated-token',
    jwt
  ]
  const login = await spawnWithLimit(['az', ...args, '--allow-no-subscriptions', '--output', 'none'], env, 120_000)
  const loginStep: Step = {
    label: 'az login --federated-token',
    tool: { exitCode: login.exitCode, stdout: login.stdout, stderr: login.stderr },
    requests: (await settledLog()).slice(before)
  }
  if (login.exitCode !== 0) return [loginStep]
  // The job goes on past the GitHub token's lifetime.
  const wait = expiresAt * 1000 + 1000 - Date.now()
  if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
  const action = await actionStep('azure-cli after the GitHub token expired', {
    inputs: { 'auth-type': 'azure-cli', 'fhir-url': ready.fhirUrl },
    env: { ...runnerEnv(ready), ...env },
    timeoutMs: 90_000
  })
  return [loginStep, action]
}

/** curl as the docs show it (the header on its stdin), prefixed by `prefix` (another user); what it got, never a token. */
function curlForToken(
  label: string,
  prefix: readonly string[],
  endpoint: string,
  header: string,
  resource: string
): Promise<Step> {
  const url = `${endpoint}?resource=${encodeURIComponent(resource)}&api-version=2019-08-01`
  const command = [...prefix, 'curl', '-s', '-w', '\n%{http_code}', '-H', '@-', url]
  return new Promise(resolve => {
    const child = spawn(command[0] ?? 'curl', command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.stdin.end(`X-IDENTITY-HEADER: ${header}\n`)
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('close', exitCode => {
      clearTimeout(timer)
      const lines = Buffer.concat(out).toString('utf8').split('\n')
      const status = Number(lines.at(-1))
      const body = lines.slice(0, -1).join('\n')
      const answer = { status, token: body.includes('"access_token"'), error: /"error":"(\w+)"/.exec(body)?.[1] ?? '' }
      resolve({
        label,
        requests: [],
        tool: { exitCode, stdout: JSON.stringify(answer), stderr: Buffer.concat(err).toString('utf8') }
      })
    })
  })
}

/**
 * A token server, asked with the correct header by the job's own user (root, as the step runs here) and by another
 * user (nobody, through setpriv), then the post step.
 */
async function serveUsers(ready: Ready): Promise<Step[]> {
  const env = runnerEnv(ready)
  const runnerTemp = mkdtempSync(join(workdir, 'runner-temp-'))
  const inputs = { 'client-id': ready.clientId, 'tenant-id': ready.tenantId, 'fhir-url': ready.fhirUrl }
  const serve = await actionStep('serve', { inputs: { ...inputs, 'serve-tokens': 'true' }, env, runnerTemp })
  const exported = serve.run?.exportedEnv ?? {}
  const endpoint = exported.IDENTITY_ENDPOINT ?? ''
  const header = exported.IDENTITY_HEADER ?? ''
  if (endpoint === '' || header === '') return [serve]
  const nobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
  const other = await curlForToken('another user', nobody, endpoint, header, ready.fhirUrl)
  const own = await curlForToken("the job's user", [], endpoint, header, ready.fhirUrl)
  const post = await actionStep('post', { env: { ...env, ...exported }, state: serve.run?.state ?? {}, runnerTemp })
  return [serve, other, own, post]
}

/**
 * The CLI and PowerShell sessions served (Azure Resource Manager in serve-resources): with the runner's real `az`
 * (Debian's, older than the first that reads IDENTITY_ENDPOINT), then with the stand-in `az` first on PATH reporting
 * an old and a supported version. After the first, a later step signs in through the endpoint as `az login
 * --identity` does and lists ARM's subscriptions and tenants. Each step's post step stops its server.
 */
async function azureSessions(ready: Ready): Promise<Step[]> {
  const inputs = {
    'client-id': ready.clientId,
    'tenant-id': ready.tenantId,
    'fhir-url': ready.fhirUrl,
    'serve-tokens': 'true',
    'serve-resources': 'https://management.core.windows.net/'
  }
  const path = process.env.PATH ?? '/usr/bin:/bin'
  const standins = join(repoRoot, '__tests__/fixtures/bin')
  const folder = (label: string): string => join(workdir, label.replace(/\W+/g, '-'))
  const served = async (label: string, env: Record<string, string>): Promise<Step> => {
    mkdirSync(folder(label), { recursive: true })
    return actionStep(label, { inputs, env: { ...runnerEnv(ready), ...env }, runnerTemp: folder(label) })
  }
  /** The step's post step: stops its server. */
  const post = async (step: Step): Promise<void> => {
    if (step.run?.state === undefined) return
    const env = { ...runnerEnv(ready), ...step.run.exportedEnv }
    await runAction({ env, state: step.run.state, runnerTemp: folder(step.label) })
  }
  const first = await served("the runner's az", { PATH: path })
  // What az login --identity does from 2.73, through the endpoint, at the production ARM host.
  const before = (await settledLog()).length
  const signIn = await spawnWithLimit(
    [nodeBin, join(repoRoot, '__tests__/fixtures/serve-clients/arm-sign-in.ts')],
    { ...runnerEnv(ready), ...first.run?.exportedEnv, PATH: path, HOME: workdir },
    60_000
  )
  const signInStep: Step = {
    label: 'a managed-identity sign-in as az login --identity',
    tool: { exitCode: signIn.exitCode, stdout: signIn.stdout, stderr: signIn.stderr },
    requests: (await settledLog()).slice(before)
  }
  await post(first)
  const steps = [first, signInStep]
  for (const version of ['2.72.0', '2.73.0']) {
    const step = await served(`a stand-in az ${version}`, {
      PATH: `${standins}:${path}`,
      STANDIN_AZURE_CLI_VERSION: version
    })
    await post(step)
    steps.push(step)
  }
  return steps
}

const plans: Record<string, (ready: Ready) => Promise<Step[]>> = {
  production,
  'production-dicom': productionDicom,
  proxy,
  'azure-cli': azureCli,
  'azure-cli-stale': azureCliStale,
  'serve-users': serveUsers,
  'azure-sessions': azureSessions
}

const [planName = '', resultFile = ''] = process.argv.slice(2)
const plan = plans[planName]
if (!plan || !resultFile) {
  console.error(`usage: ns-steps.ts ${Object.keys(plans).join('|')} RESULT_FILE`)
  process.exit(2)
}
const ready = loadReady()
const result: StepsResult = { ready, steps: await plan(ready) }
writeFileSync(resultFile, JSON.stringify(result))
