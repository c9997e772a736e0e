// The release workflow's own logic (.github/workflows/release.yml), here so that a test runs it: which tag a run
// releases and at which commit, whether package.json and CHANGELOG.md are ready for that version, the CHANGELOG
// section that becomes the release notes, and whether the major tag moves.
// Run: node scripts/release.ts resolve           (in the workflow: reads GITHUB_* and RELEASE_VERSION, prints
//                                                 tag=, version=, create= lines for $GITHUB_OUTPUT)
//      node scripts/release.ts check v1.2.3      (exits 1 with the reasons when the repository is not ready)
//      node scripts/release.ts notes v1.2.3      (prints the CHANGELOG section of that version)
//      node scripts/release.ts move-major-tag v1.2.3
//                                                (force-pushes v1 to origin at HEAD, unless a newer 1.x tag exists)

import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isRecord } from '../src/lib/guards.ts'

export interface Version {
  readonly major: number
  readonly minor: number
  readonly patch: number
  /** `1.2.3`, as in package.json and the CHANGELOG. */
  readonly text: string
  /** `v1.2.3`, as the release tag. */
  readonly tag: string
}

/** What the workflow run knows: its trigger, its ref and commit, and the tag's commit if that tag exists already. */
export interface RunContext {
  readonly event: string
  /** `refs/tags/v1.2.3` or `refs/heads/main`. */
  readonly ref: string
  readonly sha: string
  /** The version typed into the manual run; empty for a tag push. */
  readonly inputVersion: string
  readonly defaultBranch: string
  /** The commit the release tag points at, when the tag exists. */
  readonly tagCommit: (tag: string) => string | undefined
}

export interface Release {
  readonly version: Version
  /** True when the tag does not exist yet and the release creates it at the run's commit. */
  readonly create: boolean
}

export class ReleaseError extends Error {}

/** Releases are stable versions only (`v1.2.3` or `1.2.3`; no pre-release or build part), as the tag filter is. */
export function parseVersion(text: string): Version | undefined {
  const match = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(text.trim())
  if (!match) return undefined
  const [major, minor, patch] = [match[1], match[2], match[3]].map(Number) as [number, number, number]
  const core = `${major}.${minor}.${patch}`
  return { major, minor, patch, text: core, tag: `v${core}` }
}

function compare(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch
}

/**
 * The release a run makes. A pushed tag releases itself. A manual run releases the version typed in: at the run's
 * commit when the tag exists there already (a run started from the tag, or from a branch whose head it is), or it
 * creates the tag at the head of the default branch; never elsewhere, so a release cannot come from a stray branch.
 */
