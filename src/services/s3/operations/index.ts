/**
 * The S3 operations OpenTrail implements, by S3 API name. The router names every S3 operation;
 * one missing here answers NotImplemented (and is still recorded).
 */
import type { S3Operation } from '../request.js';
import { abortMultipartUpload } from './abort-multipart-upload.js';
import { deleteBucketPolicy, getBucketPolicy, putBucketPolicy } from './bucket-policy.js';
import { completeMultipartUpload } from './complete-multipart-upload.js';
import { copyObject } from './copy-object.js';
import { createBucket } from './create-bucket.js';
import { createMultipartUpload } from './create-multipart-upload.js';
import { deleteBucket } from './delete-bucket.js';
import { deleteObject } from './delete-object.js';
import { deleteObjects } from './delete-objects.js';
import { getBucketLocation } from './get-bucket-location.js';
import { getObject, headObject } from './get-object.js';
import { headBucket } from './head-bucket.js';
import { listBuckets } from './list-buckets.js';
import { listObjects, listObjectsV2 } from './list-objects.js';
import { listParts } from './list-parts.js';
import { putObject } from './put-object.js';
import { uploadPart } from './upload-part.js';

export const OPERATIONS: ReadonlyMap<string, S3Operation> = new Map([
  ['ListBuckets', listBuckets],
  ['CreateBucket', createBucket],
  ['DeleteBucket', deleteBucket],
  ['HeadBucket', headBucket],
  ['GetBucketLocation', getBucketLocation],
  ['GetBucketPolicy', getBucketPolicy],
  ['PutBucketPolicy', putBucketPolicy],
  ['DeleteBucketPolicy', deleteBucketPolicy],
  ['PutObject', putObject],
  ['GetObject', getObject],
  ['HeadObject', headObject],
  ['DeleteObject', deleteObject],
  ['DeleteObjects', deleteObjects],
  ['CopyObject', copyObject],
  ['ListObjects', listObjects],
  ['ListObjectsV2', listObjectsV2],
  ['CreateMultipartUpload', createMultipartUpload],
  ['UploadPart', uploadPart],
  ['CompleteMultipartUpload', completeMultipartUpload],
  ['AbortMultipartUpload', abortMultipartUpload],
  ['ListParts', listParts],
]);
