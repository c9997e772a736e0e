// The identity library, loaded on first use (methods import it dynamically): bad input fails before it loads. One
// module, so the bundle keeps it in one chunk that every method shares.
export * from '@azure/identity'
