import { describe, expect, it } from "vitest";
import { daysBetween, formatDate, todayLocal } from "../../format/dates";
import { aDeadline } from "../../test/commands";
import { byDue, dueStatus, noticeRecordedText, sentence } from "./deadlineText";

describe("calendar dates", () => {
  it("formats a date in the user's locale without shifting it by the time zone", () => {
    expect(formatDate("2026-05-28")).toBe("May 28, 2026");
    expect(formatDate("2026-01-01")).toBe("Jan 1, 2026");
    expect(formatDate("2026-02-30")).toBe("2026-02-30");
    expect(formatDate("soon")).toBe("soon");
  });

  it("takes today from the local calendar", () => {
    expect(todayLocal(new Date(2026, 0, 5, 23, 59))).toBe("2026-01-05");
    expect(todayLocal(new Date(2026, 11, 31, 0, 0))).toBe("2026-12-31");
  });

  it("counts whole days across months and daylight-saving changes", () => {
    expect(daysBetween("2026-03-02", "2026-05-28")).toBe(87);
    expect(daysBetween("2026-03-07", "2026-03-09")).toBe(2);
    expect(daysBetween("2026-05-20", "2026-05-19")).toBe(-1);
    expect(daysBetween("2026-05-20", "later")).toBeNull();
  });
});

describe("deadline words", () => {
  it("says how close a deadline is", () => {
    const today = "2026-05-20";
    expect(dueStatus({ due: "2026-05-19", done: false }, today)).toBe("overdue");
    expect(dueStatus({ due: "2026-05-20", done: false }, today)).toBe("soon");
    expect(dueStatus({ due: "2026-05-27", done: false }, today)).toBe("soon");
    expect(dueStatus({ due: "2026-05-28", done: false }, today)).toBe("later");
    expect(dueStatus({ due: "2026-05-01", done: true }, today)).toBe("done");
  });

  it("sorts by the date that counts, then by the order added", () => {
    const sorted = byDue(
      [
        aDeadline({ id: 3, due: "2026-06-01" }),
        aDeadline({ id: 2, due: "2026-05-01" }),
        aDeadline({ id: 1, due: "2026-06-01" }),
      ],
      (d) => d,
    );
    expect(sorted.map((d) => d.id)).toEqual([2, 1, 3]);
  });

  it("announces what is due after a notice", () => {
    expect(noticeRecordedText("rfe", aDeadline())).toBe(
      "Request for Evidence (RFE) recorded. Response due May 28, 2026.",
    );
    expect(noticeRecordedText("denial", aDeadline({ warnings: ["Check it."] }))).toBe(
      "Denial recorded. Appeal or motion due May 28, 2026. Check the warning shown with it.",
    );
  });

  it("turns the app's explanation into a sentence", () => {
    expect(sentence("84 days from the notice date")).toBe("84 days from the notice date.");
    expect(sentence("the printed date controls.")).toBe("The printed date controls.");
  });
});
