import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account, LedgerEntry, ServiceItem } from '../../entities';
import { AccountKind, LedgerEntryKind } from '../../entities/membership/membership.enums';
import { BadInputError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import { assertUsable, post } from './ledger';

const DAY = 86_400_000;

/**
 * 核销 one use of a locked punch card for a service, for redeemPunch and checkout alike: the card
 * must be usable and cover the service; the first use starts a validity that counts from it.
 * `fields` name the inputs to blame in BAD_USER_INPUT.
 */
export async function usePunch(
  em: EntityManager,
  viewer: Viewer,
  operationId: string,
  card: Account,
  service: ServiceItem,
  fields: { account: string; service: string },
  context: { storeId?: string; visitId?: string },
): Promise<LedgerEntry> {
  if (card.kind !== AccountKind.PUNCH_CARD)
    throw new BadInputError(fields.account, 'punchCard', 'This account is not a punch card.');
  assertUsable(card);
  const product = card.cardProduct ? await card.cardProduct.load({ populate: ['services'] }) : null;
  if (product && !product.services.getIdentifiers<string>().includes(service.id))
    throw new BadInputError(fields.service, 'covered', `${product.name} does not cover ${service.name}.`);
  if (!card.firstUsedAt) {
    card.firstUsedAt = new Date();
    if (card.startsOnFirstUse && card.validityDays)
      card.validUntil = new Date(card.firstUsedAt.getTime() + card.validityDays * DAY);
  }
  return post(em, viewer, operationId, card, {
    kind: LedgerEntryKind.PUNCH,
    unitsDelta: -1,
    serviceId: service.id,
    note: service.name,
    ...context,
  });
}
