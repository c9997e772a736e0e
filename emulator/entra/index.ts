// Microsoft Entra ID v2 endpoints, routed by path: discovery and keys (discovery.ts) and the client-credentials
// token endpoint (token-endpoint.ts), which answer with Microsoft's error shapes (errors.ts).
import { type EmuRequest, type EmuResponse, jsonResponse } from '../http.ts'
import type { World } from '../world.ts'
import { handleInstanceDiscovery, handleKeys, handleOpenIdConfiguration } from './discovery.ts'
import { handleToken } from './token-endpoint.ts'

export async function handleEntra(req: EmuRequest, world: World): Promise<EmuResponse> {
  const segments = req.url.pathname
    .split('/')
    .filter(s => s !== '')
    .map(s => {
      try {
        return decodeURIComponent(s)
      } catch {
        return s
      }
    })
  const [tenantPath = '', ...rest] = segments
  const route = rest.join('/')

  if (req.method === 'GET' && tenantPath === 'common' && route === 'discovery/instance') {
    return handleInstanceDiscovery(req)
  }
  if (req.method === 'GET' && (route === 'discovery/v2.0/keys' || route === 'discovery/keys')) return handleKeys(world)
  if (
    req.method === 'GET' &&
    (route === 'v2.0/.well-known/openid-configuration' || route === '.well-known/openid-configuration')
  ) {
    return handleOpenIdConfiguration(req, world, tenantPath)
  }
  if (req.method === 'POST' && (route === 'oauth2/v2.0/token' || route === 'oauth2/token')) {
    return handleToken(req, world, tenantPath, route === 'oauth2/token')
  }
  return jsonResponse(404, {
    error: 'not_found',
    error_description: `No such endpoint: ${req.method} ${req.url.pathname}`
  })
}
