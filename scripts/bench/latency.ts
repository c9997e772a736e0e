// Latency inside the bench's private network namespace (namespace.ts). This kernel-independent way needs no netem:
// each emulated host answers on its own loopback address (the namespace's /etc/hosts is rewritten in place), iptables
// sends each address's packets to its own NFQUEUE queue, and delay-queue.py accepts each packet half a round trip
// later. Only ever run inside that namespace: the rules and the sysctl go away with it.
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { type LatencyHost, type Profile, iptablesRules, queueArguments, spreadHosts } from './network.ts'
import { stats } from './stats.ts'

const READER = fileURLToPath(new URL('./delay-queue.py', import.meta.url))
/** The system's Python 3: only its standard library is needed. */
const PYTHON = '/usr/bin/python3'

export interface Latency {
  readonly hosts: readonly LatencyHost[]
  /** Delays the packets sent from now on by the profile's round-trip times. */
  use(profile: Profile): Promise<void>
  stop(): void
}

/** Sets the namespace up and starts the reader at profile 0; a string says why it cannot. */
export async function startLatency(hosts: readonly LatencyHost[]): Promise<Latency | string> {
  const missing = [PYTHON, 'iptables-legacy', 'sysctl'].find(
    command => spawnSync(command, ['--version'], { stdio: 'ignore' }).error !== undefined
  )
  if (missing !== undefined) return `${missing} is not installed (Debian: iptables, python3, procps)`
  // A held packet counts as queued on its socket, and TCP would then cork the next small write for a round trip
  // that no real network adds.
  const commands = [
    ['sysctl', '-qw', 'net.ipv4.tcp_autocorking=0'],
    ...iptablesRules(hosts).map(rule => ['iptables-legacy', ...rule])
  ]
  for (const [command = '', ...args] of commands) {
    const result = spawnSync(command, args, { encoding: 'utf8' })
    if (result.status !== 0) return `${command} ${args.join(' ')} failed: ${result.stderr}`
  }
  // Written in place: /etc/hosts is a bind mount of netns.sh's file, whose inode must stay.
  writeFileSync('/etc/hosts', spreadHosts(readFileSync('/etc/hosts', 'utf8'), hosts))
  const reader = spawn(PYTHON, [READER, ...queueArguments(hosts)], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = lineReader(reader.stdout)
  if ((await lines()) !== 'ready') return 'delay-queue.py did not start'
  return {
    hosts,
    async use(profile) {
      reader.stdin.write(`scale ${profile.scale}\n`)
      if ((await lines()) !== 'ok') throw new Error('delay-queue.py did not take the profile')
    },
    stop() {
      reader.stdin.end('quit\n')
    }
  }
}

/** Each line the reader prints, in turn; '' once it has ended. */
function lineReader(output: Readable): () => Promise<string> {
  let buffered = ''
  let ended = false
  const waiting: (() => void)[] = []
  output.setEncoding('utf8')
  output.on('data', (chunk: string) => {
    buffered += chunk
    waiting.splice(0).forEach(wake => wake())
  })
  output.on('close', () => {
    ended = true
    waiting.splice(0).forEach(wake => wake())
  })
  return async () => {
    while (!buffered.includes('\n') && !ended) await new Promise<void>(wake => waiting.push(wake))
    const at = buffered.indexOf('\n')
    if (at < 0) return ''
    const line = buffered.slice(0, at)
    buffered = buffered.slice(at + 1)
    return line
  }
}

/** The median time of `tries` TCP connects to each host on port 443 (one round trip each), ms. */
export async function connectTimes(hosts: readonly LatencyHost[], tries = 5): Promise<Map<string, number>> {
  const times = new Map<string, number>()
  for (const host of hosts) {
    const taken: number[] = []
    for (let i = 0; i < tries; i++) {
      const started = performance.now()
      await new Promise<void>((resolve, reject) => {
        const socket = connect({ host: host.address, port: 443, timeout: 5000 }, () => {
          socket.destroy()
          resolve()
        })
        socket.on('error', reject)
        socket.on('timeout', () => socket.destroy(new Error(`connect to ${host.address}:443 timed out`)))
      })
      taken.push(performance.now() - started)
    }
    times.set(host.label, stats(taken).median)
  }
  return times
}
