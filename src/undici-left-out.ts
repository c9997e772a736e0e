// Stands in for `undici` in the bundle (tsconfig.json "paths"). @actions/http-client imports undici at its top only for
// getAgentDispatcher(), a proxy dispatcher for fetch that neither this action nor @actions/core asks for; bundled, it
// made 440 KiB of the entry chunk and about 25 ms of every start. Proxies keep working: http-client tunnels its own
// requests and @azure/identity brings its own agent (the end-to-end proxy test runs the bundle behind one).
import type * as Undici from 'undici/index.js'

function leftOut(): never {
  throw new Error('undici is left out of this bundle: @actions/http-client getAgentDispatcher() is not supported')
}

export const ProxyAgent = leftOut as unknown as typeof Undici.ProxyAgent
