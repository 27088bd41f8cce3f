/**
 * SigV4 verification: turns a raw request into a verified credential or an AwsError, in the order
 * AWS's JSON services check (form, missing parts, date and skew, Host signed, algorithm,
 * credential shape, scope, access key, signature, security token). Identity comes only from here
 * (DESIGN invariant 3). Anything unexpected is a 500 InternalFailure that leaks nothing; the
 * original error stays on `cause` for the server log. A body verification cannot see (streamed
 * S3 uploads, aws-chunked payloads) leaves with a PayloadMode saying how to check it.
 */
import { AwsError } from '../errors.js';
import type { Credential } from '../principal.js';
import { chunkSigning } from './chunk-signing.js';
import { ALGORITHM, canonicalHeaders, canonicalQuery, canonicalRequest, canonicalUri, sha256Hex, stringToSign } from './canonical.js';
import { authForm, checkTime, readHeaderClaim, readQueryClaim, type Claim } from './claim.js';
import { SigV4Errors } from './messages.js';
import { header, parseCredential, queryParamAnyCase, splitTarget, type Target } from './parse.js';
import { constantTimeEqual, signatureHex, signingKey } from './signing-key.js';
import type { ChunkSigning, PayloadMode, RawRequest, SigV4Scope, Verified, VerifyOptions } from './types.js';

const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const SIGNED_CHUNKS = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
const SIGNED_CHUNKS_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
const UNSIGNED_CHUNKS_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
const SIGV4A_CHUNKS = 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD';

/**
 * Verifies the signature over the raw body bytes, or for `req.bodyStream` over the declared
 * payload hash; throws AwsError with AWS's code and message on any failure.
 */
export async function verifySigV4(req: RawRequest, opts: VerifyOptions): Promise<Verified> {
  try {
    return verify(req, opts);
  } catch (e) {
    if (e instanceof AwsError) throw e;
    const failure = SigV4Errors.internal();
    failure.cause = e;
    throw failure;
  }
}

function verify(req: RawRequest, opts: VerifyOptions): Verified {
  const s3 = opts.s3PathRules === true;
  const now = opts.clock.now();
  const target = splitTarget(req.url);
  const form = authForm(req, target);
  const unchecked = form === 'header' ? readHeaderClaim(req) : readQueryClaim(target, s3);
  const claim = checkTime(unchecked, now, s3);
  if (!claim.signedHeaders.includes('host')) throw SigV4Errors.hostNotSigned();
  if (claim.algorithm !== ALGORITHM) throw SigV4Errors.unsupportedAlgorithm(claim.algorithm);
  const scope = checkScope(claim, opts);
  if (s3) checkAllAmzHeadersSigned(req, claim);

  const credential = opts.credentials.lookup(scope.accessKeyId);
  if (!credential) throw SigV4Errors.unknownAccessKey();

  const payload = payloadClaim(req, target, claim, s3);
  const canonical = canonicalRequest({
    method: req.method,
    uri: canonicalUri(target.rawPath, s3),
    query: canonicalQuery(target.params, claim.presigned),
    headers: canonicalHeaders(req.headers, claim.signedHeaders),
    signedHeaders: claim.signedHeaders.join(';'),
    payloadHash: payload.hash,
  });
  const scopeString = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const key = signingKey(credential.secretAccessKey, scope.date, scope.region, scope.service);
  const expected = signatureHex(key, stringToSign(claim.longDate, scopeString, canonical));
  if (!constantTimeEqual(expected, claim.signature)) throw SigV4Errors.signatureMismatch();

  // The signature covered the declared hash; now hold the body to it, or say how to.
  const mode = payloadMode(req, payload, () =>
    chunkSigning({ seedSignature: expected, signingKey: key, scope: scopeString, longDate: claim.longDate }),
  );
  checkSecurityToken(req, target, claim, credential);
  if (credential.expiresAt !== undefined && now > credential.expiresAt) {
    throw SigV4Errors.expiredSecurityToken();
  }
  return { credential, scope, presigned: claim.presigned, payload: mode };
}

/** Shape first (IncompleteSignature), then every scope complaint at once (InvalidSignature). */
function checkScope(claim: Claim, opts: VerifyOptions): SigV4Scope {
  const parts = parseCredential(claim.credential);
  if (!parts) throw SigV4Errors.credentialShape(claim.credential);
  let complaints = '';
  if (!opts.regions.includes(parts.region)) {
    complaints += `Credential should be scoped to a valid region, not '${parts.region}'. `;
  }
  if (parts.service !== opts.service) {
    complaints += `Credential should be scoped to correct service: '${opts.service}'. `;
  }
  if (parts.terminator !== 'aws4_request') {
    complaints += `Credential should be scoped with a valid terminator: 'aws4_request', not '${parts.terminator}'. `;
  }
  const day = claim.longDate.slice(0, 8);
  if (parts.date !== day) {
    complaints +=
      'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ' +
      `'${parts.date}' != '${day}', from '${claim.longDate}'.`;
  }
  if (complaints) throw SigV4Errors.badScope(complaints);
  const { accessKeyId, date, region, service } = parts;
  return { accessKeyId, date, region, service };
}

