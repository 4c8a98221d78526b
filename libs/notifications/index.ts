import { BoundedContext } from '../platform/app/bounded-context';
import { AppConfig, APP_CONFIG } from '../platform/config/config';
import { DeliverWebhookCommand, DeliverWebhookHandler, RedeliverWebhooksHandler, RequestWebhookDeliveryCommand, RequestWebhookDeliveryHandler } from './commands/deliveries';
import { ChangeWebhookEndpointHandler, CreateWebhookEndpointHandler } from './commands/webhook-endpoints';
import { WebhooksCommandController } from './commands/webhooks.command-controller';
import { SecretBox } from './delivery/secret-box';
import { WebhookDeliverer } from './delivery/webhook-deliverer';
import { PendingDeliveriesResumer } from './delivery/pending-deliveries';
import { webhookDeliveryProcessManager } from './process-managers/webhook-delivery.process-manager';
import { WebhooksQueryController } from './queries/webhooks.query-controller';
import { projectors } from './read-model';
import { SetEmailTemplateHandler } from './commands/email-templates';
import { SetNotificationSettingsHandler } from './commands/notification-settings';
import { EmailsCommandController } from './commands/emails.command-controller';
import { SendEmailCommand, SendEmailHandler } from './commands/send-email';
import { EmailSender } from './email/email-sender';
import { emailNoticesProcessManager } from './process-managers/email-notices.process-manager';
import { EmailsQueryController } from './queries/emails.query-controller';
import { EventsFeedQueryController } from './queries/events-feed.query-controller';

/** Notifications: the public event catalog, webhook endpoints, signed deliveries from the log with retries, and email notices. */
export const notificationsContext: BoundedContext = {
  name: 'notifications',
  commandControllers: [WebhooksCommandController, EmailsCommandController],
  queryControllers: [WebhooksQueryController, EmailsQueryController, EventsFeedQueryController],
  commandHandlers: [CreateWebhookEndpointHandler, ChangeWebhookEndpointHandler, RequestWebhookDeliveryHandler, DeliverWebhookHandler, RedeliverWebhooksHandler, SetEmailTemplateHandler, SendEmailHandler, SetNotificationSettingsHandler],
  providers: [
    // The key that encrypts signing secrets comes from WEBHOOK_SECRET_KEY or the data folder, never from the stores.
    { provide: SecretBox, useFactory: (config: AppConfig) => SecretBox.fromConfig(config.webhookSecretKey, config.dataDir), inject: [APP_CONFIG] },
    WebhookDeliverer,
    // Where the delivery process manager runs: hands the deliveries a crash left pending back to the deliverer at start-up.
    PendingDeliveriesResumer,
    // Sends queued emails through SMTP_URL off the command path, with back-off.
    EmailSender,
  ],
  projectors,
  projectorsModule: require.resolve('./read-model'),
  processManagers: [webhookDeliveryProcessManager, emailNoticesProcessManager],
  commands: { RequestWebhookDelivery: RequestWebhookDeliveryCommand, DeliverWebhook: DeliverWebhookCommand, SendEmail: SendEmailCommand },
};

export { EVENT_CATALOG } from './domain';
/** Self-service (issue 20) sends its set-password and reset emails with it (`to` the user, notice customerInvite or passwordReset). */
export { SendEmailCommand, SendEmailData } from './commands/send-email';
