/**
 * ListPublicKeys (reference §2.14): the digest signing keys of the caller's region whose validity
 * overlaps [StartTime, EndTime] (both default to now), oldest first, in one page. A key valid now
 * is made first if there is none, so the current key is always listed. `Value` is the DER PKCS#1
 * public key, base64 once on the wire, as the AWS CLI's validate-logs loads it.
 */
import { AwsError } from '../../aws/errors.js';
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import type { ListPublicKeysRequest, ListPublicKeysResponse } from './generated/model.js';

async function listPublicKeys(input: ListPublicKeysRequest, ctx: OperationContext): Promise<ListPublicKeysResponse> {
  if (input.NextToken !== undefined) {
    throw new AwsError('InvalidTokenException', 'The NextToken is invalid: ListPublicKeys returns every key in one page and never issues one.');
  }
  const now = ctx.services.clock.now();
  const start = input.StartTime?.getTime() ?? now;
  const end = input.EndTime?.getTime() ?? now;
  if (start > end) {
    throw new AwsError('InvalidTimeRangeException', 'StartTime must be earlier than or equal to EndTime.');
  }
  const keys = ctx.services.signingKeys;
  await keys.keyFor(ctx.region, now);
  return {
    PublicKeyList: keys.publicKeys(ctx.region, start, end).map((k) => ({
      Value: k.publicDer,
      ValidityStartTime: new Date(k.validFromMs),
      ValidityEndTime: new Date(k.validToMs),
      Fingerprint: k.fingerprint,
    })),
  };
}

export const listPublicKeysOperation: JsonOperation<ListPublicKeysRequest, ListPublicKeysResponse> = {
  handler: listPublicKeys,
  readOnly: true,
};
