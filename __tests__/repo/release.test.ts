// The release workflow's decisions (scripts/release.ts): the pure rules, then the commands the workflow runs, in a
// real git repository with a real origin, as the workflow's steps run them.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from '@jest/globals'
import { parseYaml } from '../../scripts/readme-tables.ts'
import {
  changelogSection,
  majorTagToMove,
  parseVersion,
  readinessProblems,
  ReleaseError,
  resolveRelease,
  type RunContext,
  type Version
} from '../../scripts/release.ts'
import { isRecord } from '../../src/lib/guards.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const read = (path: string): string => readFileSync(resolve(root, path), 'utf8')

function version(text: string): Version {
  const parsed = parseVersion(text)
  if (!parsed) throw new Error(`not a version: ${text}`)
  return parsed
}

describe('parseVersion', () => {
  it('takes a stable version with or without the v', () => {
    expect(parseVersion('v1.2.3')).toEqual({ major: 1, minor: 2, patch: 3, text: '1.2.3', tag: 'v1.2.3' })
    expect(parseVersion('10.0.12')?.tag).toBe('v10.0.12')
  })

  it.each(['v1', 'v1.2', '1.2.3-rc.1', '1.2.3+build', 'v01.2.3', 'release-1.2.3', '', 'v1.2.3\n::error::x'])(
    'refuses %j',
    text => expect(parseVersion(text)).toBeUndefined()
  )
})

