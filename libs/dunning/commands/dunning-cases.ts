import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { loadAccount } from '../../accounts';
import { ACCOUNTS } from '../../accounts/read-model';
import { defaultPaymentMethod, paymentMethodsDecider, paymentMethodsStream, receivablesDecider, receivablesStream } from '../../payments/domain';
import { INVOICES, InvoiceDoc, PLAN_INSTANCES, PlanInstanceDoc } from '../../plan-instances/read-model';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderOutcome, DeciderRunner, StreamAt, toDomainEvent } from '../../platform/command-pipeline/decider-runner';
import { EVENT_STORE, EventStore, RecordedEvent } from '../../platform/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { Decider, DomainCommand, DomainEvent, fold as foldEvents } from '../../shared-kernel/decider';
import { NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { TenantDirectory } from '../../tenancy';
import { dunningCaseDecider, dunningCaseStream, DunningCaseState } from '../domain/dunning-case.decider';
import { DunningCaseCommand, DunningFacts, ProcessVersion } from '../domain/dunning-case.commands';
import { DunningCaseEvent } from '../domain/dunning-case.events';
import { dunningFacts } from '../domain/facts';
import { DunningDefinitionsCache, dunningProcessVersion, resolveDunningProcess } from '../read-model';
import { ReadYourWrites } from '../../platform/app/read-your-writes';

/** The daily entry check of an account whose recurring invoice became past due (the dunning-entry process manager). */
export class CheckDunningCommand extends Command<{ accountId: string }> {}
/** A step's timer fired. */
export class TakeDunningStepCommand extends Command<{ accountId: string; caseId: string; step: number }> {}
/** The day after money came in for an account in dunning. */
export class ReviewDunningCommand extends Command<{ accountId: string }> {}
/** An operator moves an account's case to a process version (default: the latest of the process it runs). */
export class MigrateDunningCommand extends Command<{ accountId: string; processId?: string; version?: number }> {}
/** An operator ends an account's case. */
export class EndDunningCommand extends Command<{ accountId: string }> {}

function fold<Event extends DomainEvent, State>(decider: Decider<DomainCommand, Event, State>, recorded: RecordedEvent[]): State {
  return foldEvents(decider, recorded.map(toDomainEvent) as Event[]);
}

export interface DunningCaseOutcome {
  accountId: string;
  events: string[];
}

/**
 * What a dunning decision reads: the account's ledger and payment methods from their streams (the truth, never a
 * lagging read model, for money), and from read models what only routes the case: which plan instance billed an
 * invoice, the plan and group it names, the account's channel, country and language.
 */
@Injectable()
export class DunningCases {
  /** Groups and processes from memory where their read models are built in this process (DunningDefinitionsCache). */
  private readonly definitions: DunningDefinitionsCache;

  constructor(
    private readonly runner: DeciderRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly directory: TenantDirectory,
    readYourWrites: ReadYourWrites,
  ) {
    this.definitions = new DunningDefinitionsCache(store, readYourWrites);
  }

  async state(tenantId: string, accountId: string): Promise<DunningCaseState> {
    return (await this.stateAt(tenantId, accountId)).state;
  }

  /** The case with its stream's revision, for `decideFrom`. */
  stateAt(tenantId: string, accountId: string): Promise<StreamAt<DunningCaseState>> {
    return this.runner.stateOf(dunningCaseDecider, dunningCaseStream(tenantId, accountId));
  }

  async facts(tenantId: string, accountId: string, date: string): Promise<DunningFacts> {
    const [ledgerEvents, methodEvents, tenant] = await Promise.all([
      this.runner.readStream(receivablesStream(tenantId, accountId)),
      this.runner.readStream(paymentMethodsStream(tenantId, accountId)),
      this.directory.byId(tenantId),
    ]);
    const electronic = defaultPaymentMethod(fold(paymentMethodsDecider, methodEvents)) !== null;
    const settings = tenant?.settings;
    // DOMAIN.md §9: the minimum collection threshold for electronic methods, the net-terms threshold balance otherwise.
    const threshold = (electronic ? settings?.minimumCollectionThreshold : settings?.netTermsThresholdBalance) ?? 0;
    const facts = dunningFacts(fold(receivablesDecider, ledgerEvents), date, threshold);
    if (!facts.oldestPastDue) return facts;
    const invoice = await this.store.get<InvoiceDoc>(INVOICES, tenantId, facts.oldestPastDue.invoiceId);
    return { ...facts, oldestPastDue: { ...facts.oldestPastDue, planInstanceId: invoice?.planInstanceId ?? null } };
  }

  /** The latest version of the process that applies to the plan instance (or, for a pool's invoice, to the account alone). */
  async processFor(tenantId: string, accountId: string, planInstanceId: string | null): Promise<ProcessVersion | null> {
    const [instance, account] = await Promise.all([
      planInstanceId ? this.store.get<PlanInstanceDoc>(PLAN_INSTANCES, tenantId, planInstanceId) : null,
      this.store.get<{ channel?: string | null; country?: string | null; language?: string | null }>(ACCOUNTS, tenantId, accountId),
    ]);
    const found = await resolveDunningProcess(this.definitions, tenantId, {
      dunningGroupId: instance?.dunningGroupId ?? null,
      planId: instance?.planId ?? null,
      channel: account?.channel ?? null,
      country: account?.country ?? null,
      language: account?.language ?? null,
    });
    return found && { processId: found.processId, version: found.version, steps: found.steps };
  }

  async version(tenantId: string, processId: string, version?: number): Promise<ProcessVersion> {
    const found = await dunningProcessVersion(this.store, tenantId, processId, version);
    if (!found) throw new NotFoundError(version === undefined ? 'dunning process' : `version ${version} of dunning process`, processId);
    return { processId: found.processId, version: found.version, steps: found.steps };
  }

  async decide(accountId: string, command: DunningCaseCommand, context: CommandContext): Promise<CommandOutcome<DunningCaseOutcome>> {
    return outcomeOf(accountId, await this.runner.run(dunningCaseDecider, dunningCaseStream(context.tenantId, accountId), command, context));
  }

  /**
   * `decide` from the case the handler just read (`stateAt`), without reading its stream again (DeciderRunner.runFrom).
   * Only for a command whose repeat the handler turns away before deciding: what it writes moves the case past the
   * handler's own check (a step taken moves the next step on, a case started is open), so its id is never among the
   * events of `at`.
   */
  async decideFrom(accountId: string, command: DunningCaseCommand, context: CommandContext, at: StreamAt<DunningCaseState>): Promise<CommandOutcome<DunningCaseOutcome>> {
    return outcomeOf(accountId, await this.runner.runFrom(dunningCaseDecider, dunningCaseStream(context.tenantId, accountId), command, context, at));
  }
}

function outcomeOf(accountId: string, outcome: DeciderOutcome<DunningCaseState, DunningCaseEvent>): CommandOutcome<DunningCaseOutcome> {
  return { body: { accountId, events: (outcome.written ?? outcome.events).map((event) => event.type) }, position: outcome.position };
}

@CommandHandler(CheckDunningCommand)
export class CheckDunningHandler implements ICommandHandler<CheckDunningCommand, CommandOutcome<DunningCaseOutcome>> {
  constructor(private readonly cases: DunningCases) {}

  async execute({ data: { accountId }, context }: CheckDunningCommand): Promise<CommandOutcome<DunningCaseOutcome>> {
    const { tenantId, businessDate } = context;
    const at = await this.cases.stateAt(tenantId, accountId);
    if (at.state.open) return { body: { accountId, events: [] }, position: 0 };
    const facts = await this.cases.facts(tenantId, accountId, businessDate);
    const process = facts.oldestPastDue ? await this.cases.processFor(tenantId, accountId, facts.oldestPastDue.planInstanceId) : null;
    return this.cases.decideFrom(accountId, { type: 'CheckDunning', data: { accountId, date: businessDate, facts, process } }, context, at);
  }
}

@CommandHandler(TakeDunningStepCommand)
export class TakeDunningStepHandler implements ICommandHandler<TakeDunningStepCommand, CommandOutcome<DunningCaseOutcome>> {
  constructor(private readonly cases: DunningCases) {}

  async execute({ data: { accountId, caseId, step }, context }: TakeDunningStepCommand): Promise<CommandOutcome<DunningCaseOutcome>> {
    const { tenantId, businessDate } = context;
    const at = await this.cases.stateAt(tenantId, accountId);
    const open = at.state.open;
    if (!open || open.caseId !== caseId || open.nextStep !== step || open.nextStepDate === null || businessDate < open.nextStepDate) return { body: { accountId, events: [] }, position: 0 };
    const facts = await this.cases.facts(tenantId, accountId, businessDate);
    // Today's process for the case's plan instance: another process means the plan was switched.
    const process = await this.cases.processFor(tenantId, accountId, open.planInstanceId);
    return this.cases.decideFrom(accountId, { type: 'TakeDunningStep', data: { accountId, caseId, step, date: businessDate, facts, process } }, context, at);
  }
}

@CommandHandler(ReviewDunningCommand)
export class ReviewDunningHandler implements ICommandHandler<ReviewDunningCommand, CommandOutcome<DunningCaseOutcome>> {
  constructor(private readonly cases: DunningCases) {}

  async execute({ data: { accountId }, context }: ReviewDunningCommand): Promise<CommandOutcome<DunningCaseOutcome>> {
    const { tenantId, businessDate } = context;
    if (!(await this.cases.state(tenantId, accountId)).open) return { body: { accountId, events: [] }, position: 0 };
    const facts = await this.cases.facts(tenantId, accountId, businessDate);
    return this.cases.decide(accountId, { type: 'ReviewDunning', data: { accountId, date: businessDate, facts } }, context);
  }
}

@CommandHandler(MigrateDunningCommand)
export class MigrateDunningHandler implements ICommandHandler<MigrateDunningCommand, CommandOutcome<DunningCaseOutcome>> {
  constructor(
    private readonly cases: DunningCases,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async execute({ data: { accountId, processId, version }, context }: MigrateDunningCommand): Promise<CommandOutcome<DunningCaseOutcome>> {
    const { tenantId, businessDate } = context;
    if (!(await loadAccount(this.events, tenantId, accountId))) throw new NotFoundError('account', accountId);
    const open = (await this.cases.state(tenantId, accountId)).open;
    if (!open) throw new RuleViolationError('the account is not in dunning', [{ field: 'accountId', rule: 'inDunning', message: 'the account is not in dunning' }]);
    const process = await this.cases.version(tenantId, processId ?? open.processId, version);
    return this.cases.decide(accountId, { type: 'MigrateDunning', data: { accountId, date: businessDate, process } }, context);
  }
}

@CommandHandler(EndDunningCommand)
export class EndDunningHandler implements ICommandHandler<EndDunningCommand, CommandOutcome<DunningCaseOutcome>> {
  constructor(
    private readonly cases: DunningCases,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async execute({ data: { accountId }, context }: EndDunningCommand): Promise<CommandOutcome<DunningCaseOutcome>> {
    if (!(await loadAccount(this.events, context.tenantId, accountId))) throw new NotFoundError('account', accountId);
    return this.cases.decide(accountId, { type: 'EndDunning', data: { accountId, date: context.businessDate } }, context);
  }
}
