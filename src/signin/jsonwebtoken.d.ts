// The real jsonwebtoken, as the on-demand stand-in imports it (the package ships no types of its own).
declare module 'jsonwebtoken/index.js' {
  const jsonwebtoken: unknown
  export default jsonwebtoken
}
