/**
 * SigV4 request authentication: `readScope` (cheap, for routing) and `verifySigV4` (the only way
 * a request gets an identity). See verify.ts for the order of checks and canonical.ts for why the
 * canonical request is built here.
 */
export type { RawRequest, SigV4Scope, VerifyOptions, Verified } from './types.js';
export { readScope } from './parse.js';
export { verifySigV4 } from './verify.js';
export { SigV4Error, type SigV4FailureReason } from './messages.js';
