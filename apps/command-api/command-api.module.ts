import { Module } from '@nestjs/common';
import { CommandGateway } from '../../libs/platform/app/command-gateway';
import { CommandHandlersModule } from '../command-handlers.module';
import { CONTEXTS } from '../contexts';

/** Writes: every context's write routes; they validate DTOs and send commands through the CommandBus. */
@Module({
  imports: [CommandHandlersModule],
  controllers: CONTEXTS.flatMap((context) => context.commandControllers ?? []),
  providers: [CommandGateway],
})
export class CommandApiModule {}
