import { describe, expect, it } from '@jest/globals'
import { UsageError, cliGetInput, parseCommandLine, secretFlagWarnings, variableOf } from '../../src/cli/args.js'

describe('parseCommandLine', () => {
  it('reads a subcommand, the inputs as flags, and the token options', () => {
    const args = parseCommandLine(['token', '--fhir-url', 'https://x', '--output', 'json', '--env-file=/tmp/e'])
    expect(args).toEqual({
      subcommand: 'token',
      flags: { 'fhir-url': 'https://x' },
      output: 'json',
      envFile: '/tmp/e',
      showToken: false,
      command: []
    })
  })

  it('keeps everything after -- as the command of exec, flags included', () => {
    const args = parseCommandLine(['exec', '--dicom-url', 'https://d', '--', 'curl', '--fhir-url', '-H', 'x'])
    expect(args).not.toBe('help')
    if (args === 'help') return
    expect(args.command).toEqual(['curl', '--fhir-url', '-H', 'x'])
    expect(args.flags).toEqual({ 'dicom-url': 'https://d' })
  })

  it('asks for help with no command or --help', () => {
    expect(parseCommandLine([])).toBe('help')
    expect(parseCommandLine(['token', '--help'])).toBe('help')
  })

  it.each([
    [['nothing'], /unknown command "nothing"/],
    [['token', '--fhir-uri', 'x'], /fhir-uri/],
    [['token', '--serve-tokens', 'true'], /serve-tokens/],
    [['token', '--output', 'yaml'], /--output "yaml" is not an output form/],
    [['check', '--show-token'], /belong to the token command/],
    [['exec'], /exec needs a command after --/],
    [['token', '--', 'ls'], /token takes no command after --/],
    [['token', 'extra'], /unexpected argument "extra"/]
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(UsageError)
    expect(() => parseCommandLine(argv)).toThrow(message)
  })
})

describe('cliGetInput', () => {
  it('takes a flag over its AHDS_ variable, trims, and reads the action-only inputs as unset', () => {
    const getInput = cliGetInput(
      { 'fhir-url': ' https://flag ' },
      { AHDS_FHIR_URL: 'https://variable', AHDS_CLIENT_ID: ' id ', AHDS_SERVE_TOKENS: 'true' }
    )
    expect(getInput('fhir-url')).toBe('https://flag')
    expect(getInput('client-id')).toBe('id')
    expect(getInput('serve-tokens')).toBe('')
    expect(getInput('tenant-id')).toBe('')
  })

  it('names each variable after its input', () => {
    expect(variableOf('health-check-paths')).toBe('AHDS_HEALTH_CHECK_PATHS')
  })
})

describe('secretFlagWarnings', () => {
  it('warns for a secret given on the command line, naming its variable, never its value', () => {
    const warnings = secretFlagWarnings({ 'client-secret': 's3cret-value', 'fhir-url': 'https://x' })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/--client-secret puts a secret on the command line.*AHDS_CLIENT_SECRET/)
    expect(warnings[0]).not.toContain('s3cret-value')
  })
})
