/** The ObjectStore contract against the embedded store in a temp dir. */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../../src/lib/clock.js';
import { EmbeddedObjectStore } from '../../src/objects/embedded/index.js';
import { objectStoreContract } from '../contract/object-store.contract.js';
import { tempDir } from '../helpers/server.js';

objectStoreContract('embedded', async () => {
  const dir = tempDir('opentrail-objects-');
  const store = await EmbeddedObjectStore.open({ dir: join(dir, 'objects'), masterKey: randomBytes(32), clock: systemClock });
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
