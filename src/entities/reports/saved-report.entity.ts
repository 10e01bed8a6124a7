import { Check, Entity, ManyToOne, OptionalProps, Property, Unique, type Ref } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { User } from '../staff/user.entity';

/**
 * 自定义报表 saved for the organization: catalogue codes and filter values as JSON
 * (services/reports/custom-definition.ts), checked when saved and again when run.
 */
@Entity()
@Check({ name: 'saved_report_definition_check', expression: `jsonb_typeof(definition) = 'object'` })
@Unique({ properties: ['organization', 'name'] })
export class SavedReport extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'version';

  @Property({ length: 50 })
  name!: string;

  @Property({ length: 500, nullable: true })
  description?: string;

  @Property({ type: 'json' })
  definition!: Record<string, unknown>;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  createdBy?: Ref<User>;

  @Property({ version: true })
  version!: number;
}
