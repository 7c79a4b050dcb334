import { useEffect, useRef, type RefObject } from "react";

/** Focuses `target` the first time `when` is true (e.g. a page's heading once its data is in). */
export function useFocusOnce(target: RefObject<HTMLElement | null>, when: boolean): void {
  const done = useRef(false);
  useEffect(() => {
    if (!when || done.current) return;
    done.current = true;
    target.current?.focus();
  }, [target, when]);
}