describe('resolveRelease', () => {
  const sha = 'c'.repeat(40)
  const run = (overrides: Partial<RunContext>): RunContext => ({
    event: 'workflow_dispatch',
    ref: 'refs/heads/main',
    sha,
    inputVersion: '',
    defaultBranch: 'main',
    tagCommit: () => undefined,
    ...overrides
  })

  it('releases a pushed tag', () => {
    expect(resolveRelease(run({ event: 'push', ref: 'refs/tags/v1.2.3' }))).toEqual({
      version: version('v1.2.3'),
      create: false
    })
  })

  it.each(['refs/tags/1.2.3', 'refs/tags/v1', 'refs/heads/v1.2.3', 'refs/tags/v1.2.3-rc.1'])(
    'refuses a push of %s',
    ref => expect(() => resolveRelease(run({ event: 'push', ref }))).toThrow(ReleaseError)
  )

  it('by hand, releases an existing tag at the run’s commit, and creates a missing one on the default branch', () => {
    const tagged = resolveRelease(run({ inputVersion: '1.2.3', ref: 'refs/tags/v1.2.3', tagCommit: () => sha }))
    expect(tagged).toEqual({ version: version('v1.2.3'), create: false })
    expect(resolveRelease(run({ inputVersion: 'v1.3.0' }))).toEqual({ version: version('v1.3.0'), create: true })
  })

  it('by hand, refuses a tag elsewhere, a new tag off the default branch, a bad version and other events', () => {
    const elsewhere = run({ inputVersion: 'v1.2.3', tagCommit: () => 'd'.repeat(40) })
    expect(() => resolveRelease(elsewhere)).toThrow(/points at d{40}, not at this run's commit c{40}/)
    expect(() => resolveRelease(run({ inputVersion: 'v1.3.0', ref: 'refs/heads/feature' }))).toThrow(
      /creates it only on main/
    )
    expect(() => resolveRelease(run({ inputVersion: 'latest' }))).toThrow(/must look like v1.2.3/)
    expect(() => resolveRelease(run({ event: 'pull_request', inputVersion: 'v1.3.0' }))).toThrow(/pull_request/)
  })
})

describe('changelogSection and readinessProblems', () => {
  const changelog = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '',
    '### Fixed',
    '',
    '- Not yet released.',
    '',
    '## [1.2.0] - 2026-12-01',
    '',
    '### Added',
    '',
    '- Something new.',
    '',
    '## [1.1.0]',
    '',
    '## 1.0.0',
    '',
    '- The first release.',
    '',
    '[Unreleased]: https://github.com/OWNER/REPO/compare/v1.2.0...HEAD',
    '[1.2.0]: https://github.com/OWNER/REPO/releases/tag/v1.2.0',
    ''
  ].join('\n')

  it('cuts the version’s section, up to the next one, without the heading or the link definitions', () => {
    expect(changelogSection(changelog, version('1.2.0'))).toBe('### Added\n\n- Something new.')
    expect(changelogSection(changelog, version('1.0.0'))).toBe('- The first release.')
    expect(changelogSection(changelog, version('1.1.0'))).toBe('')
    expect(changelogSection(changelog, version('1.3.0'))).toBeUndefined()
    // 1.2.0 must not match 1.2.00 or 11.2.0, nor the dots stand for any character.
    expect(changelogSection('## [1x2x0]\n\n- no\n', version('1.2.0'))).toBeUndefined()
  })

  it('finds the repository ready for the version its package.json declares', () => {
    const manifest = JSON.parse(read('package.json')) as { version: string }
    const declared = version(manifest.version)
    expect(readinessProblems(declared, read('package.json'), read('CHANGELOG.md'))).toEqual([])
    const notes = changelogSection(read('CHANGELOG.md'), declared) ?? ''
    expect(notes.length).toBeGreaterThan(20)
    expect(notes).not.toMatch(/^## |^\[[^\]]+\]: /m)
  })

  it('says what is missing: the package.json version, the section, its entries', () => {
    const problems = readinessProblems(version('1.1.0'), '{"version":"1.0.0"}', changelog)
    expect(problems).toEqual([
      expect.stringContaining('package.json has version "1.0.0", not "1.1.0"'),
      expect.stringContaining('section is empty')
    ])
    expect(readinessProblems(version('1.3.0'), '{"version":"1.3.0"}', changelog)).toEqual([
      expect.stringContaining('no "## [1.3.0]" section')
    ])
  })
})

describe('majorTagToMove', () => {
  const tags = ['v1.0.0', 'v1.1.0', 'v1', 'v2.0.0', 'v2', 'other']

  it('moves the major tag to the newest release of that major only', () => {
    expect(majorTagToMove(version('v1.2.0'), tags)).toBe('v1')
    expect(majorTagToMove(version('v1.1.0'), tags)).toBe('v1')
    expect(majorTagToMove(version('v1.0.1'), tags)).toBeUndefined()
    expect(majorTagToMove(version('v2.0.1'), tags)).toBe('v2')
    expect(majorTagToMove(version('v3.0.0'), [])).toBe('v3')
  })
})

describe('the commands, in a git repository with an origin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'release-test-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const work = join(dir, 'work')
  const origin = join(dir, 'origin.git')
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=Release Test', '-c', 'user.email=release@example.invalid', ...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']
    }).trim()
  const release = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [resolve(root, 'scripts/release.ts'), ...args], {
      cwd: work,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', HOME: dir, ...env }
    })
  const commit = (packageVersion: string, changelog: string): string => {
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'x', version: packageVersion }) + '\n')
    writeFileSync(join(work, 'CHANGELOG.md'), changelog)
    git(work, 'add', '.')
    git(work, 'commit', '-q', '-m', packageVersion)
    return git(work, 'rev-parse', 'HEAD')
  }

  git(dir, 'init', '-q', '--bare', origin)
  git(dir, 'init', '-q', '-b', 'main', work)
  git(work, 'remote', 'add', 'origin', origin)
  const first = commit('1.0.0', '# Changelog\n\n## [1.0.0]\n\n- First.\n')
  git(work, 'tag', 'v1.0.0')
  git(work, 'tag', 'v1')
  const second = commit('1.1.0', '# Changelog\n\n## [1.1.0]\n\n- Second.\n\n## [1.0.0]\n\n- First.\n')
  git(work, 'push', '-q', 'origin', 'main', '--tags')

  it('check and notes read the checked-out package.json and CHANGELOG.md', () => {
    expect(release(['check', 'v1.1.0'])).toMatchObject({ status: 0 })
    expect(release(['notes', 'v1.1.0'])).toMatchObject({ status: 0, stdout: '- Second.\n' })
    const unready = release(['check', 'v1.2.0'])
    expect(unready.status).toBe(1)
    expect(unready.stderr).toContain('package.json has version "1.1.0", not "1.2.0"')
    expect(unready.stderr).toContain('no "## [1.2.0]" section')
    expect(release(['notes', 'v1.2.0'])).toMatchObject({ status: 1, stdout: '' })
  })

  it('resolve prints the outputs for a manual run, and finds an existing tag through git', () => {
    const env = { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_REF: 'refs/heads/main', DEFAULT_BRANCH: 'main' }
    expect(release(['resolve'], { ...env, GITHUB_SHA: second, RELEASE_VERSION: 'v1.1.0' })).toMatchObject({
      status: 0,
      stdout: 'tag=v1.1.0\nversion=1.1.0\ncreate=true\n'
    })
    const elsewhere = release(['resolve'], { ...env, GITHUB_SHA: second, RELEASE_VERSION: '1.0.0' })
    expect(elsewhere.status).toBe(1)
    expect(elsewhere.stdout).toBe('')
    expect(elsewhere.stderr).toContain(`v1.0.0 exists and points at ${first}`)
  })

  it('move-major-tag moves v1 on origin to a newer release, and never back to an older one', () => {
    git(work, 'tag', 'v1.1.0')
    expect(release(['move-major-tag', 'v1.1.0'])).toMatchObject({ status: 0 })
    expect(git(origin, 'rev-parse', 'refs/tags/v1^{commit}')).toBe(second)

    // A fix for 1.0 released after 1.1.0: its own tag, but v1 stays on 1.1.0.
    git(work, 'checkout', '-q', first)
    git(work, 'tag', 'v1.0.1')
    const fix = release(['move-major-tag', 'v1.0.1'])
    expect(fix).toMatchObject({ status: 0, stdout: 'v1 stays: a newer v1.x release exists\n' })
    expect(git(origin, 'rev-parse', 'refs/tags/v1^{commit}')).toBe(second)

    // The checked-out commit must be the release's own.
    const wrong = release(['move-major-tag', 'v1.1.0'])
    expect(wrong.status).toBe(1)
    expect(wrong.stderr).toContain(`v1.1.0 points at ${second}, not at the checked-out ${first}`)
    expect(git(origin, 'rev-parse', 'refs/tags/v1^{commit}')).toBe(second)
  })
})

