// The command's story, outside GitHub Actions: read the command line and the AHDS_ variables into the action's own
// configuration, sign in once with its methods, then hand the tokens over in a form that cannot leak by accident
// (token), check the services (check) or run a command with them in its environment (exec). What a person reads goes
// to stderr; stdout carries only what was asked for. Every line of outside text is made safe for any CI's log.

import { fstatSync } from 'node:fs'
import { readConfig } from '../config.js'
import { ActionError, InputError } from '../errors.js'
import { runPlannedChecks } from '../health/run.js'
import { stepSecrets } from '../inputs.js'
import { refuseNodeDebug } from '../refuse-node-debug.js'
import { neutralizeCommands, sanitizeServerText, spellingsOf } from '../lib/text.js'
import { describeSignIn } from '../report/outputs.js'
import { getAccessTokens } from '../signin/get-token.js'
import { githubIdToken } from '../signin/github-oidc-request.js'
import { SIGN_IN_INPUT_NAMES } from '../signin/sign-in-inputs.js'
import {
  type CliArgs,
  UsageError,
  cliGetInput,
  flagOf,
  parseCommandLine,
  secretFlagWarnings,
  variableOf
} from './args.js'
import { execEnvironment, runCommand } from './exec.js'
import { HELP } from './help.js'
import { renderChecks, wantsColour } from './table.js'
import { renderAzurePipelines, renderEnvFile, renderJson, tokenVariables, writeEnvFile } from './token-output.js'

/** The exit codes a script can rely on (exec ends with its command's own when it ran). */
export const EXIT = { ok: 0, failed: 1, usage: 2, unhealthy: 3 } as const

type Env = Readonly<Record<string, string | undefined>>

export interface CliIo {
  readonly argv: readonly string[]
  readonly env: Env
  readonly stdout: NodeJS.WriteStream
  readonly stderr: NodeJS.WriteStream
}

/** Runs the command; resolves with its exit code. Never throws. */
export async function runCli(io: CliIo): Promise<number> {
  const say = (line: string): void => {
    io.stderr.write(`${neutralizeCommands(line)}\n`)
  }
  let secrets: readonly string[] = []
  try {
    const args = parseCommandLine(io.argv)
    if (args === 'help') {
      io.stdout.write(HELP)
      return EXIT.ok
    }
    const getInput = withTerminalDefault(cliGetInput(args.flags, io.env), io.env)
    secrets = stepSecrets(getInput, io.env)
    const registerSecret = secretRegistrar(io)
    for (const secret of spellingsOf(secrets)) registerSecret(secret)
    refuseNodeDebug(io.env.NODE_DEBUG, 'the command', 'unset NODE_DEBUG for this command.')
    refuseLeakyOutput(args, io.env)

    const config = readConfig(
      args.subcommand === 'check' && getInput('health-check') === ''
        ? name => (name === 'health-check' ? 'true' : getInput(name))
        : getInput,
      { ...io.env },
      'command'
    )
    for (const warning of [...secretFlagWarnings(args.flags), ...config.warnings]) say(`warning: ${warning}`)
    secrets = config.secrets

    const waitUntil = Date.now() + config.waitForAccessMs
    const { signIn, authorityHost, cloud } = config
    const tokens = await getAccessTokens({ signIn, authorityHost, cloud, secrets, waitUntil }, config.targets, {
      // In a GitHub job the command signs in with GitHub's token as the action does.
      getIDToken: githubIdToken({ env: io.env, setSecret: registerSecret }),
      info: say,
      setSecret: registerSecret,
      env: io.env
    })
    for (const { token } of tokens) registerSecret(token.token)

    if (args.subcommand === 'token') {
      // Azure Pipelines' secret variables come before anything else is printed.
      if (args.output === 'azure-pipelines') io.stdout.write(renderAzurePipelines(tokens))
      for (const { token } of tokens) say(describeSignIn(token))
      if (args.envFile !== undefined) {
        await writeEnvFile(args.envFile, renderEnvFile(tokens))
        say(`Wrote ${Object.keys(tokenVariables(tokens)).join(', ')} to ${args.envFile} (mode 0600).`)
      }
      if (args.output === 'json') io.stdout.write(renderJson(tokens))
      else if (args.showToken) io.stdout.write(renderEnvFile(tokens))
      return EXIT.ok
    }
    if (args.subcommand === 'exec') {
      for (const { token } of tokens) say(describeSignIn(token))
      const tokenVariable =
        signIn.type === 'federated-token' && 'variable' in signIn.source ? signIn.source.variable : undefined
      return await runCommand(args.command, execEnvironment(io.env, tokenVariables(tokens), tokenVariable))
    }
    for (const { token } of tokens) say(describeSignIn(token))
    if (config.health === undefined) return EXIT.ok
    const report = await runPlannedChecks(config.health, tokens, Math.max(0, waitUntil - Date.now()), {
      info: say,
      redact: secrets
    })
    io.stdout.write(renderChecks(report, wantsColour(io.stdout.isTTY, io.env)))
    return report.health === 'unhealthy' ? EXIT.unhealthy : EXIT.ok
  } catch (error) {
    return failure(error, secrets, say)
  }
}

