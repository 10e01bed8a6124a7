import type { AppContext } from './context';
import { money, type Money } from '../schema/money.type';

/** A Money field in the organization's currency (loaded once per request; no promise once known). */
export function inCurrency(context: AppContext, minorUnits: number): Money | Promise<Money> {
  const known = context.loaders.organizationNow();
  if (known) return money(minorUnits, known.currency);
  return context.loaders.organization().then((organization) => money(minorUnits, organization.currency));
}
