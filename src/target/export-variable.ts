// The export-variable input: a name for the token in later steps' environment, refused when something later in the
// job reads that name. With several services, one `service: NAME` line each.

import { InputError } from '../errors.js'
import { itemLines } from '../lib/lines.js'
import { show } from '../lib/text.js'
import type { Target, TargetKind } from './read.js'
import { prefixesInWords, servicePrefix } from './services/registry.js'

/** Which token goes under which name. */
export interface ExportVariable {
  readonly kind: TargetKind
  readonly name: string
}

/**
 * Names something later in the job reads, grouped by reader: exporting the token under one would hijack a later step
 * or hand the token to another host (gh sends GH_TOKEN to GitHub). Prefixes, so a family's new members are covered.
 */
const RESERVED_NAMES: readonly {
  readonly reader: string
  readonly prefixes: readonly string[]
  readonly names?: readonly string[]
}[] = [
  {
    reader: 'the runner and GitHub tools (gh would send it to GitHub)',
    prefixes: ['GITHUB', 'GH_', 'RUNNER_', 'ACTIONS_', 'INPUT_', 'STATE_'],
    names: ['CI']
  },
  {
    reader: 'the Azure tools and managed identity',
    prefixes: ['AZURE_', 'AZ_', 'ARM_', 'MSI_', 'IDENTITY_']
  },
  {
    reader: 'shells and the system',
    prefixes: ['BASH_', 'LC_', 'LD_', 'DYLD_', 'SSH_', 'XDG_', 'SUDO_'],
    names: [
      'LOGNAME',
      'PATH',
      'HOME',
      'SHELL',
      'USER',
      'PWD',
      'OLDPWD',
      'ENV',
      'IFS',
      'CDPATH',
      'PS1',
      'PS2',
      'PS3',
      'PS4',
      'PROMPT_COMMAND',
      'TMPDIR',
      'TEMP',
      'TMP',
      'LANG',
      'LANGUAGE',
      'TZ',
      'PAGER',
      'EDITOR',
      'VISUAL'
    ]
  },
  {
    // Windows reads these in any case (readerOf compares in upper case): Path, ComSpec, SystemRoot, PSModulePath...
    reader: 'Windows and PowerShell',
    prefixes: ['PROCESSOR_', 'POWERSHELL_', 'PSMODULE', 'PSEXECUTION', '__PS', '__COMPAT'],
    names: [
      'USERPROFILE',
      'COMSPEC',
      'PATHEXT',
      'SYSTEMROOT',
      'SYSTEMDRIVE',
      'WINDIR',
      'APPDATA',
      'LOCALAPPDATA',
      'PROGRAMDATA',
      'PROGRAMFILES',
      'PROGRAMW6432',
      'COMMONPROGRAMFILES',
      'COMMONPROGRAMW6432',
      'ALLUSERSPROFILE',
      'PUBLIC',
      'HOMEDRIVE',
      'HOMEPATH',
      'HOMESHARE',
      'USERNAME',
      'USERDOMAIN',
      'COMPUTERNAME',
      'LOGONSERVER',
      'OS',
      'NUMBER_OF_PROCESSORS',
      'DRIVERDATA',
      'ONEDRIVE'
    ]
  },
  { reader: 'git', prefixes: ['GIT_'] },
  {
    reader: 'language runtimes',
    prefixes: ['NODE_', 'NPM_', 'DOTNET_', 'CORECLR_', 'COMPLUS_', 'PYTHON', 'RUBY', 'PERL', 'JAVA_', '_JAVA_', 'JDK_']
  },
  {
    reader: 'build and deployment tools',
    // Not TF_: TF_VAR_<name> is how a token is meant to reach Terraform.
    prefixes: ['DOCKER_', 'KUBE', 'HELM_', 'PIP_', 'YARN_', 'CARGO_', 'RUSTUP_', 'MAVEN_', 'GRADLE_'],
    names: [
      'RUSTFLAGS',
      'TERM',
      'GOFLAGS',
      'GOPROXY',
      'GOPATH',
      'GOROOT',
      'GOPRIVATE',
      'GONOPROXY',
      'GONOSUMDB',
      'GOSUMDB',
      'GOINSECURE',
      'GOENV',
      'GOTOOLCHAIN'
    ]
  },
  {
    // Each reads its credential (a *_TOKEN, *_KEY, *_SECRET or *_PASSWORD of its own) from the environment and sends it
    // to its service: the whole family is refused, settings and credentials alike.
    reader: 'another tool, as its setting or credential (the tool would send the token to its own service)',
    prefixes: [
      'HOMEBREW_',
      'AWS_',
      'GOOGLE_',
      'GCLOUD_',
      'CLOUDSDK_',
      'VAULT_',
      'TF_TOKEN_',
      'TF_CLI_',
      'TWINE_',
      'PYPI_',
      'UV_',
      'POETRY_',
      'GEM_',
      'BUNDLE_',
      'COMPOSER_',
      'NUGET_',
      'CHOCOLATEY_',
      'CONDA_',
      'GITLAB_',
      'CI_JOB_',
      'BITBUCKET_',
      'CIRCLE_',
      'BUILDKITE_',
      'CODECOV_',
      'SONAR_',
      'SNYK_',
      'SENTRY_',
      'DD_',
      'DATADOG_',
      'SLACK_',
      'HEROKU_',
      'NETLIFY_',
      'VERCEL_',
      'CLOUDFLARE_',
      'CF_',
      'DIGITALOCEAN_',
      'HCLOUD_',
      'LINODE_',
      'FLY_',
      'OP_',
      'HF_',
      'HUGGINGFACE_',
      'RENOVATE_',
      'SOPS_',
      'GPG_',
      'GNUPG'
    ]
  },
  {
    reader: 'TLS and proxy settings',
    prefixes: ['OPENSSL_', 'SSL_', 'CURL_'],
    names: ['SSLKEYLOGFILE', 'REQUESTS_CA_BUNDLE', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'FTP_PROXY']
  }
]

