import { ArrayType, type Platform, type TransformContext } from '@mikro-orm/core';

/** An element of a PostgreSQL array literal, always quoted: only `"` and `\` need a backslash inside. */
const quoted = (item: string) => `"${item.replace(/["\\]/g, (character) => `\\${character}`)}"`;

/**
 * text[] of free text (主诉, keywords, scopes). MikroORM's PostgreSQL marshalling (6.6) quotes only
 * empty elements and those holding `"{},\`, so PostgreSQL read an element "null" as SQL NULL (every
 * later read of the non-null list answered INTERNAL_SERVER_ERROR), trimmed leading and trailing
 * spaces, and escaped the others with JSON rules (a newline next to a comma came back as "n").
 */
export class TextArrayType extends ArrayType<string> {
  override convertToDatabaseValue(
    value: string[] | null,
    platform: Platform,
    context?: TransformContext,
  ): string | null {
    if (!Array.isArray(value)) return super.convertToDatabaseValue(value, platform, context);
    return `{${value.map((item) => quoted(String(item))).join(',')}}`;
  }
}
