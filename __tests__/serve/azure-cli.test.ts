// The runner's Azure CLI asked its version when Azure Resource Manager is served: one warning for a CLI that cannot sign
// in through the endpoint, none for a newer one, no CLI or an answer that is not az's.
import { describe, expect, it } from '@jest/globals'
import { azureCliWarning, cliVersionWarning } from '../../src/serve/azure-cli.js'

const version = (cli: string): string => JSON.stringify({ 'azure-cli': cli, 'azure-cli-core': cli, extensions: {} })

describe('cliVersionWarning', () => {
  it.each(['2.45.0', '2.72.9', '1.99.0'])('warns about %s, naming it and the fix', cli => {
    const warning = cliVersionWarning(version(cli))
    expect(warning).toContain(`the Azure CLI on this runner is ${cli}, older than 2.73.0`)
    expect(warning).toContain('update the CLI')
    expect(warning).toContain('DefaultAzureCredential')
  })

  it.each(['2.73.0', '2.73.1', '2.80.0', '3.0.0'])('is silent for %s', cli => {
    expect(cliVersionWarning(version(cli))).toBeUndefined()
  })

  it.each([undefined, '', 'not json', '[]', '{"azure-cli":"::error::x"}', '{"azure-cli":2.45}'])(
    'is silent for an answer that is not a version: %p',
    output => {
      expect(cliVersionWarning(output)).toBeUndefined()
    }
  )

  it('shows the digits only, never the rest of the tool text', () => {
    expect(cliVersionWarning(version('2.45.0::warning::x'))).not.toContain('::')
  })
})

describe('azureCliWarning', () => {
  it('never rejects, whatever running the CLI does', async () => {
    await expect(azureCliWarning(() => Promise.reject(new Error('spawn az ENOENT')))).resolves.toBeUndefined()
    await expect(azureCliWarning(() => Promise.resolve(version('2.45.0')))).resolves.toContain('2.45.0')
  })
})
