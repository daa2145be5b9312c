/**
 * campaign-lifecycle: marketing-campaign lifecycles as persisted XState v5 actors.
 *
 * @example
 * ```ts
 * import { createCampaignRuntime, sqliteStore } from 'campaign-lifecycle';
 * const rt = await createCampaignRuntime({ store: sqliteStore({ path: './data/campaigns.db' }) });
 * const c = await rt.create({ preset: 'discount', name: 'Spring sale', startAt: '2026-04-01T00:00:00Z' });
 * await rt.send(c.id, { type: 'PUBLISH' });
 * ```
 * @module
 */
export { createCampaignRuntime, type CampaignRuntimeOptions } from './createCampaignRuntime.js';
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
  createManualClock,
  openCampaignRuntime,
  parsedInputs,
  systemClock,
  MAX_TIMEOUT_MS,
  CampaignError,
  ConflictError,
  NotFoundError,
  RuntimeStoppedError,
  TransitionRejectedError,
  ValidationError,
  type CampaignPage,
  type CampaignRuntime,
  type ChangeListener,
  type Clock,
  type ClockTimer,
  type InspectOption,
  type ManualClock,
  type ParsedInputs,
  type RuntimeOptions,
  type ValidationIssue,
} from './actors/index.js';
export { connectInspector, type InspectorConnection } from './inspector/index.js';
export {
  memoryStore,
  sqliteStore,
  cursorOf,
  StoreConflictError,
  StoreDriverMissingError,
  StoreError,
  StoreLockedError,
  StoreVersionError,
  type CampaignRecord,
  type CampaignStore,
  type CampaignWrite,
  type Change,
  type ChangeSource,
  type ListQuery,
  type SqliteStoreOptions,
  type StatusCount,
  type TimerRecord,
  type TimerStats,
} from './persistence/index.js';
export {
  AdmitInput,
  Admission,
  admission,
  armedTimers,
  campaignMachine,
  CampaignCommand,
  CampaignDefinition,
  CampaignPatch,
  CampaignView,
  COMMANDS,
  deleteRefusal,
  describeCampaign,
  forecast,
  PRESET_NAMES,
  PresetName,
  presets,
  Recurrence,
  refusalReason,
  SYSTEM_COMMANDS,
  TIMERS,
  toView,
  USER_COMMANDS,
  type ArmedTimer,
  type CampaignCommandInput,
  type CampaignContext,
  type CampaignDefinitionInput,
  type CampaignDescription,
  type CampaignEvent,
  type CampaignSnapshot,
  type Intake,
  type Phase,
  type Preset,
  type TimerKey,
  type UserCommandType,
} from './machines/index.js';
