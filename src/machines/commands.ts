/** Commands a user (or the host acting for one) may send. */
export const USER_COMMANDS = [
  'ACTIVATE',
  'PUBLISH',
  'ACTIVATE_NOW',
  'PAUSE',
  'RESUME',
  'FREEZE',
  'CLOSE',
  'REACTIVATE',
  'END',
  'ABORT',
  'CANCEL',
  'ARCHIVE',
  'UPDATE',
] as const;
export type UserCommandType = (typeof USER_COMMANDS)[number];

/** Commands only the system may send (`source: 'system'`). */
export const SYSTEM_COMMANDS = ['SYSTEM_FAULT', 'SYSTEM_RECOVER', 'AUDIENCE_LIST_LOADED'] as const;
export type SystemCommandType = (typeof SYSTEM_COMMANDS)[number];

export const COMMANDS = [...USER_COMMANDS, ...SYSTEM_COMMANDS] as const;
export type CommandType = (typeof COMMANDS)[number];

/**
 * The dates that arm delayed transitions. `windowEnd` is the end of the current run: `endAt`,
 * or for a recurring campaign the end of the current occurrence (never later than `endAt`).
 */
export const TIMERS = ['startAt', 'visibleAt', 'endAt', 'windowEnd'] as const;
export type TimerKey = (typeof TIMERS)[number];

export function isSystemCommand(type: string): type is SystemCommandType {
  return (SYSTEM_COMMANDS as readonly string[]).includes(type);
}