/**
 * On a person's terminal, with no sign-in asked for, the Azure CLI session they already have: the auto of the
 * action would ask for a sign-in input instead. In a CI job (CI, Azure Pipelines' TF_BUILD or GITLAB_CI set) auto
 * picks as the command's configuration does.
 */
function withTerminalDefault(getInput: (name: string) => string, env: Env): (name: string) => string {
  // Every sign-in input but tenant-id, which the Azure CLI session also takes.
  const signInInputs = ['auth-type', ...Object.values(SIGN_IN_INPUT_NAMES).filter(name => name !== 'tenant-id')]
  const terminal = ['CI', 'TF_BUILD', 'GITLAB_CI', 'AZURE_FEDERATED_TOKEN_FILE'].every(name => (env[name] ?? '') === '')
  if (!terminal || signInInputs.some(name => getInput(name) !== '')) return getInput
  return name => (name === 'auth-type' ? 'azure-cli' : getInput(name))
}

/**
 * Where a token may go. To a terminal only with --show-token; on GitLab, whose log masks nothing it did not define,
 * never to the log: JSON only into a file, no --show-token.
 */
function refuseLeakyOutput(args: CliArgs, env: Env): void {
  if (args.subcommand !== 'token') return
  const stdout = stdoutKind()
  if ((env.GITLAB_CI ?? '') !== '') {
    if (args.showToken || (args.output === 'json' && stdout !== 'file') || args.output === 'azure-pipelines') {
      throw new UsageError(
        'on GitLab CI the job log masks nothing this command prints, so no token is printed: use --env-file PATH, ' +
          '--output json > FILE, or exec -- COMMAND'
      )
    }
  }
  if (args.output === 'json' && stdout === 'terminal' && !args.showToken) {
    throw new UsageError('--output json would print the token on this terminal: pipe it (| jq) or add --show-token')
  }
}

function stdoutKind(): 'terminal' | 'file' | 'other' {
  if (process.stdout.isTTY) return 'terminal'
  try {
    return fstatSync(1).isFile() ? 'file' : 'other'
  } catch {
    return 'other'
  }
}

/**
 * Azure Pipelines masks a value once told with task.setsecret; elsewhere nothing prints a secret to be masked. On
 * stderr, which the agent reads as it reads stdout: stdout may be a pipe or a file the JSON alone goes to.
 */
function secretRegistrar(io: CliIo): (secret: string) => void {
  if ((io.env.TF_BUILD ?? '') === '') return () => undefined
  return secret => {
    if (secret.trim() !== '' && !/[\r\n]/.test(secret)) io.stderr.write(`##vso[task.setsecret]${secret}\n`)
  }
}

/** One message naming the cause and the fix, on stderr; the exit code says which kind. */
function failure(error: unknown, secrets: readonly string[], say: (line: string) => void): number {
  if (error instanceof UsageError) {
    say(`error: ${error.message}\nRun with --help for the usage.`)
    return EXIT.usage
  }
  if (error instanceof InputError) {
    say(`error: ${flagOf(error.input)} (or ${variableOf(error.input)}): ${error.detail}`)
    return EXIT.usage
  }
  if (error instanceof ActionError) {
    say(`error: ${error.title}\n${error.message}`)
    return EXIT.failed
  }
  const message = error instanceof Error ? error.message : String(error)
  say(`error: ${sanitizeServerText(message, secrets)}`)
  return EXIT.failed
}
