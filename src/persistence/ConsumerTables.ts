import type { CampaignStore } from './CampaignStore.js';

/** The consumer and webhook part of the store contract: what the SQL adapters keep in tables beside the campaigns. */
export type ConsumerTables = Pick<
  CampaignStore,
  | 'leaseConsumer'
  | 'saveConsumer'
  | 'consumers'
  | 'parkedChanges'
  | 'retryParked'
  | 'removeConsumer'
  | 'webhookEndpoints'
  | 'addWebhookEndpoint'
  | 'removeWebhookEndpoint'
  | 'recordDeliveries'
  | 'deliveries'
>;

/** A store whose consumer and webhook methods are answered by its {@link ConsumerTables}. */
export abstract class StoreWithConsumerTables implements ConsumerTables {
  protected abstract readonly tables: ConsumerTables;

  leaseConsumer: ConsumerTables['leaseConsumer'] = (...args) => this.tables.leaseConsumer(...args);
  saveConsumer: ConsumerTables['saveConsumer'] = (...args) => this.tables.saveConsumer(...args);
  consumers: ConsumerTables['consumers'] = (...args) => this.tables.consumers(...args);
  parkedChanges: ConsumerTables['parkedChanges'] = (...args) => this.tables.parkedChanges(...args);
  retryParked: ConsumerTables['retryParked'] = (...args) => this.tables.retryParked(...args);
  removeConsumer: ConsumerTables['removeConsumer'] = (...args) => this.tables.removeConsumer(...args);
  webhookEndpoints: ConsumerTables['webhookEndpoints'] = (...args) => this.tables.webhookEndpoints(...args);
  addWebhookEndpoint: ConsumerTables['addWebhookEndpoint'] = (...args) => this.tables.addWebhookEndpoint(...args);
  removeWebhookEndpoint: ConsumerTables['removeWebhookEndpoint'] = (...args) => this.tables.removeWebhookEndpoint(...args);
  recordDeliveries: ConsumerTables['recordDeliveries'] = (...args) => this.tables.recordDeliveries(...args);
  deliveries: ConsumerTables['deliveries'] = (...args) => this.tables.deliveries(...args);
}
