/**
 * Copies the given values onto an entity and returns the names of the fields that changed: the list an
 * audit row records. `undefined` leaves a field alone; `null` clears an optional field.
 */
export function changedFields<T extends object>(
  entity: T,
  changes: { [K in keyof T]?: T[K] | null | undefined },
): string[] {
  const changed: string[] = [];
  type Field = keyof T & string;
  for (const [field, value] of Object.entries(changes) as [Field, T[Field] | null][]) {
    if (value === undefined) continue;
    const next = (value ?? undefined) as T[Field];
    if (JSON.stringify(entity[field] ?? null) === JSON.stringify(next ?? null)) continue;
    entity[field] = next;
    changed.push(field);
  }
  return changed;
}
