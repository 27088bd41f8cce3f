/**
 * STS as an awsQuery service (global: recorded in us-east-1 whatever region the client signed
 * for): the typed table of the operations OpenTrail implements. Every other operation of the
 * official model is answered as not implemented, and still recorded.
 */
import { createQueryService, type QueryOperation } from '../../aws/query-service.js';
import type { AwsService } from '../../aws/service.js';
import { metadata, operations, shapes, type OperationMap, type OperationName } from './generated/model.js';
import { assumeRoleOperation } from './assume-role.js';
import { getCallerIdentityOperation } from './get-caller-identity.js';
import { getSessionTokenOperation } from './get-session-token.js';
import { StsErrors } from './errors.js';

type Table = { [K in OperationName]?: QueryOperation<OperationMap[K]['input'], OperationMap[K]['output']> };

const implemented: Table = {
  AssumeRole: assumeRoleOperation,
  GetCallerIdentity: getCallerIdentityOperation,
  GetSessionToken: getSessionTokenOperation,
};

export function createStsService(): AwsService {
  return createQueryService({
    model: { metadata, shapes, operations },
    signingName: 'sts',
    eventSource: 'sts.amazonaws.com',
    globalRegion: 'us-east-1',
    // Handler inputs are checked against the model before the call, hence the widening.
    table: implemented as Record<string, QueryOperation<never, unknown> | undefined>,
    notImplemented: StsErrors.notImplemented,
  });
}
