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
export {
  AdmitInput,
  CampaignListQuery,
  CreateOptions,
  DuplicateOverrides,
  SendOptions,
  createCampaignRuntime,
  createManualClock,
  connectInspector,
  systemClock,
  MAX_TIMEOUT_MS,
  toView,
  deleteRefusal,
  CampaignError,
  ConflictError,
  NotFoundError,
  RuntimeStoppedError,
  TransitionRejectedError,
  ValidationError,
  type CampaignChange,
  type CampaignRuntime,
  type CampaignRuntimeOptions,
  type CampaignView,
  type ChangeListener,
  type Clock,
  type ClockTimer,
  type ForecastItem,
  type InspectOption,
  type InspectorConnection,
  type ManualClock,
  type RuntimeHealth,
  type ValidationIssue,
} from './actors/index.js';
export {
  memoryStore,
  sqliteStore,
  cursorOf,
  StoreConflictError,
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
  armedTimers,
  campaignMachine,
  CampaignCommand,
  CampaignDefinition,
  CampaignPatch,
  COMMANDS,
  describeCampaign,
  forecast,
  PRESET_NAMES,
  PresetName,
  presets,
  Recurrence,
  refusalReason,
  SYSTEM_COMMANDS,
  TIMERS,
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
