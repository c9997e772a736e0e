// A FHIR check refused with 400 because of a search parameter: checks are sent with `Prefer: handling=strict`, so a
// mistyped or unsupported parameter fails (the service would otherwise ignore it and answer 200). Names the parameters
// the service's known not-supported text names, which are the check's own (known-texts.ts accepts no other), so the
// fix is plain; withheld free text is never read for it.

import { listInWords, oneLine } from '../lib/text.js'
import type { HealthCheckSpec } from './read.js'

/** The explanation for a 400 refusing these search parameters of the check; undefined when it names none. */
export function explainRefusedParameter(spec: HealthCheckSpec, parameters: readonly string[]): string | undefined {
  if (parameters.length === 0) return undefined
  const named = listInWords(
    parameters.map(name => `'${oneLine(name)}'`),
    'and'
  )
  const which = parameters.length === 1 ? `the search parameter ${named}` : `the search parameters ${named}`
  return (
    `The service does not support ${which} in ${spec.path}: health checks ask for strict handling ` +
    '(Prefer: handling=strict), so a mistyped or unsupported parameter fails the check instead of being ignored. ' +
    `Correct or remove ${named} in health-check-paths.`
  )
}
