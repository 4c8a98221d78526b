/**
 * `npm run crash`: the longer crash suite (issue 15). CRASH_ROUNDS rounds (default 20) of a mixed load on the
 * all-in-one app killed with SIGKILL at a seeded random moment, restarted and checked (see scripts/crash-rounds.ts).
 * Round n uses seed CRASH_SEED + n (CRASH_SEED defaults to one drawn now and printed), so a failing round is
 * replayed with CRASH_SEED=<its seed> CRASH_ROUNDS=1 (CRASH_VERBOSE=1 prints each resent request's answer). Exits 1
 * when a round found a missing or half-applied write, or a resent request answering unlike its first.
 * Then the dunning rounds (scripts/crash-dunning.ts): killed on a day when many accounts take a dunning step, each step
 * found once (CRASH_SKIP_DUNNING=1 leaves them out; CRASH_DUNNING_ACCOUNTS, CRASH_DUNNING_FAULTS).
 */
import { formatRound, RoundResult, runRound, summarize } from './crash-rounds';
import { dunningFaults, formatDunningCrash, runDunningCrash } from './crash-dunning';

async function main(): Promise<void> {
  const rounds = Number(process.env.CRASH_ROUNDS ?? 20);
  const firstSeed = process.env.CRASH_SEED !== undefined ? Number(process.env.CRASH_SEED) : Math.floor(Math.random() * 1_000_000);
  if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(firstSeed)) throw new Error('CRASH_ROUNDS must be a whole number from 1 and CRASH_SEED a whole number');
  console.log(`crash suite: ${rounds} round(s), seeds ${firstSeed}..${firstSeed + rounds - 1} (replay one with CRASH_SEED=<seed> CRASH_ROUNDS=1)`);
  const started = Date.now();
  const results: RoundResult[] = [];
  for (let n = 0; n < rounds; n++) {
    const result = await runRound({ seed: firstSeed + n, log: process.env.CRASH_VERBOSE ? (line) => console.log(`  ${line}`) : undefined });
    results.push(result);
    console.log(formatRound(result));
    for (const failure of result.failures) console.log(`  FAILURE ${failure}`);
  }
  const total = summarize(results);
  console.log(
    `total: ${total.rounds} rounds, ${total.kills} kills with requests in flight (${total.inFlightAtKill} requests in flight in all), ` +
      `${total.acknowledged} requests acknowledged, acknowledged writes checked ${total.writesChecked}, found ${total.writesFound}; ` +
      `in-flight requests retried ${total.retriedCompleted}/${total.retried} completed, acknowledged requests replayed ${total.replayedSame}/${total.replayed} alike; ` +
      `${total.failures.length} failure(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (total.failures.length > 0) process.exitCode = 1;
  // Then the dunning rounds (scripts/crash-dunning.ts): a kill -9 on a day when CRASH_DUNNING_ACCOUNTS (2,000) accounts
  // take a dunning step, each kind of kill CRASH_DUNNING_FAULTS names (default gateway,dunning,timers); CRASH_SKIP_DUNNING=1 leaves them out.
  if (process.env.CRASH_SKIP_DUNNING !== '1') {
    for (const fault of dunningFaults()) {
      const result = await runDunningCrash({ fault, accounts: Number(process.env.CRASH_DUNNING_ACCOUNTS ?? 2000), log: process.env.CRASH_VERBOSE ? (line) => console.log(`  ${line}`) : undefined });
      console.log(formatDunningCrash(result));
      for (const failure of result.failures) console.log(`  FAILURE ${failure}`);
      if (result.failures.length > 0) process.exitCode = 1;
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