/** S3 refuses x-amz-* headers the signature does not cover (their values change what S3 does). */
function checkAllAmzHeadersSigned(req: RawRequest, claim: Claim): void {
  for (const name of Object.keys(req.headers)) {
    if (name.startsWith('x-amz-') && req.headers[name] !== undefined && !claim.signedHeaders.includes(name)) {
      throw SigV4Errors.unsignedHeaders();
    }
  }
}

type PayloadKind = 'computed' | 'declared' | 'unsigned' | 'signed-chunks' | 'signed-chunks-trailer' | 'unsigned-chunks';

interface PayloadClaim {
  /** What enters the canonical request. */
  hash: string;
  kind: PayloadKind;
}

/**
 * The payload hash that enters the canonical request. S3 signs what x-amz-content-sha256 declares
 * (header, or query for presigned URLs) and checks the body against it afterwards, or takes
 * UNSIGNED-PAYLOAD, which is also what a presigned URL without the parameter means, or one of the
 * STREAMING-* values of aws-chunked bodies. Every other service hashes the body it received:
 * there the header is only one more signed header, so a body that differs from what was signed
 * fails as a signature mismatch, as AWS answers it.
 */
function payloadClaim(req: RawRequest, target: Target, claim: Claim, s3: boolean): PayloadClaim {
  const fromQuery = claim.presigned ? queryParamAnyCase(target, 'X-Amz-Content-Sha256') : undefined;
  const value = fromQuery ?? header(req.headers, 'x-amz-content-sha256');
  if (!s3) {
    if (value?.startsWith('STREAMING-')) throw SigV4Errors.streamingNotSupported(value);
    if (req.bodyStream) throw new Error('a streamed body can only be verified with S3 path rules');
    return { hash: sha256Hex(req.body), kind: 'computed' };
  }
  if (value === undefined) {
    if (claim.presigned) return { hash: UNSIGNED_PAYLOAD, kind: 'unsigned' };
    if (req.bodyStream) throw SigV4Errors.missingContentSha256();
    return { hash: sha256Hex(req.body), kind: 'computed' };
  }
  switch (value) {
    case UNSIGNED_PAYLOAD:
      return { hash: value, kind: 'unsigned' };
    case SIGNED_CHUNKS:
      return { hash: value, kind: 'signed-chunks' };
    case SIGNED_CHUNKS_TRAILER:
      return { hash: value, kind: 'signed-chunks-trailer' };
    case UNSIGNED_CHUNKS_TRAILER:
      return { hash: value, kind: 'unsigned-chunks' };
  }
  if (value.startsWith(SIGV4A_CHUNKS)) throw SigV4Errors.sigv4aPayloadNotSupported(value);
  if (!/^[0-9a-fA-F]{64}$/.test(value)) throw SigV4Errors.payloadHashMismatch();
  return { hash: value, kind: 'declared' };
}

const VERIFIED: PayloadMode = Object.freeze({ kind: 'verified' });
const UNSIGNED: PayloadMode = Object.freeze({ kind: 'unsigned' });

/**
 * After the signature verified: a buffered body with a declared hash is checked now; everything
 * else becomes the mode the body's reader must apply (see streaming.ts). A buffered aws-chunked
 * body keeps its chunked mode: its bytes are still framing.
 */
function payloadMode(req: RawRequest, payload: PayloadClaim, signing: () => ChunkSigning): PayloadMode {
  switch (payload.kind) {
    case 'computed':
      return VERIFIED;
    case 'unsigned':
      return UNSIGNED;
    case 'declared': {
      const expectedHex = payload.hash.toLowerCase();
      if (req.bodyStream) return { kind: 'sha256', expectedHex };
      if (sha256Hex(req.body) !== expectedHex) throw SigV4Errors.payloadHashMismatch();
      return VERIFIED;
    }
    case 'signed-chunks':
    case 'signed-chunks-trailer':
      return { kind: 'signed-chunks', trailer: payload.kind === 'signed-chunks-trailer', signing: signing() };
    case 'unsigned-chunks':
      return { kind: 'unsigned-chunks' };
  }
}

/**
 * Temporary credentials must present their session token; long-term ones must not present one.
 * Checked after the signature, as AWS does, so an unsigned request learns nothing about a key.
 */
function checkSecurityToken(req: RawRequest, target: Target, claim: Claim, credential: Credential): void {
  const fromQuery = claim.presigned ? queryParamAnyCase(target, 'X-Amz-Security-Token') : undefined;
  const token = fromQuery ?? header(req.headers, 'x-amz-security-token');
  if (credential.sessionToken !== undefined) {
    if (token === undefined || !constantTimeEqual(credential.sessionToken, token)) {
      throw SigV4Errors.invalidSecurityToken();
    }
  } else if (token !== undefined && token !== '') {
    throw SigV4Errors.invalidSecurityToken();
  }
}
