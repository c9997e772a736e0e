import { exitWhenWritten } from './exit.js'
import { run } from './main.js'

await run()
// The step's work is done and written: end now rather than wait for idle sockets, timers or a request abandoned at
// its time limit (a hung endpoint), which could otherwise hold the job.
await exitWhenWritten()
