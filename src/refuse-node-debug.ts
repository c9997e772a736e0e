// Node would print the requests' headers, the tokens in them included, where no mask can reach: both entries (the
// action and the command line) stop before any request.

import { ActionError } from './errors.js'
import { nodeDebugNetworkModules } from './lib/node-debug.js'

/** Throws when NODE_DEBUG names a network module; `who` stops, `fix` says what to do in its words. */
export function refuseNodeDebug(nodeDebug: string | undefined, who: string, fix: string): void {
  const modules = nodeDebugNetworkModules(nodeDebug)
  if (modules.length === 0) return
  throw new ActionError(
    'NODE_DEBUG would print the token',
    `NODE_DEBUG turns on Node's own debug output for ${modules.join(', ')}, which prints request headers (the ` +
      `Authorization: Bearer token among them) outside any mask, so ${who} stops before any request.\nFix: ${fix}`
  )
}
