// "1 live order", "2 live orders": every count a person reads is said with
// the right number, in one place.

export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
