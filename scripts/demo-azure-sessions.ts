// The demo's Azure CLI case: a step serves Azure Resource Manager too (serve-resources:
// https://management.core.windows.net/), and later steps run what the seed's commands ask of the endpoint, as the Azure
// CLI from 2.73 asks it (MSAL's managed-identity client): `az login --identity`, the seed's `az account
// get-access-token --resource=<fhir url> --query accessToken --output tsv` and an `az rest` GET on the FHIR service's
// metadata, before and after the first token expired (the emulator issues 3-second tokens here).
import { ManagedIdentityApplication } from '@azure/msal-node'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Emulator, trustEmulatorCa } from '../emulator/index.ts'
import { emulatorInfo, oidcStepInputs } from '../emulator/info.ts'
import { jwtClaims, runAction } from '../emulator/runner.ts'
import { type DemoOutput, postStep } from './demo-serve.ts'

const LIFETIME_SECONDS = 3
const ARM_CLASSIC = 'https://management.core.windows.net/'

interface Got {
  readonly aud: string
  readonly iat: number
  readonly exp: number
  readonly uti: string
}

/** Runs the case; returns 1 when it did not end as expected, else 0. */
export async function demoAzureSessions(emulator: Emulator, output: DemoOutput): Promise<number> {
  const { print, indent, runnerView } = output
  const info = emulatorInfo(emulator)
  emulator.setScenario({ entra: { tokenLifetimeSeconds: LIFETIME_SECONDS } })
  trustEmulatorCa(emulator.caCertPem)
  const runnerTemp = mkdtempSync(join(tmpdir(), 'ahds-demo-job-'))
  const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER }
  print()
  print(
    `━━ The Azure CLI for the whole job (serve-resources: ${ARM_CLASSIC}), with tokens that live ${LIFETIME_SECONDS} s`
  )
  try {
    const main = await runAction({
      inputs: {
        ...oidcStepInputs(info),
        'fhir-url': info.fhirUrl,
        'serve-tokens': 'true',
        'serve-resources': ARM_CLASSIC
      },
      env: emulator.env(),
      runnerTemp
    })
    print('  The step:')
    print(indent(runnerView(main.stdout)))
    // A later step's environment: the step's GITHUB_ENV.
    process.env.IDENTITY_ENDPOINT = main.exportedEnv.IDENTITY_ENDPOINT ?? ''
    process.env.IDENTITY_HEADER = main.exportedEnv.IDENTITY_HEADER ?? ''
    print('  Later steps, asking the endpoint as the Azure CLI from 2.73 does (MSAL managed identity):')
    const login = await tokenFor(ARM_CLASSIC)
    print(`    az login --identity --allow-no-subscriptions: a token for ${ARM_CLASSIC}, aud ${login.aud}`)
    const seed = `az account get-access-token --resource=${info.fhirUrl} --query accessToken --output tsv`
    const first = await tokenFor(info.fhirUrl)
    print(`    ${seed}: *** (${describe(first)})`)
    const metadata = await fetch(`${info.fhirUrl}/metadata`, {
      headers: { authorization: `Bearer ${await raw(info.fhirUrl)}` }
    })
    const fhirVersion = ((await metadata.json()) as { fhirVersion?: string }).fhirVersion ?? '?'
    print(
      `    az rest --method get --url ${info.fhirUrl}/metadata: HTTP ${metadata.status}, fhirVersion ${fhirVersion}`
    )
    await new Promise(resolve => setTimeout(resolve, Math.max(0, first.exp * 1000 - Date.now()) + 200))
    const second = await tokenFor(info.fhirUrl)
    print(`    After the first token expired, the same command: *** (${describe(second)})`)
    const post = await postStep(emulator, main, runnerTemp, output)
    const fresh = second.iat >= first.exp && second.uti !== first.uti
    const expected = main.exitCode === 0 && post.exitCode === 0 && metadata.status === 200
    return expected && fresh && login.aud === 'https://management.azure.com' ? 0 : 1
  } finally {
    restore('IDENTITY_ENDPOINT', saved.endpoint)
    restore('IDENTITY_HEADER', saved.header)
    emulator.setScenario({})
    rmSync(runnerTemp, { recursive: true, force: true })
  }
}

/** The access token MSAL's managed-identity client gets from IDENTITY_ENDPOINT (its cache first, as in one az run). */
async function raw(resource: string): Promise<string> {
  return (await new ManagedIdentityApplication({}).acquireToken({ resource })).accessToken
}

async function tokenFor(resource: string): Promise<Got> {
  const { aud, iat, exp, uti } = jwtClaims(await raw(resource)) as unknown as Got
  return { aud, iat, exp, uti }
}

const describe = (got: Got): string =>
  `aud ${got.aud}, issued ${new Date(got.iat * 1000).toISOString()}, expires ${new Date(got.exp * 1000).toISOString()}`

function restore(name: string, value: string | undefined): void {
  if (value === undefined) Reflect.deleteProperty(process.env, name)
  else process.env[name] = value
}
