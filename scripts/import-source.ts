// Lets a script run a module of src/ directly with Node 24. src/ imports its siblings as `./x.js`, the suffix the
// bundler and Node's ESM resolver expect of built files; run from source, those files are `./x.ts`.
import { registerHooks } from 'node:module'

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (!specifier.startsWith('.') || !specifier.endsWith('.js')) throw error
      return nextResolve(`${specifier.slice(0, -'.js'.length)}.ts`, context)
    }
  }
})
