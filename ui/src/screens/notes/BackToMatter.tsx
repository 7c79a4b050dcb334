import { BackButton } from "../../components/BackButton";
import { useMatter } from "../../data/caseQueries";

/** "Back to I-130 for spouse": the way up from a note to its matter. */
export function BackToMatter({ matterId, onBack }: { matterId: number; onBack: () => void }) {
  const matter = useMatter(matterId);
  const label = matter.state === "ready" ? `Back to ${matter.data.title}` : "Back to matter";
  return <BackButton label={label} testId="back-to-matter" onBack={onBack} />;
}
