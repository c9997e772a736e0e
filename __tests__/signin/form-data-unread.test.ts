import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { leaveFormDataUnread } from '../../src/signin/form-data-unread.js'

const UNDICI = 'NativeModule internal/deps/undici/undici'

describe('leaveFormDataUnread', () => {
  it('deletes the global while undici is unloaded', () => {
    const global: Record<string, unknown> = { FormData: function FormData() {} }
    leaveFormDataUnread(global, ['NativeModule http'])
    expect('FormData' in global).toBe(false)
  })

  it('leaves a global that may have been read (undici loaded) alone', () => {
    const FormData = function FormData() {}
    const global: Record<string, unknown> = { FormData }
    leaveFormDataUnread(global, ['NativeModule http', UNDICI])
    expect(global.FormData).toBe(FormData)
  })

  it('leaves the global alone where Node lists no loaded modules', () => {
    const FormData = function FormData() {}
    const global: Record<string, unknown> = { FormData }
    leaveFormDataUnread(global, undefined)
    expect(global.FormData).toBe(FormData)
  })

  // The facts the module relies on, in a fresh Node process: deleting the lazy global does not load undici (while
  // reading its descriptor, as any save-and-restore would, does), and Node names undici as the module checks for.
  it('keeps undici unloaded in a fresh Node, where reading the descriptor would load it', () => {
    const script = (body: string) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', body], { encoding: 'utf8' }).stdout.trim()
    const loaded = `process.moduleLoadList.includes(${JSON.stringify(UNDICI)})`
    expect(script(`delete globalThis.FormData; console.log(${loaded}, typeof FormData)`)).toBe('false undefined')
    expect(script(`Object.getOwnPropertyDescriptor(globalThis, 'FormData'); console.log(${loaded})`)).toBe('true')
  })
})
