/** Lower case without accents, so "pena" finds "Peña" and "JOSE" finds "José". */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Whether every word of `filter` starts a word in `text`, or occurs in it. */
export function matchesFilter(text: string, filter: string): boolean {
  const haystack = fold(text);
  return fold(filter)
    .split(/\s+/)
    .filter((word) => word !== "")
    .every((word) => haystack.includes(word));
}
