// The bundle leaves undici out and loads jsonwebtoken on demand (tsconfig.json "paths" maps them to
// src/undici-left-out.ts and src/signin/jsonwebtoken-on-demand.ts). That is only safe while nothing the action
// bundles uses more of either than its stand-in provides: a dependency update that does must fail here, not on a
// user's runner.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import jsonWebTokenStandIn, { loadJsonWebToken } from '../../src/signin/jsonwebtoken-on-demand.js'
import * as standIn from '../../src/undici-left-out.js'

const root = process.cwd()

/** Every package directory of the production dependency tree (what the bundle can contain). */
function productionPackages(): string[] {
  // npm ls exits 1 over an extraneous package but still lists the tree; a clean `npm ci` lists it with exit 0.
  // Run through npm's own script (npm_execpath, set by `npm test`) and Node: on Windows `npm` is a .cmd file.
  const npm = process.env.npm_execpath
  const [command, args] = npm ? [process.execPath, [npm]] : ['npm', []]
  const result = spawnSync(command, [...args, 'ls', '--omit=dev', '--all', '--parseable'], {
    cwd: root,
    encoding: 'utf8'
  })
  if (result.error !== undefined || !result.stdout.trim()) {
    throw new Error(`npm ls listed nothing: ${String(result.error ?? result.stderr)}`)
  }
  return result.stdout
    .split('\n')
    .map(line => line.trim())
    .filter(dir => dir !== '' && dir !== root)
}

/** The package's own JavaScript files, not those of packages nested under it. */
function javascriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (name === 'node_modules') return []
    if (statSync(path).isDirectory()) return javascriptFiles(path)
    return /\.(c|m)?js$/.test(name) ? [path] : []
  })
}

/** What each file that imports jsonwebtoken uses of it: the members read from the name it is imported as. */
function jsonWebTokenUses(): { file: string; members: string[] }[] {
  const found: { file: string; members: string[] }[] = []
  for (const dir of productionPackages().filter(d => !/[\\/]jsonwebtoken$/.test(d))) {
    for (const file of javascriptFiles(dir)) {
      const text = readFileSync(file, 'utf8')
      if (!/['"]jsonwebtoken(\/[^'"]*)?['"]/.test(text)) continue
      const names = [
        ...text.matchAll(/import\s+(\w+)\s+from\s*['"]jsonwebtoken['"]/g),
        ...text.matchAll(/(\w+)\s*=\s*require\(\s*['"]jsonwebtoken['"]\s*\)/g)
      ].map(m => m[1] ?? '')
      // Any other form (named imports, a subpath) would escape the stand-in: show it as a whole-module use.
      const members = names.flatMap(name =>
        [...text.matchAll(new RegExp(`\\b${name}\\.(\\w+)`, 'g'))].map(m => m[1] ?? '')
      )
      found.push({
        file: relative(root, file).split(sep).join('/'),
        members: names.length === 0 ? ['<other import>'] : [...new Set(members)]
      })
    }
  }
  return found
}

/** What each file imports from undici: `{ file, names }` per static import or require. */
function undiciImports(): { file: string; names: string[] }[] {
  const found: { file: string; names: string[] }[] = []
  for (const dir of productionPackages().filter(d => !/[\\/]undici$/.test(d))) {
    for (const file of javascriptFiles(dir)) {
      const text = readFileSync(file, 'utf8')
      // A subpath (undici/...) would escape the "paths" mapping and bundle the real package: it must show up here too.
      if (!/['"]undici(\/[^'"]*)?['"]/.test(text)) continue
      const named = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]undici['"]/g)].flatMap(m =>
        (m[1] ?? '').split(',').map(name => name.trim().split(/\s+as\s+/)[0] ?? '')
      )
      const other =
        /(import\s+\*|import\s+\w+\s+from|require\()\s*(as\s+\w+\s+from\s*)?['"]undici['"]/.test(text) ||
        /['"]undici\/[^'"]*['"]/.test(text)
      found.push({
        file: relative(root, file),
        names: [...named.filter(Boolean), ...(other ? ['<whole module>'] : [])]
      })
    }
  }
  return found
}

describe('the undici stand-in', () => {
  it('covers everything the bundled dependencies import from undici', () => {
    const imports = undiciImports()
    expect(imports).toEqual([{ file: 'node_modules/@actions/http-client/lib/index.js', names: ['ProxyAgent'] }])
    for (const { names } of imports) for (const name of names) expect(Object.keys(standIn)).toContain(name)
  })

  it('throws a clear error if the left-out part is ever reached', () => {
    expect(() => new standIn.ProxyAgent('http://proxy.invalid')).toThrow(/left out of this bundle/)
  })

  it('is what the committed bundle contains instead of undici', () => {
    const entry = readFileSync(join(root, 'dist/index.js'), 'utf8')
    expect(entry).toContain('undici is left out of this bundle')
  })
})

describe('the jsonwebtoken stand-in', () => {
  it('covers everything the bundled dependencies use of jsonwebtoken', () => {
    const uses = jsonWebTokenUses()
    expect(uses.map(u => u.file).sort()).toEqual([
      'node_modules/@azure/msal-node/dist/client/ClientAssertion.mjs',
      'node_modules/@azure/msal-node/lib/msal-node.cjs'
    ])
    for (const { members } of uses) {
      expect(members.length).toBeGreaterThan(0)
      for (const member of members) expect(Object.keys(jsonWebTokenStandIn)).toContain(member)
    }
  })

  it('refuses to sign before the real package is loaded, then signs with it', async () => {
    const sign = () => jsonWebTokenStandIn.sign({ sub: 'x' }, 'a-test-key-of-no-value', { algorithm: 'HS256' })
    expect(sign).toThrow(/loaded on demand/)
    await loadJsonWebToken()
    expect(sign().split('.')).toHaveLength(3)
  })

  it('is what the committed bundle maps jsonwebtoken to', () => {
    const entry = readFileSync(join(root, 'dist/index.js'), 'utf8')
    expect(entry).toContain('jsonwebtoken is loaded on demand')
  })
})
