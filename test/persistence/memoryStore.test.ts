import { memoryStore } from '../../src/persistence/index.js';
import { runStoreContract } from './storeContract.js';

runStoreContract('memoryStore', async () => {
  const store = memoryStore();
  return {
    store,
    reopen: async () => {
      await store.close();
      await store.open();
      return store;
    },
    cleanup: () => store.close(),
  };
});
