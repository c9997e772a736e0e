import { run } from './main.js'

await run()
// A request abandoned at its time limit (a hung endpoint) can keep a socket open. The step's work is done: if anything
// still holds the process after a short grace for output to drain, end it rather than hold the job.
setTimeout(() => process.exit(), 1000).unref()
