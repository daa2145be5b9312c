import { type Admission, admission, type AdmitInput } from '../machines/admission.js';
import { type CampaignView, toView } from '../machines/CampaignView.js';
import { forecast } from '../machines/forecast.js';
import { toIso } from '../machines/Instant.js';
import { presets } from '../machines/presets/index.js';
import { type CampaignRecord, type CampaignStore, cursorOf } from '../persistence/CampaignStore.js';
import type { CampaignChange } from './CampaignChange.js';
import { type CampaignListQuery, type CampaignPage, type CountsQuery, type ForecastItem, isSortedQuery, type RuntimeHealth } from './CampaignRuntime.js';
import { toCampaignChange } from './ChangeFeed.js';
import type { Clock } from './Clock.js';
import type { Consumers } from './Consumers.js';
import { CampaignUnreadableError, NotFoundError } from './errors.js';
import type { GroupCommit } from './GroupCommit.js';
import type { CommittedCampaign, LiveCampaigns } from './LiveCampaigns.js';
import type { Quarantine } from './Quarantine.js';
import type { TimerLoop } from './TimerLoop.js';

/** Records a search or a sorted list reads per store page, and at most per call. */
const SCAN_BATCH = 500;
const SCAN_LIMIT = 20_000;

/** What each sort orders by (ISO dates order as text; null sorts last). */
const SORT_KEYS: Record<NonNullable<CampaignListQuery['sort']>, (view: CampaignView) => string | null> = {
  createdAt: (view) => view.createdAt,
  name: (view) => view.name.toLocaleLowerCase(),
  preset: (view) => view.preset,
  status: (view) => view.status,
  startAt: (view) => view.startAt,
  endAt: (view) => view.endAt,
};

interface CampaignReadsDeps {
  store: CampaignStore;
  live: LiveCampaigns;
  clock: Clock;
  quarantine: Quarantine;
  timers: TimerLoop;
  commits: GroupCommit;
  consumers: Consumers;
}

/**
 * What reads see: views of committed campaigns (never a write in flight), lists and counts
 * from the store, history, forecasts, admission checks and the runtime's health.
 */
export class CampaignReads {
  readonly #deps: CampaignReadsDeps;

  constructor(deps: CampaignReadsDeps) {
    this.#deps = deps;
  }

