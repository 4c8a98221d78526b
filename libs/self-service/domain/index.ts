export * from './input';
export * from './customer-user.decider';
