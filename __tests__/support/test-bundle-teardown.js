// Jest's global teardown of the end-to-end project: removes the bundle its setup built (./test-bundle.ts). Plain
// JavaScript, like the setup.
export { removeTestBundle as default } from './test-bundle.ts'
