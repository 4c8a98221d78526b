import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { loadAccount } from '../../accounts';
import { PLAN_INSTANCES, PlanInstanceDoc } from '../../plan-instances/read-model';
import { HIERARCHY } from '../../accounts/read-model';
import { couponInForce, ratesOfPlace, taxRateTable } from '../../catalog/read-model';
import { CouponTerms } from '../../catalog/domain';
import { TaxFacts } from '../../plan-instances/domain';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { SCHEDULE_RUN } from './schedule-commands';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { ConflictError, NotFoundError } from '../../shared-kernel/errors';
import { assertValidId, deterministicUuid, isValidId } from '../../shared-kernel/ids';
import { TenantView } from '../../tenancy/domain';
import {
  CreateInstallmentSchedule,
  createScheduleCommand,
  installmentScheduleDecider,
  installmentScheduleStream,
  InstallmentTerm,
  OrderItemFacts,
  OrderPlaced,
  OrderPlanInstanceFacts,
  orderDecider,
  orderStream,
  orderView,
  OrderView,
  PlaceOrder,
} from '../domain';
import { installmentTermById, installmentTermOf, itemById } from '../read-model';

const DO_WRITE = 'false: a preview. The answer is what true would answer at this moment (status 200 instead of 201); nothing is written';

export class OrderLineDto {
  @ApiProperty({ example: 'kit', description: 'An item of the catalog (POST /v1/items) in the account\'s currency' })
  itemId: string;

  @ApiProperty({ example: 1, description: 'A whole number from 1 to 100000' })
  quantity: number;
}

export class PlaceOrderDto {
  @ApiPropertyOptional({ description: 'Your own id for the order (1-64 of A-Z a-z 0-9 _ . : -); else derived from the Idempotency-Key, else the account\'s next free one' })
  @IsOptional()
  id?: unknown;

  @ApiProperty({ type: [OrderLineDto], description: '1 to 100 lines' })
  @IsOptional()
  items: unknown;

  @ApiPropertyOptional({ description: 'Pay the total by this installment term (POST /v1/installment-terms)' })
  @IsOptional()
  installmentTermId?: unknown;

  @ApiPropertyOptional({ description: "The account's plan instance the items are tied to; required for an aligned term, whose installments fall on its invoice dates" })
  @IsOptional()
  planInstanceId?: unknown;

  @ApiPropertyOptional({ default: true, description: DO_WRITE })
  @IsOptional()
  @IsBoolean()
  doWrite?: boolean;
}

export class PlaceOrderCommand extends Command<{ tenant: TenantView; accountId: string; input: PlaceOrderDto }> {}

/** Two orders racing for the same generated id: the loser takes the next one. */
const MAX_ID_ATTEMPTS = 5;

/**
 * POST /v1/accounts/{id}/orders. Looks up what the order names (the account from its stream; items, term and plan
 * instance from read models), decides OrderPlaced, then creates the schedule, if any, on its own stream (the
 * order-posting process manager does it again should the process die in between). A preview decides the same and
 * writes nothing.
 */
