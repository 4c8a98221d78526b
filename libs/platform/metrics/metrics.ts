import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds; from a cached read (well under a millisecond) to a bill-run day settling in a clock advance. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** What /metrics reads when it is scraped, beyond the counts kept as requests go (metrics.controller.ts). */
export interface MetricsSources {
  /** The log's head position. */
  headPosition(): Promise<number>;
  /** Each consumer's checkpoint, by kind (`projector`, `processManager`). */
  checkpoints(): Promise<Array<{ consumer: string; kind: 'projector' | 'processManager'; position: number }>>;
  /** Events parked per consumer. */
  parkedEvents(): Promise<Array<{ consumer: string; count: number }>>;
  /** The event store's own counters since start, where the adapter keeps them (SQLite). */
  eventStoreCounts(): { commits: number; appends: number; events: number } | null;
}

/**
 * The process's Prometheus metrics (prom-client), one registry per app: request latency per route and status,
 * the event store's commits, appends and events, each consumer's lag behind the log, parked events, and Node's
 * own (CPU, memory, event-loop lag, GC). Labels are bounded: the route is the route's pattern
 * (`/v1/accounts/:id`), never the URL, and consumers are the product's own; no tenant appears anywhere.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private sources: MetricsSources | null = null;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'billing_' });
    this.httpDuration = new Histogram({
      name: 'billing_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status: time from receiving the request to sending the answer',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers: [this.registry],
    });
    const metrics = this;
    new Gauge({
      name: 'billing_log_head_position',
      help: 'The position of the last event in the log',
      registers: [this.registry],
      async collect() {
        if (metrics.sources) this.set(await metrics.sources.headPosition());
      },
    });
    new Gauge({
      name: 'billing_consumer_lag_events',
      help: 'How many events of the log a read model (projector) or process manager has yet to handle',
      labelNames: ['consumer', 'kind'],
      registers: [this.registry],
      async collect() {
        if (!metrics.sources) return;
        const head = await metrics.sources.headPosition();
        for (const { consumer, kind, position } of await metrics.sources.checkpoints()) this.set({ consumer, kind }, Math.max(0, head - position));
      },
    });
    new Gauge({
      name: 'billing_parked_events',
      help: 'Events a consumer could not handle and set aside (GET /v1/admin/parked-events); above zero, /health is degraded',
      labelNames: ['consumer'],
      registers: [this.registry],
      async collect() {
        if (!metrics.sources) return;
        this.reset();
        for (const { consumer, count } of await metrics.sources.parkedEvents()) this.set({ consumer }, count);
      },
    });
    for (const [field, help] of [
      ['commits', 'Transactions the event store committed (each holds one or more appends)'],
      ['appends', 'Appends to streams: one per command that wrote events'],
      ['events', 'Events appended'],
    ] as const) {
      let reported = 0;
      new Counter({
        name: `billing_event_store_${field}_total`,
        help: `${help}, since the process started (SQLite event store only)`,
        registers: [this.registry],
        collect() {
          const now = metrics.sources?.eventStoreCounts()?.[field];
          if (now === undefined || now < reported) return;
          this.inc(now - reported);
          reported = now;
        },
      });
    }
  }

  /** Set once the app's stores exist (the metrics controller does it when the app starts). */
  attach(sources: MetricsSources): void {
    this.sources = sources;
  }

  /** One answered request; `route` is the route's pattern, or `unmatched` (a 404 of the router). */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }
}
