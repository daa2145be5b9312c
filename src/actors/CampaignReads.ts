import { type Admission, admission, type AdmitInput } from '../machines/admission.js';
import { type CampaignView, toView } from '../machines/CampaignView.js';
import { forecast } from '../machines/forecast.js';
import { toIso } from '../machines/Instant.js';
import { presets } from '../machines/presets/index.js';
import { type CampaignRecord, type CampaignStore, cursorOf } from '../persistence/CampaignStore.js';
import type { CampaignChange } from './CampaignChange.js';
import type { CampaignListQuery, CampaignPage, CountsQuery, ForecastItem, RuntimeHealth } from './CampaignRuntime.js';
import { toCampaignChange } from './ChangeFeed.js';
import type { Clock } from './Clock.js';
import type { Consumers } from './Consumers.js';
import { CampaignUnreadableError, NotFoundError } from './errors.js';
import type { GroupCommit } from './GroupCommit.js';
import type { CommittedCampaign, LiveCampaigns } from './LiveCampaigns.js';
import type { Quarantine } from './Quarantine.js';
import type { TimerLoop } from './TimerLoop.js';

/** Records a search reads per store page, and at most per call. */
const SEARCH_BATCH = 500;
const SEARCH_SCAN = 20_000;

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
    if (query.search !== undefined) return this.searched(query);
    const { records, items, unreadable } = await this.listed(query);
    const last = records.at(-1);
    return { items, next: last && records.length === query.limit ? cursorOf(last) : null, unreadable };
  }

  async list(query: CampaignListQuery): Promise<CampaignView[]> {
    if (query.search !== undefined) return (await this.searched({ ...query, limit: query.limit ?? SEARCH_SCAN })).items;
    return (await this.listed(query)).items;
  }

  /**
   * A page of the campaigns whose name or a label contains `search` (any case): the store's
   * pages are read in list order and filtered until `limit` match — at most {@link SEARCH_SCAN}
   * records per call; `next` continues from the last one read.
   */
  private async searched(query: CampaignListQuery & { limit: number }): Promise<CampaignPage> {
    const needle = query.search!.toLocaleLowerCase();
    const matches = (view: CampaignView) => view.name.toLocaleLowerCase().includes(needle) || view.labels.some((l) => l.toLocaleLowerCase().includes(needle));
    const page: CampaignPage = { items: [], next: null, unreadable: [] };
    const { search: _search, ...filters } = query;
    let after = query.after;
    for (let scanned = 0; scanned < SEARCH_SCAN; ) {
      const { records, items, unreadable } = await this.listed({ ...filters, limit: SEARCH_BATCH, ...(after !== undefined ? { after } : {}) });
      const byId = new Map(items.map((v) => [v.id, v]));
      page.unreadable.push(...unreadable);
      for (const record of records) {
        scanned++;
        after = cursorOf(record);
        const view = byId.get(record.id);
        if (view && matches(view)) page.items.push(view);
        if (page.items.length === query.limit) return { ...page, next: after };
      }
      if (records.length < SEARCH_BATCH) return page;
    }
    return { ...page, next: after ?? null };
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
