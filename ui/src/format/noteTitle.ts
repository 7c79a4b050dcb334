/** A note's title as lists show it: its own, or a plain stand-in when it has none. */
export function noteTitle(title: string): string {
  return title.trim() === "" ? "Untitled note" : title;
}
