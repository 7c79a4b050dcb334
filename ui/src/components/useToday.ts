import { useEffect, useState } from "react";
import { todayLocal } from "../format/dates";

/**
 * Today's date in local time (YYYY-MM-DD). It moves on at midnight while the app is open, and is
 * checked again when the window comes back into focus (timers can run late after sleep).
 */
export function useToday(): string {
  const [today, setToday] = useState(() => todayLocal());
  useEffect(() => {
    const update = () => {
      setToday(todayLocal());
    };
    const now = new Date();
    const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
    // A second past midnight, so the new day has surely begun.
    const timer = setTimeout(update, midnight.getTime() - now.getTime() + 1000);
    window.addEventListener("focus", update);
    return () => {
      clearTimeout(timer);
      window.removeEventListener("focus", update);
    };
  }, [today]);
  return today;
}
