/**
 * `npm run rebuild`: drops every read model and replays the whole log into it. Projectors must not run while their
 * documents are rebuilt, so it refuses to start while an app serves the same data folder (embedded stores; stop the
 * worker or the all-in-one process first). Shows its progress: a bar at a terminal, a line every few seconds otherwise.
 */
import { loadConfig } from '../libs/platform/config/config';
import { runningProcesses } from '../libs/platform/config/running-processes';
import { eventStoreConfig, readStoreConfig } from '../apps/core.module';
import { createEventStore } from '../libs/platform/event-store';
import { createReadStore } from '../libs/platform/read-store';
import { RebuildProgress, rebuildProjections } from '../libs/platform/projection-runner/rebuild';
import { allProjectors } from '../apps/contexts';

const LINE_EVERY_MS = 5000;

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.eventStore === 'sqlite' || config.readStore === 'sqlite') {
    const running = runningProcesses(config.dataDir);
    if (running.length > 0) {
      const which = running.map(({ app, pid }) => `${app} (pid ${pid})`).join(', ');
      console.error(`refusing to rebuild: ${which} serves ${config.dataDir}. Stop it first: a rebuild drops the read models it writes.`);
      process.exit(1);
    }
  }
  const events = createEventStore(eventStoreConfig(config));
  const store = createReadStore(readStoreConfig(config));
  try {
    const report = await rebuildProjections(events, store, allProjectors, () => Date.now(), 10_000, progressPrinter(process.stdout.isTTY === true));
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

/** At a terminal a bar redrawn in place; elsewhere (a log, CI) a line every LINE_EVERY_MS. */
export function progressPrinter(terminal: boolean, write = (text: string) => process.stdout.write(text)): RebuildProgress {
  let lastLine = 0;
  return (progress) => {
    if (!terminal && progress.millis - lastLine < LINE_EVERY_MS && progress.position < progress.head) return;
    lastLine = progress.millis;
    const line = progressLine(progress);
    write(terminal ? `\r${line}${progress.position >= progress.head ? '\n' : ''}` : `${line}\n`);
  };
}

/** `[#########...........]  45%  123,456 events  80,123 events/s  about 2 s left` */
export function progressLine({ position, head, events, millis }: Parameters<RebuildProgress>[0]): string {
  const share = head > 0 ? Math.min(1, position / head) : 1;
  const width = 30;
  const filled = Math.round(share * width);
  const rate = millis > 0 ? (events * 1000) / millis : 0;
  const left = rate > 0 ? Math.ceil(((head - position) * (events / Math.max(position, 1))) / rate) : 0;
  const number = (n: number) => Math.round(n).toLocaleString('en-US');
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${number(events)} events  ${number(rate)} events/s  about ${left} s left`;
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
