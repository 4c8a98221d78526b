import 'reflect-metadata';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppConfig, loadConfig } from '../libs/platform/config/config';
import { CoreModule, CoreOptions } from './core.module';
import { createHttpApp } from '../libs/platform/http/app-factory';
import { createLogger } from '../libs/platform/logging/logger';
import { markRunning } from '../libs/platform/config/running-processes';
import { AdminKey } from '../libs/tenancy';

@Module({})
class RootModule {}

/** Composes the core with an app's modules; used by every entry point and by the HTTP tests. */
export async function createApp(
  name: string,
  modules: Array<Type | DynamicModule>,
  options: Omit<CoreOptions, 'logger'> & { logger?: Logger },
): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createLogger(options.config.logLevel);
  const root: DynamicModule = {
    module: RootModule,
    imports: [CoreModule.forRoot({ ...options, logger }), ...modules],
  };
  return createHttpApp(root, logger.child({ app: name }), `Billing API (${name})`);
}

export async function bootstrap(name: string, modules: Array<Type | DynamicModule>): Promise<void> {
  let config: AppConfig;
  let logger: Logger;
  try {
    logger = createLogger();
  } catch (error) {
    process.stderr.write(`invalid configuration: ${(error as Error).message}\n`);
    process.exit(2);
  }
  try {
    config = loadConfig();
  } catch (error) {
    logger.fatal({ err: error }, 'invalid configuration');
    process.exit(2);
  }
  try {
    const app = await createApp(name, modules, { config, logger });
    await app.listen({ port: config.port, host: config.host });
    // Offline tools (npm run rebuild) refuse to run while this process serves the embedded stores' folder.
    if (config.eventStore === 'sqlite' || config.readStore === 'sqlite') markRunning(config.dataDir, name);
    // Only now, with the server up, is a generated admin key recorded and printed (it is never shown again).
    await app.get(AdminKey).announce();
    logger.info(
      { app: name, port: config.port, dataDir: config.dataDir, eventStore: config.eventStore, readStore: config.readStore },
      `listening on http://localhost:${config.port} (API docs at /docs)`,
    );
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
}
