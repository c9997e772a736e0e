// Durations as the inputs write them (`500ms`, `90s`, `5m`, `1h`) and as messages show them. Pure functions.

const MINUTE_MS = 60_000
const HOUR_MS = 3_600_000
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: MINUTE_MS, h: HOUR_MS }

/**
 * `0`, or numbers with units (`500ms`, `90s`, `5m`, `1h`, also `1m30s`), in ms. Undefined for anything else: a bare
 * number other than 0 is ambiguous.
 */
export function parseDuration(value: string): number | undefined {
  const text = value.toLowerCase()
  if (text === '0') return 0
  if (!/^(?:\d+(?:ms|s|m|h))+$/.test(text)) return undefined
  let ms = 0
  for (const [, amount = '', unit = ''] of text.matchAll(/(\d+)(ms|s|m|h)/g))
    ms += Number(amount) * (UNIT_MS[unit] ?? NaN)
  return ms
}

/** A measured or configured time in seconds, to a tenth: 1500 -> "1.5s", 60000 -> "60s". */
export function formatSeconds(ms: number): string {
  return `${String(Math.round(ms / 100) / 10)}s`
}

/** A limit of whole minutes or hours: 600000 -> "10m", 21600000 -> "6h". */
export function formatLimit(ms: number): string {
  return ms % HOUR_MS === 0 ? `${String(ms / HOUR_MS)}h` : `${String(ms / MINUTE_MS)}m`
}
