import { describe, expect, it } from '@jest/globals'
import { buildsBundle } from './test-bundle.ts'

describe('buildsBundle', () => {
  it('builds the working tree by default', () => {
    expect(buildsBundle({})).toBe(true)
    expect(buildsBundle({ TEST_BUNDLE: '' })).toBe(true)
  })

  it('runs the committed dist/ for TEST_BUNDLE=dist, and a bundle ACTION_ENTRY names as it is', () => {
    expect(buildsBundle({ TEST_BUNDLE: 'dist' })).toBe(false)
    expect(buildsBundle({ ACTION_ENTRY: '/tmp/other/index.js' })).toBe(false)
  })

  it('refuses a TEST_BUNDLE it does not know, naming the one it knows', () => {
    expect(() => buildsBundle({ TEST_BUNDLE: 'fresh' })).toThrow('TEST_BUNDLE=fresh: use TEST_BUNDLE=dist')
  })
})
