// The command line of the command: a subcommand, the action's inputs as flags (`--fhir-url`) or as environment
// variables (`AHDS_FHIR_URL`), the command's own options, and for exec the command to run. No network, no logging:
// a bad command line throws a UsageError, a bad input value is left to the one validation (readConfig).

import { parseArgs } from 'node:util'
import {
  type AnyInputName,
  COMMAND_INPUT_NAMES,
  type GetInput,
  INPUT_NAMES,
  type InputName,
  SECRET_INPUT_NAMES
} from '../inputs.js'

export const SUBCOMMANDS = ['token', 'check', 'exec'] as const
export type Subcommand = (typeof SUBCOMMANDS)[number]

/** Where `token` writes the token: a pipe or file as JSON, or Azure Pipelines' secret variables. */
export const OUTPUTS = ['json', 'azure-pipelines'] as const
export type OutputForm = (typeof OUTPUTS)[number]

/** The action's inputs that mean nothing outside a GitHub job: its token server and its GITHUB_ENV variables. */
const ACTION_ONLY: readonly InputName[] = ['serve-tokens', 'serve-resources', 'export-variable']
/** The action's inputs that mean something here, then the command's own (where another CI's token comes from). */
export const CLI_INPUTS: readonly AnyInputName[] = [
  ...INPUT_NAMES.filter(name => !ACTION_ONLY.includes(name)),
  ...COMMAND_INPUT_NAMES
]

export interface CliArgs {
  readonly subcommand: Subcommand
  /** Input values given as flags, by input name. */
  readonly flags: Readonly<Partial<Record<AnyInputName, string>>>
  readonly output?: OutputForm
  readonly envFile?: string
  readonly showToken: boolean
  /** exec: the command and its arguments, after `--`. */
  readonly command: readonly string[]
}

/** A command line the command cannot run: shown with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** The flag of an input: `--fhir-url`. */
export const flagOf = (input: string): string => `--${input}`
/** The environment variable of an input: `AHDS_FHIR_URL`. */
export const variableOf = (input: string): string => `AHDS_${input.toUpperCase().replace(/-/g, '_')}`

/** Reads the command line (without node and the script). `help` when none was asked for or --help was given. */
export function parseCommandLine(argv: readonly string[]): CliArgs | 'help' {
  const dashes = argv.indexOf('--')
  const own = dashes === -1 ? argv : argv.slice(0, dashes)
  const command = dashes === -1 ? [] : argv.slice(dashes + 1)
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(own)
  } catch (error) {
    // parseArgs's own words name the unknown option; nothing of a value is in them.
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  const { values, positionals } = parsed
  if (values.help === true || positionals.length === 0) return 'help'
  const [name, ...extra] = positionals
  const subcommand = SUBCOMMANDS.find(each => each === name)
  if (subcommand === undefined)
    throw new UsageError(`unknown command ${JSON.stringify(name)}: use token, check or exec`)
  if (extra.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])} (exec takes its command after --)`)
  if (subcommand === 'exec' && command.length === 0)
    throw new UsageError('exec needs a command after --: exec -- curl …')
  if (subcommand !== 'exec' && dashes !== -1) throw new UsageError(`${subcommand} takes no command after --`)

  const output = values.output
  if (output !== undefined && !OUTPUTS.some(form => form === output)) {
    throw new UsageError(`--output ${JSON.stringify(output)} is not an output form: use json or azure-pipelines`)
  }
  if (subcommand !== 'token' && (output !== undefined || values['env-file'] !== undefined || values['show-token'])) {
    throw new UsageError('--output, --env-file and --show-token belong to the token command')
  }
  const flags: Partial<Record<AnyInputName, string>> = {}
  for (const input of CLI_INPUTS) {
    const value = (values as Readonly<Record<string, string | boolean | undefined>>)[input]
    if (typeof value === 'string') flags[input] = value
  }
  return {
    subcommand,
    flags,
    ...(output === undefined ? {} : { output: output as OutputForm }),
    ...(values['env-file'] === undefined ? {} : { envFile: values['env-file'] }),
    showToken: values['show-token'] === true,
    command
  }
}

function parse(argv: readonly string[]) {
  const inputOptions = Object.fromEntries(CLI_INPUTS.map(input => [input, { type: 'string' as const }]))
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      ...inputOptions,
      output: { type: 'string' },
      'env-file': { type: 'string' },
      'show-token': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  })
}

/**
 * The inputs as the configuration reads them: a flag, else its environment variable, else unset. The action's own
 * inputs that mean nothing here read as unset.
 */
export function cliGetInput(flags: CliArgs['flags'], env: Readonly<Record<string, string | undefined>>): GetInput {
  return name => {
    if (!CLI_INPUTS.some(input => input === name)) return ''
    return (flags[name as AnyInputName] ?? env[variableOf(name)] ?? '').trim()
  }
}

/** A warning for each secret given as a flag, which any user of the machine can read in the process list. */
export function secretFlagWarnings(flags: CliArgs['flags']): string[] {
  return SECRET_INPUT_NAMES.filter(input => flags[input] !== undefined).map(
    input =>
      `${flagOf(input)} puts a secret on the command line, where other users of this machine can read it: ` +
      `set ${variableOf(input)} instead.`
  )
}
