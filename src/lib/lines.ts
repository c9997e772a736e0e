// The items of a multi-line input: one per line, with blank lines and `#` comments skipped. A `#` starts a comment at
// the start of a line or after a space; inside a value (a URL's fragment) it stays, for the value's own check.

export interface ItemLine {
  /** 1-based, as an editor numbers the input's lines. */
  readonly number: number
  /** The line without its comment, trimmed; never empty. */
  readonly text: string
}

export function itemLines(text: string): ItemLine[] {
  const items: ItemLine[] = []
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim()
    if (line !== '') items.push({ number: index + 1, text: line })
  }
  return items
}
