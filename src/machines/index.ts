export { Instant, toIso } from './Instant.js';
export {
  Audience,
  AudienceShape,
  JsonShape,
  ProductShape,
  CampaignDefinition,
  CampaignPatch,
  Content,
  Product,
  Timezone,
  definitionProblems,
  presetFieldProblems,
  type CampaignDefinitionInput,
} from './CampaignDefinition.js';
export { CampaignCommand, type CampaignCommandInput, type CampaignEvent } from './CampaignCommand.js';
export { type CampaignContext, type PauseWindow, initialContext, timerDueAt, timerName } from './CampaignContext.js';
export { AdmitInput, Admission, admission } from './admission.js';
export { CampaignView, StateValueShape, toView, type ViewMeta } from './CampaignView.js';
export { Recurrence, occurrencesAround, occurrenceFor, type OccurrenceWindow } from './Recurrence.js';
export {
  COMMANDS,
  SYSTEM_COMMANDS,
  TIMERS,
  USER_COMMANDS,
  isSystemCommand,
  type CommandType,
  type SystemCommandType,
  type TimerKey,
  type UserCommandType,
} from './commands.js';
export { PHASES, PHASE_STATE, phaseOf, type Phase } from './phase.js';
export { PRESET_NAMES, Preset, PresetName, PresetTransition, definePreset, statusLabel } from './Preset.js';
export { presets, discount, franchise, gifting, journey } from './presets/index.js';
export { campaignMachine } from './campaignMachine.js';
export { campaignLogic, type PersistedCampaign } from './campaignLogic.js';
export { STATECHART_VERSION } from './statechartVersion.js';
export { storedSnapshot, type ReadSnapshot, type SnapshotUpgrade } from './storedSnapshot.js';
export { StoredSnapshotError, type StoredSnapshotProblem } from './StoredSnapshotError.js';
export { renameState, type SnapshotMigration, type StoredSnapshot, type StoredStateValue } from './SnapshotMigration.js';
export { snapshotMigrations } from './snapshotMigrations.js';
export { armedTimers, type ArmedTimer, type CampaignSnapshot } from './armedTimers.js';
export {
  capabilities,
  commandsNow,
  describeCampaign,
  presetCommands,
  probe,
  type CampaignCapabilities,
  type CampaignDescription,
  type Intake,
} from './describeCampaign.js';
export { deleteRefusal, refusalReason } from './refusalReason.js';
export { forecast, type ForecastEntry } from './forecast.js';
export { CampaignError, parseInput, ValidationError, type ValidationIssue } from './ValidationError.js';
