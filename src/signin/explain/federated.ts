// A federated credential that does not match the GitHub token the workflow presented: which of issuer, subject and
// audience differs, the subject forms, and the az command that adds the credential this very run needs.

import { oneLine } from '../../lib/text.js'
import { federatedAudienceFor } from '../../target/clouds.js'
import type { SignInContext } from './context.js'
import type { EntraFailure } from './entra-failure.js'

export const FEDERATED_MISMATCH_CODES: ReadonlySet<string> = new Set([
  'AADSTS70021',
  'AADSTS700211',
  'AADSTS700212',
  'AADSTS700213',
  'AADSTS7002138'
])

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

export interface PresentedAssertion {
  readonly issuer?: string
  readonly subject?: string
  readonly audience?: string
}

export function claimString(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0]
  return undefined
}

/** The assertion's issuer, subject and audience as the description quotes them (`Assertion Subject: '...'`). */
export function quotedAssertion(description: string | undefined): PresentedAssertion {
  if (!description) return {}
  const quoted = (label: string): string | undefined =>
    new RegExp(`(?:Assertion\\s+)?${label}\\s*:?\\s*'([^']*)'`, 'i').exec(description)?.[1] ??
    new RegExp(`presented assertion ${label}\\s*'([^']*)'`, 'i').exec(description)?.[1]
  return { issuer: quoted('Issuer'), subject: quoted('Subject'), audience: quoted('Audience') }
}

/** `repo:OWNER/REPO` from the claims or the subject, for the subject forms. */
function repoPrefix(claims: Record<string, unknown> | undefined, subject: string | undefined): string {
  const repository = claims ? claimString(claims.repository) : undefined
  if (repository) return `repo:${repository}`
  const fromSubject = subject ? /^(repo:[^:]+)/.exec(subject)?.[1] : undefined
  return fromSubject ?? 'repo:OWNER/REPO'
}

