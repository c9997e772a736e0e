// The token server process: reads the hand-over from stdin, opens the step's sign-in again (lazily, on the first
// request, so an OIDC sign-in's first GitHub token is fresh when used), listens on 127.0.0.1, tells the step its port
// on fd 3, and serves until the post step stops it or its time limit ends it. Its stdout and stderr are a log file,
// bounded (server-log.ts); the report is saved at most once a second, and at the end.

import { writeFileSync, renameSync, closeSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { readTextAtMost } from '../lib/read-text.js'
import { throttle } from '../lib/throttle.js'
import { type SignInSession, openSignIn } from '../signin/get-token.js'
import { githubIdToken } from './github-token.js'
import { type Handover, REPORT_FILE, readHandover } from './handover.js'
import { procPeerLookup } from './peer.js'
import { newReport } from './report.js'
import { startTokenServer } from './server.js'
import { boundedLog } from './server-log.js'

/** The pipe the step reads the port from. */
const READY_FD = 3
/** Far beyond any hand-over; a larger one is not ours. */
const MAX_HANDOVER_BYTES = 1_000_000
/** A flood of requests rewrites the report once a second, not once a request. */
const REPORT_INTERVAL_MS = 1_000

export async function runTokenServer(): Promise<void> {
  const handover = readHandover(await readStdin())
  const serverLog = boundedLog(text => process.stdout.write(text), Date.now)
  const log = (line: string, kind?: string): void => serverLog.line(line, kind)
  const report = newReport(handover.resources, process.pid, new Date(), new Date(handover.endsAt))
  const saveReport = (): void => {
    // Written whole and renamed, so the post step never reads half a report.
    const path = join(handover.dir, REPORT_FILE)
    writeFileSync(`${path}.tmp`, JSON.stringify(report))
    renameSync(`${path}.tmp`, path)
  }
  saveReport()
  const reportChanged = throttle(saveReport, REPORT_INTERVAL_MS)

  const server = await startTokenServer({
    served: {
      resources: handover.resources,
      header: handover.header,
      ...(handover.clientId === undefined ? {} : { clientId: handover.clientId }),
      ...(handover.objectId === undefined ? {} : { objectId: handover.objectId })
    },
    source: lazySession(handover, log),
    report,
    changed: () => reportChanged.request(),
    log,
    peers: procPeerLookup(),
    ownUid: process.getuid?.() ?? -1
  })
  log(`listening on 127.0.0.1:${server.port} for ${handover.resources.join(', ')} (${handover.signIn.type})`)
  announce(server.port)

  const reason = await new Promise<string>(resolve => {
    const timer = setTimeout(() => resolve('its time limit'), Math.max(0, handover.endsAt - Date.now()))
    const stop = (): void => {
      clearTimeout(timer)
      resolve('stopped by the post step')
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  })
  await server.close()
  report.endedAt = new Date().toISOString()
  report.endReason = reason
  reportChanged.flush()
  serverLog.end(`ended: ${reason}`)
}

/** The step's sign-in, opened on first use and again after a failure to open (say GitHub did not answer). */
function lazySession(handover: Handover, log: (line: string) => void): { getToken: SignInSession['getToken'] } {
  let session: Promise<SignInSession> | undefined
  const open = (): Promise<SignInSession> =>
    openSignIn(
      { signIn: handover.signIn, authorityHost: handover.authorityHost, secrets: handover.secrets },
      {
        getIDToken: handover.oidc ? githubIdToken(handover.oidc) : () => Promise.reject(new Error('no OIDC request')),
        info: log,
        // The runner's OIDC request variables as the step handed them over; this process's environment has none.
        env: handover.oidc
          ? { ACTIONS_ID_TOKEN_REQUEST_URL: handover.oidc.url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: handover.oidc.token }
          : {}
      }
    )
  return {
    async getToken(resource) {
      const opening = (session ??= open())
      let opened: SignInSession
      try {
        opened = await opening
      } catch (error) {
        // A sign-in that could not open (GitHub did not answer, say) is opened afresh on the next request; a failed
        // renewal keeps its credential.
        session = undefined
        throw error
      }
      return opened.getToken(resource)
    }
  }
}

async function readStdin(): Promise<string> {
  const { text } = await readTextAtMost(
    process.stdin,
    MAX_HANDOVER_BYTES,
    () => new Error('The hand-over is too large.')
  )
  return text
}

function announce(port: number): void {
  writeSync(READY_FD, `${JSON.stringify({ port })}\n`)
  closeSync(READY_FD)
}
