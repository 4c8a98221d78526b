import { CombinedPositions, PositionSource, ReportedPositions } from './position-source';

describe('ReportedPositions', () => {
  it('moves forward only, knows only its names, and answers waiters when reached', async () => {
    const positions = new ReportedPositions(['a', 'b']);
    expect(positions.position()).toBe(0);
    const waiting = positions.waitFor(5, 1_000, ['a', 'b']);
    positions.report({ a: 5, b: 4, unknown: 9 });
    positions.report({ a: 3 }); // late report: ignored
    expect(positions.positions()).toEqual({ a: 5, b: 4 });
    expect(positions.position(['a'])).toBe(5);
    expect(positions.position(['unknown'])).toBe(Infinity);
    positions.report({ b: 6 });
    await expect(waiting).resolves.toBe(true);
    expect(positions.position()).toBe(5);
  });

  it('times out with false, and answers waiters at once when closed', async () => {
    const positions = new ReportedPositions(['a']);
    await expect(positions.waitFor(1, 10)).resolves.toBe(false);
    const waiting = positions.waitFor(1, 60_000);
    positions.close();
    await expect(waiting).resolves.toBe(false);
  });
});

describe('CombinedPositions', () => {
  it('is the lowest of its sources, each asked about the names it knows', async () => {
    const local = new ReportedPositions(['pm']);
    const remote = new ReportedPositions(['p1', 'p2']);
    const combined: PositionSource = new CombinedPositions([local, remote]);
    expect(combined.names).toEqual(['pm', 'p1', 'p2']);
    local.report({ pm: 7 });
    remote.report({ p1: 7, p2: 3 });
    expect(combined.position()).toBe(3);
    expect(combined.position(['pm', 'p1'])).toBe(7);
    await expect(combined.waitFor(7, 1_000, ['pm', 'p1'])).resolves.toBe(true);
    const all = combined.waitFor(7, 1_000);
    remote.report({ p2: 8 });
    await expect(all).resolves.toBe(true);
    await expect(combined.waitFor(9, 10)).resolves.toBe(false);
  });
});

describe('changes reported (what keeps caches of read models current)', () => {
  it('tells the consumers that changed before it answers the waiters, through CombinedPositions too', async () => {
    const remote = new ReportedPositions(['tenants', 'accounts']);
    const combined = new CombinedPositions([new ReportedPositions(['pm']), remote]);
    const heard: string[] = [];
    const stop = combined.onChange((name) => heard.push(name));
    const waiting = remote.waitFor(4, 1_000).then((reached) => heard.push(`reached ${reached}`));
    remote.report({ tenants: 4, accounts: 4 }, ['tenants']);
    await waiting;
    expect(heard).toEqual(['tenants', 'reached true']);
    stop();
    remote.report({ tenants: 5 }, ['tenants']);
    expect(heard).toEqual(['tenants', 'reached true']);
  });
});
