// Narrowing values whose shape nobody promised (parsed JSON, thrown errors, JWT claims, URLs in text), and the
// patterns for GUIDs and control characters. No I/O.

/** A GUID, as Microsoft Entra ID writes object, application (client), tenant, trace and correlation IDs. */
export const GUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'
/** A value that is a GUID and nothing else. */
export const GUID = new RegExp(`^${GUID_PATTERN}$`)

/**
 * Characters that end a line, control a terminal or reorder text: text from outside is never shown with them. C0 and
 * C1 controls (NEL among them), the Unicode line and paragraph separators, and the bidirectional overrides.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

/** A plain object (not null, not an array) whose fields can be read one by one. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The value if it is a string with something in it; an empty string counts as absent. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** `new URL(value, base)` without the throw: undefined when the text is not a URL. */
export function parseUrl(value: string, base?: string): URL | undefined {
  try {
    return new URL(value, base)
  } catch {
    return undefined
  }
}
