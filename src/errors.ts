// Failures the action reports as one plain message. Anything else that escapes is a bug, reported without a stack.

/**
 * A bad input: names the input and says how to fix it. Raised before any network request. The message names it as the
 * action's input; `detail` is the rest, for a front end that names it otherwise (the command line's flag).
 */
export class InputError extends Error {
  readonly input: string
  readonly detail: string
  constructor(input: string, message: string) {
    super(`Input '${input}': ${message}`)
    this.name = 'InputError'
    this.input = input
    this.detail = message
  }
}

/** A failure with a known cause and a fix (sign-in refused, endpoint unreachable, ...). */
export class ActionError extends Error {
  readonly title: string
  constructor(title: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ActionError'
    this.title = title
  }
}

/** A sign-in host answered, but not with a token response the library could read (HTML, malformed JSON). */
export class UnreadableAnswerError extends Error {
  readonly endpoint: string
  readonly status: number
  readonly contentType?: string
  constructor(endpoint: string, status: number, contentType?: string) {
    super(`${endpoint} answered HTTP ${status}, but not with a token response that could be read`)
    this.name = 'UnreadableAnswerError'
    this.endpoint = endpoint
    this.status = status
    if (contentType !== undefined) this.contentType = contentType
  }
}

/** A sign-in host's answer longer than any real one (a token answer is a few KiB): not read to the end. */
export class AnswerTooLargeError extends Error {
  readonly endpoint: string
  readonly limitBytes: number
  constructor(endpoint: string, limitBytes: number) {
    super(`${endpoint} answered with more than ${limitBytes} bytes; the answer was not read`)
    this.name = 'AnswerTooLargeError'
    this.endpoint = endpoint
    this.limitBytes = limitBytes
  }
}

/** The request for the GitHub OIDC token failed, or GitHub answered without a token: explained with the endpoint. */
export class GitHubTokenError extends Error {
  readonly endpoint: string
  constructor(endpoint: string, options: { cause: unknown }) {
    super(`the GitHub OIDC token could not be had from ${endpoint}`, options)
    this.name = 'GitHubTokenError'
    this.endpoint = endpoint
  }
}
