/**
 * SigV4 request authentication: `readScope` (cheap, for routing) and `verifySigV4` (the only way
 * a request gets an identity), and `decodePayload` for S3 bodies the verification could not see.
 * See verify.ts for the order of checks, canonical.ts for why the canonical request is built here
 * and streaming.ts for how a streamed or aws-chunked body is held to what was signed.
 */
export type { ChunkSigning, PayloadMode, RawRequest, SigV4Scope, VerifyOptions, Verified } from './types.js';
export { readScope } from './parse.js';
export { verifySigV4 } from './verify.js';
export { SigV4Error, type SigV4FailureReason } from './messages.js';
export { decodePayload, PayloadStream, type DecodeOptions, type PayloadResult } from './streaming.js';
export { PayloadError, PayloadErrors } from './payload-errors.js';
export { payloadOptionsFromHeaders, type PayloadOptions } from './payload-options.js';
