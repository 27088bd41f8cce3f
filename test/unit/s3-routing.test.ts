/**
 * The S3 layer's pure parts: addressing (path and virtual-host style, decoding), operation
 * naming from method + sub-resources, Range resolution, the record's parameters/resources, and
 * the mapping of SigV4 and store errors into S3's dialect.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { RawRequest } from '../../src/aws/sigv4/index.js';
import { SigV4Errors } from '../../src/aws/sigv4/messages.js';
import { ObjectStoreError } from '../../src/objects/object-store.js';
import { operationName, resolveTarget, virtualHostBucket } from '../../src/services/s3/router.js';
import { contentRange, resolveRange } from '../../src/services/s3/range.js';
import { additionalEventData, recordResources, requestParameters } from '../../src/services/s3/record.js';
import { fromStoreError, S3Error, toS3Error } from '../../src/services/s3/errors.js';

function raw(method: string, url: string, host = '127.0.0.1:4599', extra: Record<string, string> = {}): RawRequest {
  return { method, url, headers: { host, ...extra }, body: new Uint8Array() };
}

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof S3Error) return `${e.code} ${e.status}`;
    throw e;
  }
  return 'no error';
}

describe('addressing', () => {
  test('path style: bucket, then the percent-decoded key (slashes and plus signs kept)', () => {
    const t = resolveTarget(raw('GET', '/my-bucket/dir/a%20b%2Bc+d/%E2%82%AC.txt?x-id=GetObject'));
    assert.equal(t.bucket, 'my-bucket');
    assert.equal(t.key, 'dir/a b+c+d/€.txt');
    assert.equal(t.query.get('x-id'), 'GetObject');
    assert.equal(t.path, '/my-bucket/dir/a%20b%2Bc+d/%E2%82%AC.txt');
  });

  test('path style: service, bucket, bucket with trailing slash, key with leading slash', () => {
    assert.equal(resolveTarget(raw('GET', '/')).bucket, undefined);
    const b = resolveTarget(raw('GET', '/b?list-type=2&prefix=a%2Fb'));
    assert.deepEqual([b.bucket, b.key, b.query.get('prefix'), b.query.get('list-type')], ['b', undefined, 'a/b', '2']);
    assert.equal(resolveTarget(raw('GET', '/b/')).key, undefined);
    assert.equal(resolveTarget(raw('GET', '/b//k')).key, '/k');
  });

  test('virtual-host style from the Host header', () => {
    assert.equal(virtualHostBucket('mybucket.s3.localhost:4599'), 'mybucket');
    assert.equal(virtualHostBucket('mybucket.localhost:4599'), 'mybucket');
    assert.equal(virtualHostBucket('my.dotted.bucket.s3.us-west-2.amazonaws.com'), 'my.dotted.bucket');
    assert.equal(virtualHostBucket('logs.s3-eu-west-1.amazonaws.com'), 'logs');
    assert.equal(virtualHostBucket('MyBucket.s3.amazonaws.com'), 'mybucket');
    for (const host of ['localhost:4599', 's3.localhost', '127.0.0.1:4599', '[::1]:4599', 's3.us-east-1.amazonaws.com', 'opentrail.example.com']) {
      assert.equal(virtualHostBucket(host), undefined, host);
    }
    const t = resolveTarget(raw('PUT', '/a/b%3Fc', 'mybucket.s3.localhost:4599'));
    assert.deepEqual([t.bucket, t.key, t.host], ['mybucket', 'a/b?c', 'mybucket.s3.localhost:4599']);
    assert.equal(resolveTarget(raw('GET', '/?location', 'mybucket.localhost')).key, undefined);
  });

  test('a broken percent-encoding is InvalidURI', () => {
    assert.equal(errorCode(() => resolveTarget(raw('GET', '/b/%E2%82'))), 'InvalidURI 400');
  });
});

describe('operation names', () => {
  const cases: [string, string, string, Record<string, string>?][] = [
    ['GET', '/', 'ListBuckets'],
    ['PUT', '/b', 'CreateBucket'],
    ['DELETE', '/b', 'DeleteBucket'],
    ['HEAD', '/b', 'HeadBucket'],
    ['GET', '/b?location', 'GetBucketLocation'],
    ['GET', '/b', 'ListObjects'],
    ['GET', '/b?list-type=2', 'ListObjectsV2'],
    ['GET', '/b?policy', 'GetBucketPolicy'],
    ['PUT', '/b?policy', 'PutBucketPolicy'],
    ['DELETE', '/b?policy', 'DeleteBucketPolicy'],
    ['POST', '/b?delete', 'DeleteObjects'],
    ['GET', '/b?uploads', 'ListMultipartUploads'],
    ['GET', '/b?versioning', 'GetBucketVersioning'],
    ['PUT', '/b?cors', 'PutBucketCors'],
    ['DELETE', '/b?tagging', 'DeleteBucketTagging'],
    ['PUT', '/b/k', 'PutObject'],
    ['PUT', '/b/k', 'CopyObject', { 'x-amz-copy-source': '/b/j' }],
    ['GET', '/b/k', 'GetObject'],
    ['HEAD', '/b/k', 'HeadObject'],
    ['DELETE', '/b/k', 'DeleteObject'],
    ['POST', '/b/k?uploads', 'CreateMultipartUpload'],
    ['PUT', '/b/k?partNumber=1&uploadId=u', 'UploadPart'],
    ['PUT', '/b/k?partNumber=1&uploadId=u', 'UploadPartCopy', { 'x-amz-copy-source': '/b/j' }],
    ['POST', '/b/k?uploadId=u', 'CompleteMultipartUpload'],
    ['DELETE', '/b/k?uploadId=u', 'AbortMultipartUpload'],
    ['GET', '/b/k?uploadId=u', 'ListParts'],
    ['GET', '/b/k?tagging', 'GetObjectTagging'],
    ['PUT', '/b/k?acl', 'PutObjectAcl'],
    ['POST', '/b/k?restore', 'RestoreObject'],
  ];
  for (const [method, url, name, headers] of cases) {
    test(`${method} ${url} is ${name}`, () => {
      const r = raw(method, url, undefined, headers);
      assert.equal(operationName(r, resolveTarget(r)), name);
    });
  }

  test('a method no operation takes is MethodNotAllowed', () => {
    for (const [method, url] of [['PUT', '/'], ['POST', '/b/k'], ['PATCH', '/b']] as const) {
      const r = raw(method, url);
      assert.equal(errorCode(() => operationName(r, resolveTarget(r))), 'MethodNotAllowed 405');
    }
  });
});

describe('Range', () => {
  test('closed, open and suffix ranges resolve against the size', () => {
    assert.deepEqual(resolveRange('bytes=0-9', 100), { start: 0, end: 9 });
    assert.deepEqual(resolveRange('bytes=90-200', 100), { start: 90, end: 99 });
    assert.deepEqual(resolveRange('bytes=95-', 100), { start: 95, end: 99 });
    assert.deepEqual(resolveRange('bytes=-10', 100), { start: 90, end: 99 });
    assert.deepEqual(resolveRange('bytes=-500', 100), { start: 0, end: 99 });
    assert.equal(contentRange({ start: 90, end: 99 }, 100), 'bytes 90-99/100');
  });

  test('what S3 ignores serves the whole object', () => {
    for (const h of [undefined, 'bytes=5-2', 'items=0-1', 'bytes=0-1,3-4', 'bytes=-', 'garbage']) {
      assert.equal(resolveRange(h, 100), undefined, String(h));
    }
  });

  test('unsatisfiable ranges are InvalidRange 416 with the requested range and size', () => {
    assert.equal(errorCode(() => resolveRange('bytes=100-', 100)), 'InvalidRange 416');
    assert.equal(errorCode(() => resolveRange('bytes=-0', 100)), 'InvalidRange 416');
    assert.equal(errorCode(() => resolveRange('bytes=0-0', 0)), 'InvalidRange 416');
    assert.throws(
      () => resolveRange('bytes=200-300', 100),
      (e: S3Error) => assert.deepEqual(e.details, { RangeRequested: 'bytes=200-300', ActualObjectSize: '100' }) === undefined,
    );
  });
});

describe('record facts', () => {
  test('requestParameters: bucketName, Host, key, then query parameters without secrets', () => {
    const t = resolveTarget(raw('GET', '/b/k?X-Amz-Signature=abc&X-Amz-Security-Token=t&X-Amz-Credential=AKIA%2Fx&uploads', 'h:1'));
    assert.deepEqual(requestParameters(t), { bucketName: 'b', Host: 'h:1', key: 'k', 'X-Amz-Credential': 'AKIA/x', uploads: '' });
    assert.deepEqual(requestParameters(resolveTarget(raw('GET', '/', 'h'))), { Host: 'h' });
  });

  test('resources: object + bucket for object calls, ARNPrefix for listings, bucket for management calls', () => {
    const object = recordResources({ bucket: 'b', key: 'a/k', ownerAccountId: '111122223333', dataEvent: true, objectPrefix: false });
    assert.deepEqual(object.resources, [
      { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::b/a/k' },
      { accountId: '111122223333', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::b' },
    ]);
    assert.deepEqual(object.lookup, [{ type: 'AWS::S3::Bucket', name: 'b' }]);
    const list = recordResources({ bucket: 'b', ownerAccountId: '1', dataEvent: true, objectPrefix: true });
    assert.deepEqual(list.resources[0], { type: 'AWS::S3::Object', ARNPrefix: 'arn:aws:s3:::b/' });
    assert.deepEqual(recordResources({ bucket: 'b', dataEvent: false, objectPrefix: false }).resources, [
      { type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::b' },
    ]);
    assert.deepEqual(recordResources({ dataEvent: false, objectPrefix: false }).resources, []);
  });

  test('additionalEventData in AWS order', () => {
    const data = additionalEventData({ cipherSuite: 'TLS_AES_128_GCM_SHA256', bytesIn: 5, bytesOut: 0, presigned: true, hostId: 'h' });
    assert.deepEqual(Object.keys(data), ['SignatureVersion', 'CipherSuite', 'bytesTransferredIn', 'AuthenticationMethod', 'x-amz-id-2', 'bytesTransferredOut']);
    assert.equal(data.AuthenticationMethod, 'QueryString');
    assert.equal(additionalEventData({ bytesIn: 0, bytesOut: 0, presigned: false, hostId: 'h' }).AuthenticationMethod, 'AuthHeader');
    assert.ok(!('CipherSuite' in additionalEventData({ bytesIn: 0, bytesOut: 0, presigned: false, hostId: 'h' })));
  });
});

describe('errors in S3 words', () => {
  test('SigV4 failures', () => {
    const map = (e: Error) => {
      const s = toS3Error(e as S3Error);
      return `${s.code} ${s.status}`;
    };
    assert.equal(map(SigV4Errors.signatureMismatch()), 'SignatureDoesNotMatch 403');
    assert.equal(map(SigV4Errors.unknownAccessKey()), 'InvalidAccessKeyId 403');
    assert.equal(map(SigV4Errors.missingAuthentication()), 'AccessDenied 403');
    assert.equal(map(SigV4Errors.expiredSecurityToken()), 'ExpiredToken 400');
    assert.equal(map(SigV4Errors.incompleteQuery(['X-Amz-Date'])), 'AuthorizationHeaderMalformed 400');
    assert.equal(map(SigV4Errors.internal()), 'InternalError 500');
  });

  test('store errors keep S3 wording and gain their detail element', () => {
    const e = fromStoreError(new ObjectStoreError('BucketNotEmpty', 'The bucket you tried to delete is not empty'), { bucket: 'b' });
    assert.deepEqual([e.code, e.status, e.details], ['BucketNotEmpty', 409, { BucketName: 'b' }]);
    const k = fromStoreError(new ObjectStoreError('NoSuchKey', 'The specified key does not exist.'), { bucket: 'b', key: 'k' });
    assert.deepEqual([k.status, k.details], [404, { Key: 'k' }]);
    assert.equal(fromStoreError(new ObjectStoreError('InvalidPartOrder', 'x'), {}).status, 400);
  });
});
