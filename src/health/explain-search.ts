// A FHIR check refused with 400 because of a search parameter: checks are sent with `Prefer: handling=strict`, so a
// mistyped or unsupported parameter fails (the service would otherwise ignore it and answer 200). Names the parameter
// the service's diagnostic quotes, from the check's own query, so the fix is plain.

import { oneLine } from '../lib/text.js'
import type { HealthCheckSpec } from './read.js'

/** The explanation for a 400 whose diagnostics name one of the check's search parameters; undefined otherwise. */
export function explainRefusedParameter(spec: HealthCheckSpec, issues: readonly string[]): string | undefined {
  const names = [...new Set(new URL(spec.url).searchParams.keys())]
  const said = issues.join('\n')
  // Longest first, so `_count` is not reported where the service named `_count:exact`.
  const named = names
    .sort((a, b) => b.length - a.length)
    .find(name => said.includes(`'${name}'`) || said.includes(`"${name}"`))
  if (named === undefined) return undefined
  const parameter = oneLine(named)
  return (
    `The service does not support the search parameter '${parameter}' in ${spec.path}: health checks ask for strict ` +
    'handling (Prefer: handling=strict), so a mistyped or unsupported parameter fails the check instead of being ' +
    `ignored. Correct or remove '${parameter}' in health-check-paths.`
  )
}
