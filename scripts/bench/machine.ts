// What the figures were taken on: the machine, Node and, when present, the Azure CLI.
import { spawnSync } from 'node:child_process'
import { cpus, platform, release, totalmem } from 'node:os'
import type { Machine } from './report.ts'

export function machine(az: string | undefined): Machine {
  const cpu = cpus()
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown CPU',
    cores: cpu.length,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.versions.node,
    os: `${platform()} ${release()}`,
    date: new Date().toISOString().slice(0, 10),
    ...(az === undefined ? {} : { az })
  }
}

export function azInstalled(): boolean {
  return spawnSync('az', ['--help'], { stdio: 'ignore', timeout: 60_000 }).status === 0
}

export function azVersion(): string | undefined {
  const result = spawnSync('az', ['version', '--query', '"azure-cli"', '--output', 'tsv'], {
    encoding: 'utf8',
    timeout: 60_000
  })
  return result.status === 0 ? result.stdout.trim() : undefined
}
