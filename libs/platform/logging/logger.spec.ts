import pino from 'pino';
import { isoTime, logFormatOf } from './logger';

describe('log format (LOG_FORMAT)', () => {
  it('is pretty at a terminal and JSON elsewhere, unless given', () => {
    expect(logFormatOf(undefined, true)).toBe('pretty');
    expect(logFormatOf(undefined, false)).toBe('json');
    expect(logFormatOf('', false)).toBe('json');
    expect(logFormatOf('json', true)).toBe('json');
    expect(logFormatOf('pretty', false)).toBe('pretty');
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => logFormatOf('text', false)).toThrow('LOG_FORMAT must be json or pretty (got "text")');
  });
});

describe('log time', () => {
  afterEach(() => jest.restoreAllMocks());

  it("is pino's isoTime text, made again whenever the millisecond changes (backwards too)", () => {
    const now = jest.spyOn(Date, 'now');
    for (const ms of [1_796_670_000_000, 1_796_670_000_000, 1_796_670_000_001, 1_796_669_999_999]) {
      now.mockReturnValue(ms);
      expect(isoTime()).toBe(pino.stdTimeFunctions.isoTime());
      expect(isoTime()).toBe(`,"time":"${new Date(ms).toISOString()}"`);
    }
  });
});
