import { BlobType, Entity, ManyToOne, OptionalProps, Property, type Ref, Unique } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { CustomerImport } from './customer-import.entity';

/**
 * The uploaded file's bytes in pieces of at most 256 KiB, so it is written while it arrives and read
 * back piece by piece (never whole in memory), by any instance or the job worker.
 */
@Entity()
@Unique({ name: 'customer_import_chunk_import_seq_unique', properties: ['customerImport', 'seq'] })
export class CustomerImportChunk extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @ManyToOne(() => CustomerImport, { ref: true, deleteRule: 'cascade' })
  customerImport!: Ref<CustomerImport>;

  @Property({ type: 'integer' })
  seq!: number;

  @Property({ type: BlobType })
  data!: Buffer;
}
