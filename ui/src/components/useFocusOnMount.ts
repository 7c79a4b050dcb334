import { useEffect, useRef } from "react";

/** A ref for the element to focus when the component mounts, e.g. a form's first field. */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
