// The committed bundle is minified by scripts/minify-chunks.ts, with every bundled module's function still in
// parentheses: V8 compiles a parenthesised function while it parses the file, and parses one without them twice (a
// skim, then again when it runs). Going back to ncc's own --minify, or to no minifier, must fail here.
import { readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { type Expression, type Node, type ObjectExpression, parse } from 'acorn'
import { bundleFiles, minifyChunk } from '../../scripts/minify-chunks.js'

const dist = join(process.cwd(), 'dist')

/** The bundler's table of modules in a file: an object whose keys are module ids and whose values are functions. */
function moduleTables(program: Node): ObjectExpression[] {
  const tables: ObjectExpression[] = []
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return
    if (isModuleTable(node as Node)) tables.push(node as ObjectExpression)
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit)
      else if (value !== null && typeof value === 'object' && 'type' in value) visit(value)
    }
  }
  visit(program)
  return tables
}

function isModuleTable(node: Node): boolean {
  if (node.type !== 'ObjectExpression') return false
  const { properties } = node as ObjectExpression
  return (
    properties.length > 0 &&
    properties.every(
      p =>
        p.type === 'Property' &&
        p.key.type === 'Literal' &&
        typeof p.key.value === 'number' &&
        /Function/.test(unwrapped(p.value).type)
    )
  )
}

const unwrapped = (node: Expression): Expression =>
  node.type === 'ParenthesizedExpression' ? unwrapped(node.expression) : node

const parsed = (text: string): Node =>
  parse(text, { ecmaVersion: 'latest', sourceType: 'module', preserveParens: true })

// Two bundles: the action's in dist/, the command's in dist/cli/. dist/cli.js only imports the latter (ncc names every
// entry index.js, so the two cannot share a folder) and is no bundle.
const bundles: [string, string[]][] = [
  ['dist/', bundleFiles(dist).filter(file => basename(file) !== 'cli.js')],
  ['dist/cli/', bundleFiles(join(dist, 'cli'))]
]

describe.each(bundles)('the bundle in %s', (_folder, files) => {
  it('has the entry and the lazy chunks', () => {
    expect(files.map(file => basename(file))).toContain('index.js')
    expect(files.length).toBeGreaterThan(2)
  })

  it.each(files.map(file => [basename(file), file]))('%s is minified', (_name, file) => {
    const text = readFileSync(file, 'utf8')
    // The bundler's own markers, and a line every few dozen bytes, are what an unminified file is made of; a
    // minified one keeps only the line breaks inside its strings (a help text, a licence).
    expect(text).not.toContain('/***/')
    expect(text.split('\n').length).toBeLessThan(text.length / 1000 + 10)
  })

  it.each(files.map(file => [basename(file), file]))(
    "%s keeps every module's function in parentheses",
    (_name, file) => {
      const tables = moduleTables(parsed(readFileSync(file, 'utf8')))
      const modules = tables.flatMap(table => table.properties).filter(p => p.type === 'Property')
      expect(modules.length).toBeGreaterThan(0)
      const bare = modules
        .filter(p => p.value.type !== 'ParenthesizedExpression')
        .map(p => (p.key.type === 'Literal' ? String(p.key.value) : '?'))
      expect(bare).toEqual([])
    }
  )
})

describe('minifyChunk', () => {
  const source = [
    'export const modules = {',
    '/***/ 12:',
    '/***/ ((module, exports, require) => {',
    '  // a comment',
    '  module.exports = function helper(value) { return value + 1 }',
    '/***/ }),',
    '/***/ 34:',
    '/***/ (function(module) {',
    '  module.exports = class Named {}',
    '/***/ })',
    '}'
  ].join('\n')

  it('removes comments and white space and keeps the parentheses and the names', () => {
    const out = minifyChunk(source)
    expect(out).not.toContain('comment')
    expect(out.length).toBeLessThan(source.length * 0.75)
    expect(out).not.toMatch(/\n\s/)
    const [table] = moduleTables(parsed(out))
    expect(table?.properties.map(p => (p.type === 'Property' ? p.value.type : p.type))).toEqual([
      'ParenthesizedExpression',
      'ParenthesizedExpression'
    ])
    expect(out).toContain('function helper(')
    expect(out).toContain('class Named')
  })

  it('gives the same bytes every time', () => {
    expect(minifyChunk(source)).toBe(minifyChunk(source))
  })
})
