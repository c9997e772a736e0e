// The emulator as every Jest suite uses it: one per test file, started, trusted and stopped the same way everywhere.
import { afterAll, beforeEach, expect } from '@jest/globals'
import { type Emulator, type EmulatorOptions, startEmulator, trustEmulatorCa } from '../../emulator/index.ts'

/**
 * Starts the test file's emulator (call it at the top level with `await`), stops it after the file's tests, and
 * resets its scenario and request log before each test. `trust` adds its CA to Node's default trust store for the
 * whole file, for clients that take no CA option (@azure/identity, @actions/core, the action's own HTTP client).
 */
export async function useEmulator(options: EmulatorOptions & { readonly trust?: boolean } = {}): Promise<Emulator> {
  const { trust = false, ...emulatorOptions } = options
  const emulator = await startEmulator(emulatorOptions)
  if (trust) trustEmulatorCa(emulator.caCertPem)
  afterAll(() => emulator.stop())
  beforeEach(() => {
    emulator.setScenario({})
    emulator.clearRequests()
  })
  return emulator
}

/**
 * The emulator of a file whose every test must fail before the network (bad inputs): it could have answered, and is
 * checked to have seen no request at all once all the file's tests ran.
 */
export function untouchedEmulator(): Promise<Emulator> {
  const ready = startEmulator()
  afterAll(async () => {
    const emulator = await ready
    const requests = emulator.requests().map(r => `${r.party} ${r.method} ${r.path}`)
    await emulator.stop()
    expect(requests).toEqual([])
  })
  return ready
}
