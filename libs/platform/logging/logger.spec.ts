import { logFormatOf } from './logger';

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
