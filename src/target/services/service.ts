// What a data plane of Azure Health Data Services is to the action: the input that names it, where its hosts live,
// the audience its tokens need, how its requests look, the checks that prove it answers without reading patient data,
// and what to say when it refuses. Each service is one file in this folder; registry.ts lists them.

import type { InputName, RawInputs } from '../../inputs.js'
import type { CloudName } from '../clouds.js'

/** How the service's URL must look, checked once the host is known to be the service's. */
export interface HostForm {
  readonly pattern: RegExp
  /** The form in words, for the message: `<name>.api.<region>.deid.azure.com`. */
  readonly text: string
}

export interface Service {
  /** Its name in messages: "FHIR service". */
  readonly name: string
  /** The input that names an instance by its URL. */
  readonly input: InputName
  /** An instance's URL, for the messages that ask for one. */
  readonly example: string
  /** Host suffixes per cloud, most specific first. A cloud left out has no known host of the service. */
  readonly hostSuffixes: Readonly<Partial<Record<CloudName, readonly string[]>>>
  /** The clouds it exists in: a step in another cloud is refused. */
  readonly clouds: readonly CloudName[]
  /** The form its hosts take, when the suffix alone does not say it. */
  readonly hostForm?: HostForm
  /** The one audience every instance accepts, if the audience is not per instance. */
  readonly sharedAudience?: string
  /** The resource (audience) a token for the instance at this URL is asked for. */
  resourceFor(url: URL): string
  /**
   * The base URL checks resolve against, without a trailing slash (a versioned path where the API version is in the
   * path). May read the service's own other inputs; throws InputError naming the input and the fix.
   */
  baseUrl(url: URL, raw: RawInputs): string
  /** Checks the service's own other inputs even when no instance is given, so that a typo never goes unnoticed. */
  checkInputs?(raw: RawInputs): void
  /** A check's URL as the service wants it (an API version in the query); most services take it as it is. */
  checkUrl?(url: URL): URL
  /** A start-up warning about the URL (a retired service), if any. */
  warning?(hostname: string): string | undefined
  /** The Accept header of its checks. */
  readonly accept: string
  /** Headers sent with every check besides the token; `audit` is the run's audit headers, if asked for. */
  checkHeaders(audit: Readonly<Record<string, string>>): Record<string, string>
  /** Checks run without health-check-paths: each needs no patient data and, but for anonymous ones, a read role. */
  readonly defaultChecks: readonly string[]
  /** Paths (under the base URL, or from the origin's root) answered without a token: such checks prove nothing. */
  readonly anonymousPaths: readonly string[]
  /** Roles that allow the default checks, the first one the one the advice assigns. */
  readonly readRoles: readonly string[]
  /** Said right after the roles (a role that looks enough and is not), if anything. */
  readonly readRolesNote?: string
  /** More to say with a 403 than the roles (roles that look right and are not, another way to grant access). */
  accessNotes?(hostname: string | undefined, objectId: string | undefined): readonly string[]
  /** The Azure resource ID scope of a role assignment on the instance at this host, placeholders where unknown. */
  roleScope(hostname: string): string
  /** True when a 400 may name a refused search parameter (explained from the service's structured answer). */
  readonly searchParameters?: true
}

/** The start of every Health Data Services resource ID. */
export const HEALTHCARE_APIS =
  '/subscriptions/<subscription-id>/resourceGroups/<resource-group>/providers/Microsoft.HealthcareApis'

/**
 * The scope of a workspace's service: `<workspace>-<service>.<type>.azurehealthcareapis.*` names both (workspace names
 * have no hyphen); any other host leaves them placeholders.
 */
export function workspaceServiceScope(hostname: string, type: 'fhir' | 'dicom'): string {
  const found = new RegExp(`^([a-z0-9]+)-([a-z0-9-]+)\\.${type}\\.azurehealthcareapis\\.[a-z]+$`).exec(hostname)
  const [, workspace = '<workspace>', service = `<${type}-service>`] = found ?? []
  return `${HEALTHCARE_APIS}/workspaces/${workspace}/${type}services/${service}`
}