@CommandHandler(PlaceOrderCommand)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrderCommand, CommandOutcome<OrderView>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async execute({ data: { tenant, accountId, input }, context }: PlaceOrderCommand): Promise<CommandOutcome<OrderView>> {
    const { id, doWrite, items, installmentTermId, planInstanceId } = input;
    if (id !== undefined) assertValidId(id, 'id');
    const account = isValidId(accountId) ? await loadAccount(this.runner, tenant.id, accountId) : null;
    if (!account) throw new NotFoundError('Account', accountId);
    const [catalog, term, planInstance, coupon, tax] = await Promise.all([
      this.itemsNamed(tenant.id, items),
      this.termNamed(tenant.id, installmentTermId),
      this.planInstanceNamed(tenant.id, planInstanceId),
      this.couponOf(tenant.id, accountId),
      taxFactsOf(this.store, tenant.id, account),
    ]);
    for (let attempt = 1; ; attempt++) {
      const generated = id === undefined && context.idempotencyKey === undefined;
      const orderId = id !== undefined ? id : await this.generatedId(tenant.id, accountId, context);
      const command: PlaceOrder = {
        type: 'PlaceOrder',
        data: {
          orderId,
          accountId,
          account: { currency: account.currency, paymentTermsDays: account.paymentTermsDays },
          items,
          installmentTermId,
          planInstanceId,
          catalog,
          term,
          planInstance,
          ...(coupon ? { coupon } : {}),
          ...(tax ? { tax } : {}),
          orderDate: context.businessDate,
          ...(generated ? { newOnly: true } : {}),
        },
      };
      const stream = orderStream(tenant.id, orderId);
      let outcome;
      try {
        outcome = doWrite === false ? await this.runner.preview(orderDecider, stream, command) : await this.runner.run(orderDecider, stream, command, context);
      } catch (error) {
        if (!(error instanceof ConflictError) || !generated || attempt >= MAX_ID_ATTEMPTS) throw error;
        continue;
      }
      const order = placed(outcome.state);
      if (doWrite === false) return { body: orderView(order), position: 0 };
      // Also when the order was already placed (a repeat): a schedule its first request could not create is created now.
      const schedule = createScheduleCommand(order);
      const position = schedule ? Math.max(outcome.position, await createInstallmentSchedule(this.runner, tenant.id, schedule, context)) : outcome.position;
      return { body: orderView(order), position };
    }
  }

  /** The catalog's items among the lines' well-formed item ids (the decider names the rest). */
  private async itemsNamed(tenantId: string, lines: unknown): Promise<OrderItemFacts[]> {
    if (!Array.isArray(lines)) return [];
    const ids = [...new Set(lines.map((line) => (typeof line === 'object' && line !== null ? (line as { itemId?: unknown }).itemId : undefined)).filter(isValidId))].slice(0, 100);
    const docs = await Promise.all(ids.map((itemId) => itemById(this.store, tenantId, itemId)));
    return docs.flatMap((doc) => (doc ? [{ itemId: doc.itemId, name: doc.name, currency: doc.currency, unitPrice: doc.unitPrice, unitAmount: doc.unitAmount, ...(doc.taxCategory ? { taxCategory: doc.taxCategory } : {}) }] : []));
  }

  /** The coupon in force for the account: its own, else its nearest ancestor's (DOMAIN.md §5, §13). */
  private async couponOf(tenantId: string, accountId: string): Promise<CouponTerms | undefined> {
    const placement = await this.store.get<{ ancestors?: string[] }>(HIERARCHY, tenantId, accountId);
    return couponInForce(this.store, tenantId, accountId, placement?.ancestors ?? []);
  }

  private async termNamed(tenantId: string, termId: unknown): Promise<InstallmentTerm | null> {
    if (!isValidId(termId)) return null;
    const doc = await installmentTermById(this.store, tenantId, termId);
    return doc && installmentTermOf(doc);
  }

  private async planInstanceNamed(tenantId: string, planInstanceId: unknown): Promise<OrderPlanInstanceFacts | null> {
    if (!isValidId(planInstanceId)) return null;
    const doc = await this.store.get<PlanInstanceDoc>(PLAN_INSTANCES, tenantId, planInstanceId);
    if (!doc) return null;
    const cancelled = doc.status === 'cancelled';
    return {
      planInstanceId,
      accountId: doc.accountId,
      status: doc.status,
      anchorDate: doc.anchorDate,
      billDay: doc.billDay,
      billingInterval: doc.billingInterval,
      nextBillDate: cancelled ? null : doc.nextBillDate,
      endsOn: doc.cancelledOn ?? (doc.pendingChange?.kind === 'cancel' ? doc.pendingChange.effectiveDate : null),
    };
  }

  /**
   * With an Idempotency-Key the id derives from it, so a repeat after a crash finds its own order. Without one, the
   * id derives from the account and its first free ordinal, so a preview names the order the commit right after it
   * places. Ordinals are taken in turn, so the first free one is found by galloping then halving (a few reads).
   */
  private async generatedId(tenantId: string, accountId: string, context: CommandContext): Promise<string> {
    if (context.idempotencyKey !== undefined) return deterministicUuid(tenantId, 'order', 'key', context.idempotencyKey);
    const candidate = (ordinal: number) => deterministicUuid(tenantId, 'order', accountId, String(ordinal));
    const taken = async (ordinal: number) => (await this.events.readStream(orderStream(tenantId, candidate(ordinal)), { maxCount: 1 })).length > 0;
    let free = 1;
    while (await taken(free)) free *= 2;
    let low = Math.floor(free / 2); // taken (or 0)
    while (free - low > 1) {
      const middle = Math.floor((low + free) / 2);
      if (await taken(middle)) low = middle;
      else free = middle;
    }
    return candidate(free);
  }
}

/**
 * The order's schedule on its own stream (installmentSchedule-<tenant>.<scheduleId>); the order-posting process manager
 * issues the same `CreateInstallmentSchedule` again, which then decides nothing. The position of its events (or of the
 * stream's last, when it already existed).
 */
async function createInstallmentSchedule(runner: DeciderRunner, tenantId: string, command: CreateInstallmentSchedule, context: CommandContext): Promise<number> {
  const outcome = await runner.run(installmentScheduleDecider, installmentScheduleStream(tenantId, command.data.scheduleId), command, context, SCHEDULE_RUN);
  return outcome.position;
}

/**
 * The rates of the account's place (its address's country and region, else its own country), as the
 * tax-calculation port's rate-table adapter answers billing (plan-instances/commands/tax-calculation.port.ts):
 * undefined when no rate of the tenant's table applies there.
 */
async function taxFactsOf(store: ReadStore, tenantId: string, account: { country?: string | null; contact?: { address?: { country?: string; region?: string } }; taxExempt?: boolean }): Promise<TaxFacts | undefined> {
  const address = account.contact?.address;
  const rates = ratesOfPlace(await taxRateTable(store, tenantId), address?.country ?? account.country ?? null, address?.region ?? null);
  if (rates.length === 0) return undefined;
  return { exempt: account.taxExempt === true, rates: rates.map(({ taxRateId, name, percent, taxCategory, inclusive }) => ({ taxRateId, name, percent, taxCategory, inclusive })) };
}

function placed(state: OrderPlaced['data'] | null): OrderPlaced['data'] {
  if (state === null) throw new Error('placing an order succeeded but left none'); // decide guarantees it
  return state;
}
