export { Account } from './account.decider';
export { ChargeClass, PaymentResponsibility } from './payment-responsibility';