/** The subject form this run presented, in words, so the reader sees why a branch credential did not match. */
function describeSubject(subject: string): string {
  if (/:environment:/.test(subject)) {
    return 'This job runs in an environment, so GitHub presents the environment form, not the branch form.'
  }
  if (/:pull_request$/.test(subject)) return 'This run is for a pull request, so GitHub presents the pull_request form.'
  if (/:ref:refs\/tags\//.test(subject)) return 'This run is for a tag, so GitHub presents the tag form.'
  if (/:ref:refs\/heads\//.test(subject)) return 'This run is for a branch, so GitHub presents the branch form.'
  if (!subject.startsWith('repo:')) {
    return 'This subject is customized (the repository or organization changed its OIDC subject template).'
  }
  return ''
}

/** The credential's name: where the subject comes from, then the subject in the characters a name may hold. */
function credentialName(subject: string, issuer: string): string {
  const origins: readonly (readonly [RegExp, string])[] = [
    [/^repo:/, 'github'],
    [/^system:serviceaccount:/, 'k8s'],
    [/^sc:\/\//, 'azure-devops'],
    [/^project_path:/, 'gitlab']
  ]
  // A customized GitHub subject has none of the prefixes, but GitHub's issuer.
  const fallback = issuer.startsWith(GITHUB_ISSUER) ? 'github' : 'federated'
  const [prefix, origin] = origins.find(([pattern]) => pattern.test(subject)) ?? [/^/, fallback]
  const slug = subject
    .replace(prefix, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '')
  return `${origin}-${slug}`.slice(0, 120).replace(/-$/, '')
}

/** Single-quotes a value for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

/**
 * The command that adds the federated credential this very run presented. Values come from the GitHub token's
 * claims (what was sent), falling back to what Entra ID quoted.
 */
export function federatedCredentialCommand(
  clientId: string,
  presented: { issuer: string; subject: string; audience: string }
): string {
  const parameters = JSON.stringify({
    name: credentialName(presented.subject, presented.issuer),
    issuer: presented.issuer,
    subject: presented.subject,
    audiences: [presented.audience]
  })
  return `az ad app federated-credential create --id ${shellQuote(clientId)} --parameters ${shellQuote(parameters)}`
}

/**
 * Which of the three differs: the newer codes say it; 70021 quotes all three, so flag what looks unusual. `sent` is
 * what the GitHub token held, `quoted` what Entra ID quoted of it.
 */
function whatDiffers(
  code: string,
  quoted: PresentedAssertion,
  sent: PresentedAssertion,
  recommendedAudience: string
): string[] {
  const differs: string[] = []
  if (code === 'AADSTS700211') differs.push(`the issuer ('${oneLine(quoted.issuer ?? sent.issuer ?? '?')}')`)
  if (code === 'AADSTS700212') differs.push(`the audience ('${oneLine(quoted.audience ?? sent.audience ?? '?')}')`)
  if (code === 'AADSTS700213') differs.push(`the subject ('${oneLine(quoted.subject ?? sent.subject ?? '?')}')`)
  if (code === 'AADSTS70021') {
    const presentedIssuer = quoted.issuer ?? sent.issuer
    const presentedAudience = quoted.audience ?? sent.audience
    if (presentedIssuer && presentedIssuer !== GITHUB_ISSUER && !presentedIssuer.startsWith(`${GITHUB_ISSUER}/`)) {
      differs.push(`the issuer ('${oneLine(presentedIssuer)}' is not GitHub's)`)
    }
    if (presentedAudience && presentedAudience !== recommendedAudience) {
      differs.push(
        `the audience ('${oneLine(presentedAudience)}' is not the default ${recommendedAudience}; the credential must list it)`
      )
    }
    if (differs.length === 0) differs.push('the subject (issuer and audience are the standard ones)')
  }
  return differs
}

export function federatedLines(code: string, failure: EntraFailure, context: SignInContext): string[] {
  const quoted = quotedAssertion(failure.description)
  const claims = context.githubClaims
  const configuredAudience = context.signIn.type === 'oidc' ? context.signIn.audience : undefined
  const recommendedAudience = federatedAudienceFor(context.cloud ?? 'AzureCloud')
  const issuer = (claims ? claimString(claims.iss) : undefined) ?? quoted.issuer
  const subject = (claims ? claimString(claims.sub) : undefined) ?? quoted.subject
  const audience =
    (claims ? claimString(claims.aud) : undefined) ?? quoted.audience ?? configuredAudience ?? recommendedAudience
  const lines: string[] = []

  const differs = whatDiffers(code, quoted, { issuer, subject, audience }, recommendedAudience)
  if (code === 'AADSTS7002138') {
    lines.push('The credential differs from the presented values only in letter case; matching is case-sensitive.')
  } else if (differs.length > 0) {
    lines.push(`What differs: ${differs.join('; ')}.`)
  }

  if (subject) {
    lines.push(`The workflow presented the subject '${oneLine(subject)}'. ${describeSubject(subject)}`.trim())
  } else {
    lines.push('The presented subject is unknown (the GitHub token was not read).')
  }
  const repo = repoPrefix(claims, subject)
  lines.push(
    'Subject forms (exact, case-sensitive):',
    `  branch:       ${oneLine(repo)}:ref:refs/heads/BRANCH`,
    `  tag:          ${oneLine(repo)}:ref:refs/tags/TAG`,
    `  environment:  ${oneLine(repo)}:environment:NAME`,
    `  pull request: ${oneLine(repo)}:pull_request`
  )
  const { clientId } = context.signIn
  if (subject && issuer) {
    lines.push(
      'This command adds the federated credential that makes this run succeed:',
      `  ${federatedCredentialCommand(clientId ?? '<client-id>', {
        issuer: oneLine(issuer),
        subject: oneLine(subject),
        audience: oneLine(audience)
      })}`
    )
  }
  return lines
}

/**
 * The issuer, subject and audience of a presented token other than GitHub's: what the sign-in read from it, else what
 * Microsoft Entra ID quoted of it.
 */
export function presentedAssertion(failure: EntraFailure, context: SignInContext): PresentedAssertion {
  const quoted = quotedAssertion(failure.description)
  const claims = context.assertionClaims
  return {
    issuer: (claims ? claimString(claims.iss) : undefined) ?? quoted.issuer,
    subject: (claims ? claimString(claims.sub) : undefined) ?? quoted.subject,
    audience: (claims ? claimString(claims.aud) : undefined) ?? quoted.audience
  }
}

/** The sentence naming what was presented: `The pod presented issuer '…', subject '…', audience '…'.` */
export function presentedLine(who: string, { issuer, subject, audience }: PresentedAssertion): string {
  return (
    `${who} presented issuer '${oneLine(issuer ?? '?')}', subject '${oneLine(subject ?? '?')}', ` +
    `audience '${oneLine(audience ?? '?')}'.`
  )
}

/** The command that adds the credential for what was presented, under `intro`; none when issuer or subject is unknown. */
export function credentialCommandLines(
  intro: string,
  { issuer, subject, audience }: PresentedAssertion,
  context: SignInContext
): string[] {
  if (!issuer || !subject) return []
  return [
    intro,
    `  ${federatedCredentialCommand(context.signIn.clientId ?? '<client-id>', {
      issuer: oneLine(issuer),
      subject: oneLine(subject),
      audience: oneLine(audience ?? federatedAudienceFor(context.cloud ?? 'AzureCloud'))
    })}`
  ]
}
