// The services' fixed error texts: the only free text of an error answer a failed check quotes, since it is known to
// hold no patient data (FHIR and DICOM services quote resource content and tag values in all other free text). A text
// with a placeholder counts only when the placeholder is the check's own (a search parameter of its URL, the type and
// id of its path) or a FHIR resource type name, so quoting it shows nothing the workflow did not already say.

/** A free text found in the table: the text as the service wrote it, and the check's search parameter it names. */
export interface KnownText {
  readonly text: string
  readonly searchParameter?: string
}

/** A FHIR resource type name (`Patient`, `DiagnosticReport`): a name from the specification, never a value. */
const RESOURCE_TYPE = '[A-Z][A-Za-z]{0,63}'

interface Entry {
  readonly pattern: RegExp
  /** Whether the placeholders the pattern captured are the check's own; the table entry is quoted only then. */
  readonly accepts?: (captured: readonly string[], check: URL) => Omit<KnownText, 'text'> | undefined
}

/** Every text quoted from an error answer; anything else is withheld. */
const KNOWN_TEXTS: readonly Entry[] = [
  { pattern: /^Authorization failed\.$/ },
  { pattern: /^Authentication failed\.$/ },
  // The services' throttling answer (429).
  { pattern: /^The maximum number of concurrent API calls on this instance was reached\.$/ },
  // FHIR strict search handling refusing a parameter: only one of the check's own parameters.
  {
    pattern: new RegExp(`^The search parameter '(.{1,200})' is not supported for resource type '${RESOURCE_TYPE}'\\.$`),
    accepts: ([name = ''], check) => (check.searchParams.has(name) ? { searchParameter: name } : undefined)
  },
  // FHIR read of a missing resource: only the type and id of the check's own path.
  {
    pattern: new RegExp(`^Resource type '(${RESOURCE_TYPE})' with id '([A-Za-z0-9.-]{1,64})' couldn't be found\\.$`),
    accepts: ([type = '', id = ''], check) => (pathEndsWith(check, [type, id]) ? {} : undefined)
  }
]

/** The text, when it is one of the services' known fixed texts as the check with this URL can get it; else undefined. */
export function knownText(text: string, checkUrl: string): KnownText | undefined {
  const trimmed = text.trim()
  const check = new URL(checkUrl)
  for (const { pattern, accepts } of KNOWN_TEXTS) {
    const match = pattern.exec(trimmed)
    if (match === null) continue
    const accepted = accepts === undefined ? {} : accepts(match.slice(1), check)
    if (accepted !== undefined) return { text: trimmed, ...accepted }
  }
  return undefined
}

function pathEndsWith(url: URL, segments: readonly string[]): boolean {
  const path = url.pathname.split('/').filter(segment => segment !== '')
  return segments.every((segment, i) => path[path.length - segments.length + i] === segment)
}
