// exec: runs the user's command with the tokens in its environment, never on a command line (where `ps` shows it to
// every user) or in a log. The command inherits the terminal or the job's output; its exit code becomes the command's.

import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import { SECRET_INPUT_NAMES } from '../inputs.js'
import { variableOf } from './args.js'

/** What stays with this process: the command gets the tokens, not what signed in for them (the secret inputs, and
 *  Azure DevOps' job access token). */
const KEPT_BACK = [...SECRET_INPUT_NAMES.map(variableOf), 'SYSTEM_ACCESSTOKEN']

/**
 * The command's environment: this one without the sign-in's secrets (and `tokenVariable`, the variable another CI's
 * federated token was read from), and the token variables.
 */
export function execEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  variables: Readonly<Record<string, string>>,
  tokenVariable?: string
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !KEPT_BACK.includes(name) && name !== tokenVariable) out[name] = value
  }
  return { ...out, ...variables }
}

/**
 * Runs the command and resolves with the exit code to end with: its own, or 128 + the signal's number when a signal
 * ended it (as a shell reports it). SIGINT and SIGTERM sent to this process are passed on while it runs. Rejects when
 * it could not start (not found, not executable).
 */
export function runCommand(command: readonly string[], env: Record<string, string>): Promise<number> {
  const [file, ...args] = command
  if (file === undefined) return Promise.reject(new Error('no command to run'))
  return new Promise((resolve, reject) => {
    // No shell: the arguments reach the command as given, and no shell parses them.
    const child = spawn(file, args, { env, stdio: 'inherit' })
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal)
    }
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']
    for (const signal of signals) process.on(signal, forward)
    const stopForwarding = (): void => {
      for (const signal of signals) process.off(signal, forward)
    }
    child.on('error', error => {
      stopForwarding()
      reject(error)
    })
    child.on('close', (code, signal) => {
      stopForwarding()
      resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal]))
    })
  })
}
