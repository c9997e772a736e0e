// Reading errors as @azure/identity and MSAL throw them: the informative error is wrapped more than once, as a cause
// or inside an aggregate, so every explanation walks the whole chain.

import { isRecord, nonEmptyString } from '../../lib/guards.js'

/** The error, its causes, and an aggregate's members. */
export function errorChain(error: unknown): Record<string, unknown>[] {
  const seen = new Set<unknown>()
  const out: Record<string, unknown>[] = []
  const visit = (value: unknown, depth: number): void => {
    if (!isRecord(value) || seen.has(value) || depth > 8) return
    seen.add(value)
    out.push(value)
    visit(value.cause, depth + 1)
    if (Array.isArray(value.errors)) for (const inner of value.errors as unknown[]) visit(inner, depth + 1)
  }
  visit(error, 0)
  return out
}

/** The messages of the whole chain, one per line. */
export function chainText(error: unknown): string {
  return errorChain(error)
    .map(link => nonEmptyString(link.message) ?? '')
    .join('\n')
}

export function messageOf(error: unknown): string {
  if (isRecord(error) && typeof error.message === 'string') return error.message
  if (typeof error === 'string') return error
  return String(error)
}

/** @azure/identity's word that the credential has nothing to sign in with here (no tool, no identity). */
export function isCredentialUnavailable(error: unknown): boolean {
  return errorChain(error).some(link => link.name === 'CredentialUnavailableError')
}
