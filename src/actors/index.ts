export {
  AdmitInput,
  CampaignListQuery,
  CreateOptions,
  DuplicateOverrides,
  SendOptions,
  type CampaignChange,
  type CampaignRuntime,
  type CampaignRuntimeOptions,
  type ChangeListener,
  type ForecastItem,
  type InspectOption,
  type RuntimeHealth,
} from './CampaignRuntime.js';
export { createCampaignRuntime } from './createCampaignRuntime.js';
export { type CampaignView, deleteRefusal, toView } from './CampaignView.js';
export { connectInspector, type InspectorConnection } from './connectInspector.js';
export { type Clock, type ClockTimer, MAX_TIMEOUT_MS, systemClock } from './Clock.js';
export { createManualClock, type ManualClock } from './createManualClock.js';
export {
  CampaignError,
  ConflictError,
  NotFoundError,
  RuntimeStoppedError,
  TransitionRejectedError,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
