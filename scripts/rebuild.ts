/**
 * `npm run rebuild`: drops every read model and replays the whole log into it. Stop the worker (or the
 * all-in-one process) first: projectors must not run while their documents are rebuilt.
 */
import { loadConfig } from '../libs/platform/config/config';
import { eventStoreConfig, readStoreConfig } from '../apps/core.module';
import { createEventStore } from '../libs/platform/event-store';
import { createReadStore } from '../libs/platform/read-store';
import { rebuildProjections } from '../libs/platform/projection-runner/rebuild';
import { allProjectors } from '../apps/contexts';

async function main(): Promise<void> {
  const config = loadConfig();
  const events = createEventStore(eventStoreConfig(config));
  const store = createReadStore(readStoreConfig(config));
  try {
    const report = await rebuildProjections(events, store, allProjectors, () => Date.now());
    const rate = report.millis > 0 ? Math.round((report.events * 1000) / report.millis) : report.events;
    console.log(
      `rebuilt ${allProjectors.map((p) => p.name).join(', ')} from ${report.events} events ` +
        `(log position ${report.position}) in ${report.millis} ms: ${rate} events/s`,
    );
  } finally {
    await events.close();
    await store.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
