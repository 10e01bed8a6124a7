import type { EntityManager } from '@mikro-orm/postgresql';
import { Room, Store } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import type { CreateRoomInput, UpdateRoomInput } from '../../schema/catalogue/catalogue.inputs';
import { NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import type { AuditService } from '../audit/audit.service';
import { changedFields } from '../changes';
import { withUniqueConflicts, type UniqueRule } from '../constraint-errors';
import { inTransaction } from '../transaction';

const UNIQUE_NAME: UniqueRule = {
  constraint: 'room_store_id_name_unique',
  field: 'name',
  reason: 'DUPLICATE_NAME',
  message: 'The store has a room with this name already.',
};

/** 房间 / 床位 of a store. Deactivated rooms are no longer offered; booked appointments keep them. */
export class RoomService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  create(input: CreateRoomInput): Promise<Room> {
    return withUniqueConflicts([UNIQUE_NAME], () =>
      inTransaction(this.em, async (em) => {
        const store = await em.findOne(Store, { id: input.storeId });
        if (!store) throw new NotFoundError('Store', input.storeId);
        const room = em.create(Room, {
          organization: this.viewer.organizationId,
          store,
          name: input.name.trim(),
          kind: input.kind.trim(),
        });
        this.audit.recordChange(em, AuditAction.CREATE, 'Room', room.id, undefined, ['name', 'kind']);
        return room;
      }),
    );
  }

  update(id: string, input: UpdateRoomInput): Promise<Room> {
    return withUniqueConflicts([UNIQUE_NAME], () =>
      inTransaction(this.em, async (em) => {
        const room = await em.findOne(Room, { id });
        if (!room) throw new NotFoundError('Room', id);
        const fields = changedFields(room, {
          name: input.name?.trim(),
          kind: input.kind?.trim(),
          active: input.active ?? undefined,
        });
        if (fields.length > 0)
          this.audit.recordChange(em, AuditAction.UPDATE, 'Room', room.id, undefined, fields);
        return room;
      }),
    );
  }
}
