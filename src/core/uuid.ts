const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a client's text is a uuid (an id of this API), checked before it reaches SQL. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** A uuid[] literal; anything that is not a uuid is left out, so nothing reaches the SQL text. */
export function uuidArray(ids: readonly string[]): string {
  return `{${ids.filter(isUuid).join(',')}}`;
}
