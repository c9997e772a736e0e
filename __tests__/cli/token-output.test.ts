import { mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import {
  renderAzurePipelines,
  renderEnvFile,
  renderJson,
  tokenVariables,
  writeEnvFile
} from '../../src/cli/token-output.js'
import type { ServiceToken } from '../../src/health/run.js'

const claims = { appId: 'app', oid: 'object', tenantId: 'tenant' }
const token = (kind: 'fhir' | 'dicom' | 'resource', value: string): ServiceToken => ({
  target: {
    kind,
    resource: `https://${kind}.example`,
    ...(kind === 'resource' ? {} : { serviceUrl: `https://${kind}.example/base` })
  },
  token: {
    token: value,
    expiresOn: new Date('2030-01-01T00:00:00Z'),
    resource: `https://${kind}.example`,
    claims,
    signInMethod: 'client-secret'
  }
})

describe('tokenVariables', () => {
  it('one service: its token and URL, and AHDS_TOKEN', () => {
    expect(tokenVariables([token('fhir', 'f')])).toEqual({
      AHDS_TOKEN: 'f',
      FHIR_TOKEN: 'f',
      FHIR_URL: 'https://fhir.example/base'
    })
  })

  it('several services: no AHDS_TOKEN, so that no command takes one service token for another', () => {
    expect(tokenVariables([token('fhir', 'f'), token('dicom', 'd')])).toEqual({
      FHIR_TOKEN: 'f',
      FHIR_URL: 'https://fhir.example/base',
      DICOM_TOKEN: 'd',
      DICOM_URL: 'https://dicom.example/base'
    })
  })

  it('a bare resource: AHDS_TOKEN only', () => {
    expect(tokenVariables([token('resource', 'r')])).toEqual({ AHDS_TOKEN: 'r' })
  })
})

describe('the output forms', () => {
  it('JSON: one token at the top, several under services, the identity beside', () => {
    expect(JSON.parse(renderJson([token('fhir', 'f')]))).toEqual({
      token: 'f',
      expiresOn: '2030-01-01T00:00:00.000Z',
      resource: 'https://fhir.example',
      identity: { appId: 'app', objectId: 'object', tenantId: 'tenant' }
    })
    const several = JSON.parse(renderJson([token('fhir', 'f'), token('dicom', 'd')])) as Record<string, unknown>
    expect(Object.keys(several.services as object)).toEqual(['fhir', 'dicom'])
    expect(several.token).toBeUndefined()
  })

  it('Azure Pipelines: a secret variable per token, the URLs not among them', () => {
    expect(renderAzurePipelines([token('fhir', 'f'), token('dicom', 'd')])).toBe(
      '##vso[task.setvariable variable=FHIR_TOKEN;issecret=true]f\n' +
        '##vso[task.setvariable variable=DICOM_TOKEN;issecret=true]d\n'
    )
  })

  it('env file lines', () => {
    expect(renderEnvFile([token('fhir', 'f')])).toBe('AHDS_TOKEN=f\nFHIR_TOKEN=f\nFHIR_URL=https://fhir.example/base\n')
  })
})

describe('writeEnvFile', () => {
  it('writes mode 0600, also over a file that was readable by others, and refuses a link', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ahds-env-file-'))
    try {
      const path = join(dir, 'e.env')
      await writeFile(path, 'old old old\n', { mode: 0o644 })
      await writeEnvFile(path, 'A=1\n')
      expect(await readFile(path, 'utf8')).toBe('A=1\n')
      expect((await stat(path)).mode & 0o777).toBe(0o600)
      const link = join(dir, 'link.env')
      await symlink(path, link)
      await expect(writeEnvFile(link, 'B=2\n')).rejects.toThrow(/ELOOP/)
      expect(await readFile(path, 'utf8')).toBe('A=1\n')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
