const number = new Intl.NumberFormat();

/** "1 matter", "12 matters", "1,204 characters" in the user's locale. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${number.format(count)} ${count === 1 ? singular : plural}`;
}
