// The Azure clouds: their names, sign-in hosts and federated-credential audiences (the services' hosts per cloud are
// in services/). Pure data and functions.

import { parseUrl } from '../lib/guards.js'

export type CloudName = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud'

/** The public cloud's recommended federated-credential audience. */
export const DEFAULT_FEDERATED_AUDIENCE = 'api://AzureADTokenExchange'

interface CloudInfo {
  readonly authorityHost: string
  /** The recommended audience of a federated credential in this cloud (MSAL's TokenExchangeAudience): what the
   *  GitHub OIDC token is asked for when audience is not given. */
  readonly federatedAudience: string
}

const CLOUDS: Readonly<Record<CloudName, CloudInfo>> = {
  AzureCloud: {
    authorityHost: 'https://login.microsoftonline.com',
    federatedAudience: DEFAULT_FEDERATED_AUDIENCE
  },
  AzureUSGovernment: {
    authorityHost: 'https://login.microsoftonline.us',
    federatedAudience: 'api://AzureADTokenExchangeUSGov'
  },
  AzureChinaCloud: {
    authorityHost: 'https://login.chinacloudapi.cn',
    federatedAudience: 'api://AzureADTokenExchangeChina'
  }
}

const CLOUD_NAMES = Object.keys(CLOUDS) as readonly CloudName[]

/**
 * Hosts MSAL has built-in instance metadata for (its known aliases). Any other host makes MSAL ask Microsoft's
 * instance-discovery endpoint first, so credentials must set `disableInstanceDiscovery` for it.
 */
const MICROSOFT_AUTHORITY_HOSTS: ReadonlySet<string> = new Set([
  'login.microsoftonline.com',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
  'login.partner.microsoftonline.cn',
  'login.chinacloudapi.cn',
  'login.microsoftonline.de',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login-us.microsoftonline.com'
])

/** The cloud for a name, case-insensitively; undefined for an unknown name. */
export function parseCloud(value: string): CloudName | undefined {
  const wanted = value.trim().toLowerCase()
  return CLOUD_NAMES.find(name => name.toLowerCase() === wanted)
}

/** The cloud's sign-in host: an https origin without a trailing slash. */
export function authorityHostFor(cloud: CloudName): string {
  return CLOUDS[cloud].authorityHost
}

/** The federated-credential audience Microsoft recommends in the cloud. */
export function federatedAudienceFor(cloud: CloudName): string {
  return CLOUDS[cloud].federatedAudience
}

/** True when MSAL knows the host without instance discovery (https, default port, a Microsoft sign-in host). */
export function isMicrosoftAuthorityHost(authorityHost: string): boolean {
  const url = parseUrl(authorityHost)
  return url?.protocol === 'https:' && url.port === '' && MICROSOFT_AUTHORITY_HOSTS.has(url.hostname)
}
