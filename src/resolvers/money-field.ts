import type { AppContext } from '../server/context';
import { money, type Money } from '../schema/money.type';

/** A Money field in the organization's currency (loaded once per request). */
export async function inCurrency(context: AppContext, minorUnits: number): Promise<Money> {
  return money(minorUnits, (await context.loaders.organization()).currency);
}
