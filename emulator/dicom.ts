// The DICOM service: versioned DICOMweb routes (changefeed, QIDO studies), anonymous health, 401/403 as the service.
import { randomUUID } from 'node:crypto'
import { challenged, checkAccess } from './access.ts'
import { type EmuRequest, type EmuResponse, jsonResponse, textResponse } from './http.ts'
import { DICOM_AUDIENCE } from './scenario.ts'
import type { World } from './world.ts'

export const DICOM_VERSIONS = ['v1', 'v2', 'v1.0-prerelease'] as const

function healthCheck(world: World): EmuResponse {
  const status = world.scenario.dicom.health
  return jsonResponse(status === 'Unhealthy' ? 503 : 200, {
    overallStatus: status,
    details: [
      {
        name: 'DicomDataStoreHealthCheck',
        status,
        description: status === 'Unhealthy' ? 'Unable to connect to the data store.' : 'Successfully connected.'
      }
    ]
  })
}

function changefeed(req: EmuRequest, world: World): EmuResponse {
  const offset = Math.max(0, Number(req.url.searchParams.get('offset') ?? '0') || 0)
  const limit = Math.max(1, Math.min(200, Number(req.url.searchParams.get('limit') ?? '10') || 10))
  const entries = world.scenario.dicom.changefeed.filter(e => Number(e.sequence ?? 0) > offset).slice(0, limit)
  return jsonResponse(
    200,
    entries.map(entry => withMetadata(req, entry))
  )
}

function changefeedLatest(req: EmuRequest, world: World): EmuResponse {
  const feed = world.scenario.dicom.changefeed
  const latest = feed[feed.length - 1]
  return jsonResponse(200, latest === undefined ? { sequence: 0 } : withMetadata(req, latest))
}

/** includemetadata defaults to true: each entry then carries the instance's DICOM metadata (patient data). */
function withMetadata(req: EmuRequest, entry: Record<string, unknown>): Record<string, unknown> {
  if (req.url.searchParams.get('includemetadata')?.toLowerCase() !== 'false') return entry
  return Object.fromEntries(Object.entries(entry).filter(([key]) => key !== 'metadata'))
}

function studies(world: World): EmuResponse {
  const found = world.scenario.dicom.studies
  // QIDO answers 204 No Content when nothing matches: a healthy answer.
  if (found.length === 0) return { status: 204, headers: {} }
  return {
    status: 200,
    headers: { 'content-type': 'application/dicom+json; charset=utf-8' },
    body: JSON.stringify(found)
  }
}

export async function handleDicom(req: EmuRequest, world: World): Promise<EmuResponse> {
  const segments = req.url.pathname.split('/').filter(s => s !== '')
  const [version, ...rest] = segments
  const route = rest.join('/')
  if (req.method === 'GET' && segments.join('/') === 'health/check') return healthCheck(world)

  if (version === undefined || !/^v\d/.test(version)) {
    // Routes without a version do not exist on the service.
    return { status: world.scenario.dicom.unversionedStatus, headers: {}, body: '' }
  }
  if (!(DICOM_VERSIONS as readonly string[]).includes(version)) {
    return jsonResponse(400, {
      error: {
        code: 'UnsupportedApiVersion',
        message: `The HTTP resource that matches the request URI '${req.origin}${req.url.pathname}' does not support the API version '${version.slice(1)}'.`,
        innerError: null
      }
    })
  }

  const access = await checkAccess(req, world, DICOM_AUDIENCE, 'dicom')
  if (access.outcome === 'unauthenticated') return challenged(world, DICOM_AUDIENCE, access.wrongAudience)
  if (access.outcome === 'forbidden') return textResponse(403, 'Authorization failed.')

  if (req.method !== 'GET') return textResponse(405, '')
  const answer =
    route === 'changefeed'
      ? changefeed(req, world)
      : route === 'changefeed/latest'
        ? changefeedLatest(req, world)
        : route === 'studies' || /^studies\/[\d.]+\/series$/.test(route)
          ? studies(world)
          : textResponse(404, '')
  return { ...answer, headers: { ...answer.headers, 'x-ms-request-id': randomUUID() } }
}
