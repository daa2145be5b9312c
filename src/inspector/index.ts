export { connectInspector, type InspectorConnection } from './connectInspector.js';
