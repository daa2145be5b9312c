import {
  type CampaignRecord,
  type CampaignStore,
  type CampaignWrite,
  type Change,
  type ConsumerProgress,
  type ConsumerRecord,
  type DueCampaign,
  type ListQuery,
  type ParkedChange,
  parseCursor,
  type StatusCount,
  type TimerRecord,
  type TimerStats,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../CampaignStore.js';
import { StoreConflictError } from '../errors.js';

/**
 * A store in memory: for tests and experiments. It survives `close()`/`open()` (a runtime can be
 * stopped and another started on the same instance) but not the process.
 */
export function memoryStore(): CampaignStore {
  return new MemoryStore();
}

const newestFirst = (a: CampaignRecord, b: CampaignRecord) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

const byDue = (a: TimerRecord, b: TimerRecord) =>
  a.dueAt - b.dueAt || (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0);

class MemoryStore implements CampaignStore {
  readonly kind = 'memory';
  #campaigns = new Map<string, CampaignRecord>();
  #changes: Change[] = [];
  #history = new Map<string, Change[]>();
  #timers = new Map<string, TimerRecord[]>();
  #idempotency = new Map<string, { campaignId: string; result: string }>();
  #seq = 0;
  #consumers = new Map<string, ConsumerRecord>();
  #parked = new Map<string, Map<number, ParkedChange>>();
  #endpoints = new Map<string, WebhookEndpoint>();
  #deliveries = new Map<string, WebhookDelivery[]>();

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async commit(writes: readonly CampaignWrite[]): Promise<number[]> {
    const versions = new Map<string, number>();
    const commandIds = new Set<string>();
    writes.forEach((write, index) => {
      const id = write.campaignId;
      const current = versions.has(id) ? versions.get(id)! : (this.#campaigns.get(id)?.version ?? 0);
      if (current !== write.fromVersion) {
        throw new StoreConflictError(index, id, `campaign ${id} is at version ${current}, not ${write.fromVersion}`);
      }
      if (current === 0 && !write.record) throw new StoreConflictError(index, id, `campaign ${id} does not exist`);
      if (write.fromVersion === 0 && !versions.has(id) && this.#history.has(id)) {
        throw new StoreConflictError(index, id, `campaign id ${id} was used before: ids are never reused`);
      }
      if (write.idempotency && (this.#idempotency.has(write.idempotency.commandId) || commandIds.has(write.idempotency.commandId))) {
        throw new StoreConflictError(index, id, `commandId ${write.idempotency.commandId} is already recorded`);
      }
      if (write.idempotency) commandIds.add(write.idempotency.commandId);
      versions.set(id, write.record?.version ?? 0);
    });
    return writes.map((write) => {
      const id = write.campaignId;
      if (write.record) this.#campaigns.set(id, { ...write.record });
      else this.#campaigns.delete(id);
      if (write.timers.length > 0) this.#timers.set(id, write.timers.map((t) => ({ ...t })));
      else this.#timers.delete(id);
      if (write.idempotency) {
        this.#idempotency.set(write.idempotency.commandId, { campaignId: id, result: write.idempotency.result });
      }
      if (!write.change) return 0;
      const change: Change = { ...write.change, preset: write.preset, seq: ++this.#seq };
      this.#changes.push(change);
      const history = this.#history.get(id) ?? [];
      history.push(change);
      this.#history.set(id, history);
      return change.seq;
    });
  }

  async get(id: string): Promise<CampaignRecord | null> {
    const record = this.#campaigns.get(id);
    return record ? { ...record } : null;
  }

  async list(query: ListQuery = {}): Promise<CampaignRecord[]> {
    const statuses = query.status === undefined ? null : new Set([query.status].flat());
    const after = query.after === undefined ? null : parseCursor(query.after);
    const matching = [...this.#campaigns.values()]
      .filter((r) => (statuses === null || statuses.has(r.status)) && (query.preset === undefined || r.preset === query.preset))
      .filter((r) => after === null || r.createdAt < after.createdAt || (r.createdAt === after.createdAt && r.id < after.id))
      .sort(newestFirst);
    return matching.slice(0, query.limit ?? matching.length).map((r) => ({ ...r }));
  }

  async counts(query: { preset?: string } = {}): Promise<StatusCount[]> {
    const counts = new Map<string, StatusCount>();
    for (const r of this.#campaigns.values()) {
      if (query.preset !== undefined && r.preset !== query.preset) continue;
      const key = `${r.preset}|${r.status}`;
      const entry = counts.get(key) ?? { preset: r.preset, status: r.status, count: 0 };
      entry.count++;
      counts.set(key, entry);
    }
    return [...counts.values()];
  }

  async history(campaignId: string, options: { after?: number; limit?: number } = {}): Promise<Change[]> {
    const all = (this.#history.get(campaignId) ?? []).filter((c) => c.seq > (options.after ?? 0));
    return all.slice(0, options.limit ?? all.length).map((c) => ({ ...c }));
  }

  async changes(after: number, limit: number): Promise<Change[]> {
    let low = 0;
    let high = this.#changes.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.#changes[mid]!.seq <= after) low = mid + 1;
      else high = mid;
    }
    return this.#changes.slice(low, low + limit).map((c) => ({ ...c }));
  }

  async lastSeq(): Promise<number> {
    return this.#seq;
  }

  async idempotency(commandId: string): Promise<{ campaignId: string; result: string } | null> {
    const stored = this.#idempotency.get(commandId);
    return stored ? { ...stored } : null;
  }

  async dueTimers(until: number, limit: number, except: readonly string[] = []): Promise<TimerRecord[]> {
    const skip = new Set(except);
    return [...this.#timers.values()]
      .flat()
      .filter((t) => t.dueAt <= until && !skip.has(t.campaignId))
      .sort(byDue)
      .slice(0, limit)
      .map((t) => ({ ...t }));
  }

  async dueCampaigns(until: number, limit: number, except: readonly string[] = []): Promise<DueCampaign[]> {
    const skip = new Set(except);
    const due: DueCampaign[] = [];
    for (const [id, timers] of this.#timers) {
      const record = this.#campaigns.get(id);
      if (skip.has(id) || !record) continue;
      const dueTimers = timers.filter((t) => t.dueAt <= until).sort(byDue);
      if (dueTimers.length > 0) due.push({ record: { ...record }, timers: dueTimers.map((t) => ({ ...t })) });
    }
    return due.sort((a, b) => byDue(a.timers[0]!, b.timers[0]!)).slice(0, limit);
  }

  async timers(campaignId: string): Promise<TimerRecord[]> {
    return (this.#timers.get(campaignId) ?? []).map((t) => ({ ...t })).sort(byDue);
  }

  async nextDueAt(except: readonly string[] = []): Promise<number | null> {
    const skip = new Set(except);
    let next: number | null = null;
    for (const [id, timers] of this.#timers) {
      if (skip.has(id)) continue;
      for (const t of timers) if (next === null || t.dueAt < next) next = t.dueAt;
    }
    return next;
  }

  async timerStats(now: number): Promise<TimerStats> {
    const all = [...this.#timers.values()].flat();
    const overdue = all.filter((t) => t.dueAt <= now);
    const min = (ts: TimerRecord[]) => ts.reduce<number | null>((m, t) => (m === null || t.dueAt < m ? t.dueAt : m), null);
    return { pending: all.length, overdue: overdue.length, oldestOverdue: min(overdue), nextDueAt: min(all) };
  }

  async leaseConsumer(name: string, owner: string, now: number, leaseUntil: number, startAfter: number): Promise<ConsumerRecord | null> {
    const current = this.#consumers.get(name);
    if (current && current.owner !== null && current.owner !== owner && current.leaseUntil !== null && current.leaseUntil > now) return null;
    const next: ConsumerRecord = { name, cursor: current?.cursor ?? startAfter, owner, leaseUntil, updatedAt: now };
    this.#consumers.set(name, next);
    return { ...next };
  }

  async saveConsumer(name: string, owner: string, progress: ConsumerProgress): Promise<boolean> {
    const current = this.#consumers.get(name);
    if (!current || current.owner !== owner) return false;
    const parked = this.#parked.get(name) ?? new Map<number, ParkedChange>();
    for (const seq of progress.unpark ?? []) parked.delete(seq);
    for (const p of progress.park ?? []) parked.set(p.seq, { ...p, consumer: name, retry: false });
    this.#parked.set(name, parked);
    this.#consumers.set(name, {
      ...current,
      cursor: Math.max(current.cursor, progress.cursor),
      ...(progress.release ? { owner: null, leaseUntil: null } : {}),
    });
    return true;
  }

  async consumers(): Promise<(ConsumerRecord & { parked: number })[]> {
    return [...this.#consumers.values()]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((c) => ({ ...c, parked: this.#parked.get(c.name)?.size ?? 0 }));
  }

  async parkedChanges(name: string, options: { retry?: boolean; limit?: number } = {}): Promise<ParkedChange[]> {
    const all = [...(this.#parked.get(name)?.values() ?? [])].filter((p) => !options.retry || p.retry).sort((a, b) => a.seq - b.seq);
    return all.slice(0, options.limit ?? all.length).map((p) => ({ ...p }));
  }

  async retryParked(name: string, seq: number): Promise<boolean> {
    const parked = this.#parked.get(name)?.get(seq);
    if (!parked) return false;
    parked.retry = true;
    return true;
  }

  async removeConsumer(name: string): Promise<boolean> {
    this.#parked.delete(name);
    return this.#consumers.delete(name);
  }

  async webhookEndpoints(): Promise<WebhookEndpoint[]> {
    return [...this.#endpoints.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map((e) => structuredClone(e));
  }

  async addWebhookEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    if (this.#endpoints.has(endpoint.id)) throw new StoreConflictError(0, endpoint.id, `webhook endpoint ${endpoint.id} already exists`);
    this.#endpoints.set(endpoint.id, structuredClone(endpoint));
  }

  async removeWebhookEndpoint(id: string): Promise<boolean> {
    this.#deliveries.delete(id);
    return this.#endpoints.delete(id);
  }

  async recordDeliveries(deliveries: readonly WebhookDelivery[]): Promise<void> {
    for (const d of deliveries) {
      const log = this.#deliveries.get(d.endpointId) ?? [];
      log.push({ ...d });
      this.#deliveries.set(d.endpointId, log.slice(-1_000));
    }
  }

  async deliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]> {
    return [...(this.#deliveries.get(endpointId) ?? [])].reverse().slice(0, limit).map((d) => ({ ...d }));
  }
}
