/**
 * `npm run audit` (decision 0020, README "Audit"): the recompute-everything audit and the tenant log export.
 *
 *   npm run audit                                   every tenant: replay, compare, check the hash chain; exit 1 on any difference
 *   npm run audit -- <tenantId> [...] [--json]      those tenants (--json: the whole report, every difference with its events)
 *   npm run audit -- --export <tenantId> --out <file>   the tenant's log with its chain as NDJSON (without --out: stdout)
 *
 * Read-only: it may run beside the apps (it audits through the position every projector has reached). With `--export`
 * to stdout use `npm run -s audit -- …` and mind that the build step may print a line first; `--out` writes only the NDJSON.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { loadConfig } from '../libs/platform/config/config';
import { eventStoreConfig, readStoreConfig } from '../apps/core.module';
import { createEventStore } from '../libs/platform/event-store';
import { EventStore } from '../libs/platform/event-store/event-store.port';
import { createReadStore } from '../libs/platform/read-store';
import { ReadStore, SYSTEM_TENANT } from '../libs/platform/read-store/read-store.port';
import { findEach } from '../libs/platform/read-store/find-all';
import { auditTenant, AuditReport } from '../libs/platform/audit/audit';
import { exportTenant } from '../libs/platform/audit/export';
import { allProjectors } from '../apps/contexts';

/** The tenants' collection (tenancy's read model), read by name: the audit lists every tenant. */
const TENANTS = 'tenants';

async function main(argv: string[]): Promise<number> {
  const config = loadConfig();
  const events = createEventStore(eventStoreConfig(config));
  const store = createReadStore({ ...readStoreConfig(config), walCheckpoints: 'commit' });
  try {
    await store.ensureCollections(allProjectors.flatMap((projector) => projector.collections));
    const exportAt = argv.indexOf('--export');
    if (exportAt >= 0) {
      const tenantId = argv[exportAt + 1];
      if (!tenantId) throw new Error('--export needs a tenant id: npm run audit -- --export <tenantId> [--out <file>]');
      const outAt = argv.indexOf('--out');
      return await exportTo(events, tenantId, outAt >= 0 ? argv[outAt + 1] : undefined);
    }
    const json = argv.includes('--json');
    const named = argv.filter((arg) => !arg.startsWith('--'));
    const tenants = named.length > 0 ? named : await allTenants(store);
    let ok = true;
    const reports: AuditReport[] = [];
    for (const tenantId of tenants) {
      const report = await auditTenant({ events, live: store, projectors: allProjectors, tenantId });
      reports.push(report);
      ok &&= report.ok;
      if (!json) console.log(summary(report));
    }
    if (json) console.log(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
    return ok ? 0 : 1;
  } finally {
    await events.close();
    await store.close();
  }
}

async function exportTo(events: EventStore, tenantId: string, file: string | undefined): Promise<number> {
  const out = file ? createWriteStream(file, { mode: 0o600 }) : process.stdout;
  let lines = 0;
  for await (const line of exportTenant(events, tenantId)) {
    lines += 1;
    if (!out.write(line)) await once(out, 'drain');
  }
  if (file) {
    out.end();
    await once(out, 'finish');
  }
  console.error(`exported ${lines} events of ${tenantId}${file ? ` to ${file}` : ''}`);
  return 0;
}

async function allTenants(store: ReadStore): Promise<string[]> {
  const ids: string[] = [];
  for await (const tenant of findEach(store, TENANTS, SYSTEM_TENANT)) ids.push(tenant.id);
  return ids;
}

/** One tenant's result in a few lines: the counts, the chain, each difference with its events. */
export function summary(report: AuditReport): string {
  const lines = [
    `${report.tenantId}: ${report.ok ? 'OK' : 'DIFFERENCES'}: ${report.events} events through position ${report.position} replayed, ` +
      `${report.documents} documents compared (${report.skipped} newer skipped), ${report.differences.length} differences, ` +
      `chain of ${report.chain.links} links ${report.chain.breaks.length === 0 ? 'intact' : `broken at ${report.chain.breaks.length} links`} (head ${report.chain.head}); ` +
      `${report.millis} ms, ${report.eventsPerSecond} events/s`,
  ];
  for (const difference of report.differences) {
    const events = difference.events.map((event) => `${event.type}@${event.position}`).join(', ');
    lines.push(`  ${difference.kind} ${difference.collection}/${difference.id}: ${difference.fields.join(', ')} (events: ${events || 'none'})`);
  }
  for (const chainBreak of report.chain.breaks) {
    lines.push(`  chain break at seq ${chainBreak.seq} (position ${chainBreak.position ?? '?'}${chainBreak.event ? `, ${chainBreak.event.type} ${chainBreak.event.id}` : ', no such event'}): kept ${chainBreak.kept ?? 'none'}, recomputed ${chainBreak.recomputed ?? 'none'}`);
  }
  if (report.truncated) lines.push('  (more differences than reported: use --json, or fix these first)');
  return lines.join('\n');
}

if (require.main === module) {
  main(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(2);
    });
}
