// The src/ module graph: modules that import each other evaluate in an order that depends on who is loaded first,
// so a value imported across a cycle can be undefined when used. Type-only imports are erased and do not count.
import { describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const SRC = join(import.meta.dirname, '..', 'src')

/** The sibling modules a source file loads at run time: static value imports, re-exports and dynamic imports. */
function runtimeImports(source: string): string[] {
  const found = new Set<string>()
  const statics = /^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'\.\/([\w-]+)\.js'/gm
  const dynamics = /import\(\s*'\.\/([\w-]+)\.js'\s*\)/g
  for (const pattern of [statics, dynamics]) {
    for (const match of source.matchAll(pattern)) if (match[1] !== undefined) found.add(match[1])
  }
  return [...found]
}

function graph(): Map<string, string[]> {
  const modules = readdirSync(SRC).filter(name => name.endsWith('.ts'))
  return new Map(
    modules.map(name => [name.replace(/\.ts$/, ''), runtimeImports(readFileSync(join(SRC, name), 'utf8'))])
  )
}

/** Every cycle, each as the path that closes it. */
function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = []
  const visit = (node: string, path: string[]): void => {
    const at = path.indexOf(node)
    if (at !== -1) {
      found.push([...path.slice(at), node])
      return
    }
    for (const next of edges.get(node) ?? []) visit(next, [...path, node])
  }
  for (const node of edges.keys()) visit(node, [])
  return found
}

describe('src module graph', () => {
  it('reads value imports and skips type-only ones', () => {
    const source = [
      "import { a } from './one.js'",
      "import type { B } from './two.js'",
      "import { type C, d } from './three.js'",
      "const m = await import('./four.js')"
    ].join('\n')
    expect(runtimeImports(source).sort()).toEqual(['four', 'one', 'three'])
  })

  it('finds a cycle when there is one', () => {
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['a']],
          ['c', ['a']]
        ])
      ).length
    ).toBeGreaterThan(0)
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', []]
        ])
      )
    ).toEqual([])
  })

  it('has no import cycle', () => {
    const edges = graph()
    expect(edges.get('token')).toContain('explanations')
    expect(cycles(edges)).toEqual([])
  })

  it('keeps the deadline code apart from the token code', () => {
    const edges = graph()
    expect(edges.get('credentials')).toContain('deadline')
    expect(edges.get('token')).toContain('deadline')
  })
})
