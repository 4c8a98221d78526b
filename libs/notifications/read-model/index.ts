import { Projector } from '../../platform/projection-runner/projector';
import { webhookDeliveriesProjection, webhookEndpointsProjection } from './webhooks.projection';
import { emailsProjection, emailTemplatesProjection, notificationSettingsProjection } from './emails.projection';

/** This context's read models, in order: the manifest lists them, and the projector thread loads this module alone. */
export const projectors: Projector[] = [webhookEndpointsProjection, webhookDeliveriesProjection, emailTemplatesProjection, emailsProjection, notificationSettingsProjection];

export { WEBHOOK_DELIVERIES, WEBHOOK_ENDPOINTS, WebhookDeliveryDoc, WebhookEndpointDoc, webhookDeliveriesProjection, webhookEndpointsProjection } from './webhooks.projection';
export {
  EMAIL_TEMPLATES,
  EMAILS,
  EmailDoc,
  EmailTemplateDoc,
  emailsProjection,
  emailTemplatesProjection,
  NOTIFICATION_SETTINGS,
  NotificationSettingsDoc,
  notificationSettingsProjection,
} from './emails.projection';