/** A GitHub token's name anywhere in the name (HOMEBREW_GITHUB_API_TOKEN, RENOVATE_GITHUB_COM_TOKEN, X_GH_TOKEN):
 *  tools send what such a variable holds to GitHub. */
const GITHUB_CREDENTIAL = /GITHUB|(^|_)GH_/

/** Who reads the name (compared in upper case: Windows and some tools ignore case), or undefined when it is free. */
function readerOf(name: string): string | undefined {
  const upper = name.toUpperCase()
  const group = RESERVED_NAMES.find(
    group => group.names?.includes(upper) === true || group.prefixes.some(prefix => upper.startsWith(prefix))
  )
  if (group) return group.reader
  return GITHUB_CREDENTIAL.test(upper) ? 'tools that send a GitHub token to GitHub' : undefined
}

/**
 * The names to export the tokens under: a bare name for the one token of a step with one target, or a line
 * `fhir: FHIR_TOKEN` per service (any of the step's services may be left out). Throws InputError.
 */
export function readExportVariables(value: string, targets: readonly Target[]): readonly ExportVariable[] {
  const input = 'export-variable'
  const [only] = targets
  const exports: ExportVariable[] = []
  for (const line of itemLines(value)) {
    const { kind, rest } = servicePrefix(line.text)
    const where = `line ${line.number} (${show(line.text)})`
    if (kind === undefined && (targets.length > 1 || only === undefined)) {
      throw new InputError(
        input,
        `${where} names no service, and this step has several: write one line per service, each beginning with ` +
          `${prefixesInWords(targets.flatMap(t => (t.kind === 'resource' ? [] : [t.kind])))} (e.g. fhir: FHIR_TOKEN).`
      )
    }
    const target = kind === undefined ? only : targets.find(t => t.kind === kind)
    if (target === undefined) {
      throw new InputError(
        input,
        `${where} names the ${kind ?? ''} token, which this step does not get: remove the line.`
      )
    }
    const name = readExportVariable(rest)
    if (exports.some(e => e.kind === target.kind)) {
      throw new InputError(input, `${where}: the ${target.kind} token has a name already: give one line per service.`)
    }
    if (exports.some(e => e.name.toUpperCase() === name.toUpperCase())) {
      throw new InputError(input, `${where}: ${name} is named twice: give each token a name of its own.`)
    }
    exports.push({ kind: target.kind, name })
  }
  return exports
}

/** One name, checked: a variable name nothing later in the job reads. */
function readExportVariable(value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw new InputError(
      'export-variable',
      `${show(value)} is not an environment variable name: use letters, digits and _ (not first a digit), e.g. FHIR_TOKEN.`
    )
  }
  const reader = readerOf(value)
  if (reader !== undefined) {
    throw new InputError(
      'export-variable',
      `${value} is read by ${reader}: a token there would change what later steps do or where the token goes. ` +
        'Choose a name of your own, e.g. FHIR_TOKEN.'
    )
  }
  return value
}
