// The command line's entry (dist/cli.js, the package's bin): the command's story is in cli/main.ts.
import { runCli } from './cli/main.js'
import { exitWhenWritten } from './exit.js'
import { sanitizeServerText } from './lib/text.js'

// Whatever escapes the story (a callback's exception) still ends with one line and exit code 1, never a stack trace.
const last = (error: unknown): void => {
  process.stderr.write(
    `error: unexpected: ${sanitizeServerText(error instanceof Error ? error.message : String(error), [])}\n`
  )
  process.exit(1)
}
process.on('uncaughtException', last)
process.on('unhandledRejection', last)

process.exitCode = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr
})
await exitWhenWritten()
