import { Migration } from '@mikro-orm/migrations';

/**
 * Removes NULL elements from the free-text text[] columns (those mapped by TextArrayType). Before
 * TextArrayType, MikroORM wrote an element spelled null (any letter case) unquoted, and PostgreSQL
 * stored SQL NULL; the API promises `[String!]`, so every later read of such a list answered
 * INTERNAL_SERVER_ERROR.
 *
 * Dropped, not turned back into 'null': a NULL element cannot tell "someone typed null, NULL or
 * Null" from a NULL written outside the API (an import, plain SQL), so writing 'null' would invent
 * text and its case. The word carries no meaning in a complaint, goal or keyword (most likely a
 * client serialized a missing value), and a NULL scope never was one of the validated scope names;
 * dropping it keeps every real entry and grants nothing. Changed health profiles get a new version,
 * so a client holding the old one re-reads before writing.
 *
 * `audit_event.fields` is left alone: its rows are append-only (a trigger refuses UPDATE even to the
 * owner) and its field names come from code, so the old marshalling never wrote NULL there.
 */
export class Migration20261201150000_text_array_nulls extends Migration {
  override async up(): Promise<void> {
    this.addSql(`update "health_profile"
      set "current_complaints" = array_remove("current_complaints", null),
          "wellness_goals" = array_remove("wellness_goals", null),
          "version" = "version" + 1,
          "updated_at" = now()
      where array_position("current_complaints", null) is not null
         or array_position("wellness_goals", null) is not null;`);
    this.addSql(`update "contraindication_tag"
      set "keywords" = array_remove("keywords", null), "updated_at" = now()
      where array_position("keywords", null) is not null;`);
    this.addSql(`update "api_key"
      set "scopes" = array_remove("scopes", null), "updated_at" = now()
      where array_position("scopes", null) is not null;`);
  }

  override async down(): Promise<void> {
    // Nothing to undo: the removed elements were not valid values, and which ones they were is gone.
  }
}
