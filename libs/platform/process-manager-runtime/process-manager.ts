import { RecordedEvent } from '../event-store/event-store.port';
import { ReadStore } from '../read-store/read-store.port';

/** A command a process manager asks for. `key` names it for idempotency (default: the event and its index). */
export interface PmCommand {
  type: string;
  data: Record<string, unknown>;
  /** Stable name of this command among everything the process manager ever issues for the event. */
  key?: string;
  /** The business date the command applies to (default: the triggering event's). */
  businessDate?: string;
  /**
   * Commands in one lane run one after the other, in the order given; different lanes of the same event
   * may run at the same time (e.g. one lane per timer). Default: one lane for all of the event's commands.
   */
  lane?: string;
}

export interface ProcessManagerContext {
  /** Read models, for questions such as "which timers are due": read only. */
  store: ReadStore;
  /** Resolves once the read models reflect `position` (throws if they do not in time). */
  readModelsAt(position: number): Promise<void>;
}

/**
 * A saga: maps events (business days among them) to commands. The runtime issues the commands with
 * deterministic ids derived from the triggering event, and moves the checkpoint only after they completed,
 * so after a crash the same commands are issued again and the aggregates recognise them as done.
 */
export interface ProcessManager {
  /** Also its checkpoint's name. */
  name: string;
  eventTypes: readonly string[];
  /**
   * The event's commands: an array, or an async iterable (e.g. an async generator reading a read model
   * page by page) when there are too many to hold; the runtime then pulls them a chunk at a time.
   */
  react(event: RecordedEvent, context: ProcessManagerContext): PmCommand[] | Promise<PmCommand[]> | AsyncIterable<PmCommand>;
  /** Lanes run at most this many at a time for this process manager (default: the runtime's). */
  concurrency?: number;
  /**
   * Lanes span the events of a batch: the commands of different events run side by side when their lanes differ,
   * in log order within a lane. For process managers whose events are independent but for their lane (one lane
   * per account, say), so a batch of events shares group commits instead of waiting for each event's commands in
   * turn. Reactions must then be arrays.
   */
  lanesAcrossEvents?: boolean;
}
