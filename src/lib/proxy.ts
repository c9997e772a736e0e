// The credentials in a proxy URL. HTTPS_PROXY=http://user:password@host:port is how an authenticating proxy is
// given to Node tools, and the identity library logs that URL as it is: its secret part must be masked first.

/** Proxy variables, in any case (tools read both HTTPS_PROXY and https_proxy). */
const PROXY_VARIABLE = /^(https?|all)_proxy$/i

/**
 * The secret parts of every proxy URL in the environment, raw and decoded: the password and the whole
 * `user:password`, or the user alone when it has no password (a token given as the user name).
 */
export function proxyCredentials(env: Readonly<Record<string, string | undefined>>): string[] {
  const found = new Set<string>()
  for (const [name, value] of Object.entries(env)) {
    if (!PROXY_VARIABLE.test(name) || !value) continue
    const userinfo = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/?#@\s]*)@/i.exec(value.trim())?.[1]
    if (!userinfo) continue
    const colon = userinfo.indexOf(':')
    const user = colon < 0 ? userinfo : userinfo.slice(0, colon)
    const password = colon < 0 ? '' : userinfo.slice(colon + 1)
    const parts = password === '' ? [user] : [password, userinfo]
    for (const part of parts) {
      if (part === '') continue
      found.add(part)
      found.add(decoded(part))
    }
  }
  return [...found]
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** True when any proxy variable is set: the clients may send a request through it (NO_PROXY aside). */
export function proxyConfigured(env: Readonly<Record<string, string | undefined>>): boolean {
  return Object.entries(env).some(([name, value]) => PROXY_VARIABLE.test(name) && value?.trim())
}
