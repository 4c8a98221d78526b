import { PriceOverridesCommandController } from './price-overrides.command-controller';
import { SetPriceOverrideHandler } from './set-price-override';

/** Special pricing's write side, for CommandApiModule. */
export const PRICING_COMMAND_CONTROLLERS = [PriceOverridesCommandController];
export const PRICING_COMMAND_HANDLERS = [SetPriceOverrideHandler];
