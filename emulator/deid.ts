// The de-identification service: batch jobs listed a page at a time (`GET /jobs?api-version=2024-11-15`, `maxpagesize`,
// a `nextLink` carrying a continuation token), Azure-style JSON errors, 401 with the challenge and 403 without a DeID
// role. A job holds storage locations and status, never document text.
import { randomUUID } from 'node:crypto'
import { challenged, checkAccess } from './access.ts'
import { type EmuRequest, type EmuResponse, jsonResponse } from './http.ts'
import { DEID_AUDIENCE } from './scenario.ts'
import type { World } from './world.ts'

export const DEID_API_VERSION = '2024-11-15'
/** The service's own limit on a page; a larger maxpagesize is cut to it. */
const MAX_PAGE_SIZE = 100

const azureError = (status: number, code: string, message: string): EmuResponse =>
  jsonResponse(status, { error: { code, message } }, { 'x-ms-request-id': randomUUID() })

function listJobs(req: EmuRequest, world: World): EmuResponse {
  const jobs = world.scenario.deid.jobs
  const asked = Number(req.url.searchParams.get('maxpagesize') ?? String(MAX_PAGE_SIZE))
  if (!Number.isInteger(asked) || asked < 1) {
    return azureError(400, 'InvalidParameter', 'maxpagesize must be a positive integer.')
  }
  const size = Math.min(asked, MAX_PAGE_SIZE)
  const start = Math.max(0, Number(req.url.searchParams.get('continuationToken') ?? '0') || 0)
  const page = jobs.slice(start, start + size)
  const next = start + size < jobs.length ? start + size : undefined
  const nextLink =
    next === undefined
      ? {}
      : {
          nextLink: `${req.origin}/jobs?api-version=${DEID_API_VERSION}&maxpagesize=${size}&continuationToken=${next}`
        }
  return jsonResponse(200, { value: page, ...nextLink }, { 'x-ms-request-id': randomUUID() })
}

export async function handleDeid(req: EmuRequest, world: World): Promise<EmuResponse> {
  const version = req.url.searchParams.get('api-version')
  if (version !== DEID_API_VERSION) {
    return azureError(
      400,
      version === null ? 'MissingApiVersionParameter' : 'UnsupportedApiVersion',
      `The api-version query parameter is required and must be ${DEID_API_VERSION}.`
    )
  }
  const access = await checkAccess(req, world, DEID_AUDIENCE, 'deid')
  if (access.outcome === 'unauthenticated') return challenged(world, DEID_AUDIENCE, access.wrongAudience)
  // No further detail: the service says nothing about which role is missing.
  if (access.outcome === 'forbidden') return azureError(403, 'Forbidden', 'Forbidden')
  if (req.method === 'GET' && req.url.pathname === '/jobs') return listJobs(req, world)
  return azureError(404, 'NotFound', 'The requested resource was not found.')
}