describe('.github/workflows/release.yml', () => {
  const workflow = parseYaml(read('.github/workflows/release.yml'))
  const on = isRecord(workflow) && isRecord(workflow['on']) ? workflow['on'] : {}
  const jobs = isRecord(workflow) && isRecord(workflow['jobs']) ? workflow['jobs'] : {}
  const job = (name: string): Record<string, unknown> => {
    const found = jobs[name]
    if (!isRecord(found)) throw new Error(`release.yml has no job ${name}`)
    return found
  }
  const steps = (name: string): Record<string, unknown>[] => {
    const list = job(name)['steps']
    return Array.isArray(list) ? list.filter(isRecord) : []
  }

  it('starts on a pushed vX.Y.Z tag, the same tags the script releases', () => {
    const push = isRecord(on['push']) ? on['push'] : {}
    expect(push['tags']).toEqual(['v[0-9]+.[0-9]+.[0-9]+'])
    // In GitHub's filter patterns `[0-9]+` is one or more digits and `.` is itself.
    const filter = new RegExp(`^${String((push['tags'] as string[])[0]).replace(/\./g, '\\.')}$`)
    for (const tag of ['v1.2.3', 'v10.0.12', 'v1.2.3-rc.1', 'v1', 'v1.2', '1.2.3', 'v1.2.3.4']) {
      expect({ tag, filter: filter.test(tag) }).toEqual({ tag, filter: parseVersion(tag)?.tag === tag })
    }
    const dispatch = isRecord(on['workflow_dispatch']) ? on['workflow_dispatch'] : {}
    expect(isRecord(dispatch['inputs']) ? dispatch['inputs']['version'] : undefined).toMatchObject({ required: true })
  })

  it('tests, rebuilds dist/ and attests before it releases, with the workflows every push runs', () => {
    const called = { test: 'ci.yml', e2e: 'e2e.yml', dist: 'check-dist.yml' }
    for (const [name, file] of Object.entries(called)) {
      expect(job(name)['uses']).toBe(`./.github/workflows/${file}`)
      const triggers = parseYaml(read(`.github/workflows/${file}`))
      expect(isRecord(triggers) && isRecord(triggers['on']) ? Object.keys(triggers['on']) : []).toContain(
        'workflow_call'
      )
    }
    expect(job('attest')['needs']).toEqual(expect.arrayContaining(['version', 'test', 'e2e', 'dist']))
    expect(job('release')['needs']).toEqual(expect.arrayContaining(['version', 'attest']))
    const attest = steps('attest').find(step => String(step['uses']).startsWith('actions/attest-build-provenance@'))
    expect(attest?.['with']).toEqual({ 'subject-path': 'dist/*' })
    // The job that can sign installs nothing.
    expect(steps('attest').filter(step => typeof step['run'] === 'string')).toEqual([])
  })

  it('calls only commands that scripts/release.ts has', () => {
    const runs = Object.keys(jobs).flatMap(name =>
      typeof job(name)['uses'] === 'string' ? [] : steps(name).map(step => step['run'])
    )
    const commands = runs
      .filter((run): run is string => typeof run === 'string')
      .flatMap(run => [...run.matchAll(/node scripts\/release\.ts (\S+)/g)].map(match => match[1]))
    expect([...new Set(commands)].sort()).toEqual(['check', 'move-major-tag', 'notes', 'resolve'])
    const usage = spawnSync(process.execPath, [resolve(root, 'scripts/release.ts'), 'no-such-command'], {
      encoding: 'utf8'
    })
    expect(usage.status).toBe(1)
    for (const command of commands) expect(usage.stderr).toContain(command ?? '')
  })
})
