// PEM text as users paste it into a secret.

/** A PEM stored on one line with literal `\n` escapes (a common way to paste it into a secret) made multi-line. */
export function unescapePem(pem: string): string {
  return pem.includes('\n') ? pem : pem.replace(/\\n/g, '\n')
}
