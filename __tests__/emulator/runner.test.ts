// The emulated runner's own parsing and process handling: if these were wrong, every end-to-end test would pass for
// nothing.
import { describe, expect, it } from '@jest/globals'
import { decodeCommand, parseFileCommand, runAction, workflowCommands } from '../../emulator/runner.ts'

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

describe('workflowCommands', () => {
  it('lists commands at the start of a line only', () => {
    expect(workflowCommands('::add-mask::x\ntext ::error::no\n::error title=T::msg\n').map(c => c.command)).toEqual([
      'add-mask',
      'error'
    ])
  })
})

describe('decodeCommand', () => {
  it('gives the kind, the title and the message with their escapes decoded once', () => {
    expect(decodeCommand('::error title=Sign-in%3A 401%2C denied::line 1%0D%0Aline 2: 100%25 %250A')).toEqual({
      kind: 'error',
      title: 'Sign-in: 401, denied',
      message: 'line 1\r\nline 2: 100% %0A'
    })
    expect(decodeCommand('::warning file=a.ts,title=T::m')).toEqual({ kind: 'warning', title: 'T', message: 'm' })
    expect(decodeCommand('::endgroup::')).toEqual({ kind: 'endgroup', message: '' })
  })

  it('is undefined for a line that is not a command', () => {
    expect(decodeCommand('text ::error::no')).toBeUndefined()
    expect(decodeCommand('::')).toBeUndefined()
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
