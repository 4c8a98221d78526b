import { BoundedContext } from '../platform/app/bounded-context';
import { AppConfig, APP_CONFIG } from '../platform/config/config';
import { CUSTOMER_SESSIONS } from '../platform/http/customer-access';
import { CreateCustomerUserHandler } from './commands/customer-users';
import { PasswordEmails } from './commands/password-emails';
import { ChangePasswordHandler, ConfirmPasswordResetHandler, RequestPasswordResetHandler } from './commands/passwords';
import { SelfServiceCommandController } from './commands/self-service.command-controller';
import { SignInHandler, SignInLimiter, signInLimiterFrom, SignOutHandler } from './commands/sessions';
import { SelfServiceQueryController } from './queries/self-service.query-controller';
import { PortalController } from './portal';
import { projectors } from './read-model';
import { PasswordHasher, scryptParameters } from './security/passwords';
import { SelfServiceSessions } from './sessions/customer-session-authenticator';

/**
 * Self-service (issue 20; DOMAIN.md §11): customer users of accounts, their passwords, sign-in to sessions with
 * expiry, idle timeout and sign-out, password resets by emailed single-use links, and the session validation the
 * guard uses for `cs_` tokens (CUSTOMER_SESSIONS).
 */
export const selfServiceContext: BoundedContext = {
  name: 'self-service',
  commandControllers: [SelfServiceCommandController],
  // The portal's page and files: read routes, so the query API (and all-in-one) serves them, once.
  queryControllers: [SelfServiceQueryController, PortalController],
  commandHandlers: [CreateCustomerUserHandler, SignInHandler, SignOutHandler, RequestPasswordResetHandler, ConfirmPasswordResetHandler, ChangePasswordHandler],
  providers: [
    { provide: PasswordHasher, useFactory: (config: AppConfig) => new PasswordHasher(scryptParameters(config.scryptLog2N)).prepare(), inject: [APP_CONFIG] },
    { provide: SignInLimiter, useFactory: signInLimiterFrom, inject: [APP_CONFIG] },
    PasswordEmails,
  ],
  // The guard's session validation, in every app; it injects only the core (stores, clock, ReadYourWrites,
  // DeciderRunner, TenantDirectory, config, logger).
  coreProviders: [{ provide: CUSTOMER_SESSIONS, useClass: SelfServiceSessions }],
  projectors,
  projectorsModule: require.resolve('./read-model'),
};

export { SelfServiceSessions } from './sessions/customer-session-authenticator';
