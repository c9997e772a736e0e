import { describe, expect, it } from '@jest/globals'
import { DeadlineError, withDeadline } from '../../src/lib/deadline.js'

describe('withDeadline', () => {
  it('returns what the task returns in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 1000, 'x')).resolves.toBe(7)
  })

  it('rejects with a DeadlineError naming what did not answer', async () => {
    const error = await withDeadline(new Promise(() => undefined), 20, 'the endpoint https://e.test/t').catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(DeadlineError)
    expect((error as DeadlineError).endpoint).toBe('the endpoint https://e.test/t')
    expect((error as Error).message).toBe('No answer from the endpoint https://e.test/t within 0s')
  })
})
