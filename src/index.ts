// One bundle, three roles, told apart by src/serve/role.ts: the step itself, its post step (action.yml's runs.post
// runs this same file), and the job's token server (started by the step with one argument). One file keeps the three
// on the same code and version, which a token server and the post step that stops it must be.
import { exitWhenWritten } from './exit.js'
import { installLastResort } from './last-resort.js'
import { run } from './main.js'
import { roleOf } from './serve/role.js'
import { runPost } from './serve/post.js'
import { runTokenServer } from './serve/run-server.js'

const role = roleOf(process.argv, process.env)
if (role === 'server') await runTokenServer()
else if (role === 'post') {
  // The post step never fails the job: whatever escapes it is a warning too. It reads no secret.
  installLastResort(() => [], 'warn')
  await runPost()
} else await run()
// The role's work is done and written: end now rather than wait for idle sockets, timers or a request abandoned at
// its time limit (a hung endpoint), which could otherwise hold the job.
await exitWhenWritten()
