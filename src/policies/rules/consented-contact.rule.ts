import { rule } from 'graphql-shield';
import type { Customer } from '../../entities';
import type { ContactChannel } from '../../entities/customers/customers.enums';
import type { Role } from '../../entities/access/access.enums';
import type { PolicyContext } from '../policy-context';

/**
 * Contact fields: roles in `always` read them for every customer; `consented` roles (MARKETING) only
 * for customers who granted marketing consent on one of `channels` and are not on 勿扰. Reads the
 * parent, so never cached beyond the single call; consents come batched from a loader.
 */
export const consentedContactRule = (
  always: readonly Role[],
  consented: readonly Role[],
  channels: readonly ContactChannel[],
) =>
  rule({ cache: 'no_cache' })(async (parent: Customer, _args, context: PolicyContext) => {
    const viewer = context.viewer;
    if (!viewer) return false;
    if (always.includes(viewer.role)) return true;
    if (!consented.includes(viewer.role) || parent.doNotContact) return false;
    const consents = await context.loaders.contactConsents.load(parent.id);
    return consents.some((consent) => consent.granted && channels.includes(consent.channel));
  });
