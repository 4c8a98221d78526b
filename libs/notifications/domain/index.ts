export * from './catalog';
export * from './webhook-url';
export * from './webhook-endpoint.decider';
export * from './webhook-delivery.decider';
export * from './email-templates';
export * from './email.decider';
export * from './notification-settings';
