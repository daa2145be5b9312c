import type {
  CampaignRecord,
  Change,
  ChangeSource,
  ConsumerRecord,
  DueCampaign,
  ParkedChange,
  TimerRecord,
  WebhookDelivery,
  WebhookEndpoint,
} from './CampaignStore.js';

/*
 * How the SQL adapters keep campaigns, changes and timers in rows: one mapping for all of them.
 */

/** A `campaigns` row (numbers as numbers: the adapters make the driver say so). */
export interface CampaignRow {
  id: string;
  preset: string;
  status: string;
  name: string;
  version: number;
  snapshot: string;
  created_at: number;
  updated_at: number;
}

/** A `history` row. */
export interface ChangeRow {
  seq: number;
  campaign_id: string;
  version: number;
  at: number;
  due_at: number | null;
  event: string;
  source: ChangeSource;
  from_status: string | null;
  to_status: string | null;
  command_id: string | null;
  detail: string | null;
  preset: string | null;
}

/** A timer as kept in its campaign's row (the campaign id is the row's). */
export type StoredTimer = Omit<TimerRecord, 'campaignId'>;

export const recordFromRow = (r: CampaignRow): CampaignRecord => ({
  id: r.id,
  preset: r.preset,
  status: r.status,
  name: r.name,
  version: r.version,
  snapshot: r.snapshot,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const changeFromRow = (r: ChangeRow): Change => ({
  seq: r.seq,
  campaignId: r.campaign_id,
  version: r.version,
  at: r.at,
  dueAt: r.due_at,
  event: r.event,
  source: r.source,
  from: r.from_status,
  to: r.to_status,
  commandId: r.command_id,
  detail: r.detail,
  preset: r.preset ?? null,
});

/** Due order: instant, then campaign id, then event type. */
export const byDue = (a: TimerRecord, b: TimerRecord) =>
  a.dueAt - b.dueAt || (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0) || (a.eventType < b.eventType ? -1 : 1);

/** The timers of a campaign row (as JSON text or already parsed). */
export const timersOf = (campaignId: string, stored: string | StoredTimer[]): TimerRecord[] =>
  (typeof stored === 'string' ? (JSON.parse(stored) as StoredTimer[]) : stored).map((t) => ({
    campaignId,
    timer: t.timer,
    eventType: t.eventType,
    dueAt: t.dueAt,
  }));

/** A campaign's timers as its row keeps them: JSON, and the earliest due instant (indexed). */
export const timerColumns = (timers: readonly TimerRecord[]) => {
  let next: number | null = null;
  for (const t of timers) if (next === null || t.dueAt < next) next = t.dueAt;
  return [JSON.stringify(timers.map((t): StoredTimer => ({ timer: t.timer, eventType: t.eventType, dueAt: t.dueAt }))), next] as const;
};

/**
 * Due timers of the campaigns fetched (earliest-first by their first timer, at most `limit`), in
 * due order: when `limit` campaigns came back, timers of campaigns not fetched are due no earlier
 * than the last fetched campaign's first timer, so only timers up to that bound are returned.
 */
export function dueTimersOf(rows: readonly { id: string; timers: string | StoredTimer[]; next_due_at: number }[], until: number, limit: number): TimerRecord[] {
  const bound = rows.length === limit ? Math.min(until, rows.at(-1)!.next_due_at) : until;
  return rows
    .flatMap((row) => timersOf(row.id, row.timers).filter((t) => t.dueAt <= bound))
    .sort(byDue)
    .slice(0, limit);
}

/** Due campaigns from their rows (fetched in due order): each record with its timers due by `until`. */
export function dueCampaignsOf(rows: readonly (CampaignRow & { timers: string | StoredTimer[] })[], until: number): DueCampaign[] {
  return rows.map((row) => ({ record: recordFromRow(row), timers: timersOf(row.id, row.timers).filter((t) => t.dueAt <= until).sort(byDue) }));
}

/** A `consumers` row. */
export interface ConsumerRow {
  name: string;
  cursor: number;
  owner: string | null;
  lease_until: number | null;
  updated_at: number;
}

export const consumerFromRow = (r: ConsumerRow): ConsumerRecord => ({
  name: r.name,
  cursor: r.cursor,
  owner: r.owner,
  leaseUntil: r.lease_until,
  updatedAt: r.updated_at,
});

/** A `parked` row. */
export interface ParkedRow {
  consumer: string;
  seq: number;
  campaign_id: string;
  attempts: number;
  error: string;
  parked_at: number;
  retry: number | boolean;
}

export const parkedFromRow = (r: ParkedRow): ParkedChange => ({
  consumer: r.consumer,
  seq: r.seq,
  campaignId: r.campaign_id,
  attempts: r.attempts,
  error: r.error,
  parkedAt: r.parked_at,
  retry: Boolean(r.retry),
});

/** A `webhook_endpoints` row (lists as JSON text, or parsed by the driver). */
export interface EndpointRow {
  id: string;
  url: string;
  events: string | string[];
  presets: string | string[];
  secret: string;
  description: string | null;
  created_at: number;
}

const list = (value: string | string[]) => (typeof value === 'string' ? (JSON.parse(value) as string[]) : value);

export const endpointFromRow = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  url: r.url,
  events: list(r.events),
  presets: list(r.presets),
  secret: r.secret,
  description: r.description,
  createdAt: r.created_at,
});

/** A `webhook_deliveries` row. */
export interface DeliveryRow {
  endpoint_id: string;
  seq: number;
  attempt: number;
  at: number;
  status: number | null;
  ok: number | boolean;
  error: string | null;
  next_attempt_at: number | null;
}

export const deliveryFromRow = (r: DeliveryRow): WebhookDelivery => ({
  endpointId: r.endpoint_id,
  seq: r.seq,
  attempt: r.attempt,
  at: r.at,
  status: r.status,
  ok: Boolean(r.ok),
  error: r.error,
  nextAttemptAt: r.next_attempt_at,
});
