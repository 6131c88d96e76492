// A small seeded generator (mulberry32): every child process that runs a
// workload rebuilds exactly the same sequence from the seed, so the two
// engines being compared see identical inputs without passing files around.

export function seededRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** An integer in [min, max], both included. */
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  return { next, int };
}
