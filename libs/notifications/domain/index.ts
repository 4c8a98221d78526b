export * from './catalog';
export * from './webhook-url';
export * from './webhook-endpoint.decider';
export * from './webhook-delivery.decider';
