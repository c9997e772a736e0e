// The identities the unit tests sign in as on paper: shaped as Microsoft Entra ID writes them, owned by nobody.

/** A directory (tenant) ID. */
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47'
/** An application (client) ID. */
export const CLIENT = '11111111-2222-3333-4444-555555555555'
/** The public cloud's sign-in host. */
export const MICROSOFT = 'https://login.microsoftonline.com'
