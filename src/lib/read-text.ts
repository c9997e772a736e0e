// Reading an answer or a pipe whole, never more than a limit: a hostile or broken peer may send gigabytes, which would
// end the process before any message.

/** The stream's bytes as UTF-8 text, and how many there were; throws `tooLarge()` once more than `limit` have come. */
export async function readTextAtMost(
  stream: AsyncIterable<Buffer | string>,
  limit: number,
  tooLarge: () => Error
): Promise<{ text: string; bytes: number }> {
  const chunks: Buffer[] = []
  let bytes = 0
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    bytes += buffer.length
    if (bytes > limit) throw tooLarge()
    chunks.push(buffer)
  }
  return { text: Buffer.concat(chunks).toString('utf8'), bytes }
}
