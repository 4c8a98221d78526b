import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { readStoreContract } from '../read-store.contract';
import { MongoReadStore } from './mongodb-read-store';

const url = process.env.MONGODB_URL;

if (url) {
  // One database per store (so every test starts empty), all dropped at the end.
  const run = `read_store_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const databases: string[] = [];
  readStoreContract(
    'MongoReadStore',
    async () => {
      const database = `${run}_${databases.length}`;
      databases.push(database);
      return new MongoReadStore({ url, database });
    },
    async () => {
      const client = new MongoClient(url);
      try {
        for (const database of databases) await client.db(database).dropDatabase();
      } finally {
        await client.close();
      }
    },
  );
} else {
  describe('ReadStore contract: MongoReadStore', () => {
    it('is skipped because MONGODB_URL is not set', () => {
      console.log('MongoDB contract suite SKIPPED: MONGODB_URL is not set');
    });
  });
}
