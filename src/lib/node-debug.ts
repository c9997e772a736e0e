// NODE_DEBUG makes Node itself print what its network modules do, request headers included (an Authorization:
// Bearer header, the runner's OIDC request token): text the action never sees, so cannot mask.

/** Node's modules whose debug output shows requests or what is sent on a connection. */
const NETWORK_MODULES = ['http', 'http2', 'https', 'net', 'tls', 'undici', 'fetch'] as const

/** The network modules NODE_DEBUG turns on (its entries are comma-separated, case-insensitive, `*` a wildcard). */
export function nodeDebugNetworkModules(nodeDebug: string | undefined): string[] {
  if (!nodeDebug) return []
  const patterns = nodeDebug
    .split(',')
    .map(entry => entry.trim())
    .filter(entry => entry !== '')
    .map(entry => new RegExp(`^${entry.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i'))
  return NETWORK_MODULES.filter(name => patterns.some(pattern => pattern.test(name)))
}
