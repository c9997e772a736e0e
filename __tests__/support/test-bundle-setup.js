// Jest's global setup of the end-to-end project: the bundle they run (./test-bundle.ts). Plain JavaScript, so that Jest
// leaves it to Node, which runs the TypeScript it imports as it runs the scripts.
export { buildTestBundle as default } from './test-bundle.ts'
