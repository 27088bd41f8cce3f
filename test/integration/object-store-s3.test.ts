/**
 * The ObjectStore contract against the S3 store talking to a real S3-compatible server:
 * `moto_server`, started here on a free loopback port. A missing moto_server fails the suite
 * (the S3 backend must never go untested silently).
 */
import { S3ObjectStore } from '../../src/objects/s3/index.js';
import { objectStoreContract } from '../contract/object-store.contract.js';
import { startMoto } from '../helpers/moto.js';

objectStoreContract('s3 (moto_server)', async () => {
  const { endpoint, proc } = await startMoto();
  const store = new S3ObjectStore({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAMOTOTEST0000001', secretAccessKey: 'moto-test-secret' },
    forcePathStyle: true,
  });
  return {
    store,
    close: async () => {
      await store.close();
      proc.kill('SIGTERM');
    },
  };
});
