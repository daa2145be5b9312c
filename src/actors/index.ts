/**
 * The runtime that hosts campaign actors: its contract, the façade and the parts it composes.
 *
 * @module
 */
export {
  CampaignChange,
  CampaignListQuery,
  CommandId,
  CountsQuery,
  CreateOptions,
  DeleteOptions,
  ForecastItem,
  RuntimeHealth,
  SendOptions,
  SubscribeOptions,
  type CampaignPage,
  type CampaignRuntime,
  type ChangeListener,
  type InspectOption,
  type ParsedInputs,
  RuntimeOptions,
} from './CampaignRuntime.js';
export { type FeedOptions, type ParkedCampaignChange } from './CampaignChange.js';
export { ConsumeOptions, ConsumerName, type ConsumeAttempt, type ConsumeFailure, type ConsumeHandler, type Consumer } from './Consumer.js';
export { openCampaignRuntime, parsedInputs } from './openCampaignRuntime.js';
export { type Clock, type ClockTimer, MAX_TIMEOUT_MS, systemClock } from './Clock.js';
export { createManualClock, type ManualClock } from './createManualClock.js';
export {
  CampaignError,
  CampaignUnreadableError,
  ConflictError,
  IdempotencyKeyReusedError,
  NotFoundError,
  RuntimeStoppedError,
  StaleCampaignError,
  TransitionRejectedError,
  ValidationError,
  parseInput,
  type ValidationIssue,
} from './errors.js';
