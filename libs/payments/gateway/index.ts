import { join } from 'node:path';
import { SandboxGateway } from './sandbox-gateway';

/** The payment-gateway port and its default adapter, for the payments application layer to wire. */
export * from './payment-gateway.port';
export { SANDBOX_TOKENS, SandboxCharge, SandboxGateway, SandboxGatewayOptions, SandboxRefund, SandboxToken, isSandboxToken } from './sandbox-gateway';

/** The sandbox gateway's books in the data folder, beside the event store. */
export const SANDBOX_GATEWAY_FILE = 'sandbox-gateway.sqlite';

export function createSandboxGateway(dataDir: string): SandboxGateway {
  return new SandboxGateway({ file: join(dataDir, SANDBOX_GATEWAY_FILE) });
}
