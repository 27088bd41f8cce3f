/**
 * The one contract every ObjectStore implementation passes (DESIGN "Every interface with two
 * implementations has one shared contract suite"): runners call `objectStoreContract` with a
 * way to open a fresh store; the cases live in the object-store-*.ts files beside this one.
 */
import { after, before, describe } from 'node:test';
import type { ObjectStore } from '../../src/objects/object-store.js';
import { bucketCases } from './object-store-buckets.js';
import { encryptionCases } from './object-store-encryption.js';
import { objectCases } from './object-store-objects.js';
import { listingCases } from './object-store-listing.js';
import { multipartCases } from './object-store-multipart.js';
import type { OpenedStore } from './object-store-helpers.js';

export function objectStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let opened: OpenedStore | undefined;
    const store = (): ObjectStore => {
      if (!opened) throw new Error('store not open');
      return opened.store;
    };
    before(async () => {
      opened = await open();
    });
    after(async () => {
      await opened?.close();
    });
    bucketCases(store);
    objectCases(store);
    listingCases(store);
    multipartCases(store);
    encryptionCases(store);
  });
}
