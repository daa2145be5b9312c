export {
  createCampaignRuntime,
  type CampaignChange,
  type CampaignRuntime,
  type CampaignRuntimeOptions,
  type ChangeListener,
  type CreateOptions,
  type DuplicateOverrides,
  type AdmitInput,
  type ForecastItem,
  type InspectOption,
  type CampaignListQuery,
  type RuntimeHealth,
  type SendOptions,
} from './createCampaignRuntime.js';
export { type CampaignView, toView } from './CampaignView.js';
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
