import { InvalidInputError } from '../../shared-kernel/errors';
import { DEFAULT_TENANT_SETTINGS, settingsChanges, validSettings } from './tenant-settings';

/** Issue 23: settings.billDateReset (seed 003's company-wide bill-date reset rule; decision 0022). */
describe('settings.billDateReset', () => {
  it('is absent by default (read as "keep"): setting "keep" is no change, "reset" is one', () => {
    expect(DEFAULT_TENANT_SETTINGS.billDateReset).toBeUndefined();
    expect(settingsChanges(DEFAULT_TENANT_SETTINGS, { billDateReset: 'keep' })).toEqual({});
    expect(settingsChanges(DEFAULT_TENANT_SETTINGS, { billDateReset: 'reset' })).toEqual({ billDateReset: 'reset' });
    expect(settingsChanges({ ...DEFAULT_TENANT_SETTINGS, billDateReset: 'reset' }, { billDateReset: 'keep' })).toEqual({ billDateReset: 'keep' });
  });

  it.each(['always', true, null, 1])('%j is refused naming the field and the rule', (value) => {
    expect(() => settingsChanges(DEFAULT_TENANT_SETTINGS, { billDateReset: value })).toThrow(InvalidInputError);
    try {
      settingsChanges(DEFAULT_TENANT_SETTINGS, { billDateReset: value });
    } catch (error) {
      expect((error as InvalidInputError).details).toEqual([expect.objectContaining({ field: 'billDateReset', rule: 'oneOf' })]);
    }
  });

  it('is checked at creation too, and may be left out', () => {
    expect(validSettings({ ...DEFAULT_TENANT_SETTINGS, billDateReset: 'reset' }).billDateReset).toBe('reset');
    expect(validSettings(DEFAULT_TENANT_SETTINGS).billDateReset).toBeUndefined();
    expect(() => validSettings({ ...DEFAULT_TENANT_SETTINGS, billDateReset: 'later' as never })).toThrow(/settings.billDateReset must be one of keep, reset/);
  });
});
