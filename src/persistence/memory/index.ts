/**
 * The in-memory adapter (`campaign-lifecycle/memory`), for tests and experiments.
 *
 * @module
 */
export { memoryStore } from './memoryStore.js';
