import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { loadAccount } from '../../accounts';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { NotFoundError } from '../../shared-kernel/errors';
import { assertValidId } from '../../shared-kernel/ids';
import { TenantView } from '../../tenancy/domain';
import { IssueCreditMemo, WriteOffInvoice } from '../domain';
import { invoicePayer, invoiceTaxShares } from './payment-lookup';
import { decideReceivables, newId } from './receivables-command';
import { creditMemoResponse, CreditMemoResponse, WriteOffResponse } from './receivables-responses';

const PAYER = 'With split billing, whose share of the invoice (an account that owes part of it); default: the invoiced account, or the only payer';

export class CreditMemoDto {
  @ApiPropertyOptional({ description: 'Your own id for the credit memo; else derived from the Idempotency-Key, else generated' })
  @IsOptional()
  id?: unknown;

  @ApiProperty({ example: 1500, description: "Minor units from 1; on an invoice at most the share's balance" })
  @IsOptional()
  amount: unknown;

  @ApiProperty({ example: 'service outage 3-5 March', description: 'Why (at most 500 characters)' })
  @IsOptional()
  reason: unknown;

  @ApiPropertyOptional({ description: `On an invoice only. ${PAYER}` })
  @IsOptional()
  accountId?: unknown;

  @ApiPropertyOptional({ default: true, description: 'false: a preview (200), nothing written' })
  @IsOptional()
  @IsBoolean()
  doWrite?: boolean;
}

export class WriteOffDto {
  @ApiPropertyOptional({ description: 'Your own id for the write-off; else derived from the Idempotency-Key, else generated' })
  @IsOptional()
  id?: unknown;

  @ApiPropertyOptional({ example: 3500, description: "Minor units from 1, at most the share's balance; default: the whole balance" })
  @IsOptional()
  amount?: unknown;

  @ApiProperty({ example: 'uncollectible', description: 'Why (at most 500 characters)' })
  @IsOptional()
  reason: unknown;

  @ApiPropertyOptional({ description: PAYER })
  @IsOptional()
  accountId?: unknown;

  @ApiPropertyOptional({ default: true, description: 'false: a preview (200), nothing written' })
  @IsOptional()
  @IsBoolean()
  doWrite?: boolean;
}

/** A credit memo on an invoice's share (reduces its balance) or on an account (applied to what it owes, the rest is credit). */
export class IssueCreditMemoCommand extends Command<{ tenant: TenantView; on: { invoiceId: string } | { accountId: string }; input: CreditMemoDto }> {}

/** Writes off part or all of an invoice share's balance. */
export class WriteOffInvoiceCommand extends Command<{ tenantId: string; invoiceId: string; input: WriteOffDto }> {}

@CommandHandler(IssueCreditMemoCommand)
export class IssueCreditMemoHandler implements ICommandHandler<IssueCreditMemoCommand, CommandOutcome<CreditMemoResponse>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async execute({ data: { tenant, on, input }, context }: IssueCreditMemoCommand): Promise<CommandOutcome<CreditMemoResponse>> {
    const { id, doWrite, accountId: named, amount, reason } = input;
    const invoiceId = 'invoiceId' in on ? on.invoiceId : null;
    const { accountId, invoice } =
      invoiceId !== null
        ? await invoicePayer(this.store, tenant.id, invoiceId, named)
        : { accountId: await this.existingAccount(tenant.id, (on as { accountId: string }).accountId), invoice: null };
    const account = await loadAccount(this.events, tenant.id, accountId);
    const creditMemoId = newId('creditMemo', id, context);
    const command = {
      type: 'IssueCreditMemo',
      data: {
        accountId,
        creditMemoId,
        amount,
        currency: account?.currency ?? null,
        reason,
        actor: context.actor,
        invoiceId,
        applicationMethod: tenant.settings.paymentApplicationMethod,
        // Read before the decider runs, so a preview and its commit split the same tax (decision 0024).
        invoiceTax: invoiceId !== null ? invoiceTaxShares(invoice, accountId) : null,
        businessDate: context.businessDate,
      },
    } as IssueCreditMemo;
    const decided = await decideReceivables(this.runner, tenant.id, accountId, command, context, doWrite);
    const memo = decided.state.creditMemos.get(creditMemoId)!;
    return { body: creditMemoResponse(memo), position: decided.position };
  }

  private async existingAccount(tenantId: string, accountId: string): Promise<string> {
    assertValidId(accountId, 'accountId');
    if (!(await loadAccount(this.events, tenantId, accountId))) throw new NotFoundError('Account', accountId);
    return accountId;
  }
}

@CommandHandler(WriteOffInvoiceCommand)
export class WriteOffInvoiceHandler implements ICommandHandler<WriteOffInvoiceCommand, CommandOutcome<WriteOffResponse>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async execute({ data: { tenantId, invoiceId, input }, context }: WriteOffInvoiceCommand): Promise<CommandOutcome<WriteOffResponse>> {
    const { id, doWrite, accountId: named, amount, reason } = input;
    const { accountId } = await invoicePayer(this.store, tenantId, invoiceId, named);
    const writeOffId = newId('writeOff', id, context);
    const command = {
      type: 'WriteOffInvoice',
      data: { accountId, writeOffId, invoiceId, ...(amount !== undefined ? { amount } : {}), reason, actor: context.actor, businessDate: context.businessDate },
    } as WriteOffInvoice;
    const decided = await decideReceivables(this.runner, tenantId, accountId, command, context, doWrite);
    const writeOff = decided.state.writeOffs.get(writeOffId)!;
    return { body: { id: writeOffId, accountId, invoiceId, amount: writeOff.amount, reason: writeOff.reason, actor: writeOff.actor }, position: decided.position };
  }
}
