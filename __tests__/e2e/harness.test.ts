// The harness's own parsing and leak scan: if these were wrong, every end-to-end test would pass for nothing.
import { describe, expect, it } from '@jest/globals'
import { type ActionRun, findLeaks, parseFileCommand, runAction, secretNeedles, workflowCommands } from './harness.ts'

const baseRun: ActionRun = {
  exitCode: 0,
  signal: null,
  timedOut: false,
  stdout: '',
  stderr: '',
  outputs: {},
  exportedEnv: {},
  outputFile: '',
  envFile: '',
  summary: '',
  durationMs: 1
}

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU'

describe('parseFileCommand', () => {
  it('reads heredoc entries with multi-line values and legacy name=value lines', () => {
    const text =
      'token<<ghadelimiter_1\nabc\nghadelimiter_1\n' +
      'health-report<<ghadelimiter_2\n[1,\n2]\nghadelimiter_2\n' +
      'legacy=a=b\n'
    expect(parseFileCommand(text)).toEqual({ token: 'abc', 'health-report': '[1,\n2]', legacy: 'a=b' })
  })

  it('rejects a heredoc whose delimiter never closes', () => {
    expect(() => parseFileCommand('x<<EOF\nvalue\n')).toThrow(/never closed/)
  })
})

describe('findLeaks', () => {
  it('allows a secret only in add-mask lines, the token output and the exported variable', () => {
    const run: ActionRun = {
      ...baseRun,
      stdout: `::add-mask::${jwt}\nSigned in\n`,
      outputFile: `token<<d\n${jwt}\nd\n`,
      envFile: `FHIR_TOKEN<<d\n${jwt}\nd\n`,
      exportVariable: 'FHIR_TOKEN'
    }
    expect(findLeaks(run, [jwt])).toEqual([])
  })

  it('finds a secret, or a JWT signature alone, anywhere else', () => {
    const signature = jwt.split('.')[2] ?? ''
    const run: ActionRun = {
      ...baseRun,
      stdout: `::error::bad ${signature}\n`,
      stderr: jwt,
      outputFile: `resource<<d\n${jwt}\nd\n`,
      envFile: `OTHER<<d\n${jwt}\nd\n`,
      summary: `<td>${jwt}</td>`
    }
    const where = findLeaks(run, [jwt]).map(leak => leak.where)
    expect(new Set(where)).toEqual(new Set(['stdout', 'stderr', 'outputs', 'env', 'summary']))
  })

  it('finds a JWT nobody told it about, such as a GitHub OIDC token', () => {
    const github = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('{"iss":"https://token.actions.githubusercontent.com"}').toString('base64url')}.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU`
    const run: ActionRun = { ...baseRun, stdout: `assertion ${github}\n` }
    expect(findLeaks(run, [])).toEqual([
      { where: 'stdout', detail: 'line 1 contains a JWT (iss https://token.actions.githubusercontent.com)' }
    ])
  })

  it('treats each base64 line of a PEM as a secret on its own', () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC\n-----END PRIVATE KEY-----'
    expect(secretNeedles([pem])).toEqual(['MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'BKcwggSjAgEAAoIBAQC'])
    const run: ActionRun = { ...baseRun, stdout: 'key: BKcwggSjAgEAAoIBAQC\n' }
    expect(findLeaks(run, [pem])).toHaveLength(1)
  })
})

describe('workflowCommands', () => {
  it('lists commands at the start of a line only', () => {
    expect(workflowCommands('::add-mask::x\ntext ::error::no\n::error title=T::msg\n').map(c => c.command)).toEqual([
      'add-mask',
      'error'
    ])
  })
})

describe('runAction', () => {
  it('passes inputs as INPUT_<NAME> with hyphens, builds the env from scratch, and kills a run over its limit', async () => {
    const script =
      'const fs=require("fs");' +
      'fs.appendFileSync(process.env.GITHUB_OUTPUT,"seen<<E\\n"+JSON.stringify(' +
      '[process.env["INPUT_CLIENT-ID"],process.env.NODE_OPTIONS??null,process.env.GITHUB_ACTIONS])+"\\nE\\n");' +
      'if(process.env.HANG)setInterval(()=>{},1000)'
    const prefix = [process.execPath, '-e', script]
    const run = await runAction({ inputs: { 'client-id': 'abc' }, prefix })
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.outputs.seen ?? '')).toEqual(['abc', null, 'true'])
    const hung = await runAction({ env: { HANG: '1' }, prefix, timeoutMs: 500 })
    expect(hung.timedOut).toBe(true)
    expect(hung.exitCode).toBeNull()
  })
})
