/** The demo's pseudo-random choices: every seeder draws from one sequence, in a fixed order. */
export interface Random {
  next(): number;
  pick<T>(items: readonly T[]): T;
  /** Up to `max` items, repeats dropped (so often fewer). */
  some<T>(items: readonly T[], max: number): T[];
  chance(probability: number): boolean;
}

/**
 * Deterministic pseudo-random numbers, so every fresh start seeds the same demo archive. Each draw
 * moves the one sequence on: a seeder that draws in another order seeds other data.
 */
export function random(seed: number): Random {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  return {
    next,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    some: <T>(items: readonly T[], max: number): T[] => [
      ...new Set(
        Array.from(
          { length: Math.floor(next() * (max + 1)) },
          () => items[Math.floor(next() * items.length)],
        ),
      ),
    ],
    chance: (probability: number) => next() < probability,
  };
}
