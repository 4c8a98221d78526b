import { ConfigError, loadConfig } from '../../libs/platform/config/config';
import { projectorsInThread } from './worker.module';

describe('Where the projectors run (PROJECTORS)', () => {
  const config = (env: Record<string, string>) => loadConfig({ MONGODB_URL: 'mongodb://m', KURRENTDB_URL: 'kurrentdb://k', ...env });

  it('a worker thread by default for the all-in-one process on SQLite + SQLite', () => {
    expect(config({}).projectors).toBe('thread');
    expect(projectorsInThread(config({}), true)).toBe(true);
  });

  it('inline when asked, for a worker process alone, and on MongoDB or KurrentDB', () => {
    expect(projectorsInThread(config({ PROJECTORS: 'inline' }), true)).toBe(false);
    expect(projectorsInThread(config({}), false)).toBe(false);
    expect(projectorsInThread(config({ READ_STORE: 'mongodb' }), true)).toBe(false);
    expect(projectorsInThread(config({ EVENT_STORE: 'kurrentdb' }), true)).toBe(false);
  });

  it('refuses another value, naming the setting', () => {
    expect(() => config({ PROJECTORS: 'threads' })).toThrow(ConfigError);
    expect(() => config({ PROJECTORS: 'threads' })).toThrow(/PROJECTORS must be one of thread, inline/);
  });
});