export function resolveRelease(run: RunContext): Release {
  if (run.event === 'push') {
    const name = run.ref.replace(/^refs\/tags\//, '')
    const version = run.ref.startsWith('refs/tags/') ? parseVersion(name) : undefined
    if (!version || version.tag !== name) {
      throw new ReleaseError(`A release starts from a tag named like v1.2.3; this run is for ${run.ref}.`)
    }
    return { version, create: false }
  }
  if (run.event !== 'workflow_dispatch') throw new ReleaseError(`A release does not start on ${run.event}.`)
  const version = parseVersion(run.inputVersion)
  if (!version) throw new ReleaseError('The version to release must look like v1.2.3 (or 1.2.3).')
  const tagCommit = run.tagCommit(version.tag)
  if (tagCommit !== undefined) {
    if (tagCommit !== run.sha) {
      throw new ReleaseError(
        `${version.tag} exists and points at ${tagCommit}, not at this run's commit ${run.sha}: start the run from ` +
          `the tag ${version.tag}.`
      )
    }
    return { version, create: false }
  }
  if (run.ref !== `refs/heads/${run.defaultBranch}`) {
    throw new ReleaseError(
      `${version.tag} does not exist yet; a manual run creates it only on ${run.defaultBranch}: start the run from ` +
        `${run.defaultBranch}, or push the tag.`
    )
  }
  return { version, create: true }
}

/**
 * The body of the CHANGELOG section `## [1.2.3]` (Keep a Changelog; `## 1.2.3` and a ` - date` after it are
 * accepted), without the link definitions that end the file; undefined when there is no such section.
 */
export function changelogSection(changelog: string, version: Version): string | undefined {
  const lines = changelog.replace(/\r\n/g, '\n').split('\n')
  const escaped = version.text.replace(/\./g, '\\.')
  const heading = new RegExp(`^## \\[?v?${escaped}\\]?(\\s+[-–]\\s+.*)?\\s*$`)
  const start = lines.findIndex(line => heading.test(line))
  if (start < 0) return undefined
  const rest = lines.slice(start + 1)
  const end = rest.findIndex(line => /^#{1,2} /.test(line))
  const body = (end < 0 ? rest : rest.slice(0, end)).filter(line => !/^\[[^\]]+\]:\s+\S+\s*$/.test(line))
  return body.join('\n').trim()
}

/** Why the repository is not ready to release `version`: package.json's version and the CHANGELOG section. */
export function readinessProblems(version: Version, packageJson: string, changelog: string): string[] {
  const problems: string[] = []
  const manifest: unknown = JSON.parse(packageJson)
  const declared = isRecord(manifest) ? manifest['version'] : undefined
  if (declared !== version.text) {
    problems.push(
      `package.json has version ${JSON.stringify(declared)}, not "${version.text}": set it and commit before tagging.`
    )
  }
  const section = changelogSection(changelog, version)
  if (section === undefined) {
    problems.push(`CHANGELOG.md has no "## [${version.text}]" section: move the Unreleased entries under it.`)
  } else if (section === '') {
    problems.push(`CHANGELOG.md's "## [${version.text}]" section is empty: list the changes of this release.`)
  }
  return problems
}

/**
 * The major tag (`v1`) to move to this release, or undefined when a newer release of the same major exists (a fix
 * released for an older minor must not take `v1` back).
 */
export function majorTagToMove(version: Version, tags: readonly string[]): string | undefined {
  const newer = tags
    .map(tag => parseVersion(tag))
    .some(other => other !== undefined && other.major === version.major && compare(other, version) > 0)
  return newer ? undefined : `v${version.major}`
}

function git(root: string, args: readonly string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
}

function gitTagCommit(root: string, tag: string): string | undefined {
  try {
    return git(root, ['rev-parse', '-q', '--verify', `refs/tags/${tag}^{commit}`]) || undefined
  } catch {
    return undefined
  }
}

function versionArgument(argument: string | undefined): Version {
  const version = parseVersion(argument ?? '')
  if (!version) throw new ReleaseError('Give the version to release, like v1.2.3.')
  return version
}

function main(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  // The repository's root is where the workflow runs it, and where a test points it.
  const root = process.cwd()
  const read = (path: string): string => readFileSync(resolve(root, path), 'utf8')
  const [command, argument] = argv
  try {
    switch (command) {
      case 'resolve': {
        const release = resolveRelease({
          event: env['GITHUB_EVENT_NAME'] ?? '',
          ref: env['GITHUB_REF'] ?? '',
          sha: env['GITHUB_SHA'] ?? '',
          inputVersion: env['RELEASE_VERSION'] ?? '',
          defaultBranch: env['DEFAULT_BRANCH'] ?? 'main',
          tagCommit: tag => gitTagCommit(root, tag)
        })
        const { tag, text } = release.version
        process.stdout.write(`tag=${tag}\nversion=${text}\ncreate=${String(release.create)}\n`)
        return 0
      }
      case 'check': {
        const version = versionArgument(argument)
        const problems = readinessProblems(version, read('package.json'), read('CHANGELOG.md'))
        for (const problem of problems) process.stderr.write(`${problem}\n`)
        if (problems.length === 0) process.stdout.write(`${version.tag} is ready: package.json and CHANGELOG.md\n`)
        return problems.length === 0 ? 0 : 1
      }
      case 'notes': {
        const version = versionArgument(argument)
        const section = changelogSection(read('CHANGELOG.md'), version)
        if (!section) throw new ReleaseError(`CHANGELOG.md has no entries for ${version.text}.`)
        process.stdout.write(`${section}\n`)
        return 0
      }
      case 'move-major-tag': {
        const version = versionArgument(argument)
        const major = majorTagToMove(version, git(root, ['tag', '--list', 'v*']).split('\n'))
        if (major === undefined) {
          process.stdout.write(`v${version.major} stays: a newer v${version.major}.x release exists\n`)
          return 0
        }
        const commit = git(root, ['rev-parse', 'HEAD^{commit}'])
        const tagged = gitTagCommit(root, version.tag)
        if (tagged !== undefined && tagged !== commit) {
          throw new ReleaseError(`${version.tag} points at ${tagged}, not at the checked-out ${commit}.`)
        }
        git(root, ['push', '--force', 'origin', `${commit}:refs/tags/${major}`])
        process.stdout.write(`${major} now points at ${commit} (${version.tag})\n`)
        return 0
      }
      default:
        throw new ReleaseError(
          'Usage: node scripts/release.ts resolve | check VERSION | notes VERSION | move-major-tag VERSION'
        )
    }
  } catch (error) {
    if (!(error instanceof ReleaseError)) throw error
    process.stderr.write(`${error.message}\n`)
    return 1
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2), process.env)
}
