import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManagerContext } from '../../platform/process-manager-runtime/process-manager';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { INSTALLMENT_SCHEDULES } from '../read-model';
import { installmentRealignmentProcessManager } from './schedule-realignment.process-manager';

const switched: RecordedEvent = {
  type: 'PlanSwitched',
  data: { planInstanceId: 'pi-1', accountId: 'acc' },
  id: 'event-9',
  metadata: { tenantId: 't1', businessDate: '2026-02-10' } as RecordedEvent['metadata'],
  streamName: 's',
  revision: 0,
  position: 9,
  recordedAt: '',
};

describe('installment-realignment process manager', () => {
  it('on PlanSwitched, once the read models passed it: RealignInstallments for each active aligned schedule of the instance', async () => {
    const waited: number[] = [];
    const schedules = [
      { id: 'o1', scheduleType: 'aligned', status: 'active' },
      { id: 'o2', scheduleType: 'aligned', status: 'completed' },
      { id: 'o3', scheduleType: 'independent', status: 'active' },
      { id: 'o4', scheduleType: 'aligned', status: 'active' },
    ];
    const context: ProcessManagerContext = {
      store: {
        find: async (collection: string, tenantId: string, options: { filter: unknown }) => {
          expect([collection, tenantId, options.filter]).toEqual([INSTALLMENT_SCHEDULES, 't1', { planInstanceId: 'pi-1' }]);
          return { items: schedules };
        },
      } as unknown as ReadStore,
      readModelsAt: async (position) => {
        waited.push(position);
      },
    };
    const commands = (await installmentRealignmentProcessManager.react(switched, context)) as PmCommand[];
    expect(waited).toEqual([9]);
    expect(commands).toEqual(
      ['o1', 'o4'].map((scheduleId) => ({ type: 'RealignInstallments', data: { scheduleId, planInstanceId: 'pi-1' }, key: `realign:event-9:${scheduleId}`, lane: 'acc' })),
    );
  });
});
