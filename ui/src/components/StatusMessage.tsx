import { useCallback, useState } from "react";

export interface Announcement {
  text: string;
  /** Bumped on every announcement, so the same words said twice are read out twice. */
  seq: number;
}

/** What a section says about what just happened; `announce` replaces it. */
export function useAnnouncement() {
  const [announcement, setAnnouncement] = useState<Announcement | null>(null);
  const announce = useCallback((text: string) => {
    setAnnouncement((previous) => ({ text, seq: (previous?.seq ?? 0) + 1 }));
  }, []);
  return { announcement, announce };
}

/**
 * A polite live region that is always in the page (so screen readers are listening before the
 * message arrives) and shows the latest message, if any.
 */
export function StatusMessage({
  announcement,
  testId,
}: {
  announcement: Announcement | null;
  testId?: string;
}) {
  return (
    <div className="status-message" role="status" data-testid={testId}>
      {announcement !== null && (
        <p key={announcement.seq} className="notice">
          {announcement.text}
        </p>
      )}
    </div>
  );
}
