import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CONTEXTS } from './contexts';

/**
 * The CommandBus with every context's command handlers and what they inject: imported by each app that
 * issues commands (the command API for HTTP, the worker for process managers and timers), once per process.
 */
@Module({
  imports: [CqrsModule.forRoot()],
  providers: CONTEXTS.flatMap((context) => [...(context.commandHandlers ?? []), ...(context.providers ?? [])]),
  exports: [CqrsModule],
})
export class CommandHandlersModule {}
