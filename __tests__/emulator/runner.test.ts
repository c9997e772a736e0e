// The emulated runner's own parsing and process handling: if these were wrong, every end-to-end test would pass for
// nothing.
import { describe, expect, it } from '@jest/globals'
import { parseFileCommand, runAction, workflowCommands } from '../../emulator/runner.ts'

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
