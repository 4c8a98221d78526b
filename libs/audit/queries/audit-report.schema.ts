/** The audit report's shape and an example, for the OpenAPI document (libs/platform/audit/audit.ts has the type). */
const EVENT_REF = { type: 'object', properties: { position: { type: 'integer' }, id: { type: 'string' }, type: { type: 'string' }, stream: { type: 'string' }, businessDate: { type: 'string' } } };

export const AUDIT_REPORT_SCHEMA = {
  type: 'object',
  properties: {
    tenantId: { type: 'string' },
    position: { type: 'integer', description: 'Audited through this log position (every projector had reached it)' },
    events: { type: 'integer' },
    documents: { type: 'integer' },
    skipped: { type: 'integer', description: 'Stored documents written after the audited position: not compared' },
    millis: { type: 'integer' },
    replayMillis: { type: 'integer' },
    eventsPerSecond: { type: 'integer' },
    differences: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          collection: { type: 'string' },
          id: { type: 'string' },
          kind: { type: 'string', enum: ['missing', 'unexpected', 'changed'] },
          fields: { type: 'array', items: { type: 'string' } },
          stored: { type: 'object', nullable: true, additionalProperties: true },
          recomputed: { type: 'object', nullable: true, additionalProperties: true },
          events: { type: 'array', items: EVENT_REF },
        },
      },
    },
    truncated: { type: 'boolean' },
    chain: {
      type: 'object',
      properties: {
        links: { type: 'integer' },
        head: { type: 'string' },
        breaks: {
          type: 'array',
          items: {
            type: 'object',
            properties: { seq: { type: 'integer' }, position: { type: 'integer', nullable: true }, kept: { type: 'string', nullable: true }, recomputed: { type: 'string', nullable: true }, event: { ...EVENT_REF, nullable: true } },
          },
        },
      },
    },
    ok: { type: 'boolean' },
  },
};

export const AUDIT_REPORT_EXAMPLE = {
  tenantId: '6f1c2d9e-1d7b-5b8e-9a51-0c3f2b7d4e10',
  position: 1482,
  events: 311,
  documents: 287,
  skipped: 0,
  millis: 412,
  replayMillis: 301,
  eventsPerSecond: 755,
  differences: [
    {
      collection: 'invoices',
      id: 'cc05ad1b-ba04-54e0-aa80-2420f3416958',
      kind: 'changed',
      fields: ['total'],
      stored: { total: 1 },
      recomputed: { total: 10000 },
      events: [{ position: 57, id: 'c4b1…:0', type: 'PlanInstanceBilled', stream: 'planInstance-…', businessDate: '2024-01-01' }],
    },
  ],
  truncated: false,
  chain: { links: 311, head: '9d4e…', breaks: [] },
  ok: false,
};
