// Which of its three roles this run of the bundle plays. The runner runs dist/index.js as the step (main) and again as
// the post step (action.yml's runs.post names the same file, and no variable tells the two apart but the state the
// step saved); the step starts it a third time, with one argument and no secret, as the token server.

import * as core from '@actions/core'

export type Role = 'main' | 'post' | 'server'

/** The one argument the token server is started with. */
export const SERVER_ARGUMENT = 'token-server'
/** Saved by every main run, so the next run of this file for the same step knows it is the post step. */
const POST_MARKER = 'isPost'

export function roleOf(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Role {
  if (argv[2] === SERVER_ARGUMENT) return 'server'
  return env[`STATE_${POST_MARKER}`] === 'true' ? 'post' : 'main'
}

/** First thing the step does: marks that the post step comes next. A stand-in runner without step state (a local
 *  run) has no post step either, so a failure to save is no reason to stop the step. */
export function markMainStep(): void {
  try {
    core.saveState(POST_MARKER, 'true')
  } catch {
    core.debug('No step state to save: this run has no post step.')
  }
}