  async get(id: string): Promise<CampaignView> {
    const { snapshot, meta } = await this.committed(id);
    return toView(snapshot, meta, this.#deps.clock.now());
  }

  async listPage(query: CampaignListQuery & { limit: number }): Promise<CampaignPage> {
    if (isSortedQuery(query)) return this.sortedPage(query);
    if (query.search !== undefined) return this.searched(query);
    const { records, items, unreadable } = await this.listed(query);
    const last = records.at(-1);
    return { items, next: last && records.length === query.limit ? cursorOf(last) : null, unreadable };
  }

  async list(query: CampaignListQuery): Promise<CampaignView[]> {
    if (isSortedQuery(query) || query.search !== undefined) return (await this.listPage({ ...query, limit: query.limit ?? SCAN_LIMIT })).items;
    return (await this.listed(query)).items;
  }

  /**
   * A page of the campaigns whose name or a label contains `search` (any case): the store's
   * pages are read in list order and filtered until `limit` match — at most {@link SCAN_LIMIT}
   * records per call; `next` continues from the last one read.
   */
  private async searched(query: CampaignListQuery & { limit: number }): Promise<CampaignPage> {
    const found = await this.scan(query, query.limit);
    return { items: found.items, next: found.items.length === query.limit || !found.exhausted ? found.after : null, unreadable: found.unreadable };
  }

  /**
   * A page of the list in another order than the store's: the matching campaigns (the newest
   * {@link SCAN_LIMIT}) are read, sorted (campaigns without the date last, then newest first),
   * and `after` is an offset into them.
   */
  private async sortedPage(query: CampaignListQuery & { limit: number }): Promise<CampaignPage> {
    const { items, unreadable } = await this.scan({ ...query, after: undefined }, SCAN_LIMIT);
    const key = SORT_KEYS[query.sort!];
    const direction = query.order === 'desc' ? -1 : 1;
    const sorted = items
      .map((view) => ({ view, value: key(view) }))
      .sort((a, b) => {
        if (a.value === null || b.value === null) return a.value === b.value ? 0 : a.value === null ? 1 : -1;
        return a.value.localeCompare(b.value) * direction;
      })
      .map((entry) => entry.view);
    const offset = Number(query.after ?? 0);
    const end = offset + query.limit;
    return { items: sorted.slice(offset, end), next: end < sorted.length ? String(end) : null, unreadable };
  }

  /** Reads the store's pages in list order from `query.after`, keeping the views that match `search`, until `wanted` match or {@link SCAN_LIMIT} were read. */
  private async scan(query: CampaignListQuery, wanted: number) {
    const needle = query.search?.toLocaleLowerCase();
    const matches = (view: CampaignView) =>
      needle === undefined || view.name.toLocaleLowerCase().includes(needle) || view.labels.some((l) => l.toLocaleLowerCase().includes(needle));
    const { search: _search, sort: _sort, order: _order, ...filters } = query;
    const found = { items: [] as CampaignView[], unreadable: [] as CampaignPage['unreadable'], after: query.after ?? null, exhausted: false };
    for (let scanned = 0; scanned < SCAN_LIMIT; ) {
      const { records, items, unreadable } = await this.listed({ ...filters, limit: SCAN_BATCH, ...(found.after !== null ? { after: found.after } : {}) });
      const byId = new Map(items.map((v) => [v.id, v]));
      found.unreadable.push(...unreadable);
      for (const record of records) {
        scanned++;
        found.after = cursorOf(record);
        const view = byId.get(record.id);
        if (view && matches(view)) found.items.push(view);
        if (found.items.length === wanted) return found;
      }
      if (records.length < SCAN_BATCH) {
        found.exhausted = true;
        return found;
      }
    }
    return found;
  }

  /** Every status of every preset (or of one), zeros included. */
  async counts(filter: CountsQuery): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const preset of filter.preset ? [presets[filter.preset]] : Object.values(presets)) {
      for (const label of Object.values(preset.statuses)) counts[label] = 0;
    }
    for (const row of await this.#deps.store.counts(filter.preset ? { preset: filter.preset } : {})) {
      counts[row.status] = (counts[row.status] ?? 0) + row.count;
    }
    return counts;
  }

  async history(id: string): Promise<CampaignChange[]> {
    const { store } = this.#deps;
    if (!(await store.get(id))) throw new NotFoundError(id); // readable or not: history is what an operator looks at
    return (await store.history(id)).map(toCampaignChange);
  }

  async forecast(id: string): Promise<ForecastItem[]> {
    const { snapshot } = await this.committed(id);
    return forecast(snapshot).map((f) => ({ at: toIso(f.at), event: f.name, timer: f.timer, from: f.from, to: f.to }));
  }

  async admit(id: string, input: AdmitInput): Promise<Admission> {
    const { snapshot } = await this.committed(id);
    return admission(snapshot, this.#deps.clock.now(), input.inviteExpiresAt);
  }

  async health(): Promise<RuntimeHealth> {
    const { store, clock, quarantine, timers, live, commits, consumers } = this.#deps;
    const now = clock.now();
    const stats = await store.timerStats(now);
    const quarantined = quarantine.list();
    const retrying = timers.retrying();
    return {
      ok: (stats.oldestOverdue === null || now - stats.oldestOverdue < 5_000) && quarantined.length === 0 && retrying.length === 0,
      now: toIso(now),
      pendingTimers: stats.pending,
      overdueTimers: stats.overdue,
      oldestOverdue: toIso(stats.oldestOverdue),
      nextTimerAt: toIso(stats.nextDueAt),
      lag: timers.lag(),
      liveActors: live.size,
      pendingWrites: commits.backlog,
      quarantined: quarantined.map((q) => ({ campaignId: q.campaignId, reason: q.reason, since: toIso(q.since) })),
      consumers: await consumers.health(now),
      retrying: {
        count: retrying.length,
        campaigns: retrying.slice(0, 100).map((r) => ({ campaignId: r.campaignId, attempts: r.attempts, retryAt: toIso(r.retryAt), reason: r.reason })),
      },
    };
  }

  private async listed(query: CampaignListQuery): Promise<{ records: CampaignRecord[]; items: CampaignView[]; unreadable: CampaignPage['unreadable'] }> {
    const { store, live, clock } = this.#deps;
    const records = await store.list({
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.preset !== undefined ? { preset: query.preset } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.after !== undefined ? { after: query.after } : {}),
    });
    const now = clock.now();
    const items: CampaignView[] = [];
    const unreadable: CampaignPage['unreadable'] = [];
    for (const record of records) {
      try {
        items.push(toView(live.committedSnapshot(record), record, now));
      } catch (error) {
        if (!(error instanceof CampaignUnreadableError)) throw error;
        unreadable.push({ id: record.id, reason: error.reason });
      }
    }
    return { records, items, unreadable };
  }

  /** A campaign as committed (what reads see), or NotFoundError. */
  async committed(id: string): Promise<CommittedCampaign> {
    const campaign = await this.#deps.live.committed(id);
    if (!campaign) throw new NotFoundError(id);
    return campaign;
  }
}
